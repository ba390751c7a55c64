//! Errors: a stable code for programs, a Chinese message for people.
//!
//! Every failure in ccsa is an [`Error`] carrying an [`ErrorCode`]. The code
//! (`ORG_NOT_LISTED`, `ID_NUMBER_CHECKSUM`, ...) never changes once released,
//! so programs match on it; the message is written in Chinese for the mini
//! program and the admin console. Form-style failures list every field that
//! was wrong ([`FieldError`]), so a person fixes them all in one pass.
//!
//! ```
//! use ccsa_core::{Error, ErrorCode};
//!
//! let err = Error::new(ErrorCode::AdminAlreadyRegistered);
//! assert_eq!(err.code().as_str(), "ADMIN_ALREADY_REGISTERED");
//! assert!(err.to_string().contains("管理员账户已被注册"));
//! ```
//!
//! Messages never contain personal data (ID numbers, phones): they are safe to
//! log and to show.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The area an error belongs to, for adapters that raise one exception
/// class per area (Python's `ccsa.ValidationError`, Kotlin's
/// `CcsaException.Validation`, ...).
///
/// ```
/// use ccsa_core::{ErrorArea, ErrorCode};
/// assert_eq!(ErrorCode::PhoneInvalid.area(), ErrorArea::Validation);
/// assert_eq!(ErrorCode::OrgNotListed.area(), ErrorArea::Registration);
/// assert_eq!(ErrorCode::LockedUntil.area(), ErrorArea::Binding);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorArea {
    /// A value failed a validator (ID number, phone, name, text).
    Validation,
    /// Org registry, admin seat, login and sessions.
    Registration,
    /// Departments, members and invitations.
    Directory,
    /// Member and question file imports (whole-file problems).
    Import,
    /// Binding an app user to a member.
    Binding,
    /// Question banks, daily quiz, scoring, campaign dates.
    Quiz,
    /// Laws, articles, topics, history today.
    Content,
    /// Online exams.
    Exam,
    /// The storage backend failed; nothing was changed.
    Storage,
}

/// Result alias used across ccsa.
pub type Result<T, E = Error> = std::result::Result<T, E>;

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal => $zh:literal, )*) => {
        /// A stable, machine-readable error code.
        ///
        /// [`ErrorCode::as_str`] gives the SCREAMING_SNAKE_CASE form that
        /// crosses every boundary (JSON, Python, Kotlin, Swift); it is part
        /// of the public contract and is never renamed.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* #[serde(rename = $code)] $variant, )*
        }

        impl ErrorCode {
            /// Every code, in declaration order (for docs and exhaustive tests).
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The stable code, e.g. `"ORG_NOT_LISTED"`.
            pub const fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// The default Chinese message shown to people.
            pub const fn message_zh(self) -> &'static str {
                match self { $(ErrorCode::$variant => $zh,)* }
            }

            /// Parses a stable code back (`"PHONE_INVALID"` → [`ErrorCode::PhoneInvalid`]).
            pub fn from_code(code: &str) -> Option<ErrorCode> {
                match code { $($code => Some(ErrorCode::$variant),)* _ => None }
            }

            /// The area of the code (see [`ErrorArea`]).
            pub fn area(self) -> ErrorArea {
                area_of(self.as_str())
            }
        }
    };
}

codes! {
    // --- plain values ------------------------------------------------------
    /// A calendar day that is not `YYYY-MM-DD` (adapters parse days from text).
    DateInvalid = "DATE_INVALID" => "日期格式应为 YYYY-MM-DD",
    /// A setting or argument an adapter was given is not usable (the note says which).
    ValueInvalid = "VALUE_INVALID" => "参数不正确",
    // --- identity fields -------------------------------------------------
    /// The resident ID number is empty.
    IdNumberRequired = "ID_NUMBER_REQUIRED" => "请填写身份证号",
    /// Not 15 or 18 characters after normalisation.
    IdNumberLength = "ID_NUMBER_LENGTH" => "身份证号应为18位（或旧版15位）",
    /// A character other than digits (and a final X).
    IdNumberCharset = "ID_NUMBER_CHARSET" => "身份证号只能包含数字，最后一位可以是X",
    /// The first two digits are not a province-level code.
    IdNumberRegion = "ID_NUMBER_REGION" => "身份证号前两位不是有效的省级行政区划代码",
    /// The embedded birth date is not a real date, or lies in the future.
    IdNumberBirthDate = "ID_NUMBER_BIRTH_DATE" => "身份证号中的出生日期无效",
    /// The ISO 7064 MOD 11-2 check character does not match.
    IdNumberChecksum = "ID_NUMBER_CHECKSUM" => "身份证号校验位错误，请核对最后一位",
    /// The number was turned into a float by Excel (`1.10105E+17`, trailing `000`).
    IdNumberExcelMangled = "ID_NUMBER_EXCEL_MANGLED" => "身份证号被Excel转换成了数字（科学计数法或末尾变为000），请将该列设置为“文本”格式后重新填写",
    /// The mobile phone is empty.
    PhoneRequired = "PHONE_REQUIRED" => "请填写手机号",
    /// Not an 11-digit mainland mobile number `1[3-9]xxxxxxxxx`.
    PhoneInvalid = "PHONE_INVALID" => "手机号应为11位中国大陆手机号码",
    /// The person's name is empty.
    NameRequired = "NAME_REQUIRED" => "请填写姓名",
    /// The name is longer than 50 characters.
    NameTooLong = "NAME_TOO_LONG" => "姓名不能超过50个字符",
    /// The name contains digits.
    NameHasDigits = "NAME_HAS_DIGITS" => "姓名中不能包含数字",
    /// The name contains control or other disallowed characters.
    NameInvalidChar = "NAME_INVALID_CHAR" => "姓名中包含不允许的字符",
    /// Gender is not 男 or 女.
    GenderInvalid = "GENDER_INVALID" => "性别只能填写“男”或“女”",
    /// Gender contradicts the one encoded in the ID number.
    GenderMismatch = "GENDER_MISMATCH" => "性别与身份证号不一致",
    /// 学历 is not one of the listed values.
    EducationUnknown = "EDUCATION_UNKNOWN" => "学历不在可选范围内（博士/硕士/本科/专科(大专)/高中/中专/初中/小学及以下/其他）",
    /// The email address is malformed.
    EmailInvalid = "EMAIL_INVALID" => "邮箱格式不正确",
    /// A text field (position, department name, org name ...) is empty or too long.
    TextInvalid = "TEXT_INVALID" => "内容为空或过长",
    /// The unified social credit code (GB 32100-2015) is malformed or its check character is wrong.
    CreditCodeInvalid = "CREDIT_CODE_INVALID" => "统一社会信用代码无效（应为18位且校验位正确）",
    /// Login name does not follow the rules.
    UsernameInvalid = "USERNAME_INVALID" => "账号应为4-32位字母、数字或下划线，且以字母开头",
    /// Password does not meet the strength rules.
    PasswordWeak = "PASSWORD_WEAK" => "密码至少8位，且须同时包含字母和数字",

    // --- registry and admin registration ----------------------------------
    /// The org is not on the roster of listed bureaus and enterprises (notice reason 1).
    OrgNotListed = "ORG_NOT_LISTED" => "该应急管理部门或企业未列入重点县名单，请联系本地区工作秘书",
    /// The registration form has errors; every field error is listed (notice reason 2).
    InvalidInfo = "INVALID_INFO" => "填写的信息不正确或不规范",
    /// Someone already registered the org's admin account (notice reason 3).
    AdminAlreadyRegistered = "ADMIN_ALREADY_REGISTERED" => "该单位的管理员账户已被注册，请联系本地区工作秘书协调处理",
    /// The login name is already used by another admin.
    UsernameTaken = "USERNAME_TAKEN" => "该账号已被使用",
    /// No such org.
    OrgNotFound = "ORG_NOT_FOUND" => "单位不存在",
    /// The org is already on the roster (same county and name, or same credit code).
    OrgAlreadyListed = "ORG_ALREADY_LISTED" => "该单位已在名单中",
    /// The org was retired from the roster.
    OrgRetired = "ORG_RETIRED" => "该单位已退出名单",
    /// No such key county.
    CountyUnknown = "COUNTY_UNKNOWN" => "不是重点县名单中的县",

    // --- admin sessions ---------------------------------------------------
    /// Wrong login name or password (never says which).
    LoginFailed = "LOGIN_FAILED" => "账号或密码错误",
    /// The session token is unknown, expired or revoked.
    SessionInvalid = "SESSION_INVALID" => "登录已失效，请重新登录",

    // --- directory --------------------------------------------------------
    /// A department with that name exists in the org.
    DepartmentNameTaken = "DEPARTMENT_NAME_TAKEN" => "本单位已有同名部门",
    /// No such department in the org.
    DepartmentNotFound = "DEPARTMENT_NOT_FOUND" => "部门不存在",
    /// No such member in the org.
    MemberNotFound = "MEMBER_NOT_FOUND" => "人员不存在",
    /// The phone is already used by another member (phones are unique system-wide).
    PhoneTaken = "PHONE_TAKEN" => "该手机号已被其他人员使用",
    /// The ID number is already used by another member (unique system-wide).
    IdNumberTaken = "ID_NUMBER_TAKEN" => "该身份证号已被其他人员使用",

    // --- bulk import --------------------------------------------------------
    /// The same phone appears on two rows of the import file.
    PhoneDuplicateInFile = "PHONE_DUPLICATE_IN_FILE" => "文件中有两行使用了同一手机号",
    /// The same ID number appears on two rows of the import file.
    IdNumberDuplicateInFile = "ID_NUMBER_DUPLICATE_IN_FILE" => "文件中有两行使用了同一身份证号",
    /// A required column of the template is missing.
    ColumnMissing = "COLUMN_MISSING" => "导入文件缺少必需的列，请使用导入模板",
    /// The file is not a readable spreadsheet (xlsx, xls, ods) or UTF-8 CSV.
    FileUnreadable = "FILE_UNREADABLE" => "无法读取文件，请上传 xlsx、xls、ods 或 UTF-8 编码的 CSV 文件",
    /// The file has no data rows under the header.
    SheetEmpty = "SHEET_EMPTY" => "导入文件中没有人员数据",

    // --- QR-code invitations -----------------------------------------------
    /// Not an invitation token (wrong length or characters).
    InvitationMalformed = "INVITATION_MALFORMED" => "邀请码格式不正确",
    /// The token's signature does not verify: altered or made up.
    InvitationForged = "INVITATION_FORGED" => "邀请码无效（已被篡改或伪造）",
    /// A well-formed token that no invitation has (or of another org).
    InvitationNotFound = "INVITATION_NOT_FOUND" => "邀请不存在",
    /// The invitation has expired.
    InvitationExpired = "INVITATION_EXPIRED" => "邀请已过期，请联系本单位管理员",
    /// The admin revoked the invitation.
    InvitationRevoked = "INVITATION_REVOKED" => "邀请已被管理员撤销",
    /// The invitation reached its maximum number of uses.
    InvitationUsedUp = "INVITATION_USED_UP" => "邀请使用次数已满，请联系本单位管理员",

    // --- binding ----------------------------------------------------------
    /// No active member has both this phone and this name: either the admin
    /// has not imported the trainee yet (binding before import is invalid)
    /// or the name differs from what the admin entered. One code for both,
    /// so that binding cannot tell whether a phone is on file.
    NoMatchingMember = "NO_MATCHING_MEMBER" => "未找到与所填姓名和手机号一致的人员信息：请确认本单位管理员已导入您的信息，且所填姓名、手机号与提供给管理员的完全一致",
    /// The member is already bound to another app user.
    MemberAlreadyBound = "MEMBER_ALREADY_BOUND" => "该人员已被其他微信用户绑定",
    /// The app user is already bound to a member.
    AppUserAlreadyBound = "APP_USER_ALREADY_BOUND" => "您的微信已绑定过人员信息",
    /// Too many failed attempts; try again later.
    LockedUntil = "LOCKED_UNTIL" => "尝试次数过多，请稍后再试",
    /// The app user has not bound a member yet.
    NotBound = "NOT_BOUND" => "请先绑定个人信息",

    // --- quiz and scoring -------------------------------------------------
    /// A question is malformed (empty stem or category, bad tags).
    QuestionInvalid = "QUESTION_INVALID" => "题目格式不正确（题干、分类不能为空）",
    /// A question has too few or too many options, or an empty one.
    OptionsInvalid = "OPTIONS_INVALID" => "选项数量或内容不正确（单选、多选题2-6个选项，判断题2个选项）",
    /// A question has no answer.
    AnswerMissing = "ANSWER_MISSING" => "题目缺少答案",
    /// The answer names an option the question does not have, or has the wrong count for its kind.
    AnswerNotAnOption = "ANSWER_NOT_AN_OPTION" => "答案不在选项范围内，或与题型不符（单选、判断题只能有一个答案，多选题至少两个）",
    /// Difficulty is not 1-5.
    DifficultyInvalid = "DIFFICULTY_INVALID" => "难度应为1-5",
    /// The same question (kind and stem) is already in the file or the bank.
    QuestionDuplicate = "QUESTION_DUPLICATE" => "题目重复",
    /// A GIFT question type ccsa does not support (the note names it).
    GiftUnsupported = "GIFT_UNSUPPORTED" => "不支持的GIFT题型",
    /// A question's text could not be read (unclosed braces, answer line without a question).
    QuestionSyntax = "QUESTION_SYNTAX" => "题目格式无法识别",
    /// The bank has fewer eligible questions than a draw needs.
    BankTooSmall = "BANK_TOO_SMALL" => "题库题目数量不足，无法组卷",
    /// The submitted answers do not match the day's drawn questions.
    AnswersDontMatchDraw = "ANSWERS_DONT_MATCH_DRAW" => "提交的答案与当日题目不符",
    /// A batch answer's time is not on its day, or lies in the future.
    AnswerTimeInvalid = "ANSWER_TIME_INVALID" => "答题时间不在当日或晚于当前时间",
    /// The day is outside the campaign window.
    OutsideCampaign = "OUTSIDE_CAMPAIGN" => "不在培训活动时间内",
    /// A scoring policy or campaign setting is inconsistent.
    PolicyInvalid = "POLICY_INVALID" => "积分规则设置不正确",

    // --- learning content -------------------------------------------------
    /// A law or standard entry is incomplete or inconsistent (the note says which field).
    LawInvalid = "LAW_INVALID" => "法规标准信息不完整或有误",
    /// Another entry already has this code.
    LawCodeTaken = "LAW_CODE_TAKEN" => "该文号或标准号已存在",
    /// No such entry.
    LawNotFound = "LAW_NOT_FOUND" => "法规标准不存在",
    /// An article is incomplete or too long (the note says which field).
    ArticleInvalid = "ARTICLE_INVALID" => "文章信息不完整或有误",
    /// No such article, or not visible to the reader (another org's knowledge base).
    ArticleNotFound = "ARTICLE_NOT_FOUND" => "文章不存在",
    /// A featured topic is incomplete, or names content that does not exist or is not national.
    TopicInvalid = "TOPIC_INVALID" => "专题信息不完整或引用的内容不存在",
    /// An accident record is incomplete (the note says which field).
    AccidentInvalid = "ACCIDENT_INVALID" => "事故案例信息不完整或有误",
    /// A search query with no usable term, too many terms or a term too long.
    SearchQueryInvalid = "SEARCH_QUERY_INVALID" => "请输入有效的检索关键词",

    // --- online exams -----------------------------------------------------
    /// An exam's settings are incomplete or inconsistent (the note says which).
    ExamInvalid = "EXAM_INVALID" => "考试设置不完整或有误",
    /// No such exam (or another org's).
    ExamNotFound = "EXAM_NOT_FOUND" => "考试不存在",
    /// The exam has not opened yet.
    ExamNotOpen = "EXAM_NOT_OPEN" => "考试尚未开始",
    /// The exam has closed.
    ExamClosed = "EXAM_CLOSED" => "考试已截止",
    /// The member's department may not sit this exam.
    ExamNotAllowed = "EXAM_NOT_ALLOWED" => "您所在的部门不在本次考试范围内",
    /// Every allowed attempt has been used.
    ExamNoAttemptsLeft = "EXAM_NO_ATTEMPTS_LEFT" => "考试次数已用完",
    /// The attempt's time is up: answers are no longer accepted.
    ExamTimeUp = "EXAM_TIME_UP" => "考试时间已到，答案未保存",
    /// The attempt has already been handed in.
    ExamFinished = "EXAM_FINISHED" => "本次考试已交卷",
    /// The question is not on this attempt's paper, or the letters are not its options.
    ExamAnswerInvalid = "EXAM_ANSWER_INVALID" => "答案与试卷不符",
    /// Another start of the same attempt won (concurrent starts).
    ExamAttemptTaken = "EXAM_ATTEMPT_TAKEN" => "该次考试已开始",

    // --- storage ----------------------------------------------------------
    /// The storage backend failed (connection, IO); the operation had no effect.
    Storage = "STORAGE" => "存储服务暂时不可用，请稍后重试",
    /// The store's keyring is missing, malformed or not the one the
    /// database is sealed under (encryption at rest); nothing was opened.
    StoreKeyInvalid = "STORE_KEY_INVALID" => "数据库密钥缺失或与数据库不匹配",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A form field, named for programs (`as_str`) and for people (`title_zh`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Field {
    /// 姓名 / 用户姓名
    Name,
    /// 手机号 / 用户手机号
    Phone,
    /// 身份证号 / 用户身份证号
    IdNumber,
    /// 性别 / 用户性别
    Gender,
    /// 学历
    Education,
    /// 邮箱 / 用户邮箱
    Email,
    /// 部门名称
    Department,
    /// 职位
    Position,
    /// 账号
    Username,
    /// 密码
    Password,
    /// 单位名称
    OrgName,
    /// 所属重点县
    County,
    /// 统一社会信用代码
    CreditCode,
}

impl Field {
    /// Machine name, e.g. `"id_number"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Phone => "phone",
            Field::IdNumber => "id_number",
            Field::Gender => "gender",
            Field::Education => "education",
            Field::Email => "email",
            Field::Department => "department",
            Field::Position => "position",
            Field::Username => "username",
            Field::Password => "password",
            Field::OrgName => "org_name",
            Field::County => "county",
            Field::CreditCode => "credit_code",
        }
    }

    /// Chinese title as it appears on forms and in the import template.
    pub const fn title_zh(self) -> &'static str {
        match self {
            Field::Name => "用户姓名",
            Field::Phone => "用户手机号",
            Field::IdNumber => "用户身份证号",
            Field::Gender => "用户性别",
            Field::Education => "学历",
            Field::Email => "用户邮箱",
            Field::Department => "部门名称",
            Field::Position => "职位",
            Field::Username => "账号",
            Field::Password => "密码",
            Field::OrgName => "单位名称",
            Field::County => "所属重点县",
            Field::CreditCode => "统一社会信用代码",
        }
    }
}

/// One wrong field of a form: which field, which code, and the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field that is wrong.
    pub field: Field,
    /// Why, as a stable code.
    pub code: ErrorCode,
}

impl FieldError {
    /// A field error with the code's default message.
    pub const fn new(field: Field, code: ErrorCode) -> Self {
        FieldError { field, code }
    }

    /// The Chinese message: `"用户手机号：手机号应为11位中国大陆手机号码"`.
    pub fn message(&self) -> String {
        format!("{}：{}", self.field.title_zh(), self.code.message_zh())
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// Extra, code-specific detail of an [`Error`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Detail {
    /// Every field that was wrong (for [`ErrorCode::InvalidInfo`] and form validation).
    Fields(Vec<FieldError>),
    /// When the lock-out ends (for [`ErrorCode::LockedUntil`]).
    LockedUntil(DateTime<Utc>),
    /// A short note without personal data (e.g. the backend's failure kind,
    /// or "did you mean" suggestions).
    Note(String),
}

/// The one error type of ccsa: a stable [`ErrorCode`] plus optional [`Detail`].
///
/// `Display` gives the Chinese message (with field errors or the lock-out end
/// appended), suitable for people; [`Error::code`] is for programs.
///
/// ```
/// use ccsa_core::{Error, ErrorCode, Field, FieldError};
///
/// let err = Error::invalid_info(vec![FieldError::new(Field::Phone, ErrorCode::PhoneInvalid)]);
/// assert_eq!(err.code(), ErrorCode::InvalidInfo);
/// assert_eq!(err.field_errors()[0].field, Field::Phone);
/// assert!(err.to_string().contains("用户手机号"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Error {
    code: ErrorCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    detail: Option<Detail>,
}

impl Error {
    /// An error with just a code.
    pub const fn new(code: ErrorCode) -> Self {
        Error { code, detail: None }
    }

    /// `INVALID_INFO` listing every wrong field.
    pub fn invalid_info(fields: Vec<FieldError>) -> Self {
        Error {
            code: ErrorCode::InvalidInfo,
            detail: Some(Detail::Fields(fields)),
        }
    }

    /// `LOCKED_UNTIL` with the moment the lock-out ends.
    pub fn locked_until(until: DateTime<Utc>) -> Self {
        Error {
            code: ErrorCode::LockedUntil,
            detail: Some(Detail::LockedUntil(until)),
        }
    }

    /// `STORAGE` with a note describing the failure kind. The note must not
    /// contain personal data; backends pass their error's kind, not its text.
    pub fn storage(note: impl Into<String>) -> Self {
        Error::new(ErrorCode::Storage).with_note(note)
    }

    /// Attaches a note (no personal data).
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.detail = Some(Detail::Note(note.into()));
        self
    }

    /// The stable code.
    pub const fn code(&self) -> ErrorCode {
        self.code
    }

    /// The detail, if any.
    pub fn detail(&self) -> Option<&Detail> {
        self.detail.as_ref()
    }

    /// The field errors (empty unless the detail lists fields).
    pub fn field_errors(&self) -> &[FieldError] {
        match &self.detail {
            Some(Detail::Fields(f)) => f,
            _ => &[],
        }
    }

    /// When a `LOCKED_UNTIL` lock-out ends.
    pub fn locked_until_time(&self) -> Option<DateTime<Utc>> {
        match &self.detail {
            Some(Detail::LockedUntil(t)) => Some(*t),
            _ => None,
        }
    }

    /// The note, if any.
    pub fn note(&self) -> Option<&str> {
        match &self.detail {
            Some(Detail::Note(n)) => Some(n),
            _ => None,
        }
    }

    /// The full Chinese message (same as `Display`).
    pub fn message(&self) -> String {
        self.to_string()
    }
}

impl From<ErrorCode> for Error {
    fn from(code: ErrorCode) -> Self {
        Error::new(code)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code.message_zh())?;
        match &self.detail {
            None => Ok(()),
            Some(Detail::Fields(fields)) => {
                f.write_str("：")?;
                for (i, fe) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str("；")?;
                    }
                    write!(f, "{fe}")?;
                }
                Ok(())
            }
            Some(Detail::LockedUntil(t)) => {
                let local = t.with_timezone(&crate::clock::china_offset());
                write!(f, "（{} 后可再试）", local.format("%Y-%m-%d %H:%M"))
            }
            Some(Detail::Note(n)) => write!(f, "（{n}）"),
        }
    }
}

impl std::error::Error for Error {}

/// Areas by code prefix: the codes are named by area.
fn area_of(c: &str) -> ErrorArea {
    let has = |p: &[&str]| p.iter().any(|x| c.starts_with(x));
    if c == "STORAGE" || c == "STORE_KEY_INVALID" {
        ErrorArea::Storage
    } else if has(&["EXAM_"]) {
        ErrorArea::Exam
    } else if has(&["LAW_", "ARTICLE_", "TOPIC_", "ACCIDENT_", "SEARCH_"]) {
        ErrorArea::Content
    } else if matches!(
        c,
        "NO_MATCHING_MEMBER"
            | "MEMBER_ALREADY_BOUND"
            | "APP_USER_ALREADY_BOUND"
            | "LOCKED_UNTIL"
            | "NOT_BOUND"
    ) {
        ErrorArea::Binding
    } else if matches!(
        c,
        "COLUMN_MISSING"
            | "FILE_UNREADABLE"
            | "SHEET_EMPTY"
            | "PHONE_DUPLICATE_IN_FILE"
            | "ID_NUMBER_DUPLICATE_IN_FILE"
    ) {
        ErrorArea::Import
    } else if has(&[
        "QUESTION_",
        "OPTIONS_",
        "ANSWER",
        "DIFFICULTY_",
        "GIFT_",
        "BANK_",
        "OUTSIDE_",
        "POLICY_",
    ]) {
        ErrorArea::Quiz
    } else if has(&[
        "ORG_",
        "ADMIN_",
        "USERNAME_",
        "PASSWORD_",
        "LOGIN_",
        "SESSION_",
        "COUNTY_",
        "INVALID_INFO",
        "CREDIT_CODE",
    ]) {
        ErrorArea::Registration
    } else if has(&[
        "DEPARTMENT_",
        "MEMBER_",
        "INVITATION_",
        "PHONE_TAKEN",
        "ID_NUMBER_TAKEN",
    ]) {
        ErrorArea::Directory
    } else {
        ErrorArea::Validation
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_screaming_snake_and_round_trip() {
        let mut seen = HashSet::new();
        for &c in ErrorCode::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(
                s.chars()
                    .all(|ch| ch.is_ascii_uppercase() || ch == '_' || ch.is_ascii_digit())
            );
            assert_eq!(ErrorCode::from_code(s), Some(c));
            assert!(!c.message_zh().is_empty());
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{s}\""));
        }
        assert_eq!(ErrorCode::from_code("NOPE"), None);
    }

    #[test]
    fn notice_reasons_have_their_codes() {
        assert_eq!(ErrorCode::OrgNotListed.as_str(), "ORG_NOT_LISTED");
        assert_eq!(ErrorCode::InvalidInfo.as_str(), "INVALID_INFO");
        assert_eq!(
            ErrorCode::AdminAlreadyRegistered.as_str(),
            "ADMIN_ALREADY_REGISTERED"
        );
    }

    #[test]
    fn display_lists_fields_and_lockout() {
        let e = Error::invalid_info(vec![
            FieldError::new(Field::Name, ErrorCode::NameRequired),
            FieldError::new(Field::Phone, ErrorCode::PhoneInvalid),
        ]);
        let s = e.to_string();
        assert!(s.starts_with("填写的信息不正确或不规范："), "{s}");
        assert!(
            s.contains("用户姓名：请填写姓名；用户手机号：手机号应为11位"),
            "{s}"
        );
        let t = DateTime::parse_from_rfc3339("2020-03-01T02:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let l = Error::locked_until(t);
        assert_eq!(l.locked_until_time(), Some(t));
        assert!(l.to_string().contains("2020-03-01 10:00"), "{l}");
        assert_eq!(Error::storage("timeout").note(), Some("timeout"));
    }
}
