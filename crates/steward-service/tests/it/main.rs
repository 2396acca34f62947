//! Scans of real sources into a real catalog store: file lakes written by
//! DataFusion, SQLite files, and PostgreSQL and MariaDB when
//! `STEWARD_TEST_PG_URL` / `STEWARD_TEST_MYSQL_URL` are set (mandatory under CI).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bad_input;
mod classify;
mod databases;
mod drift;
mod front_door;
mod harness;
mod instructions;
mod lake;
mod lineage;
mod policies;
mod propagate;
mod proposals;
mod query;
mod s3;
mod second_opinion;
