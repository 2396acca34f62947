//! The catalog store's conformance suite: every case runs against SQLite and,
//! when `STEWARD_TEST_PG_URL` is set, against PostgreSQL. Under CI (`CI` set)
//! PostgreSQL is mandatory.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod crud;
mod harness;
mod queue;
mod schema;
mod units;
