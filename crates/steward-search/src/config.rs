//! The `[search]` section of `steward.toml`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchConfig {
    /// Threads that build the search index. Default: the machine's cores.
    pub threads: usize,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self {
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }
}
