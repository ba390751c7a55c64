//! `MemoryStore`'s law and standard database: documents with their folded
//! search keys and a character-bigram [`NgramIndex`].

use crate::library::{
    LawDoc, LawFilter, LawId, LawPage, NewLawDoc, NgramIndex, SearchTerms, code_key, search_key,
};
use crate::{ErrorCode, Result};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// A document and its search keys: code, title, summary, body.
#[derive(Debug, Clone)]
struct Shelved {
    doc: LawDoc,
    keys: [String; 4],
}

impl Shelved {
    fn new(doc: LawDoc) -> Self {
        let d = &doc.doc;
        let keys = [
            code_key(&d.code),
            search_key(&d.title),
            search_key(&d.summary),
            search_key(&d.body),
        ];
        Shelved { doc, keys }
    }
}

/// Every document, by id, with the code index and the bigram index.
#[derive(Debug, Default)]
pub(super) struct LawShelf {
    docs: BTreeMap<LawId, Shelved>,
    by_code: HashMap<String, LawId>,
    index: NgramIndex,
}

impl LawShelf {
    /// Adds documents, all or none; ids come from `next_id`.
    pub(super) fn insert(
        &mut self,
        docs: Vec<NewLawDoc>,
        mut next_id: impl FnMut() -> i64,
    ) -> Result<Vec<LawDoc>> {
        let mut seen: HashMap<String, ()> = HashMap::new();
        for d in &docs {
            d.validate()?;
            let key = d.code_key();
            if self.by_code.contains_key(&key) || seen.insert(key, ()).is_some() {
                return Err(ErrorCode::LawCodeTaken.into());
            }
        }
        let mut out = Vec::with_capacity(docs.len());
        for doc in docs {
            let id = LawId(next_id());
            let shelved = Shelved::new(LawDoc { id, doc });
            let k = &shelved.keys;
            self.index.add(id.0, &[&k[0], &k[1], &k[2], &k[3]]);
            self.by_code.insert(k[0].clone(), id);
            out.push(shelved.doc.clone());
            self.docs.insert(id, shelved);
        }
        Ok(out)
    }

    pub(super) fn update(&mut self, id: LawId, doc: NewLawDoc) -> Result<LawDoc> {
        doc.validate()?;
        let old = self.docs.get(&id).ok_or(ErrorCode::LawNotFound)?;
        let key = doc.code_key();
        if self.by_code.get(&key).is_some_and(|o| *o != id) {
            return Err(ErrorCode::LawCodeTaken.into());
        }
        self.by_code.remove(&old.keys[0]);
        self.by_code.insert(key, id);
        self.docs.insert(id, Shelved::new(LawDoc { id, doc }));
        // Postings cannot shrink in place: rebuild (edits are rare).
        let mut index = NgramIndex::default();
        for (id, s) in &self.docs {
            let k = &s.keys;
            index.add(id.0, &[&k[0], &k[1], &k[2], &k[3]]);
        }
        self.index = index;
        Ok(self.docs[&id].doc.clone())
    }

    pub(super) fn get(&self, id: LawId) -> Option<LawDoc> {
        self.docs.get(&id).map(|s| s.doc.clone())
    }

    pub(super) fn search(
        &self,
        terms: &SearchTerms,
        filter: &LawFilter,
        day: NaiveDate,
        offset: usize,
        limit: usize,
    ) -> LawPage {
        fn judge<'a>(
            s: &'a Shelved,
            terms: &SearchTerms,
            filter: &LawFilter,
            day: NaiveDate,
        ) -> Option<(&'a Shelved, u32)> {
            if !filter.accepts(&s.doc.doc, day) {
                return None;
            }
            let k = &s.keys;
            terms
                .score_keys(&k[0], &k[1], &k[2], &k[3])
                .map(|score| (s, score))
        }
        let mut hits: Vec<(&Shelved, u32)> = match self.index.candidates(terms) {
            Some(ids) => ids
                .iter()
                .filter_map(|id| self.docs.get(&LawId(*id)))
                .filter_map(|s| judge(s, terms, filter, day))
                .collect(),
            None => self
                .docs
                .values()
                .filter_map(|s| judge(s, terms, filter, day))
                .collect(),
        };
        hits.sort_by(|(a, sa), (b, sb)| {
            sb.cmp(sa)
                .then(b.doc.doc.effective_on.cmp(&a.doc.doc.effective_on))
                .then(a.doc.id.cmp(&b.doc.id))
        });
        LawPage {
            total: hits.len(),
            matches: hits
                .into_iter()
                .skip(offset)
                .take(limit)
                .map(|(s, score)| (s.doc.clone(), score))
                .collect(),
        }
    }
}
