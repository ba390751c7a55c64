//! The audit log (操作日志): who did what to which org, and when.
//!
//! Every admin action of the service — registration, logins, departments,
//! members, imports, invitations, knowledge-base articles, question uploads,
//! bank mixes, exams, member-list exports — appends one [`AuditEntry`]:
//! the org, the admin (when known), the [`AuditAction`], the id of the object
//! acted on, a short detail (counts, a department's name; **never** a
//! person's name, ID number or phone) and the instant. Entries are read per
//! org ([`crate::Ccsa::audit_log`]: an admin sees their own org's only) and
//! kept at least [`AUDIT_RETENTION_DAYS`] days, the six months China's
//! Cybersecurity Law (网络安全法 第二十一条) asks of network logs:
//! [`crate::Ccsa::prune_audit_log`] only removes older entries.
//!
//! ```
//! use ccsa_core::audit::AuditAction;
//! assert_eq!(AuditAction::AddMember.as_str(), "add_member");
//! assert_eq!(AuditAction::parse("add_member"), Some(AuditAction::AddMember));
//! assert_eq!(AuditAction::ExportMembers.label(), "导出人员名单");
//! ```

use crate::admin::AdminId;
use crate::registry::OrgId;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Entries younger than this many days are never pruned (six months and a
/// few days: 网络安全法 asks for at least six months).
pub const AUDIT_RETENTION_DAYS: i64 = 183;

macro_rules! actions {
    ($($v:ident = $s:literal => $zh:literal),* $(,)?) => {
        /// What an admin did.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum AuditAction {
            $(#[doc = $zh] $v,)*
        }
        impl AuditAction {
            /// Every action.
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$v),*];
            /// The stable name stored and exported (`"add_member"`).
            pub fn as_str(self) -> &'static str {
                match self { $(AuditAction::$v => $s,)* }
            }
            /// The Chinese label for the admin console.
            pub fn label(self) -> &'static str {
                match self { $(AuditAction::$v => $zh,)* }
            }
            /// The action with this stable name.
            pub fn parse(s: &str) -> Option<AuditAction> {
                match s { $($s => Some(AuditAction::$v),)* _ => None }
            }
        }
    };
}

actions! {
    RegisterAdmin = "register_admin" => "注册管理员",
    Login = "login" => "登录",
    Logout = "logout" => "退出登录",
    CreateDepartment = "create_department" => "新建部门",
    RenameDepartment = "rename_department" => "修改部门",
    DeleteDepartment = "delete_department" => "删除部门",
    AddMember = "add_member" => "添加人员",
    UpdateMember = "update_member" => "修改人员",
    DeleteMember = "delete_member" => "删除人员",
    ImportMembers = "import_members" => "导入人员",
    CreateInvitation = "create_invitation" => "生成二维码邀请",
    RevokeInvitation = "revoke_invitation" => "作废二维码邀请",
    PublishKnowledge = "publish_knowledge" => "发布知识库文章",
    RemoveKnowledge = "remove_knowledge" => "删除知识库文章",
    UploadQuestions = "upload_questions" => "上传题库",
    SetBankMix = "set_bank_mix" => "设置题库组合",
    CreateExam = "create_exam" => "创建考试",
    ExportMembers = "export_members" => "导出人员名单",
}

/// An entry to append.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewAuditEntry {
    /// The org acted on.
    pub org: OrgId,
    /// The admin who acted (None before a seat exists).
    pub admin: Option<AdminId>,
    /// What was done.
    pub action: AuditAction,
    /// The id of the object acted on (a department, member, invitation,
    /// article, exam), if any.
    pub target: Option<i64>,
    /// Counts or a department's name; never personal data.
    pub detail: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Store-assigned, increasing in append order.
    pub id: i64,
    /// The entry.
    #[serde(flatten)]
    pub entry: NewAuditEntry,
}
