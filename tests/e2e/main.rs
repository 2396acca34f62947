//! End-to-end tests: the real `steward` binary in a scratch folder, with the real
//! SQLite file and, when `STEWARD_TEST_PG_URL` is set, a real PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ask;
mod cli;
mod concurrency;
mod config;
mod docs;
mod governance;
mod harness;
mod jobs;
mod layering;
mod lineage;
mod llm;
mod pii;
mod scan;
mod search;
mod store;
