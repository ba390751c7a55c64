//! No SQL is built from values: every value reaches the database as a bound
//! parameter. Statements are text constants, or `format!` strings whose
//! interpolations are only placeholders (`$1`, lists of them), column-list
//! constants, SQL spelled per backend, and fragments built the same way.
//!
//! This test reads the store's sources and checks every `format!` that
//! writes SQL: each interpolated name must be one of those known to hold
//! such text (the allowlist below). A new interpolation fails the test
//! until someone has checked it is not a value and added it here.

use std::collections::BTreeSet;

/// Interpolations known to hold SQL text, never a value: placeholder
/// strings from `arg`/`values`/`list`, `ALL_CAPS` column lists and
/// spellings, fragments built from those, and a validated database name.
const ALLOWED: &[&str] = &[
    // placeholders: `$n`, `${first}`, or strings made by `arg()`
    "n",
    "first",
    "m",
    "l",
    "p",
    "d",
    "i",
    "o",
    // backend spellings (`STRING_AGG`, `DAY_TEXT`, `DUE_TEXT`, instr/strpos)
    "pos",
    "column",
    "agg",
    "day_text",
    "due_text",
    // the standings source per period: string literals and placeholders
    "points",
    "reached",
    "from",
    "key",
    "scope_sql",
    // fragments assembled from the above
    "sql",
    "inner",
    "where_sql",
    "body",
    "c",
    "what",
    // the vault's in-place conversion: table and column names from the
    // `SEALED_TABLES` constant, fragments of them, a placeholder number
    "table",
    "cols",
    "sealed",
    "filter",
    "sets",
    "last",
    // `create_database`: checked to be [A-Za-z0-9_]+ first
    "name",
    "base",
];

/// SQL keywords that mark a `format!` string as a statement.
const SQL: &[&str] = &[
    "SELECT ", "INSERT ", "UPDATE ", "DELETE ", " WHERE ", "VALUES ", "DROP ", "CREATE ", " AND ",
    " OR ", "LIKE ", "MATCH ", "ARRAY[",
];

/// The `{...}` names in a format string (`{}` and `{{` skipped).
fn interpolations(lit: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = lit.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'{' {
            if b.get(i + 1) == Some(&b'{') {
                i += 2;
                continue;
            }
            let end = lit[i..].find('}').map(|e| i + e).expect("closed brace");
            let inner = lit[i + 1..end].split(':').next().unwrap_or("");
            if !inner.is_empty() {
                out.push(inner.to_string());
            }
            i = end + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Every `format!(` string literal in `src` with its line number, and the
/// text of its arguments up to the closing parenthesis.
fn format_calls(src: &str) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = src[from..].find("format!(") {
        let start = from + at + "format!(".len();
        from = start;
        let rest = &src[start..];
        let Some(q) = rest.find('"') else { continue };
        if !rest[..q].trim().is_empty() {
            continue; // not a literal first argument
        }
        // the literal, honouring escapes
        let mut lit = String::new();
        let mut chars = rest[q + 1..].char_indices();
        let mut end = 0;
        while let Some((k, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, n)) = chars.next() {
                        lit.push(n);
                    }
                }
                '"' => {
                    end = q + 1 + k + 1;
                    break;
                }
                _ => lit.push(c),
            }
        }
        // arguments until the matching ')'
        let mut depth = 1;
        let mut args = String::new();
        for c in rest[end..].chars() {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                break;
            }
            args.push(c);
        }
        let line = src[..start].lines().count();
        out.push((line, lit, args));
    }
    out
}

/// Whether a positional argument is one of the shapes that produce SQL text
/// only: a placeholder list, a join of fragments, a constant, a number.
fn safe_positional(arg: &str) -> bool {
    // a named argument (`due_text = <$store>::DUE_TEXT`) is judged by its value
    let a = arg.split_once(" = ").map_or(arg, |(_, v)| v).trim();
    let constant_path = a.rsplit("::").next().is_some_and(|last| {
        !last.is_empty() && last.chars().all(|c| c.is_ascii_uppercase() || c == '_')
    });
    a.is_empty()
        || constant_path
        || a.contains(".values(")
        || a.contains(".list(")
        || a.contains(".at(")
        || a.contains(".join(")
        // placeholder arithmetic over loop counters (`2 * i + 1`)
        || a.chars().all(|c| c.is_ascii_digit() || " +-*in".contains(c))
        || ["n - 1", "n - 2", "n + 1", "args.len()", "cols.len() + 1"].contains(&a)
}

#[test]
fn every_value_in_sql_is_bound() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut checked = 0;
    let mut problems = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let src = std::fs::read_to_string(&path).unwrap();
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        for (line, lit, args) in format_calls(&src) {
            if !SQL.iter().any(|k| lit.contains(k)) {
                continue;
            }
            checked += 1;
            for name in interpolations(&lit) {
                let constant = name.chars().all(|c| c.is_ascii_uppercase() || c == '_');
                let placeholder_expr = name
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-*".contains(c))
                    || name == "n + 1";
                if !(constant || placeholder_expr || ALLOWED.contains(&name.as_str())) {
                    problems.insert(format!("{file}:{line}: {{{name}}} in {lit:?}"));
                }
            }
            // positional arguments (for `{}`): split at top-level commas
            let mut depth = 0;
            let mut cur = String::new();
            let mut positional = Vec::new();
            for c in args.chars() {
                match c {
                    '(' | '[' | '{' | '<' => depth += 1,
                    ')' | ']' | '}' | '>' => depth -= 1,
                    _ => {}
                }
                if c == ',' && depth == 0 {
                    positional.push(std::mem::take(&mut cur));
                } else {
                    cur.push(c);
                }
            }
            positional.push(cur);
            for a in positional.iter().skip(1) {
                let a = a.trim();
                if a.is_empty() {
                    continue;
                }
                let simple = a.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !(safe_positional(a) || simple && ALLOWED.contains(&a)) {
                    problems.insert(format!("{file}:{line}: argument `{a}` in {lit:?}"));
                }
            }
        }
    }
    assert!(
        checked > 40,
        "only {checked} SQL format! calls found: the scan is broken"
    );
    println!("{checked} SQL format! strings checked");
    assert!(
        problems.is_empty(),
        "SQL built from something not known to be SQL text (check it is not a value, then allow it):\n{}",
        problems.into_iter().collect::<Vec<_>>().join("\n")
    );
}
