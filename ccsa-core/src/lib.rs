//! # ccsa-core — the domain of CCSA 安学网 online safety training
//!
//! The 2020-03-24 notice of the hazardous-chemicals key-county coordination
//! office (危险化学品重点县专家指导服务协调组办公室) runs a campaign of online
//! safety training for the **53 key counties** (重点县): their emergency
//! bureaus and chemical enterprises register, add their people, and every
//! trainee answers a **daily quiz** whose points make **leaderboards**, a
//! **monthly county report** and **year-end awards**. This crate is that
//! domain, pure: no IO, no SQL, no async runtime, time from a [`clock::Clock`],
//! randomness from explicit seeds.
//!
//! | module | 中文 | what it models |
//! |---|---|---|
//! | [`identity`] | 身份信息 | ID number, phone, name, gender, 学历, email, credit code; masked output |
//! | [`registry`] | 名单 | the 53 [`County`](registry::County)s in 11 secretary groups, [`Org`](registry::Org)s, the [`Roster`](registry::Roster) |
//! | [`admin`] | 管理员 | the first-registrant [`AdminSeat`](admin::AdminSeat), argon2id passwords, sessions |
//! | [`audit`] | 操作日志 | who did what to which org and when, kept ≥ 6 months, no personal data |
//! | [`directory`] | 部门和人员 | departments, members, the one [`MemberForm`](directory::MemberForm) validator |
//! | [`binding`] | 绑定 | a trainee's app account claims a member by name + phone; lock-outs |
//! | [`exam`] | 在线考试 | exams with blueprints, reproducible papers, timed attempts, marking, item analysis |
//! | [`library`] | 学习资料 | the law and standard database (法规标准库) with Chinese full-text search |
//! | [`quiz`] | 题库、每日答题 | questions, the reproducible [`DailyDraw`](quiz::DailyDraw), spaced review, grading |
//! | [`scoring`] | 积分 | the [`Campaign`](scoring::Campaign), dated scoring policies, the [`LedgerEntry`](scoring::LedgerEntry) |
//! | [`ranking`] | 排行、通报、表彰 | competition ranking, [`LeaderboardIndex`](ranking::LeaderboardIndex), monthly report, awards |
//! | [`store`] | 存储 | the [`Store`](store::Store) trait with its atomic contracts, and [`MemoryStore`](store::MemoryStore) |
//! | [`service`] | 服务 | [`Ccsa`]: one method per use case |
//! | [`error`] | 错误 | [`Error`]: a stable [`ErrorCode`] and a Chinese message |
//!
//! The rules that need atomicity — one admin per org, one scored quiz per
//! member and day — are store operations with documented contracts, proven
//! on every backend by the `conformance` suite (feature `conformance`).
//!
//! ```
//! use ccsa_core::{clock::ManualClock, scoring::Campaign, store::MemoryStore, Ccsa};
//! use ccsa_core::{admin::AdminRegistration, ranking::{Period, Scope}, sample};
//! use std::sync::Arc;
//!
//! # futures::executor::block_on(async {
//! let clock = Arc::new(ManualClock::at_rfc3339("2020-03-24T01:00:00Z"));
//! let ccsa = Ccsa::new(Arc::new(MemoryStore::new()), clock, Campaign::notice_2020(2020))?;
//! ccsa.list_notice_bureaus().await?; // the 53 county emergency bureaus
//! ccsa.register_admin(&AdminRegistration {
//!     org_name: "泰州市泰兴市应急管理局".into(), real_name: "孙八".into(), phone: "13500135000".into(),
//!     username: "taixing".into(), password: "taixing2020".into(), ..Default::default()
//! }).await?;
//! let (_token, admin) = ccsa.login("taixing", "taixing2020").await?;
//! ccsa.create_department(&admin, "危化品监管科").await?;
//! let form = sample::member_form(1, "危化品监管科");
//! ccsa.add_member(&admin, &form).await?;
//! ccsa.bind("wx-openid-1", &form.name, &form.phone).await?;
//! let board = ccsa.leaderboard(Scope::All, Period::Campaign, 0, 10).await?;
//! assert!(board.is_empty()); // nobody has answered yet
//! # Ok::<(), ccsa_core::Error>(()) }).unwrap();
//! ```
#![deny(missing_docs)]

pub mod admin;
pub mod audit;
pub mod binding;
pub mod clock;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod directory;
pub mod error;
pub mod exam;
pub mod identity;
pub mod library;
#[cfg(feature = "qr")]
pub mod qr;
pub mod quiz;
pub mod ranking;
pub mod registry;
pub mod sample;
pub mod scoring;
pub mod service;
#[cfg(feature = "spreadsheet")]
pub mod spreadsheet;
pub mod store;

pub use error::{Detail, Error, ErrorArea, ErrorCode, Field, FieldError, Result};
pub use service::{Ccsa, TodaysQuiz};
