pub mod bench;
pub mod bench_lineage;
pub mod bench_pii;
pub mod bench_search;
pub mod config_show;
pub mod demo_data;
pub mod init;
pub mod lineage;
pub mod migrate;
pub mod pii;
pub mod scan;
pub mod search;
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

/// Brings the search index in step after a command changed the catalog. The
/// index is derived data: a failure here is a warning, never the command's
/// failure.
pub async fn refresh_index(loaded: &Loaded, store: &Store) {
    if let Err(e) = steward_service::sync_index(store, &loaded.index_settings()).await {
        eprintln!(
            "warning: the search index was not updated ({e}); `steward index rebuild` rebuilds it"
        );
    }
}
