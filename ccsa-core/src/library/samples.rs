//! The sample law and standard entries (`data/laws.txt`).

use super::{DocKind, NewLawDoc};

const LAWS: &str = include_str!("../../data/laws.txt");

/// The sample law and standard database: 27 entries (laws, administrative
/// regulations, departmental rules, normative documents, national and
/// industry standards), written in the team's own words with codes and
/// dates from public records; two are superseded by newer editions.
pub fn sample_laws() -> Vec<NewLawDoc> {
    LAWS.split("\n\n")
        .map(|block| {
            block
                .lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .collect::<Vec<_>>()
        })
        .filter(|lines| !lines.is_empty())
        .map(|lines| {
            let field = |key: &str| {
                lines
                    .iter()
                    .find_map(|l| l.strip_prefix(key)?.strip_prefix(": "))
                    .map(str::trim)
            };
            let date = |key: &str| field(key).map(|d| d.parse().expect("sample date"));
            NewLawDoc {
                code: field("code").expect("code").to_string(),
                title: field("title").expect("title").to_string(),
                kind: DocKind::parse(field("kind").expect("kind")).expect("known kind"),
                issuer: field("issuer").expect("issuer").to_string(),
                issued_on: date("issued").expect("issued"),
                effective_on: date("effective").expect("effective"),
                repealed_on: date("repealed"),
                superseded_by: field("superseded_by").map(str::to_string),
                summary: field("summary").unwrap_or_default().to_string(),
                body: field("body").unwrap_or_default().to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_valid_and_distinct() {
        let laws = sample_laws();
        assert_eq!(laws.len(), 27);
        let mut codes: Vec<&str> = laws.iter().map(|l| l.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), laws.len());
        for l in &laws {
            l.validate().unwrap_or_else(|e| panic!("{}: {e}", l.code));
            if let Some(s) = &l.superseded_by {
                assert!(laws.iter().any(|x| &x.code == s), "{s} is in the samples");
            }
        }
        for kind in [
            DocKind::Law,
            DocKind::AdministrativeRegulation,
            DocKind::DepartmentalRule,
            DocKind::NormativeDocument,
            DocKind::NationalStandard,
            DocKind::IndustryStandard,
        ] {
            assert!(laws.iter().any(|l| l.kind == kind), "{kind:?}");
        }
    }
}
