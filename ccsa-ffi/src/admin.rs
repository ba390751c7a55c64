//! Admin flows (管理员): registration and login, departments, members,
//! imports and QR-code invitations. Every call after login takes the
//! session token and acts on the admin's own org only.

use crate::engine::Engine;
use crate::error::FfiResult;
use crate::records::{
    AdminRegistrationForm, AdminSeatRecord, DepartmentRecord, ImportMode, ImportReportRecord,
    InvitationRecord, MemberFormRecord, MemberRecord, NewInvitationRecord, SessionRecord,
};
use ccsa_core::admin::{AdminContext, SessionToken};
use ccsa_core::directory::DeptId;

impl Engine {
    async fn admin(&self, token: &str) -> FfiResult<AdminContext> {
        Ok(self
            .ccsa
            .authenticate(&SessionToken::from_client(token))
            .await?)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Engine {
    /// Registers an org's admin (管理员注册): the first registrant of a
    /// listed org takes the seat; later attempts fail with the notice's
    /// reasons (`ADMIN_ALREADY_REGISTERED`, `ORG_NOT_LISTED`, `INVALID_INFO`).
    pub async fn register_admin(&self, form: AdminRegistrationForm) -> FfiResult<AdminSeatRecord> {
        Ok(self.ccsa.register_admin(&form.into()).await?.into())
    }

    /// Logs in (`LOGIN_FAILED` for a wrong name or password alike).
    pub async fn login(&self, username: String, password: String) -> FfiResult<SessionRecord> {
        let (token, ctx) = self.ccsa.login(&username, &password).await?;
        Ok(SessionRecord {
            token: token.expose().to_string(),
            admin_id: ctx.admin().0,
            org_id: ctx.org().0,
        })
    }

    /// Ends a session.
    pub async fn logout(&self, token: String) -> FfiResult<()> {
        Ok(self.ccsa.logout(&SessionToken::from_client(&token)).await?)
    }

    /// Creates a department (部门).
    pub async fn create_department(
        &self,
        token: String,
        name: String,
    ) -> FfiResult<DepartmentRecord> {
        let d = self
            .ccsa
            .create_department(&self.admin(&token).await?, &name)
            .await?;
        Ok(DepartmentRecord {
            id: d.id.0,
            name: d.name.as_str().to_string(),
        })
    }

    /// The org's departments.
    pub async fn departments(&self, token: String) -> FfiResult<Vec<DepartmentRecord>> {
        let list = self.ccsa.departments(&self.admin(&token).await?).await?;
        Ok(list
            .into_iter()
            .map(|d| DepartmentRecord {
                id: d.id.0,
                name: d.name.as_str().to_string(),
            })
            .collect())
    }

    /// Deletes a department; its members become 无部门人员. Returns how many moved.
    pub async fn delete_department(&self, token: String, id: i64) -> FfiResult<u32> {
        let d = self
            .ccsa
            .delete_department(&self.admin(&token).await?, DeptId(id))
            .await?;
        Ok(d.members_moved)
    }

    /// Adds one member (逐个添加), with the same validation as the import.
    pub async fn add_member(
        &self,
        token: String,
        form: MemberFormRecord,
    ) -> FfiResult<MemberRecord> {
        let m = self
            .ccsa
            .add_member(&self.admin(&token).await?, &form.into())
            .await?;
        Ok(m.into())
    }

    /// The org's members, personal data masked.
    pub async fn members(&self, token: String) -> FfiResult<Vec<MemberRecord>> {
        let list = self.ccsa.members(&self.admin(&token).await?).await?;
        Ok(list.into_iter().map(Into::into).collect())
    }

    /// Imports a member file (Excel import template as .xlsx/.xls/.ods, or
    /// UTF-8 .csv, told by `file_name`): the per-row report, every problem
    /// with its row, column and code.
    pub async fn import_members(
        &self,
        token: String,
        data: Vec<u8>,
        file_name: String,
        mode: ImportMode,
    ) -> FfiResult<ImportReportRecord> {
        let ctx = self.admin(&token).await?;
        let report = self
            .ccsa
            .import_file(&ctx, &data, &file_name, mode.into(), &mut |_, _| {})
            .await?;
        Ok(report.into())
    }

    /// The import template (.xlsx) with the org's departments in its drop-down.
    pub async fn import_template(&self, token: String) -> FfiResult<Vec<u8>> {
        Ok(self
            .ccsa
            .import_template(&self.admin(&token).await?)
            .await?)
    }

    /// Creates a QR-code invitation (二维码邀请), optionally into a
    /// department, valid for `valid_hours` and `max_uses` trainees; with
    /// its token (shown once) and QR code as PNG bytes.
    pub async fn create_invitation(
        &self,
        token: String,
        department_id: Option<i64>,
        valid_hours: u32,
        max_uses: u32,
    ) -> FfiResult<NewInvitationRecord> {
        let ctx = self.admin(&token).await?;
        let (inv, tok) = self
            .ccsa
            .create_invitation(
                &ctx,
                department_id.map(DeptId),
                chrono::Duration::hours(i64::from(valid_hours)),
                max_uses,
            )
            .await?;
        let (png, _svg) = self.ccsa.invitation_qr(&tok, &self.link, 8)?;
        Ok(NewInvitationRecord {
            invitation: inv.into(),
            token: tok.expose().to_string(),
            qr_text: self.link.text(&tok),
            qr_png: png,
        })
    }

    /// What a scanned token invites to: `INVITATION_MALFORMED`,
    /// `INVITATION_FORGED`, `INVITATION_NOT_FOUND`, `INVITATION_REVOKED`,
    /// `INVITATION_EXPIRED`, `INVITATION_USED_UP`.
    pub async fn inspect_invitation(
        &self,
        invitation_token: String,
    ) -> FfiResult<InvitationRecord> {
        Ok(self
            .ccsa
            .inspect_invitation(&invitation_token)
            .await?
            .into())
    }

    /// A trainee who scanned the code submits their details: the member is
    /// created (ready to bind) and the use counted.
    pub async fn redeem_invitation(
        &self,
        invitation_token: String,
        form: MemberFormRecord,
    ) -> FfiResult<MemberRecord> {
        let m = self
            .ccsa
            .redeem_invitation(&invitation_token, &form.into())
            .await?;
        Ok(m.into())
    }
}
