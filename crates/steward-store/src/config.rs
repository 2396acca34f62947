use serde::{Deserialize, Serialize};
use steward_types::Secret;

/// The `[store]` section of `steward.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// `sqlite://PATH` or `postgres://USER@HOST/DB`. Unset: `catalog.db` in the data dir.
    pub url: Option<Secret>,
    /// PostgreSQL only: the schema Steward's tables live in (created when missing).
    pub schema: Option<String>,
    /// Upper bound of pooled connections.
    pub max_connections: u32,
    /// How long to wait for a connection before giving up.
    pub connect_timeout_secs: u64,
    /// SQLite only: how long one attempt to take the write lock waits.
    pub busy_timeout_ms: u64,
    /// SQLite only: how long a unit of work waits in all for other
    /// processes' writes (attempts are repeated until then) before failing.
    pub lock_wait_secs: u64,
    /// Apply pending migrations whenever the store is opened.
    pub auto_migrate: bool,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            url: None,
            schema: None,
            max_connections: 4,
            connect_timeout_secs: 5,
            busy_timeout_ms: 5_000,
            lock_wait_secs: 600,
            auto_migrate: true,
        }
    }
}
