//! The warehouse's query log as usage: who ran what, when, reading which
//! tables and scanning how many bytes. What cost and staleness checks read.
//! Re-ingesting a log replaces its queries (keyed by query id), never
//! duplicates them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use steward_lineage::{Schema, analyze, normalize_sql};
use steward_store::{Filter, Store};
use steward_types::{Id, UsageRecord};

use crate::error::Result;

/// One query of a log.
#[derive(Debug, Clone)]
pub struct LoggedQuery {
    pub query_id: String,
    pub user: Option<String>,
    pub sql: String,
    pub bytes_scanned: Option<i64>,
    pub duration_ms: Option<i64>,
    pub executed_at: DateTime<Utc>,
}

/// What recording a log did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UsageReport {
    pub recorded: usize,
    /// Queries already known by their id, replaced.
    pub replaced: usize,
    /// Queries whose tables could not be read from their SQL (kept, with no
    /// tables).
    pub unparsed: usize,
}

/// Records the queries, with the tables each reads (from its SQL, in
/// `dialect`), in one transaction.
pub async fn record_usage(
    store: &Store,
    queries: &[LoggedQuery],
    dialect: &str,
) -> Result<UsageReport> {
    let schema = Schema::new();
    let mut report = UsageReport::default();
    let mut rows = Vec::with_capacity(queries.len());
    for q in queries {
        let tables = match analyze(&q.sql, dialect, &schema) {
            Ok(lineage) => lineage
                .sources
                .into_iter()
                .map(|t| t.to_lowercase())
                .collect(),
            Err(_) => {
                report.unparsed += 1;
                Vec::new()
            }
        };
        rows.push(UsageRecord {
            query_id: Some(q.query_id.clone()),
            user_name: q.user.clone(),
            // Literals may be personal data: the catalog keeps the shape only.
            sql: normalize_sql(&q.sql, dialect),
            tables,
            bytes_scanned: q.bytes_scanned,
            duration_ms: q.duration_ms,
            executed_at: q.executed_at,
        });
    }
    let mut session = store.begin().await?;
    // Two logs recorded at once must not both insert one query id.
    session.lock("steward:usage").await?;
    let known: BTreeMap<String, Id<UsageRecord>> = session
        .list::<UsageRecord>(&Filter::all())
        .await?
        .into_iter()
        .filter_map(|r| r.query_id.clone().map(|q| (q, r.id)))
        .collect();
    for row in rows {
        match row.query_id.as_ref().and_then(|q| known.get(q)) {
            Some(id) => {
                session.update(*id, &row).await?;
                report.replaced += 1;
            }
            None => {
                session.insert(&row).await?;
            }
        }
        report.recorded += 1;
    }
    session.commit().await?;
    Ok(report)
}
