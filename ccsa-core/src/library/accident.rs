//! History today (历史上的今天): accident records keyed by month and day,
//! each with what happened, the casualties, the causes, the lessons and the
//! source the facts come from.

use crate::{Error, ErrorCode, Result};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// An accident record's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AccidentId(pub i64);

/// An accident record to add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccident {
    /// 事故日期
    pub date: NaiveDate,
    /// 地点
    pub place: String,
    /// 事故名称 (e.g. 天津港“8·12”瑞海公司危险品仓库特别重大火灾爆炸事故)
    pub title: String,
    /// 事故经过
    pub what_happened: String,
    /// 死亡人数
    pub deaths: u32,
    /// 受伤人数
    pub injured: u32,
    /// 失踪人数
    pub missing: u32,
    /// 事故原因
    pub causes: String,
    /// 教训与启示
    pub lessons: String,
    /// 资料来源
    pub source: String,
}

impl NewAccident {
    /// Checks the fields: `ACCIDENT_INVALID` naming the first wrong one.
    pub fn validate(&self) -> Result<()> {
        let bad =
            |what: &str| Err(Error::new(ErrorCode::AccidentInvalid).with_note(what.to_string()));
        for (value, what, max) in [
            (&self.place, "地点", 100),
            (&self.title, "事故名称", 200),
            (&self.what_happened, "事故经过", 5_000),
            (&self.causes, "事故原因", 5_000),
            (&self.lessons, "教训", 5_000),
            (&self.source, "资料来源", 500),
        ] {
            if value.trim().is_empty() || value.chars().count() > max {
                return bad(&format!("{what}为空或过长"));
            }
        }
        Ok(())
    }

    /// The casualties in words: `165人死亡、8人失踪、798人受伤`.
    pub fn casualties_zh(&self) -> String {
        let mut parts = Vec::new();
        if self.deaths > 0 {
            parts.push(format!("{}人死亡", self.deaths));
        }
        if self.missing > 0 {
            parts.push(format!("{}人失踪", self.missing));
        }
        if self.injured > 0 {
            parts.push(format!("{}人受伤", self.injured));
        }
        if parts.is_empty() {
            "无人员伤亡".into()
        } else {
            parts.join("、")
        }
    }
}

/// A stored accident record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accident {
    /// Id.
    pub id: AccidentId,
    /// The record.
    pub record: NewAccident,
}

/// The (month, day) keys whose records are shown on `day`: the day itself,
/// and on 28 February of a common year also 29 February (so leap-day
/// records are not hidden for three years).
pub fn calendar_keys(day: NaiveDate) -> Vec<(u32, u32)> {
    let mut keys = vec![(day.month(), day.day())];
    let leap = NaiveDate::from_ymd_opt(day.year(), 2, 29).is_some();
    if (day.month(), day.day()) == (2, 28) && !leap {
        keys.push((2, 29));
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leap_day_records_show_on_the_28th_in_common_years() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(calendar_keys(d("2021-02-28")), [(2, 28), (2, 29)]);
        assert_eq!(calendar_keys(d("2020-02-28")), [(2, 28)]);
        assert_eq!(calendar_keys(d("2020-02-29")), [(2, 29)]);
        assert_eq!(calendar_keys(d("2020-08-12")), [(8, 12)]);
    }
}
