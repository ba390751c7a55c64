//! The roster (名单): which orgs may take part, as of a day.

use super::{County, CountyId, NewOrg, Org, OrgId, OrgKind};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// A snapshot of the listed orgs, indexed for the questions rules ask:
/// "is this org listed on that day?", "which orgs does a county report?".
///
/// ```
/// use ccsa_core::registry::{Org, OrgId, Roster};
/// use chrono::NaiveDate;
///
/// let day = NaiveDate::from_ymd_opt(2020, 3, 24).unwrap();
/// // The notice's 53 bureaus, as the coordination office first lists them:
/// let bureaus = Roster::notice_bureaus(day);
/// assert_eq!(bureaus.len(), 53);
/// assert_eq!(bureaus[0].name, "沧州市渤海新区应急管理局");
/// let orgs: Vec<Org> = bureaus.into_iter().enumerate()
///     .map(|(i, n)| Org::from_new(OrgId(i as i64 + 1), n)).collect();
/// let roster = Roster::new(orgs);
/// assert!(roster.find_listed("神木市应急管理局", day).is_some());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Roster {
    orgs: BTreeMap<OrgId, Org>,
}

impl Roster {
    /// Builds a roster from stored orgs.
    pub fn new(orgs: impl IntoIterator<Item = Org>) -> Roster {
        Roster {
            orgs: orgs.into_iter().map(|o| (o.id, o)).collect(),
        }
    }

    /// The emergency bureau (应急管理局) of each of the 53 key counties, named
    /// `<county>应急管理局`, listed on `day`.
    pub fn notice_bureaus(day: NaiveDate) -> Vec<NewOrg> {
        County::all()
            .iter()
            .map(|c| {
                NewOrg::new(
                    c.id,
                    OrgKind::Bureau,
                    &format!("{}应急管理局", c.name),
                    None,
                    day,
                )
                .expect("county names make valid org names")
            })
            .collect()
    }

    /// Every org, listed or retired, by id.
    pub fn orgs(&self) -> impl Iterator<Item = &Org> {
        self.orgs.values()
    }

    /// One org.
    pub fn get(&self, id: OrgId) -> Option<&Org> {
        self.orgs.get(&id)
    }

    /// The org registered under this name (normalised) and active on `day`.
    pub fn find_listed(&self, name: &str, day: NaiveDate) -> Option<&Org> {
        let name = super::parse_org_name(name).ok()?;
        self.orgs
            .values()
            .find(|o| o.name == name && o.is_active_on(day))
    }

    /// Orgs of a county that belong in a report for `[from, to]`.
    pub fn reported_in(
        &self,
        county: CountyId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Iterator<Item = &Org> {
        self.orgs
            .values()
            .filter(move |o| o.county == county && o.reported_for(from, to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retired_orgs_are_not_listed() {
        let day: NaiveDate = "2020-03-24".parse().unwrap();
        let mut orgs: Vec<Org> = Roster::notice_bureaus(day)
            .into_iter()
            .enumerate()
            .map(|(i, n)| Org::from_new(OrgId(i as i64 + 1), n))
            .collect();
        orgs[6].retired_on = Some("2020-05-01".parse().unwrap());
        let name = orgs[6].name.clone();
        let r = Roster::new(orgs);
        assert!(r.find_listed(&name, day).is_some());
        assert!(r.find_listed(&format!(" {name} "), day).is_some());
        assert!(
            r.find_listed(&name, "2020-05-01".parse().unwrap())
                .is_none()
        );
        assert_eq!(
            r.reported_in(
                CountyId(7),
                "2020-04-01".parse().unwrap(),
                "2020-04-30".parse().unwrap()
            )
            .count(),
            1
        );
        assert_eq!(
            r.reported_in(
                CountyId(7),
                "2020-05-01".parse().unwrap(),
                "2020-05-31".parse().unwrap()
            )
            .count(),
            0
        );
        assert_eq!(r.orgs().count(), 53);
    }
}
