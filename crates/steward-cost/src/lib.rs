//! The cost model, pure: storage priced from table sizes and tiers, compute
//! from the query log (bytes scanned as logged, or estimated from DataFusion
//! plans over the tables' schemas and column widths), attributed to tables,
//! users and teams, and the savings at hand (unused, duplicated and row-format
//! data).

mod config;
mod error;
mod estimate;
mod model;

pub use config::{CostConfig, DEFAULT_TIER};
pub use error::CostError;
pub use estimate::{ColumnStats, ScanEstimator, TableStats};
pub use model::{CostReport, PartyCost, Saving, SavingKind, Totals, price};
