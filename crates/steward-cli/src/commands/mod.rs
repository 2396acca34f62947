pub mod bench;
pub mod bench_lineage;
pub mod bench_pii;
pub mod config_show;
pub mod demo_data;
pub mod init;
pub mod lineage;
pub mod migrate;
pub mod pii;
pub mod scan;
pub mod show;
pub mod source;
pub mod status;
pub mod tables;

use steward_store::{OpenMode, Store};

use crate::config::Loaded;

/// Opens the catalog store an initialised Steward uses (migrating it when the
/// config allows).
pub async fn open_store(loaded: &Loaded) -> anyhow::Result<Store> {
    Ok(Store::open(
        &loaded.store_url(),
        &loaded.config.store,
        OpenMode::Existing,
    )
    .await?)
}
