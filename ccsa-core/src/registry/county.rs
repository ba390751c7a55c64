//! The 53 hazardous-chemicals key counties (危险化学品重点县) of 附件3.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A key county's number: its 1-based position in 附件3 of the notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CountyId(pub u16);

impl fmt::Display for CountyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The expert-guidance secretary group (工作秘书分组) a county reports to, 1-11.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretaryGroup(pub u8);

/// One key county (重点县) as listed in 附件3.
///
/// ```
/// use ccsa_core::registry::County;
///
/// assert_eq!(County::all().len(), 53);
/// let c = County::by_name("南京市江北新区").unwrap();
/// assert_eq!((c.id.0, c.group.0, c.province), (11, 3, "江苏"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct County {
    /// Position in the notice (1-53).
    pub id: CountyId,
    /// Name exactly as the notice writes it.
    pub name: &'static str,
    /// Province-level division (for grouping in reports).
    pub province: &'static str,
    /// Secretary group 1-11.
    pub group: SecretaryGroup,
}

macro_rules! counties {
    ($( $group:literal: [ $( ($name:literal, $prov:literal) ),* $(,)? ] )*) => {
        const RAW: &[(u8, &str, &str)] = &[ $( $( ($group, $name, $prov), )* )* ];
    };
}

// 附件3, in the notice's order. Groups follow its contact blocks: each block
// of counties shares one secretary.
counties! {
    1: [("沧州市渤海新区", "河北"), ("石家庄循环化工园区", "河北"), ("衡水高新技术产业开发区", "河北"), ("茂名市高新技术产业开发区", "广东"), ("湛江市霞山区", "广东")]
    2: [("沈阳市经济技术开发区", "辽宁"), ("抚顺市高新技术产业开发区", "辽宁"), ("辽阳市宏伟区", "辽宁"), ("贵阳市息烽县", "贵州"), ("长治市潞城区", "山西")]
    3: [("南京市江北新区", "江苏"), ("无锡市江阴市", "江苏"), ("泰州市泰兴市", "江苏"), ("泉州市泉港区", "福建"), ("漳州古雷港经济开发区", "福建"), ("吉林市龙潭区", "吉林")]
    4: [("杭州市大江东", "浙江"), ("宁波大榭开发区", "浙江"), ("台州市临海市", "浙江"), ("滁州市定远县", "安徽"), ("蚌埠市淮上区", "安徽")]
    5: [("青岛西海岸新区", "山东"), ("东营市广饶县", "山东"), ("潍坊市寿光市", "山东"), ("九江市永修县", "江西"), ("宜春市樟树市", "江西")]
    6: [("天津市滨海新区", "天津"), ("鄂尔多斯市准格尔旗", "内蒙古"), ("乌海市乌达区", "内蒙古"), ("奉贤区杭州湾经济开发区", "上海"), ("荆门市钟祥市", "湖北")]
    7: [("荆州开发区", "湖北"), ("昆明市安宁市", "云南"), ("神木市", "陕西"), ("韩城市", "陕西"), ("北京市房山区", "北京")]
    8: [("乐山市五通桥区", "四川"), ("德阳市什邡市", "四川"), ("青海省格尔木市", "青海")]
    9: [("岳阳市云溪区", "湖南"), ("新疆建设兵团第八师", "新疆生产建设兵团"), ("石嘴山平罗工业园区", "宁夏"), ("中卫工业园区", "宁夏"), ("海南洋浦经济开发区", "海南")]
    10: [("库车市", "新疆"), ("奎屯-独山子经济技术开发区", "新疆"), ("濮阳市范县", "河南"), ("平顶山市叶县", "河南")]
    11: [("重庆市涪陵区", "重庆"), ("重庆市万州区", "重庆"), ("绥化市安达市", "黑龙江"), ("兰州市西固区", "甘肃"), ("钦州市钦州港经济开发区", "广西")]
}

static ALL: std::sync::LazyLock<Vec<County>> = std::sync::LazyLock::new(|| {
    RAW.iter()
        .enumerate()
        .map(|(i, &(g, name, province))| County {
            id: CountyId(i as u16 + 1),
            name,
            province,
            group: SecretaryGroup(g),
        })
        .collect()
});

impl County {
    /// Number of secretary groups.
    pub const GROUPS: u8 = 11;

    /// All 53 counties in the notice's order.
    pub fn all() -> &'static [County] {
        &ALL
    }

    /// The county with this id.
    pub fn get(id: CountyId) -> Option<&'static County> {
        ALL.get(usize::from(id.0).checked_sub(1)?)
    }

    /// Finds a county by its name as written in the notice (surrounding
    /// spaces and full-width characters tolerated).
    pub fn by_name(name: &str) -> Option<&'static County> {
        let n = crate::identity::fold_width(name);
        let n = n.trim();
        ALL.iter().find(|c| c.name == n)
    }

    /// The counties of one secretary group, in order.
    pub fn in_group(group: SecretaryGroup) -> impl Iterator<Item = &'static County> {
        ALL.iter().filter(move |c| c.group == group)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn fifty_three_counties_in_eleven_groups() {
        let all = County::all();
        assert_eq!(all.len(), 53);
        let names: HashSet<_> = all.iter().map(|c| c.name).collect();
        assert_eq!(names.len(), 53, "names are unique");
        let sizes: Vec<usize> = (1..=11)
            .map(|g| County::in_group(SecretaryGroup(g)).count())
            .collect();
        assert_eq!(sizes, vec![5, 5, 6, 5, 5, 5, 5, 3, 5, 4, 5]);
        assert_eq!(all[0].name, "沧州市渤海新区");
        assert_eq!(all[52].name, "钦州市钦州港经济开发区");
        for (i, c) in all.iter().enumerate() {
            assert_eq!(usize::from(c.id.0), i + 1);
            assert_eq!(County::get(c.id), Some(c));
        }
        assert!(County::get(CountyId(0)).is_none());
        assert!(County::get(CountyId(54)).is_none());
        assert_eq!(
            County::by_name(" 神木市 ").unwrap().group,
            SecretaryGroup(7)
        );
        assert!(County::by_name("不存在县").is_none());
    }
}
