//! [`Engine`]: the ccsa service over a store, for apps.

use crate::error::{CcsaError, FfiResult};
use crate::helpers::day;
use crate::records::SampleCounts;
use ccsa_core::clock::{Clock, ManualClock, SystemClock};
use ccsa_core::directory::{InvitationKey, InvitationLink};
use ccsa_core::scoring::Campaign;
use ccsa_core::{Ccsa, ErrorCode, library, sample};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// How to open an [`Engine`]. Only `seed` is required (Kotlin and Swift
/// give the other fields defaults).
/// `Debug` shows whether the keys are set, never their bytes.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct EngineOptions {
    /// The campaign's draw seed (the server's, for identical draws).
    pub seed: u64,
    /// First campaign day, `YYYY-MM-DD` (None: the notice's 2020-03-01).
    #[uniffi(default = None)]
    pub campaign_start: Option<String>,
    /// Last campaign day, `YYYY-MM-DD` (None: the notice's 2020-12-31).
    #[uniffi(default = None)]
    pub campaign_end: Option<String>,
    /// The 32-byte key that signs invitation tokens. Give the same key every
    /// time the app opens the same store, or earlier tokens stop verifying.
    /// None: a random key for this engine only.
    #[uniffi(default = None)]
    pub invitation_key: Option<Vec<u8>>,
    /// The QR text of an invitation, `{token}` replaced (None: the token alone).
    #[uniffi(default = None)]
    pub invitation_link: Option<String>,
    /// Pin the clock at this instant (RFC 3339) and move it with
    /// [`Engine::set_time`]: for tests and demos. None: the system clock.
    #[uniffi(default = None)]
    pub fixed_time: Option<String>,
    /// The 32-byte key that seals ID numbers and phones in the store
    /// (encryption at rest; keep it in the platform keystore — Android
    /// Keystore, iOS Keychain — and give the same key every time). A store
    /// written without a key is converted in place on its first open with
    /// one. None: values are stored as given (tests and demos only).
    #[uniffi(default = None)]
    pub store_key: Option<Vec<u8>>,
    /// The id of `store_key` (raise it when rotating, and give the
    /// previous key as `retired_store_key` until the store has been opened
    /// once with both).
    #[uniffi(default = 1)]
    pub store_key_id: u32,
    /// The key being rotated away from, with its id.
    #[uniffi(default = None)]
    pub retired_store_key: Option<RetiredKey>,
}

/// A store key being rotated away from (see [`EngineOptions::store_key_id`]).
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct RetiredKey {
    /// Its id.
    pub id: u32,
    /// Its 32 bytes.
    pub key: Vec<u8>,
}

impl std::fmt::Debug for EngineOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set = |k: &Option<Vec<u8>>| if k.is_some() { "set" } else { "none" };
        f.debug_struct("EngineOptions")
            .field("seed", &self.seed)
            .field("campaign_start", &self.campaign_start)
            .field("campaign_end", &self.campaign_end)
            .field("invitation_key", &set(&self.invitation_key))
            .field("invitation_link", &self.invitation_link)
            .field("fixed_time", &self.fixed_time)
            .field("store_key", &set(&self.store_key))
            .field("store_key_id", &self.store_key_id)
            .field(
                "retired_store_key",
                &self.retired_store_key.as_ref().map(|r| r.id),
            )
            .finish()
    }
}

/// The keyring of the options' store keys (None: no key).
fn keyring(options: &EngineOptions) -> FfiResult<Option<ccsa_store::Keyring>> {
    let Some(key) = &options.store_key else {
        return Ok(None);
    };
    let mut ring = ccsa_store::Keyring::from_slice(options.store_key_id, key)?;
    if let Some(r) = &options.retired_store_key {
        ring = ring.with_retired_slice(r.id, &r.key)?;
    }
    Ok(Some(ring))
}

/// The ccsa service over one store: an app-local SQLite file
/// (`sqlite:///data/…/ccsa.db`) or `sqlite::memory:`. Trainee flows take
/// the app user id; admin flows take the session token from
/// [`Engine::login`]. Every method is `suspend` (Kotlin) / `async` (Swift).
#[derive(uniffi::Object)]
pub struct Engine {
    pub(crate) ccsa: Ccsa,
    manual: Option<Arc<ManualClock>>,
    pub(crate) link: InvitationLink,
}

/// Opens (and migrates) a store and returns an engine over it running the
/// 2020 notice's campaign rules.
#[uniffi::export(async_runtime = "tokio")]
pub async fn open_engine(url: String, options: EngineOptions) -> FfiResult<Arc<Engine>> {
    let store = ccsa_store::open_with(
        &url,
        &ccsa_store::StoreOptions {
            keyring: keyring(&options)?,
            ..Default::default()
        },
    )
    .await?;
    let (clock, manual): (Arc<dyn Clock>, _) = match &options.fixed_time {
        Some(t) => {
            let m = Arc::new(ManualClock::new(instant(t)?));
            (m.clone(), Some(m))
        }
        None => (Arc::new(SystemClock), None),
    };
    let campaign = match (&options.campaign_start, &options.campaign_end) {
        (None, None) => Campaign::notice_2020(options.seed),
        (start, end) => {
            let notice = Campaign::notice_2020(options.seed);
            let start = start
                .as_deref()
                .map(day)
                .transpose()?
                .unwrap_or(notice.start);
            let end = end.as_deref().map(day).transpose()?.unwrap_or(notice.end);
            Campaign::notice_rules(start, end, options.seed)?
        }
    };
    let mut ccsa = Ccsa::new(store, clock, campaign)?;
    if let Some(key) = &options.invitation_key {
        let key: [u8; 32] = key.as_slice().try_into().map_err(|_| {
            CcsaError::from(
                ccsa_core::Error::new(ErrorCode::ValueInvalid).with_note("邀请密钥应为32字节"),
            )
        })?;
        ccsa = ccsa.with_invitation_key(InvitationKey::new(key));
    }
    if manual.is_some() {
        ccsa = ccsa.with_entropy_seed(options.seed);
    }
    Ok(Arc::new(Engine {
        ccsa,
        manual,
        link: InvitationLink(
            options
                .invitation_link
                .unwrap_or_else(|| "{token}".to_string()),
        ),
    }))
}

fn instant(s: &str) -> FfiResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| ErrorCode::DateInvalid.into())
}

#[uniffi::export(async_runtime = "tokio")]
impl Engine {
    /// "sqlite" (or "postgres", "memory").
    pub fn backend(&self) -> String {
        self.ccsa.store().backend().to_string()
    }

    /// Moves a pinned clock (engines opened with `fixed_time` only;
    /// `VALUE_INVALID` otherwise).
    pub fn set_time(&self, rfc3339: String) -> FfiResult<()> {
        let m = self.manual.as_ref().ok_or_else(|| {
            CcsaError::from(ccsa_core::Error::new(ErrorCode::ValueInvalid).with_note("时钟未固定"))
        })?;
        m.set(instant(&rfc3339)?);
        Ok(())
    }

    /// Lists the notice's 53 emergency bureaus (附件3), once per store;
    /// returns how many orgs were added (0 when already listed).
    pub async fn list_notice_bureaus(&self) -> FfiResult<u32> {
        if !self.ccsa.store().orgs().await?.is_empty() {
            return Ok(0);
        }
        Ok(self.ccsa.list_notice_bureaus().await?.len() as u32)
    }

    /// Loads the sample content: the national question bank, the law and
    /// standard database, safety-five-minutes articles, history-today
    /// records and one featured topic (for demos, tests and offline first runs).
    pub async fn load_sample_content(&self) -> FfiResult<SampleCounts> {
        let questions = self
            .ccsa
            .add_national_questions(sample::national_bank())
            .await?
            .len() as u32;
        let laws = self.ccsa.add_laws(library::sample_laws()).await?;
        let articles = self
            .ccsa
            .add_safety_articles(library::sample_articles())
            .await?;
        self.ccsa
            .add_topic(library::sample_topic(&laws, &articles))
            .await?;
        let accidents = self
            .ccsa
            .add_accidents(library::sample_accidents())
            .await?
            .len() as u32;
        Ok(SampleCounts {
            questions,
            laws: laws.len() as u32,
            articles: articles.len() as u32,
            accidents,
            topics: 1,
        })
    }
}
