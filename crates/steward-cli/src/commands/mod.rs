pub mod bench;
pub mod bench_lineage;
pub mod bench_pii;
pub mod bench_search;
pub mod check;
pub mod config_show;
pub mod cost;
pub mod demo_data;
pub mod init;
pub mod lineage;
pub mod llm;
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

/// Who a steward's action is recorded as: `--by`, else `$USER`, else `steward`.
pub fn actor(by: &Option<String>) -> String {
    by.clone()
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "steward".to_string())
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

/// The records of a JSON-lines file with their 1-based line numbers; blank
/// lines are skipped. A file that cannot be opened or a line that does not
/// parse is an `Invalid` failure naming the file and line.
pub fn read_jsonl<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
) -> anyhow::Result<Vec<(usize, T)>> {
    use std::io::BufRead;

    use anyhow::Context;

    let file = std::fs::File::open(path).map_err(|e| {
        crate::failure::Failure::new(
            steward_types::ErrorKind::Invalid,
            format!("cannot open {}: {e}", path.display()),
        )
    })?;
    let mut records = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{}: line {}", path.display(), i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let record = serde_json::from_str(&line).map_err(|e| {
            crate::failure::Failure::new(
                steward_types::ErrorKind::Invalid,
                format!("{}: line {}: {e}", path.display(), i + 1),
            )
        })?;
        records.push((i + 1, record));
    }
    Ok(records)
}
