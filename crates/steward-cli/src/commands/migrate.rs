use steward_service::{SchemaReport, migrate_catalog};

use crate::cli::MigrateArgs;
use crate::config::Loaded;
use crate::output::Output;

pub async fn run(loaded: &Loaded, args: &MigrateArgs, out: &Output) -> anyhow::Result<()> {
    let report = migrate_catalog(loaded, !args.status).await?;
    out.print(&report, |r: &SchemaReport| {
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
