//! Policies as code. A policy is a TOML file with a SQL `check` over the
//! catalog's system tables (`steward.tables`, `steward.classifications`, ...)
//! returning one row per violation; this crate reads policy files, exposes the
//! catalog as those tables and runs the checks. Pure: the service gives it a
//! snapshot of the catalog and stores the findings.

mod builtin;
mod config;
mod error;
mod evaluate;
mod file;
mod instructions;
mod system;

pub use builtin::{BUILTIN, builtin_policies};
pub use config::{PolicyConfig, apply_params};
pub use error::PolicyError;
pub use evaluate::{EvalSettings, Evaluator, Violation, fingerprint};
pub use file::{ParamValue, Policy, Position, Problem, load_dir, merge, parse};
pub use instructions::{Instructions, doubtful, instructions_in};
pub use system::{CatalogSnapshot, SCHEMA, TABLES, register as register_system_tables};
