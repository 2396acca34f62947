use steward_service::CatalogStatus;

use crate::commands::with_steward;
use crate::config::Loaded;
use crate::output::Output;

pub async fn run(loaded: &Loaded, out: &Output) -> anyhow::Result<()> {
    let status = with_steward(loaded, async |s| s.status().await).await?;
    out.print(&status, |st: &CatalogStatus| {
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
