//! The warehouse's query log as usage: who ran what, when, reading which
//! tables and scanning how many bytes. What cost and staleness checks read.
//! Re-ingesting a log replaces its queries (keyed by query id), never
//! duplicates them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::Serialize;
use steward_lineage::{Schema, analyze, normalize_sql};
use steward_store::{Filter, Store};
use steward_types::{Id, Source, UsageRecord};

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
    /// The database (or `database.schema`) the query ran in: where its
    /// unqualified table names resolve.
    pub database: Option<String>,
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
    record_logged(store, queries.to_vec(), dialect).await
}

/// `record_usage` of queries the caller hands over.
pub(crate) async fn record_logged(
    store: &Store,
    queries: Vec<LoggedQuery>,
    dialect: &str,
) -> Result<UsageReport> {
    let names = CatalogNames::of(store).await?;
    // Parsing is CPU work: off the async tasks.
    let dialect = dialect.to_string();
    let (rows, report) =
        tokio::task::spawn_blocking(move || usage_rows(&queries, &dialect, &names))
            .await
            .map_err(|e| crate::error::ServiceError::stopped("reading the query log", e))?;
    store_usage(store, rows, report).await
}

/// Each query as a usage row, with the tables it read.
fn usage_rows(
    queries: &[LoggedQuery],
    dialect: &str,
    names: &CatalogNames,
) -> (Vec<UsageRecord>, UsageReport) {
    let schema = Schema::new();
    let mut report = UsageReport::default();
    let mut rows = Vec::with_capacity(queries.len());
    for q in queries {
        let tables = match analyze(&q.sql, dialect, &schema) {
            Ok(lineage) => lineage
                .sources
                .into_iter()
                .map(|t| names.resolve(&t, q.database.as_deref()))
                .collect::<BTreeSet<_>>()
                .into_iter()
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
    (rows, report)
}

/// Writes the rows, replacing queries already known by their id.
async fn store_usage(
    store: &Store,
    rows: Vec<UsageRecord>,
    mut report: UsageReport,
) -> Result<UsageReport> {
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

/// The catalog's table names (`schema.table`, lower case), to name what a
/// query read as the catalog does: `customer` run in database `crm` is
/// `crm.customer`, `PROD.CRM.CUSTOMER` is `crm.customer`.
#[derive(Debug, Default)]
pub(crate) struct CatalogNames {
    /// Table name to the qualified names that end in it.
    by_name: BTreeMap<String, Vec<String>>,
    known: BTreeSet<String>,
}

impl CatalogNames {
    pub(crate) async fn of(store: &Store) -> Result<Self> {
        let mut session = store.begin().await?;
        let sources = session.list::<Source>(&Filter::all()).await?;
        let mut names = Self::default();
        for (_, table) in crate::lookup::live_tables(&mut session, sources).await? {
            names.add(&table.qualified_name());
        }
        Ok(names)
    }

    fn add(&mut self, qualified: &str) {
        let qualified = qualified.to_lowercase();
        let name = qualified
            .rsplit('.')
            .next()
            .unwrap_or(&qualified)
            .to_string();
        self.by_name
            .entry(name)
            .or_default()
            .push(qualified.clone());
        self.known.insert(qualified);
    }

    /// `table` as the catalog names it, read in `database` (`db` or
    /// `db.schema`); a name the catalog does not know is kept as written.
    pub(crate) fn resolve(&self, table: &str, database: Option<&str>) -> String {
        let lower = table.to_lowercase();
        if self.known.contains(&lower) {
            return lower;
        }
        let parts: Vec<&str> = lower.split('.').collect();
        // Qualified more than the catalog does (`db.schema.table`): the
        // catalog's `schema.table` when it has it.
        for start in 1..parts.len() {
            let tail = parts[start..].join(".");
            if self.known.contains(&tail) {
                return tail;
            }
        }
        if parts.len() > 1 {
            return lower;
        }
        let Some(candidates) = self.by_name.get(&lower) else {
            return lower;
        };
        if let [only] = candidates.as_slice() {
            return only.clone();
        }
        // Several schemas hold the name: the one the query ran in.
        let database = database.map(str::to_lowercase).unwrap_or_default();
        let context: Vec<&str> = database.split('.').filter(|p| !p.is_empty()).collect();
        for part in context.iter().rev() {
            let wanted = format!("{part}.{lower}");
            if candidates.contains(&wanted) {
                return wanted;
            }
        }
        lower
    }
}

/// The logged queries that read `table` (all when `None`), newest first,
/// at most `limit`.
pub(crate) async fn usage_of(
    store: &Store,
    table: Option<&str>,
    limit: usize,
) -> Result<Vec<steward_types::Record<UsageRecord>>> {
    let mut session = store.read().await?;
    let mut rows: Vec<_> = session
        .list::<UsageRecord>(&Filter::all())
        .await?
        .into_iter()
        .filter(|r| table.is_none_or(|t| r.tables.iter().any(|read| read.eq_ignore_ascii_case(t))))
        .collect();
    rows.sort_by(|a, b| b.executed_at.cmp(&a.executed_at).then(b.id.cmp(&a.id)));
    rows.truncate(limit);
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_as_the_catalog_has_them() {
        let mut names = CatalogNames::default();
        for t in ["crm.customer", "shop.orders", "billing.orders"] {
            names.add(t);
        }
        assert_eq!(names.resolve("customer", None), "crm.customer");
        assert_eq!(names.resolve("CUSTOMER", Some("crm")), "crm.customer");
        assert_eq!(names.resolve("PROD.CRM.CUSTOMER", None), "crm.customer");
        assert_eq!(names.resolve("orders", Some("PROD.SHOP")), "shop.orders");
        assert_eq!(names.resolve("orders", Some("billing")), "billing.orders");
        // Ambiguous without a database, and unknown names: as written.
        assert_eq!(names.resolve("orders", None), "orders");
        assert_eq!(names.resolve("ledger", Some("crm")), "ledger");
        assert_eq!(names.resolve("x.orders", None), "x.orders");
    }
}
