use serde::Serialize;
use steward_store::{OpenMode, SchemaStatus, Store};

use crate::cli::MigrateArgs;
use crate::config::Loaded;
use crate::output::Output;

#[derive(Debug, Serialize)]
struct MigrateReport {
    store: String,
    /// Versions applied by this run (empty with `--status`).
    applied: Vec<i64>,
    schema: SchemaStatus,
}

pub async fn run(loaded: &Loaded, args: &MigrateArgs, out: &Output) -> anyhow::Result<()> {
    let store = Store::connect(
        &loaded.store_url(),
        &loaded.config.store,
        OpenMode::Existing,
    )
    .await?;
    let applied = if args.status {
        Vec::new()
    } else {
        store.migrate().await?
    };
    let schema = store.schema_status().await?;
    store.close().await;
    let report = MigrateReport {
        store: store.display_url().to_string(),
        applied,
        schema,
    };
    out.print(&report, |r| {
        let state = if r.schema.current > r.schema.latest {
            format!(
                "schema version {} is newer than this steward knows ({}): upgrade steward",
                r.schema.current, r.schema.latest
            )
        } else if r.schema.pending.is_empty() {
            format!("schema version {}, up to date", r.schema.current)
        } else {
            format!(
                "schema version {}, pending: {}",
                r.schema.current,
                join(&r.schema.pending)
            )
        };
        let applied = if r.applied.is_empty() {
            String::new()
        } else {
            format!("applied migrations {}\n", join(&r.applied))
        };
        format!("{applied}{}: {state}", r.store)
    })
}

fn join(versions: &[i64]) -> String {
    versions
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
