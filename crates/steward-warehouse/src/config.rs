use serde::{Deserialize, Serialize};

/// The `[warehouse]` section of `steward.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WarehouseConfig {
    /// DataFusion partitions (threads). Default: the machine's cores.
    pub threads: usize,
    /// DataFusion's memory limit; queries that need more spill or fail instead of
    /// exhausting the machine.
    pub memory_limit_mb: usize,
    /// Tables with more rows than this (when the count is known up front) are
    /// profiled from a sample of this many rows.
    pub sample_rows: u64,
    /// Frequent values kept per column.
    pub top_k: usize,
    /// Non-null values read per column for sensitive-data classification.
    /// They stay in memory; 0 turns classification from values off.
    pub sample_values: usize,
    /// Rows the CSV and NDJSON readers look at to infer a schema.
    pub schema_infer_rows: usize,
}

impl WarehouseConfig {
    /// The threads DataFusion gets: as configured, but never more than the
    /// machine's cores (oversubscribing a small box only adds contention).
    pub fn effective_threads(&self) -> usize {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.threads.clamp(1, cores)
    }
}

impl Default for WarehouseConfig {
    fn default() -> Self {
        Self {
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            memory_limit_mb: 1024,
            sample_rows: 1_000_000,
            top_k: 5,
            sample_values: 30,
            schema_infer_rows: 1000,
        }
    }
}
