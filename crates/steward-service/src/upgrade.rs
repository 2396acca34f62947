//! Upgrades of stored data that a SQL migration cannot express, applied once
//! each when the service opens a catalog (after its schema migrations) and
//! recorded by name in `data_upgrades`, in the same transaction as the data
//! they rewrite: an upgrade is applied whole or not at all.

use steward_lineage::normalize_sql;
use steward_store::{Filter, Store};
use steward_types::{LineageEdge, Source, Table, UsageRecord, redact_quoted_values};

use crate::error::Result;
use crate::runs::now;
use crate::sources::source_dialect;

/// Catalogs written before stored SQL was normalised keep query-log SQL,
/// view definitions, skipped-piece warnings and scan errors with their
/// literals in clear: this rewrites them as they are written today.
const NORMALISED_SQL: &str = "normalised-sql-1";

/// Warnings in an edge's reason that quote SQL (the rest is Steward's prose).
const SQL_QUOTING_WARNINGS: &[&str] = &["not understood, skipped: ", "statement skipped: "];

/// What the upgrades rewrote, for the log.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct UpgradeReport {
    pub usage: usize,
    pub views: usize,
    pub edges: usize,
    pub errors: usize,
}

/// Applies every pending data upgrade.
pub(crate) async fn upgrade_stored_data(store: &Store) -> Result<UpgradeReport> {
    let mut session = store.begin().await?;
    // Two processes opening an old catalog at once: one upgrades, the
    // other then sees it applied.
    session.lock("steward:data-upgrades").await?;
    if session.data_upgrade_applied(NORMALISED_SQL).await? {
        return Ok(UpgradeReport::default());
    }
    let mut report = UpgradeReport::default();
    for record in session.list::<UsageRecord>(&Filter::all()).await? {
        // The log's dialect is not stored; the generic tokenizer reads the
        // literals of every dialect Steward parses.
        let sql = normalize_sql(&record.sql, "generic");
        if sql != record.sql {
            let mut row = record.data.clone();
            row.sql = sql;
            session.update(record.id, &row).await?;
            report.usage += 1;
        }
    }
    let sources = session.list::<Source>(&Filter::all()).await?;
    for record in session.list::<Table>(&Filter::all()).await? {
        let mut row = record.data.clone();
        if let Some(view_sql) = &record.view_sql {
            let dialect = sources
                .iter()
                .find(|s| s.id == record.source_id)
                .map_or("generic", |s| source_dialect(s.kind));
            row.view_sql = Some(normalize_sql(view_sql, dialect));
        }
        row.scan_error = record.scan_error.as_deref().map(redact_quoted_values);
        if row.view_sql != record.view_sql {
            report.views += 1;
        }
        if row.scan_error != record.scan_error {
            report.errors += 1;
        }
        if row != record.data {
            session.update(record.id, &row).await?;
        }
    }
    for record in session
        .list::<LineageEdge>(&Filter::all().is_not_null("reason"))
        .await?
    {
        let Some(reason) = &record.reason else {
            continue;
        };
        let rewritten = normalised_reason(reason);
        if &rewritten != reason {
            let mut row = record.data.clone();
            row.reason = Some(rewritten);
            session.update(record.id, &row).await?;
            report.edges += 1;
        }
    }
    session
        .record_data_upgrade(NORMALISED_SQL, &now().to_rfc3339())
        .await?;
    session.commit().await?;
    if report != UpgradeReport::default() {
        tracing::info!(
            usage = report.usage,
            views = report.views,
            edges = report.edges,
            errors = report.errors,
            "stored SQL rewritten without its literals"
        );
    }
    Ok(report)
}

/// An edge's reason with the SQL its warnings quote normalised.
fn normalised_reason(reason: &str) -> String {
    reason
        .split("; ")
        .map(|warning| {
            match SQL_QUOTING_WARNINGS
                .iter()
                .find_map(|prefix| warning.strip_prefix(prefix).map(|sql| (prefix, sql)))
            {
                Some((prefix, sql)) => format!("{prefix}{}", normalize_sql(sql, "generic")),
                None => redact_quoted_values(warning),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_lose_their_literals_and_keep_their_prose() {
        assert_eq!(
            normalised_reason(
                "not understood, skipped: UPDATE t SET email = 'ana@x.com' WHERE id = 42; \
                 dbt manifest not compiled: table lineage only"
            ),
            "not understood, skipped: UPDATE t SET email = ? WHERE id = ?; \
             dbt manifest not compiled: table lineage only"
        );
        assert_eq!(
            normalised_reason("FROM item `f('ana@x.com')` was not followed"),
            "FROM item `f('…')` was not followed"
        );
    }
}
