//! Seeing a warehouse through DataFusion: connecting to a source (file lakes on
//! local disk or S3, PostgreSQL, MySQL/MariaDB, SQLite), finding its tables,
//! inspecting their schemas and profiling their columns in one pass per table.
//!
//! Profiles hold raw sample values in memory only; masking them before they are
//! stored is the caller's job (see `steward-service`).

mod config;
mod connect;
mod error;
mod files;
mod locate;
mod model;
mod profile;
mod query;
mod sample;
mod sql_db;
mod sqlite;
mod topk;

pub use config::WarehouseConfig;
pub use connect::SourceConnection;
pub use error::{Result, WarehouseError};
pub use model::{ColumnSnapshot, ColumnStats, TableProfile, TableRef, TableSnapshot};
pub use profile::ProfileOptions;
pub use query::{NamedTable, QueryLimits, QueryRows, ReadOnlyQuery, masked_value};
pub use topk::TopK;
