pub mod ask;
pub mod bench;
pub mod bench_agent;
pub mod bench_lineage;
pub mod bench_pii;
pub mod bench_queue;
pub mod bench_search;
pub mod bench_sql;
pub mod check;
pub mod config_show;
pub mod cost;
pub mod demo_data;
pub mod docs;
pub mod init;
pub mod jobs;
pub mod lineage;
pub mod llm;
pub mod migrate;
pub mod pii;
pub mod query;
pub mod scan;
pub mod search;
pub mod serve;
pub mod show;
pub mod source;
pub mod sql;
pub mod status;
pub mod tables;
pub mod user;

use steward_service::Steward;

use crate::config::Loaded;

/// Runs `work` on the catalog an initialised Steward uses (migrating it
/// when the config allows), closing it after.
pub async fn with_steward<T>(
    loaded: &Loaded,
    work: impl AsyncFnOnce(&Steward) -> steward_service::Result<T>,
) -> anyhow::Result<T> {
    let steward = Steward::open(loaded).await?;
    let result = work(&steward).await;
    steward.close().await;
    Ok(result?)
}

/// Who a steward's action is recorded as: `--by`, else `$USER`, else `steward`.
pub fn actor(by: &Option<String>) -> String {
    by.clone()
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "steward".to_string())
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
