use serde::Serialize;
use steward_store::{Filter, SchemaStatus, Session};
use steward_types::*;

use crate::commands::open_store;
use crate::config::Loaded;
use crate::output::Output;

#[derive(Debug, Serialize)]
struct Status {
    store: String,
    schema: SchemaStatus,
    counts: Counts,
}

#[derive(Debug, Serialize)]
struct Counts {
    sources: i64,
    tables: i64,
    columns: i64,
    column_profiles: i64,
    classifications: i64,
    lineage_edges: i64,
    change_events: i64,
    policies: i64,
    open_findings: i64,
    job_runs: i64,
    usage_records: i64,
    audit_events: i64,
}

async fn count<T: steward_store::Entity>(s: &mut Session) -> steward_store::Result<i64> {
    s.count::<T>(&Filter::all()).await
}

pub async fn run(loaded: &Loaded, out: &Output) -> anyhow::Result<()> {
    let store = open_store(loaded).await?;
    let schema = store.schema_status().await?;
    let mut s = store.begin().await?;
    let counts = Counts {
        sources: count::<Source>(&mut s).await?,
        tables: count::<Table>(&mut s).await?,
        columns: count::<Column>(&mut s).await?,
        column_profiles: count::<ColumnProfile>(&mut s).await?,
        classifications: count::<Classification>(&mut s).await?,
        lineage_edges: count::<LineageEdge>(&mut s).await?,
        change_events: count::<ChangeEvent>(&mut s).await?,
        policies: count::<PolicyRef>(&mut s).await?,
        open_findings: s
            .count::<Finding>(&Filter::all().eq_text("status", FindingStatus::Open.as_str()))
            .await?,
        job_runs: count::<JobRun>(&mut s).await?,
        usage_records: count::<UsageRecord>(&mut s).await?,
        audit_events: count::<AuditEvent>(&mut s).await?,
    };
    drop(s);
    store.close().await;
    let status = Status {
        store: store.display_url().to_string(),
        schema,
        counts,
    };
    out.print(&status, |st| {
        let c = &st.counts;
        let rows = [
            ("sources", c.sources),
            ("tables", c.tables),
            ("columns", c.columns),
            ("column profiles", c.column_profiles),
            ("classifications", c.classifications),
            ("lineage edges", c.lineage_edges),
            ("schema changes", c.change_events),
            ("policies", c.policies),
            ("open findings", c.open_findings),
            ("job runs", c.job_runs),
            ("usage records", c.usage_records),
            ("audit events", c.audit_events),
        ];
        let mut text = format!(
            "catalog  {} ({}, schema version {})\n",
            st.store,
            st.schema.backend.as_str(),
            st.schema.current
        );
        for (name, n) in rows {
            text.push_str(&format!("  {name:<16} {n:>8}\n"));
        }
        text
    })
}
