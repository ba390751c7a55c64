//! The directory (部门和人员): an org's departments and members.
//!
//! Admins create departments first (附件2: 部门创建是首要工作), then add
//! members by the import template, one by one, or by QR-code invitation;
//! every path validates with [`MemberForm::validate`]. Deleting a department
//! that still has members turns them into 无部门人员 ([`NO_DEPARTMENT`]).
//! Phones and ID numbers are unique across the whole system.

mod department;
mod import;
mod invitation;
mod member;

pub use department::{Department, DepartmentDeletion, DepartmentName, DeptId, NO_DEPARTMENT};
pub use import::{
    Cell, CheckedRows, ImportMode, ImportOp, ImportPlan, ImportPlanner, ImportReport, ImportRow,
    RowError, RowOutcome, RowReport, TEMPLATE_COLUMNS, TEMPLATE_SHEET, plan_import,
    suggest_department,
};
pub use invitation::{
    Invitation, InvitationId, InvitationKey, InvitationLink, InvitationToken, NewInvitation,
    TOKEN_LEN,
};
pub use member::{MAX_POSITION_CHARS, Member, MemberForm, MemberId, NewMember};
