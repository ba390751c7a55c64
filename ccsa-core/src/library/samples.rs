//! The sample content: laws and standards (`data/laws.txt`), safety five
//! minutes articles (`data/articles.txt`), history-today accident records
//! (`data/accidents.txt`). Written in the team's own words; codes, dates
//! and casualty figures from the public records named in each entry.

use super::{
    Article, DocKind, LawDoc, NewAccident, NewArticle, NewLawDoc, NewTopic, Shelf, TopicItem,
};

const LAWS: &str = include_str!("../../data/laws.txt");
const ARTICLES: &str = include_str!("../../data/articles.txt");
const ACCIDENTS: &str = include_str!("../../data/accidents.txt");

/// The `key: value` records of a sample file (blank-line separated, `#`
/// comments).
struct Records(Vec<Vec<(String, String)>>);

impl Records {
    fn parse(text: &str) -> Records {
        Records(
            text.split("\n\n")
                .map(|block| {
                    block
                        .lines()
                        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                        .filter_map(|l| {
                            let (k, v) = l.split_once(": ")?;
                            Some((k.trim().to_string(), v.trim().to_string()))
                        })
                        .collect::<Vec<_>>()
                })
                .filter(|r| !r.is_empty())
                .collect(),
        )
    }
}

fn get<'a>(r: &'a [(String, String)], key: &str) -> Option<&'a str> {
    r.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn need<'a>(r: &'a [(String, String)], key: &str) -> &'a str {
    get(r, key).unwrap_or_else(|| panic!("sample record without {key}"))
}

fn date(s: &str) -> chrono::NaiveDate {
    s.parse().expect("sample date")
}

/// The sample law and standard database: 27 entries (laws, administrative
/// regulations, departmental rules, normative documents, national and
/// industry standards); two are superseded by newer editions.
pub fn sample_laws() -> Vec<NewLawDoc> {
    Records::parse(LAWS)
        .0
        .iter()
        .map(|r| NewLawDoc {
            code: need(r, "code").to_string(),
            title: need(r, "title").to_string(),
            kind: DocKind::parse(need(r, "kind")).expect("known kind"),
            issuer: need(r, "issuer").to_string(),
            issued_on: date(need(r, "issued")),
            effective_on: date(need(r, "effective")),
            repealed_on: get(r, "repealed").map(date),
            superseded_by: get(r, "superseded_by").map(str::to_string),
            summary: get(r, "summary").unwrap_or_default().to_string(),
            body: get(r, "body").unwrap_or_default().to_string(),
        })
        .collect()
}

/// Ten safety-five-minutes articles (安全五分钟): hot work, confined spaces,
/// safety data sheets, major hazard installations, static electricity,
/// leaks, protective equipment, shift handover, nitration, storage.
pub fn sample_articles() -> Vec<NewArticle> {
    Records::parse(ARTICLES)
        .0
        .iter()
        .map(|r| NewArticle {
            shelf: Shelf::SafetyFiveMinutes,
            title: need(r, "title").to_string(),
            body: need(r, "body").to_string(),
            minutes: need(r, "minutes").parse().expect("minutes"),
            tags: need(r, "tags").split('、').map(str::to_string).collect(),
            published_on: date(need(r, "published")),
        })
        .collect()
}

/// Sixteen history-today accident records (历史上的今天), among them the
/// 2015-08-12 Tianjin port explosion and the 2019-03-21 Xiangshui
/// explosion, each naming its source.
pub fn sample_accidents() -> Vec<NewAccident> {
    Records::parse(ACCIDENTS)
        .0
        .iter()
        .map(|r| {
            let n = |k: &str| need(r, k).parse::<u32>().expect("count");
            NewAccident {
                date: date(need(r, "date")),
                place: need(r, "place").to_string(),
                title: need(r, "title").to_string(),
                what_happened: need(r, "what").to_string(),
                deaths: n("deaths"),
                injured: n("injured"),
                missing: n("missing"),
                causes: need(r, "causes").to_string(),
                lessons: need(r, "lessons").to_string(),
                source: need(r, "source").to_string(),
            }
        })
        .collect()
}

/// The sample featured topic (精选专题) over the stored samples: the
/// special-work standard (GB 30871-2022, 危险化学品企业特殊作业安全规范)
/// and the first two safety-five-minutes articles.
///
/// ```
/// use ccsa_core::library::{sample_topic, TopicItem};
/// assert!(sample_topic(&[], &[]).items.is_empty());
/// ```
pub fn sample_topic(laws: &[LawDoc], articles: &[Article]) -> NewTopic {
    let special_work = laws.iter().find(|l| l.doc.code == "GB 30871-2022");
    NewTopic {
        title: "特殊作业：动火与受限空间".into(),
        cover: "八类特殊作业中事故最多的两类，先读规范，再读案例，最后练习。".into(),
        items: special_work
            .map(|l| TopicItem::Law(l.id))
            .into_iter()
            .chain(articles.iter().take(2).map(|a| TopicItem::Article(a.id)))
            .collect(),
        position: 1,
    }
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

    #[test]
    fn articles_and_accidents_are_valid() {
        let articles = sample_articles();
        assert_eq!(articles.len(), 10);
        for a in &articles {
            a.validate().unwrap_or_else(|e| panic!("{}: {e}", a.title));
        }
        let accidents = sample_accidents();
        assert_eq!(accidents.len(), 16);
        for a in &accidents {
            a.validate().unwrap_or_else(|e| panic!("{}: {e}", a.title));
        }
        let tianjin = accidents
            .iter()
            .find(|a| a.date.to_string() == "2015-08-12")
            .unwrap();
        assert_eq!(tianjin.casualties_zh(), "165人死亡、8人失踪、798人受伤");
        assert!(accidents.iter().any(|a| a.date.to_string() == "2019-03-21"));
    }
}
