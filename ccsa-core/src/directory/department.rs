//! Departments (部门) of an org.

use crate::identity::fold_width;
use crate::registry::OrgId;
use crate::{ErrorCode, Result};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A department's id, assigned by the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DeptId(pub i64);

impl fmt::Display for DeptId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The label of members whose department was deleted or never set.
pub const NO_DEPARTMENT: &str = "无部门人员";

/// A department name: trimmed, full-width folded, inner spaces collapsed,
/// 1-50 characters. Names are unique within an org; the import template
/// matches rows to departments by this normalised name.
///
/// ```
/// use ccsa_core::directory::DepartmentName;
/// assert_eq!(DepartmentName::parse("  一车间 ")?.as_str(), "一车间");
/// assert!(DepartmentName::parse("   ").is_err());
/// # Ok::<(), ccsa_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DepartmentName(String);

impl DepartmentName {
    /// Validates a department name (`TEXT_INVALID` when empty or too long).
    pub fn parse(input: &str) -> Result<DepartmentName> {
        let s = fold_width(input)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let n = s.chars().count();
        if n == 0 || n > 50 || s.chars().any(char::is_control) {
            return Err(ErrorCode::TextInvalid.into());
        }
        Ok(DepartmentName(s))
    }
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DepartmentName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A department of an org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    /// Store-assigned id.
    pub id: DeptId,
    /// Owning org.
    pub org: OrgId,
    /// Unique name within the org.
    pub name: DepartmentName,
}

/// What deleting a department did: how many members became 无部门人员.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentDeletion {
    /// The deleted department.
    pub department: DeptId,
    /// Members moved to "no department".
    pub members_moved: u32,
}
