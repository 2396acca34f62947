//! The catalog store: every SQL statement against Steward's own database lives
//! here. One API, two backends through sqlx: SQLite (the embedded default, a file
//! in the data dir, WAL mode) and PostgreSQL (for teams).
//!
//! Work happens in a [`Session`], which is always a transaction: one logical unit
//! (one table's scan result, one policy run) is written by one session and is
//! visible only after [`Session::commit`]. Dropping a session rolls it back.

mod config;
mod entity;
mod error;
mod row;
mod session;
mod store;

pub use config::StoreConfig;
pub use entity::Entity;
pub use error::{Result, StoreError};
pub use session::{Filter, Session, Settlement};
pub use store::{Backend, OpenMode, SchemaStatus, Store};
