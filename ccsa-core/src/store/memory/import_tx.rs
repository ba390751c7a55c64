//! `MemoryStore`'s import transaction: batches are checked against the
//! store plus what earlier batches staged, and applied at commit, under the
//! lock, after checking everything again (other writers may have run
//! between batches).

use super::{MemberRow, MemoryStore, State};
use crate::directory::{ImportOp, Member, MemberId, NewMember};
use crate::identity::{IdNumber, Phone};
use crate::registry::OrgId;
use crate::store::ImportTx;
use crate::{ErrorCode, Result};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// What staged writes change, on top of the store's state.
#[derive(Default)]
struct Overlay {
    /// Phone → its holder after the staged writes (`None`: freed).
    phones: HashMap<String, Option<MemberId>>,
    /// ID number → its holder after the staged writes (`None`: freed).
    id_numbers: HashMap<String, Option<MemberId>>,
    /// Members as the staged writes leave them.
    members: HashMap<MemberId, Member>,
}

impl Overlay {
    fn phone_holder(&self, s: &State, phone: &str) -> Option<MemberId> {
        match self.phones.get(phone) {
            Some(h) => *h,
            None => s.phone_index.get(phone).copied(),
        }
    }

    fn id_holder(&self, s: &State, id_number: &str) -> Option<MemberId> {
        match self.id_numbers.get(id_number) {
            Some(h) => *h,
            None => s.id_index.get(id_number).copied(),
        }
    }

    fn member(&self, s: &State, id: MemberId) -> Option<Member> {
        match self.members.get(&id) {
            Some(m) => Some(m.clone()),
            None => s
                .members
                .get(&id)
                .filter(|r| r.deleted_at.is_none())
                .map(|r| r.member.clone()),
        }
    }

    /// Checks one write against the state plus the overlay and stages it.
    fn stage(
        &mut self,
        s: &State,
        org: OrgId,
        at: DateTime<Utc>,
        id: MemberId,
        op: &ImportOp,
    ) -> Result<()> {
        let (m, created_at): (&NewMember, DateTime<Utc>) = match op {
            ImportOp::Create(m) => (m, at),
            ImportOp::Update(_, m) => {
                let old = self
                    .member(s, id)
                    .filter(|o| o.org == org)
                    .ok_or(ErrorCode::MemberNotFound)?;
                let (p, i) = (old.details.phone.expose(), old.details.id_number.expose());
                if self.phone_holder(s, p) == Some(id) {
                    self.phones.insert(p.to_string(), None);
                }
                if self.id_holder(s, i) == Some(id) {
                    self.id_numbers.insert(i.to_string(), None);
                }
                (m, old.created_at)
            }
        };
        s.check_department(org, m.department)?;
        if self
            .phone_holder(s, m.phone.expose())
            .is_some_and(|h| h != id)
        {
            return Err(ErrorCode::PhoneTaken.into());
        }
        if self
            .id_holder(s, m.id_number.expose())
            .is_some_and(|h| h != id)
        {
            return Err(ErrorCode::IdNumberTaken.into());
        }
        self.phones.insert(m.phone.expose().to_string(), Some(id));
        self.id_numbers
            .insert(m.id_number.expose().to_string(), Some(id));
        self.members.insert(
            id,
            Member {
                id,
                org,
                details: m.clone(),
                created_at,
            },
        );
        Ok(())
    }
}

/// An open import on a [`MemoryStore`].
pub(super) struct MemoryImport<'a> {
    store: &'a MemoryStore,
    org: OrgId,
    at: DateTime<Utc>,
    staged: Vec<(MemberId, ImportOp)>,
    overlay: Overlay,
    broken: bool,
}

impl<'a> MemoryImport<'a> {
    pub(super) fn new(store: &'a MemoryStore, org: OrgId, at: DateTime<Utc>) -> Self {
        MemoryImport {
            store,
            org,
            at,
            staged: Vec::new(),
            overlay: Overlay::default(),
            broken: false,
        }
    }

    fn usable(&self) -> Result<()> {
        if self.broken {
            return Err(crate::Error::storage(
                "import transaction failed earlier; start again",
            ));
        }
        Ok(())
    }
}

#[async_trait]
impl ImportTx for MemoryImport<'_> {
    async fn members_matching(
        &mut self,
        phones: &[Phone],
        id_numbers: &[IdNumber],
    ) -> Result<Vec<Member>> {
        self.usable()?;
        let s = self.store.state.lock();
        let mut ids: Vec<MemberId> = phones
            .iter()
            .filter_map(|p| self.overlay.phone_holder(&s, p.expose()))
            .chain(
                id_numbers
                    .iter()
                    .filter_map(|i| self.overlay.id_holder(&s, i.expose())),
            )
            .collect();
        ids.sort_unstable();
        ids.dedup();
        Ok(ids
            .into_iter()
            .filter_map(|id| self.overlay.member(&s, id))
            .collect())
    }

    async fn write(&mut self, ops: Vec<ImportOp>) -> Result<Vec<MemberId>> {
        self.usable()?;
        let mut s = self.store.state.lock();
        let mut ids = vec![MemberId(0); ops.len()];
        // Updates first, then creates (which get fresh ids).
        let order: Vec<usize> = (0..ops.len())
            .filter(|&i| matches!(ops[i], ImportOp::Update(..)))
            .chain((0..ops.len()).filter(|&i| matches!(ops[i], ImportOp::Create(_))))
            .collect();
        let mut staged = Vec::with_capacity(ops.len());
        for i in order {
            let id = match &ops[i] {
                ImportOp::Update(id, _) => *id,
                ImportOp::Create(_) => MemberId(s.id()),
            };
            if let Err(e) = self.overlay.stage(&s, self.org, self.at, id, &ops[i]) {
                self.broken = true;
                return Err(e);
            }
            ids[i] = id;
            staged.push(i);
        }
        let mut ops: Vec<Option<ImportOp>> = ops.into_iter().map(Some).collect();
        for i in staged {
            let op = ops[i].take().expect("each op staged once");
            self.staged.push((ids[i], op));
        }
        Ok(ids)
    }

    async fn commit(self: Box<Self>) -> Result<()> {
        self.usable()?;
        let mut s = self.store.state.lock();
        if !s.orgs.contains_key(&self.org) {
            return Err(ErrorCode::OrgNotFound.into());
        }
        // Check everything again against the state as it is now.
        let mut check = Overlay::default();
        for (id, op) in &self.staged {
            check.stage(&s, self.org, self.at, *id, op)?;
        }
        for (id, op) in self.staged {
            match op {
                ImportOp::Create(m) => {
                    s.phone_index.insert(m.phone.expose().to_string(), id);
                    s.id_index.insert(m.id_number.expose().to_string(), id);
                    s.members.insert(
                        id,
                        MemberRow {
                            member: Member {
                                id,
                                org: self.org,
                                details: m,
                                created_at: self.at,
                            },
                            deleted_at: None,
                        },
                    );
                }
                ImportOp::Update(_, m) => {
                    let row = s.members.get(&id).expect("checked above");
                    let old = row.member.details.clone();
                    if s.phone_index.get(old.phone.expose()) == Some(&id) {
                        s.phone_index.remove(old.phone.expose());
                    }
                    if s.id_index.get(old.id_number.expose()) == Some(&id) {
                        s.id_index.remove(old.id_number.expose());
                    }
                    s.phone_index.insert(m.phone.expose().to_string(), id);
                    s.id_index.insert(m.id_number.expose().to_string(), id);
                    s.members
                        .get_mut(&id)
                        .expect("checked above")
                        .member
                        .details = m;
                }
            }
        }
        Ok(())
    }
}
