//! Aligned text tables that account for the double width of CJK characters.

/// Display width of a string in a terminal: East Asian wide characters count 2.
pub fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

/// Left or right alignment of a column.
#[derive(Clone, Copy)]
pub enum Align {
    Left,
    Right,
}

/// Renders rows under a header, columns padded to their widest cell.
pub fn render(header: &[&str], align: &[Align], rows: &[Vec<String>]) -> String {
    let n = header.len();
    let mut w: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(n) {
            w[i] = w[i].max(width(c));
        }
    }
    let line = |cells: Vec<String>| -> String {
        let mut out = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = " ".repeat(w[i].saturating_sub(width(c)));
            match align[i] {
                Align::Left => {
                    out.push_str(c);
                    if i + 1 < n {
                        out.push_str(&pad);
                    }
                }
                Align::Right => {
                    out.push_str(&pad);
                    out.push_str(c);
                }
            }
            if i + 1 < n {
                out.push_str("  ");
            }
        }
        out.trim_end().to_string()
    };
    let mut out = line(header.iter().map(|s| s.to_string()).collect());
    out.push('\n');
    out.push_str(
        &w.iter()
            .map(|x| "─".repeat(*x))
            .collect::<Vec<_>>()
            .join("  "),
    );
    out.push('\n');
    for r in rows {
        out.push_str(&line(r.clone()));
        out.push('\n');
    }
    out
}
