//! Question-bank upload (题库上传) and export: rows from the Excel template,
//! Moodle GIFT or Aiken text become [`NewQuestion`]s with per-question
//! errors naming the line or row; the same modes as the member import
//! (dry run, all or nothing, valid rows). Export goes back to GIFT (and, in
//! `ccsa_core::spreadsheet`, to the Excel template).
//!
//! GIFT support: multiple choice (`=right ~wrong`), multiple answers
//! (`~%50%A ~%50%B ~%-100%C`: positive weights are correct), true/false
//! (`{T}`, `{FALSE}`), titles (`::t::`), `$CATEGORY:`, general feedback
//! (`####` → 解析), escapes; difficulty and specialty tags travel in a
//! `// ccsa:` comment. Short answer, numerical, matching, essay and
//! missing-word questions are refused with `GIFT_UNSUPPORTED` naming the
//! construct.
//!
//! ```
//! use ccsa_core::quiz::{parse_gift, to_gift, BankOwner, QuestionKind};
//!
//! let text = "$CATEGORY: 特殊作业\n::q1:: 受限空间作业应先：{=通风 ~作业 ~检测}\n";
//! let rows = parse_gift(text);
//! let q = rows[0].to_question(BankOwner::National, "通用").unwrap();
//! assert_eq!((q.kind, q.category.as_str(), q.answer.letters()), (QuestionKind::Single, "特殊作业", "A".to_string()));
//! let back = parse_gift(&to_gift(&[q.clone()]));
//! assert_eq!(back[0].to_question(BankOwner::National, "通用").unwrap(), q);
//! ```

use super::{BankOwner, Choices, MAX_OPTIONS, NewQuestion, Question, QuestionId, QuestionKind};
use crate::directory::ImportMode;
use crate::identity::fold_width;
use crate::{Error, ErrorCode, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One question as read from a file, before validation: every field as
/// text, with the line (GIFT, Aiken) or sheet row (Excel) it starts on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionRow {
    /// Line or sheet row number.
    pub line: u32,
    /// 题型 (单选/多选/判断); empty: inferred from the answer.
    pub kind: String,
    /// 题干
    pub stem: String,
    /// 选项A-F (blank ones dropped).
    pub options: Vec<String>,
    /// 答案 (letters; for 判断 also 正确/错误/对/错/√/×).
    pub answer: String,
    /// 解析
    pub explanation: String,
    /// 分类 (empty: the upload's default category).
    pub category: String,
    /// 专业 (separated by 、 , ; or spaces)
    pub specialties: String,
    /// 难度 1-5 (empty: 2)
    pub difficulty: String,
    /// A problem found while reading the file (unsupported GIFT construct,
    /// syntax), reported instead of validating.
    pub read_error: Option<(ErrorCode, String)>,
}

fn true_false_answer(s: &str) -> Option<Choices> {
    match fold_width(s).trim().to_ascii_uppercase().as_str() {
        "正确" | "对" | "√" | "T" | "TRUE" | "是" | "A" => Some(Choices::single(0)),
        "错误" | "错" | "×" | "X" | "F" | "FALSE" | "否" | "B" => Some(Choices::single(1)),
        _ => None,
    }
}

impl QuestionRow {
    /// Validates the row into a question of `owner`'s bank
    /// (`default_category` when the row has none). Errors carry the code of
    /// the first problem: `ANSWER_MISSING`, `ANSWER_NOT_AN_OPTION`,
    /// `OPTIONS_INVALID`, `QUESTION_INVALID`, `DIFFICULTY_INVALID`, or the
    /// read error.
    pub fn to_question(&self, owner: BankOwner, default_category: &str) -> Result<NewQuestion> {
        if let Some((code, note)) = &self.read_error {
            return Err(Error::new(*code).with_note(note.clone()));
        }
        let mut options: Vec<String> = self
            .options
            .iter()
            .map(|o| o.trim().to_string())
            .filter(|o| !o.is_empty())
            .collect();
        let kind = if self.kind.trim().is_empty() {
            None
        } else {
            Some(QuestionKind::parse(&self.kind).map_err(|_| {
                Error::new(ErrorCode::QuestionInvalid).with_note("题型应为单选、多选或判断")
            })?)
        };
        if self.answer.trim().is_empty() {
            return Err(ErrorCode::AnswerMissing.into());
        }
        let (kind, answer) = match kind {
            Some(QuestionKind::TrueFalse) => {
                if options.is_empty() {
                    options = vec!["正确".into(), "错误".into()];
                }
                let a = true_false_answer(&self.answer).ok_or(ErrorCode::AnswerNotAnOption)?;
                (QuestionKind::TrueFalse, a)
            }
            Some(k) => (k, Choices::parse(&self.answer)?),
            None => {
                let a = Choices::parse(&self.answer)?;
                let k = if a.len() > 1 {
                    QuestionKind::Multiple
                } else {
                    QuestionKind::Single
                };
                (k, a)
            }
        };
        if options.len() > MAX_OPTIONS {
            return Err(ErrorCode::OptionsInvalid.into());
        }
        let difficulty = match self.difficulty.trim() {
            "" => 2,
            d => d.parse().map_err(|_| ErrorCode::DifficultyInvalid)?,
        };
        let category = match self.category.trim() {
            "" => default_category.trim(),
            c => c,
        };
        NewQuestion {
            owner,
            kind,
            stem: self.stem.clone(),
            options,
            answer,
            explanation: self.explanation.clone(),
            category: category.to_string(),
            specialties: self
                .specialties
                .split(['、', ',', '，', ';', '；', ' '])
                .map(str::to_string)
                .collect(),
            difficulty,
            source: None,
        }
        .validate()
    }
}

/// What happened to one uploaded question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionLine {
    /// Line or sheet row number.
    pub line: u32,
    /// The stem (first 40 characters), to find it in the file.
    pub stem: String,
    /// The stored question (after writing).
    pub question: Option<QuestionId>,
    /// Why it was refused (None: accepted).
    pub error: Option<QuestionError>,
}

/// Why a question was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionError {
    /// Stable code.
    pub code: ErrorCode,
    /// Chinese message (with the detail, e.g. the other line of a duplicate
    /// or the unsupported GIFT construct).
    pub message: String,
    /// The earlier line, for duplicates within the file.
    pub other_line: Option<u32>,
}

/// The report of a question upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionUploadReport {
    /// The mode it ran in.
    pub mode: ImportMode,
    /// Whether anything was written.
    pub written: bool,
    /// One line per question, in file order.
    pub lines: Vec<QuestionLine>,
}

impl QuestionUploadReport {
    /// Questions accepted (written, or writable in a dry run).
    pub fn accepted(&self) -> usize {
        self.lines.iter().filter(|l| l.error.is_none()).count()
    }

    /// Questions refused.
    pub fn refused(&self) -> impl Iterator<Item = &QuestionLine> {
        self.lines.iter().filter(|l| l.error.is_some())
    }
}

/// The key two questions are duplicates by: kind and stem, ignoring
/// width, case, spaces and punctuation.
pub fn duplicate_key(kind: QuestionKind, stem: &str) -> String {
    let s: String = fold_width(stem)
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    format!("{}:{s}", kind.as_zh())
}

/// Checks uploaded rows against each other and against the bank they go
/// into (`existing`: the questions already there). Returns the report (no
/// question ids yet) and the questions to write, with their report lines.
pub fn plan_questions(
    rows: &[QuestionRow],
    owner: BankOwner,
    default_category: &str,
    existing: &[Question],
    mode: ImportMode,
) -> (QuestionUploadReport, Vec<(usize, NewQuestion)>) {
    let in_bank: std::collections::HashSet<String> = existing
        .iter()
        .filter(|q| q.body.owner == owner)
        .map(|q| duplicate_key(q.body.kind, &q.body.stem))
        .collect();
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut lines = Vec::with_capacity(rows.len());
    let mut writes = Vec::new();
    for r in rows {
        let fail = |code: ErrorCode, note: Option<String>, other: Option<u32>| QuestionError {
            code,
            message: match note {
                Some(n) => format!("{}（{n}）", code.message_zh()),
                None => code.message_zh().to_string(),
            },
            other_line: other,
        };
        let stem: String = r.stem.trim().chars().take(40).collect();
        let error = match r.to_question(owner, default_category) {
            Err(e) => Some(fail(e.code(), e.note().map(str::to_string), None)),
            Ok(q) => {
                let key = duplicate_key(q.kind, &q.stem);
                if let Some(&first) = seen.get(&key) {
                    Some(fail(
                        ErrorCode::QuestionDuplicate,
                        Some(format!("与第{first}行重复")),
                        Some(first),
                    ))
                } else if in_bank.contains(&key) {
                    Some(fail(
                        ErrorCode::QuestionDuplicate,
                        Some("题库中已有相同题目".into()),
                        None,
                    ))
                } else {
                    seen.insert(key, r.line);
                    writes.push((lines.len(), q));
                    None
                }
            }
        };
        lines.push(QuestionLine {
            line: r.line,
            stem,
            question: None,
            error,
        });
    }
    let failed = lines.iter().any(|l| l.error.is_some());
    let write = match mode {
        ImportMode::DryRun => false,
        ImportMode::AllOrNothing => !failed,
        ImportMode::ValidRows => true,
    };
    if !write {
        writes.clear();
    }
    let report = QuestionUploadReport {
        mode,
        written: !writes.is_empty(),
        lines,
    };
    (report, writes)
}

// ---- GIFT ------------------------------------------------------------------

/// Unescapes GIFT text (`\~ \= \# \{ \} \: \\`, `\n` as a line break).
fn gift_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(n) => out.push(n),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out.trim().to_string()
}

/// Escapes text for GIFT.
fn gift_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '~' | '=' | '#' | '{' | '}' | ':' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out
}

/// Splits at unescaped `sep` characters (any of them), keeping the separator
/// at the start of each piece.
fn split_unescaped(s: &str, seps: &[char]) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
        } else if c == '\\' {
            cur.push(c);
            escaped = true;
        } else if seps.contains(&c) {
            if !cur.trim().is_empty() {
                pieces.push(std::mem::take(&mut cur));
            }
            cur.clear();
            cur.push(c);
        } else {
            cur.push(c);
        }
    }
    if !cur.trim().is_empty() {
        pieces.push(cur);
    }
    pieces
}

/// The index of the first unescaped `c` in `s`.
fn find_unescaped(s: &str, c: char) -> Option<usize> {
    let mut escaped = false;
    for (i, ch) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if ch == '\\' {
            escaped = true;
        } else if ch == c {
            return Some(i);
        }
    }
    None
}

fn unsupported(construct: &str) -> Option<(ErrorCode, String)> {
    Some((ErrorCode::GiftUnsupported, construct.to_string()))
}

/// Parses Moodle GIFT text into rows (one per question, in order); see the
/// module docs for what is supported. Never fails: problems are carried in
/// [`QuestionRow::read_error`].
pub fn parse_gift(text: &str) -> Vec<QuestionRow> {
    let mut rows = Vec::new();
    let mut category = String::new();
    let mut meta = (String::new(), String::new());
    let mut block: Vec<(u32, String)> = Vec::new();
    let lines: Vec<&str> = text.trim_start_matches('\u{FEFF}').lines().collect();
    let flush = |block: &mut Vec<(u32, String)>,
                 rows: &mut Vec<QuestionRow>,
                 category: &str,
                 meta: &mut (String, String)| {
        if block.is_empty() {
            return;
        }
        let line = block[0].0;
        let text: String = block
            .iter()
            .map(|(_, l)| l.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        block.clear();
        let mut row = gift_question(&text);
        row.line = line;
        row.category = category.to_string();
        row.difficulty = std::mem::take(&mut meta.0);
        row.specialties = std::mem::take(&mut meta.1);
        rows.push(row);
    };
    for (i, raw) in lines.iter().enumerate() {
        let l = raw.trim_end();
        let t = l.trim_start();
        if let Some(c) = t.strip_prefix("// ccsa:") {
            for part in c.split(';') {
                if let Some((k, v)) = part.split_once('=') {
                    match k.trim() {
                        "difficulty" => meta.0 = v.trim().to_string(),
                        "specialties" => meta.1 = v.trim().to_string(),
                        _ => {}
                    }
                }
            }
            continue;
        }
        if t.starts_with("//") {
            continue;
        }
        if let Some(c) = t.strip_prefix("$CATEGORY:") {
            flush(&mut block, &mut rows, &category, &mut meta);
            category = c
                .trim()
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            continue;
        }
        if t.is_empty() {
            flush(&mut block, &mut rows, &category, &mut meta);
            continue;
        }
        block.push((i as u32 + 1, l.to_string()));
    }
    flush(&mut block, &mut rows, &category, &mut meta);
    rows
}

/// One GIFT question (without category or metadata).
fn gift_question(text: &str) -> QuestionRow {
    let mut row = QuestionRow::default();
    let mut body = text.trim();
    // ::title::
    if let Some(rest) = body.strip_prefix("::")
        && let Some(end) = rest.find("::")
    {
        body = rest[end + 2..].trim_start();
    }
    for marker in ["[html]", "[moodle]", "[plain]", "[markdown]"] {
        if let Some(rest) = body.strip_prefix(marker) {
            body = rest.trim_start();
        }
    }
    let Some(open) = find_unescaped(body, '{') else {
        row.stem = gift_unescape(body);
        row.read_error = Some((ErrorCode::QuestionSyntax, "缺少答案块 {…}".into()));
        return row;
    };
    let after_open = &body[open + 1..];
    let Some(close) = find_unescaped(after_open, '}') else {
        row.stem = gift_unescape(&body[..open]);
        row.read_error = Some((ErrorCode::QuestionSyntax, "答案块缺少 }".into()));
        return row;
    };
    let answers = after_open[..close].trim();
    let trailing = after_open[close + 1..].trim();
    row.stem = gift_unescape(&body[..open]);
    if !trailing.is_empty() {
        row.stem = format!("{} ____ {}", row.stem, gift_unescape(trailing));
        row.read_error = unsupported("缺词题 (missing word)");
        return row;
    }
    // General feedback: ####text at the end of the block.
    let (answers, general) = match answers.find("####") {
        Some(i) => (answers[..i].trim(), gift_unescape(&answers[i + 4..])),
        None => (answers, String::new()),
    };
    row.explanation = general;
    if answers.is_empty() {
        row.read_error = unsupported("问答题 (essay)");
        return row;
    }
    if answers.starts_with('#') {
        row.read_error = unsupported("数值题 (numerical)");
        return row;
    }
    let head = answers.split('#').next().unwrap_or_default().trim();
    match head.to_ascii_uppercase().as_str() {
        "T" | "TRUE" => {
            row.kind = "判断".into();
            row.answer = "A".into();
            return row;
        }
        "F" | "FALSE" => {
            row.kind = "判断".into();
            row.answer = "B".into();
            return row;
        }
        _ => {}
    }
    if answers.contains("->") {
        row.read_error = unsupported("匹配题 (matching)");
        return row;
    }
    let pieces = split_unescaped(answers, &['=', '~']);
    if pieces.is_empty()
        || !pieces
            .iter()
            .all(|p| p.starts_with('=') || p.starts_with('~'))
    {
        row.read_error = Some((ErrorCode::QuestionSyntax, "答案块无法识别".into()));
        return row;
    }
    if pieces.iter().all(|p| p.starts_with('=')) {
        row.read_error = unsupported("填空题 (short answer)");
        return row;
    }
    let mut correct = String::new();
    let mut weighted = false;
    for (i, p) in pieces.iter().enumerate() {
        let (sign, rest) = p.split_at(1);
        let mut rest = rest.trim();
        let mut right = sign == "=";
        if let Some(w) = rest.strip_prefix('%')
            && let Some(end) = w.find('%')
        {
            weighted = true;
            right = w[..end].trim().parse::<f64>().is_ok_and(|x| x > 0.0);
            rest = w[end + 1..].trim();
        }
        // Per-answer feedback (#...) is dropped.
        let text = match find_unescaped(rest, '#') {
            Some(h) => &rest[..h],
            None => rest,
        };
        row.options.push(gift_unescape(text));
        if right && i < 26 {
            correct.push((b'A' + i as u8) as char);
        }
    }
    row.kind = if weighted || correct.len() > 1 {
        "多选".into()
    } else {
        "单选".into()
    };
    row.answer = correct;
    row
}

/// Writes questions as GIFT: `$CATEGORY:` when it changes, a `// ccsa:`
/// comment with difficulty and specialties, the explanation as general
/// feedback; multiple-choice answers as weights that sum to 100%.
pub fn to_gift(questions: &[NewQuestion]) -> String {
    let mut out = String::new();
    let mut category: Option<&str> = None;
    for (i, q) in questions.iter().enumerate() {
        if category != Some(q.category.as_str()) {
            out.push_str(&format!("$CATEGORY: {}\n\n", q.category));
            category = Some(q.category.as_str());
        }
        out.push_str(&format!(
            "// ccsa: difficulty={}; specialties={}\n",
            q.difficulty,
            q.specialties.join("、")
        ));
        out.push_str(&format!("::Q{}:: {} {{", i + 1, gift_escape(&q.stem)));
        match q.kind {
            QuestionKind::TrueFalse => out.push_str(if q.answer.contains(0) {
                "TRUE"
            } else {
                "FALSE"
            }),
            QuestionKind::Single => {
                for (k, o) in q.options.iter().enumerate() {
                    let mark = if q.answer.contains(k as u8) { '=' } else { '~' };
                    out.push_str(&format!("\n\t{mark}{}", gift_escape(o)));
                }
            }
            QuestionKind::Multiple => {
                let right = q.answer.len().max(1);
                for (k, o) in q.options.iter().enumerate() {
                    let w = if q.answer.contains(k as u8) {
                        format!("{}", 100.0 / right as f64)
                    } else {
                        "-100".to_string()
                    };
                    out.push_str(&format!("\n\t~%{w}%{}", gift_escape(o)));
                }
            }
        }
        if !q.explanation.is_empty() {
            out.push_str(&format!("\n\t####{}", gift_escape(&q.explanation)));
        }
        out.push_str("\n}\n\n");
    }
    out
}

// ---- Aiken -------------------------------------------------------------------

/// Parses Aiken text: a question line, option lines `A.` or `A)`, then
/// `ANSWER: X`; questions separated by blank lines. Several letters after
/// `ANSWER:` make a multiple-choice question (an extension of the format).
pub fn parse_aiken(text: &str) -> Vec<QuestionRow> {
    let mut rows = Vec::new();
    let mut cur: Option<QuestionRow> = None;
    for (i, raw) in text.trim_start_matches('\u{FEFF}').lines().enumerate() {
        let raw = raw.trim();
        let l = fold_width(raw);
        if l.is_empty() {
            continue;
        }
        let is_option = {
            let mut cs = l.chars();
            matches!(
                (cs.next(), cs.next()),
                (Some('A'..='Z'), Some('.' | ')' | '、'))
            )
        };
        if let Some(ans) = l.strip_prefix("ANSWER:") {
            match cur.take() {
                Some(mut r) => {
                    r.answer = ans.trim().to_string();
                    rows.push(r);
                }
                None => rows.push(QuestionRow {
                    line: i as u32 + 1,
                    read_error: Some((ErrorCode::QuestionSyntax, "ANSWER 行前没有题干".into())),
                    ..Default::default()
                }),
            }
        } else if is_option && let Some(r) = cur.as_mut() {
            // The text after the letter and its mark, as written.
            let text: String = raw.chars().skip(2).collect();
            r.options.push(text.trim().to_string());
        } else {
            if let Some(mut r) = cur.take() {
                r.read_error = Some((ErrorCode::AnswerMissing, "缺少 ANSWER: 行".into()));
                rows.push(r);
            }
            cur = Some(QuestionRow {
                line: i as u32 + 1,
                stem: raw.to_string(),
                ..Default::default()
            });
        }
    }
    if let Some(mut r) = cur {
        r.read_error = Some((ErrorCode::AnswerMissing, "缺少 ANSWER: 行".into()));
        rows.push(r);
    }
    rows
}

/// Writes single- and multiple-choice questions as Aiken (true/false ones
/// as two options); category, explanation and tags are not part of Aiken.
pub fn to_aiken(questions: &[NewQuestion]) -> String {
    let mut out = String::new();
    for q in questions {
        out.push_str(&q.stem.replace('\n', " "));
        out.push('\n');
        for (k, o) in q.options.iter().enumerate() {
            out.push_str(&format!("{}. {}\n", (b'A' + k as u8) as char, o));
        }
        out.push_str(&format!("ANSWER: {}\n\n", q.answer.letters()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nq(rows: &[QuestionRow]) -> Vec<Result<NewQuestion>> {
        rows.iter()
            .map(|r| r.to_question(BankOwner::National, "通用"))
            .collect()
    }

    #[test]
    fn gift_constructs() {
        let text = "// a comment\n$CATEGORY: $course$/安全/特殊作业\n\n\
            ::t1:: 动火分析合格后多久内应动火？ {\n\t=30分钟\n\t~2小时\n\t~4小时#太久\n\t####间隔过长分析失效\n}\n\n\
            受限空间作业应当：{~%50%先通风 ~%50%再检测 ~%-100%直接进入}\n\n\
            硫化氢有臭鸡蛋味。{T}\n\n\
            闪点越高越危险。{FALSE}\n\n\
            氢气的爆炸下限是 {=4% =4}\n\n\
            π ≈ {#3.14:0.01}\n\n\
            配对 {=A -> 1 =B -> 2}\n\n\
            谈谈你的看法 {}\n\n\
            液氯钢瓶应 {~卧放 =直立} 存放。\n\n\
            括号\\{转义\\} 是否正确 {TRUE}\n\n\
            没有答案块\n";
        let rows = parse_gift(text);
        assert_eq!(rows.len(), 11);
        assert_eq!(rows[0].line, 4);
        assert_eq!(
            rows[10].read_error.as_ref().unwrap().0,
            ErrorCode::QuestionSyntax
        );
        let qs = nq(&rows);
        let q0 = qs[0].as_ref().unwrap();
        assert_eq!(q0.category, "特殊作业");
        assert_eq!(q0.answer.letters(), "A");
        assert_eq!(q0.options, ["30分钟", "2小时", "4小时"]);
        assert_eq!(q0.explanation, "间隔过长分析失效");
        let q1 = qs[1].as_ref().unwrap();
        assert_eq!(
            (q1.kind, q1.answer.letters()),
            (QuestionKind::Multiple, "AB".to_string())
        );
        assert_eq!(qs[2].as_ref().unwrap().answer.letters(), "A");
        assert_eq!(qs[3].as_ref().unwrap().kind, QuestionKind::TrueFalse);
        let unsupported: Vec<String> = rows[4..8]
            .iter()
            .map(|r| r.read_error.clone().unwrap().1)
            .collect();
        assert_eq!(
            unsupported,
            [
                "填空题 (short answer)",
                "数值题 (numerical)",
                "匹配题 (matching)",
                "问答题 (essay)"
            ]
        );
        assert_eq!(
            rows[8].read_error.as_ref().unwrap().1,
            "缺词题 (missing word)"
        );
        assert_eq!(qs[9].as_ref().unwrap().stem, "括号{转义} 是否正确");
        assert_eq!(
            qs[4].as_ref().unwrap_err().code(),
            ErrorCode::GiftUnsupported
        );
        assert_eq!(
            parse_gift("只有题干 {=A")[0].read_error.as_ref().unwrap().0,
            ErrorCode::QuestionSyntax
        );
    }

    #[test]
    fn aiken_and_errors() {
        let text = "下列属于易燃气体的是：\nA. 氮气\nB) 氢气\nC. 氩气\nANSWER: B\n\n\
            燃烧三要素包括：\nA. 可燃物\nB. 助燃物\nC. 点火源\nD. 催化剂\nANSWER: ABC\n\n\
            没有答案的题\nA. 是\nB. 否\n\n\
            答案不在选项中\nA. 甲\nB. 乙\nANSWER: D\n";
        let rows = parse_aiken(text);
        assert_eq!(rows.len(), 4);
        let qs = nq(&rows);
        assert_eq!(qs[0].as_ref().unwrap().answer.letters(), "B");
        assert_eq!(qs[1].as_ref().unwrap().kind, QuestionKind::Multiple);
        assert_eq!(qs[2].as_ref().unwrap_err().code(), ErrorCode::AnswerMissing);
        assert_eq!(rows[2].line, 14);
        assert_eq!(
            qs[3].as_ref().unwrap_err().code(),
            ErrorCode::AnswerNotAnOption
        );
    }

    #[test]
    fn round_trips_keep_everything() {
        let bank = crate::sample::national_bank();
        let back = nq(&parse_gift(&to_gift(&bank)));
        for (q, b) in bank.iter().zip(&back) {
            let b = b.as_ref().unwrap();
            assert_eq!(
                NewQuestion {
                    source: None,
                    ..q.clone()
                },
                *b
            );
        }
        assert_eq!(back.len(), bank.len());
        let choice: Vec<NewQuestion> = bank
            .iter()
            .filter(|q| q.kind != QuestionKind::TrueFalse)
            .cloned()
            .collect();
        let aiken = nq(&parse_aiken(&to_aiken(&choice)));
        for (q, b) in choice.iter().zip(&aiken) {
            let b = b.as_ref().unwrap();
            assert_eq!(
                (&q.stem, &q.options, q.answer, q.kind),
                (&b.stem, &b.options, b.answer, b.kind)
            );
        }
    }

    #[test]
    fn plan_reports_duplicates_and_modes() {
        let rows = parse_aiken(
            "题一\nA. 是\nB. 否\nANSWER: A\n\n题 一\nA. 是\nB. 否\nANSWER: A\n\n题二\nA. 是\nB. 否\nANSWER: C\n",
        );
        let (report, writes) = plan_questions(
            &rows,
            BankOwner::National,
            "通用",
            &[],
            ImportMode::ValidRows,
        );
        assert_eq!(writes.len(), 1);
        assert_eq!(
            report.lines[1].error.as_ref().unwrap().code,
            ErrorCode::QuestionDuplicate
        );
        assert_eq!(report.lines[1].error.as_ref().unwrap().other_line, Some(1));
        assert_eq!(
            report.lines[2].error.as_ref().unwrap().code,
            ErrorCode::AnswerNotAnOption
        );
        let (r, w) = plan_questions(
            &rows,
            BankOwner::National,
            "通用",
            &[],
            ImportMode::AllOrNothing,
        );
        assert!(w.is_empty() && !r.written);
        let (r, w) = plan_questions(
            &rows[..1],
            BankOwner::National,
            "通用",
            &[],
            ImportMode::DryRun,
        );
        assert!(w.is_empty() && !r.written && r.accepted() == 1);
    }
}
