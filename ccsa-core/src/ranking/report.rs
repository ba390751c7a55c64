//! The monthly county report (月度通报) and the year-end awards (年底表彰).
//!
//! The notice (五(三)): the office reports the quiz by county every month —
//! number of participants and participation rate, and the average personal
//! score — and at year end commends the bureaus and enterprises that
//! organised training best and rewards the top individuals.

use super::standings::LeaderboardEntry;
use crate::registry::{County, CountyId, Org, OrgId, OrgKind, Roster, SecretaryGroup};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// An org's activity over a period, as a store aggregates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgActivity {
    /// The org.
    pub org: OrgId,
    /// Members registered at the end of the period (登记人数).
    pub registered: u32,
    /// Members who answered on at least one day of the period (参加人数).
    pub participants: u32,
    /// Points earned in the period by its members.
    pub points: i64,
}

/// Participation and scores of one unit (org, county, or everyone).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Participation {
    /// 登记人数.
    pub registered: u32,
    /// 参加人数.
    pub participants: u32,
    /// Points earned.
    pub points: i64,
}

impl Participation {
    fn add(&mut self, a: &OrgActivity) {
        self.registered += a.registered;
        self.participants += a.participants;
        self.points += a.points;
    }

    /// 参加率: participants / registered, 0 when nobody is registered.
    pub fn rate(&self) -> f64 {
        if self.registered == 0 {
            0.0
        } else {
            f64::from(self.participants) / f64::from(self.registered)
        }
    }

    /// 个人答题平均成绩: points per participant, 0 without participants.
    pub fn average(&self) -> f64 {
        if self.participants == 0 {
            0.0
        } else {
            self.points as f64 / f64::from(self.participants)
        }
    }

    /// Publication order: higher rate first, then higher average (exact
    /// fraction comparison, no float rounding).
    pub fn cmp_published(&self, other: &Participation) -> Ordering {
        let rate = |p: &Participation| (u64::from(p.participants), u64::from(p.registered.max(1)));
        let avg = |p: &Participation| (p.points as i128, i128::from(p.participants.max(1)));
        let (an, ad) = rate(self);
        let (bn, bd) = rate(other);
        (bn * ad).cmp(&(an * bd)).then_with(|| {
            let (an, ad) = avg(self);
            let (bn, bd) = avg(other);
            (bn * ad).cmp(&(an * bd))
        })
    }
}

/// One org's line in a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgLine {
    /// Rank among its peers in the listing (ties share a rank).
    pub rank: u32,
    /// Org.
    pub org: OrgId,
    /// Name.
    pub name: String,
    /// Bureau or enterprise.
    pub kind: OrgKind,
    /// County.
    pub county: CountyId,
    /// Figures.
    pub figures: Participation,
}

/// One county's line, with its orgs beneath it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountyLine {
    /// Rank among the counties.
    pub rank: u32,
    /// County.
    pub county: CountyId,
    /// Name as in the notice.
    pub name: &'static str,
    /// Secretary group.
    pub group: SecretaryGroup,
    /// Figures summed over its reported orgs.
    pub figures: Participation,
    /// Its orgs, in publication order.
    pub orgs: Vec<OrgLine>,
}

/// The monthly report the coordination office publishes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthlyReport {
    /// First day of the month.
    pub from: NaiveDate,
    /// Last day of the month.
    pub to: NaiveDate,
    /// Counties in publication order.
    pub counties: Vec<CountyLine>,
    /// All counties together.
    pub total: Participation,
}

fn ranked<T>(
    items: &mut [T],
    fig: impl Fn(&T) -> Participation,
    tiebreak: impl Fn(&T) -> i64,
    mut set: impl FnMut(&mut T, u32),
) {
    items.sort_by(|a, b| {
        fig(a)
            .cmp_published(&fig(b))
            .then_with(|| tiebreak(a).cmp(&tiebreak(b)))
    });
    let mut rank = 0;
    for i in 0..items.len() {
        if i == 0 || fig(&items[i - 1]).cmp_published(&fig(&items[i])) != Ordering::Equal {
            rank = i as u32 + 1;
        }
        set(&mut items[i], rank);
    }
}

fn org_lines(
    roster: &Roster,
    activity: &[OrgActivity],
    include: impl Fn(&Org) -> bool,
) -> Vec<OrgLine> {
    roster
        .orgs()
        .filter(|o| include(o))
        .map(|o| {
            let mut figures = Participation {
                registered: 0,
                participants: 0,
                points: 0,
            };
            for a in activity.iter().filter(|a| a.org == o.id) {
                figures.add(a);
            }
            OrgLine {
                rank: 0,
                org: o.id,
                name: o.name.clone(),
                kind: o.kind,
                county: o.county,
                figures,
            }
        })
        .collect()
}

impl MonthlyReport {
    /// Builds the report for `[from, to]` from the roster and per-org
    /// activity. Every county appears (a county without orgs shows zeros);
    /// orgs retired before `from` are left out.
    pub fn build(
        from: NaiveDate,
        to: NaiveDate,
        roster: &Roster,
        activity: &[OrgActivity],
    ) -> MonthlyReport {
        let lines = org_lines(roster, activity, |o| o.reported_for(from, to));
        let mut counties: Vec<CountyLine> = County::all()
            .iter()
            .map(|c| {
                let mut orgs: Vec<OrgLine> =
                    lines.iter().filter(|l| l.county == c.id).cloned().collect();
                let mut figures = Participation {
                    registered: 0,
                    participants: 0,
                    points: 0,
                };
                for l in &orgs {
                    figures.registered += l.figures.registered;
                    figures.participants += l.figures.participants;
                    figures.points += l.figures.points;
                }
                ranked(&mut orgs, |l| l.figures, |l| l.org.0, |l, r| l.rank = r);
                CountyLine {
                    rank: 0,
                    county: c.id,
                    name: c.name,
                    group: c.group,
                    figures,
                    orgs,
                }
            })
            .collect();
        ranked(
            &mut counties,
            |c| c.figures,
            |c| i64::from(c.county.0),
            |c, r| c.rank = r,
        );
        let mut total = Participation {
            registered: 0,
            participants: 0,
            points: 0,
        };
        for c in &counties {
            total.registered += c.figures.registered;
            total.participants += c.figures.participants;
            total.points += c.figures.points;
        }
        MonthlyReport {
            from,
            to,
            counties,
            total,
        }
    }
}

/// Year-end awards: top individuals, and the bureaus and enterprises that
/// organised training best (participation rate, then average score).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearEndAwards {
    /// Individuals with rank ≤ N (all ties at rank N included).
    pub individuals: Vec<LeaderboardEntry>,
    /// Emergency bureaus in award order.
    pub bureaus: Vec<OrgLine>,
    /// Enterprises in award order.
    pub enterprises: Vec<OrgLine>,
}

impl YearEndAwards {
    /// Builds the awards from the campaign leaderboard (already ranked) and
    /// campaign-long activity (ending `to`). Orgs retired before `to` are
    /// not commended (their members' points still count for individuals).
    pub fn build(
        top_n: u32,
        leaderboard: Vec<LeaderboardEntry>,
        roster: &Roster,
        activity: &[OrgActivity],
        to: NaiveDate,
    ) -> YearEndAwards {
        let individuals = leaderboard
            .into_iter()
            .take_while(|e| e.rank <= top_n)
            .collect();
        // Commended orgs are those still on the roster at the end of the campaign.
        let active_at_end = |o: &Org| o.reported_for(to, to);
        let mut bureaus = org_lines(roster, activity, |o| {
            o.kind == OrgKind::Bureau && active_at_end(o)
        });
        let mut enterprises = org_lines(roster, activity, |o| {
            o.kind == OrgKind::Enterprise && active_at_end(o)
        });
        ranked(&mut bureaus, |l| l.figures, |l| l.org.0, |l, r| l.rank = r);
        ranked(
            &mut enterprises,
            |l| l.figures,
            |l| l.org.0,
            |l, r| l.rank = r,
        );
        YearEndAwards {
            individuals,
            bureaus,
            enterprises,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::NewOrg;

    fn roster() -> Roster {
        let d: NaiveDate = "2020-03-01".parse().unwrap();
        let mut orgs: Vec<Org> = Roster::notice_bureaus(d)
            .into_iter()
            .enumerate()
            .map(|(i, n)| Org::from_new(OrgId(i as i64 + 1), n))
            .collect();
        let e = NewOrg::new(
            CountyId(1),
            OrgKind::Enterprise,
            "渤海化工有限公司",
            Some("91350100M000100Y43"),
            d,
        )
        .unwrap();
        orgs.push(Org::from_new(OrgId(100), e));
        let mut retired = Org::from_new(
            OrgId(101),
            NewOrg::new(
                CountyId(2),
                OrgKind::Enterprise,
                "停产化工有限公司",
                Some("91310000775785552L"),
                d,
            )
            .unwrap(),
        );
        retired.retired_on = Some("2020-04-10".parse().unwrap());
        orgs.push(retired);
        Roster::new(orgs)
    }

    #[test]
    fn hand_computed_month() {
        let act = [
            OrgActivity {
                org: OrgId(1),
                registered: 10,
                participants: 5,
                points: 500,
            }, // county 1 bureau
            OrgActivity {
                org: OrgId(100),
                registered: 30,
                participants: 15,
                points: 900,
            }, // county 1 enterprise
            OrgActivity {
                org: OrgId(2),
                registered: 4,
                participants: 4,
                points: 120,
            }, // county 2: 100%
            OrgActivity {
                org: OrgId(3),
                registered: 8,
                participants: 4,
                points: 400,
            }, // county 3: 50%, avg 100
            OrgActivity {
                org: OrgId(101),
                registered: 9,
                participants: 9,
                points: 9,
            }, // retired in April
        ];
        let (from, to) = super::super::month_range(2020, 5).unwrap();
        let r = MonthlyReport::build(from, to, &roster(), &act);
        assert_eq!(r.counties.len(), 53);
        let top: Vec<_> = r
            .counties
            .iter()
            .take(3)
            .map(|c| {
                (
                    c.rank,
                    c.county.0,
                    c.figures.participants,
                    c.figures.registered,
                )
            })
            .collect();
        // county 2: 4/4 (retired org left out); county 3: 4/8 avg 100; county 1: 20/40 avg 70
        assert_eq!(top, vec![(1, 2, 4, 4), (2, 3, 4, 8), (3, 1, 20, 40)]);
        assert!((r.counties[2].figures.rate() - 0.5).abs() < 1e-12);
        assert!((r.counties[2].figures.average() - 70.0).abs() < 1e-12);
        // the 50 counties with nobody share rank 4
        assert!(
            r.counties[3..]
                .iter()
                .all(|c| c.rank == 4 && c.figures.participants == 0)
        );
        assert_eq!(r.total.participants, 28);
        assert_eq!(
            r.counties[2]
                .orgs
                .iter()
                .map(|o| o.org.0)
                .collect::<Vec<_>>(),
            vec![1, 100]
        ); // avg 100 before 60
        // April still reports the org retired on 04-10
        let (from, to) = super::super::month_range(2020, 4).unwrap();
        let april = MonthlyReport::build(from, to, &roster(), &act);
        let c2 = april.counties.iter().find(|c| c.county.0 == 2).unwrap();
        assert_eq!(c2.orgs.len(), 2);
    }

    #[test]
    fn awards_split_bureaus_and_enterprises() {
        let act = [
            OrgActivity {
                org: OrgId(1),
                registered: 10,
                participants: 5,
                points: 500,
            },
            OrgActivity {
                org: OrgId(2),
                registered: 10,
                participants: 5,
                points: 600,
            },
            OrgActivity {
                org: OrgId(100),
                registered: 10,
                participants: 1,
                points: 10,
            },
        ];
        let a = YearEndAwards::build(3, vec![], &roster(), &act, "2020-12-31".parse().unwrap());
        assert_eq!(a.bureaus[0].org, OrgId(2));
        assert_eq!(a.bureaus[1].org, OrgId(1));
        assert_eq!(a.bureaus.len(), 53);
        assert_eq!(
            a.enterprises.len(),
            1,
            "the retired enterprise is out of the year-end listing"
        );
        assert_eq!(a.enterprises[0].rank, 1);
    }
}
