//! The `[cost]` section of steward.toml. Defaults are list prices of common
//! cloud object storage and scan-priced query engines; set your own.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CostConfig {
    /// Printed beside amounts; prices are in it.
    pub currency: String,
    /// Price of a GB (10^9 bytes) stored for a month, by storage tier.
    pub storage_per_gb_month: BTreeMap<String, f64>,
    /// Tiers by `source.schema` glob patterns, e.g. `archive = ["lake.archive*"]`;
    /// a table no pattern matches is in `standard`.
    pub tiers: BTreeMap<String, Vec<String>>,
    /// Price of a TB (10^12 bytes) scanned by queries.
    pub compute_per_tb_scanned: f64,
    /// Teams by user-name glob patterns, e.g. `finance = ["finance.*", "sophie.martin"]`.
    pub teams: BTreeMap<String, Vec<String>>,
    /// Size of a table in Parquet relative to the same rows in CSV or JSON,
    /// for savings estimates.
    pub columnar_size_ratio: f64,
}

/// The tier a table is in when no pattern says otherwise.
pub const DEFAULT_TIER: &str = "standard";

impl Default for CostConfig {
    fn default() -> Self {
        Self {
            currency: "USD".to_string(),
            storage_per_gb_month: BTreeMap::from([
                (DEFAULT_TIER.to_string(), 0.023),
                ("infrequent".to_string(), 0.0125),
                ("archive".to_string(), 0.004),
            ]),
            tiers: BTreeMap::new(),
            compute_per_tb_scanned: 5.0,
            teams: BTreeMap::new(),
            columnar_size_ratio: 0.25,
        }
    }
}
