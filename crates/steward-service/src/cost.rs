//! What the catalog costs: its tables and the query log priced by the cost
//! model, for `steward cost` and the `steward.costs` system table.

use std::collections::BTreeMap;

use steward_cost::{ColumnStats, CostConfig, CostReport, TableStats, price};
use steward_store::{Filter, Store};
use steward_types::{
    Column, ColumnProfile, CostSnapshot, Id, Record, Source, Table, TableKind, UsageRecord,
};

use crate::error::{Result, ServiceError};
use crate::lookup::present_columns;

/// The cost model's view of the live tables: size, format, and columns with
/// their types and average lengths from `profiles` (one per column).
pub(crate) fn table_stats(
    sources: &[Record<Source>],
    tables: &[Record<Table>],
    columns: &[Record<Column>],
    profiles: &[Record<ColumnProfile>],
) -> Vec<TableStats> {
    let names: BTreeMap<Id<Source>, &str> =
        sources.iter().map(|s| (s.id, s.name.as_str())).collect();
    let avg_length: BTreeMap<Id<Column>, f64> = profiles
        .iter()
        .filter_map(|p| p.avg_length.map(|l| (p.column_id, l)))
        .collect();
    let mut by_table: BTreeMap<Id<Table>, Vec<&Record<Column>>> = BTreeMap::new();
    for c in columns {
        by_table.entry(c.table_id).or_default().push(c);
    }
    tables
        .iter()
        .filter(|t| t.dropped_at.is_none())
        .map(|t| {
            let mut cols = by_table.remove(&t.id).unwrap_or_default();
            cols.sort_by_key(|c| c.position);
            TableStats {
                source: names.get(&t.source_id).copied().unwrap_or("").to_string(),
                schema: t.schema.clone(),
                name: t.name.clone(),
                format: t.format.clone(),
                size_bytes: t.size_bytes,
                row_count: t.row_count,
                // Views and models not materialised here hold no data.
                stores_data: !matches!(t.kind, TableKind::View | TableKind::Model),
                columns: cols
                    .iter()
                    .map(|c| ColumnStats {
                        name: c.name.clone(),
                        data_type: c.data_type.clone(),
                        avg_length: avg_length.get(&c.id).copied(),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Each column's latest profile (scans keep earlier ones).
pub(crate) fn latest_profiles(profiles: Vec<Record<ColumnProfile>>) -> Vec<Record<ColumnProfile>> {
    let mut latest: BTreeMap<Id<Column>, Record<ColumnProfile>> = BTreeMap::new();
    for profile in profiles {
        match latest.get(&profile.column_id) {
            Some(kept) if kept.profiled_at >= profile.profiled_at => {}
            _ => {
                latest.insert(profile.column_id, profile);
            }
        }
    }
    latest.into_values().collect()
}

/// Prices what the catalog holds (in one read of the store).
pub async fn cost_report(store: &Store, config: &CostConfig) -> Result<CostReport> {
    let mut session = store.read().await?;
    let all = Filter::all();
    let sources = session.list::<Source>(&all).await?;
    let tables = session.list::<Table>(&all).await?;
    let columns = session.list::<Column>(&present_columns()).await?;
    let profiles = latest_profiles(session.list::<ColumnProfile>(&all).await?);
    let usage: Vec<UsageRecord> = session
        .list::<UsageRecord>(&all)
        .await?
        .into_iter()
        .map(|r| r.data)
        .collect();
    session.commit().await?;
    price_catalog(
        &table_stats(&sources, &tables, &columns, &profiles),
        &usage,
        config,
    )
    .await
}

pub(crate) async fn price_catalog(
    stats: &[TableStats],
    usage: &[UsageRecord],
    config: &CostConfig,
) -> Result<CostReport> {
    price(stats, usage, config)
        .await
        .map_err(ServiceError::from)
}

/// Tables a cost snapshot names, costliest first.
const SNAPSHOT_TABLES: usize = 20;

/// The totals of a cost report as a snapshot taken `at`.
pub(crate) fn snapshot_of(report: &CostReport, at: chrono::DateTime<chrono::Utc>) -> CostSnapshot {
    let to_month = 30.0 / report.period_days.max(1.0);
    let mut tables: Vec<(f64, serde_json::Value)> = report
        .tables
        .iter()
        .map(|t| {
            let compute = t.compute_cost * to_month;
            let monthly = t.storage_cost + compute;
            (
                monthly,
                serde_json::json!({
                    "source": t.source,
                    "table": t.table,
                    "storage_monthly": t.storage_cost,
                    "compute_monthly": compute,
                    "monthly": monthly,
                }),
            )
        })
        .collect();
    tables.sort_by(|a, b| b.0.total_cmp(&a.0));
    tables.truncate(SNAPSHOT_TABLES);
    CostSnapshot {
        taken_at: at,
        currency: report.currency.clone(),
        tables: report.tables.len() as i64,
        storage_bytes: report.totals.storage_bytes,
        storage_monthly: report.totals.storage_monthly,
        compute_monthly: report.totals.compute_monthly,
        savings_monthly: report.totals.savings_monthly,
        queries: report.totals.queries,
        bytes_scanned: report.totals.bytes_scanned,
        top_tables: serde_json::Value::Array(tables.into_iter().map(|(_, t)| t).collect()),
    }
}

impl crate::Steward {
    /// Prices the catalog now and keeps the totals (the `cost_snapshot` job).
    pub async fn snapshot_cost(&self) -> Result<Record<CostSnapshot>> {
        let report = self.cost().await?;
        let snapshot = snapshot_of(&report, self.now());
        let mut session = self.store().begin().await?;
        let saved = session.insert(&snapshot).await?;
        session.commit().await?;
        Ok(saved)
    }

    /// The latest `limit` cost snapshots, oldest first (for a chart).
    pub async fn cost_history(&self, limit: usize) -> Result<Vec<Record<CostSnapshot>>> {
        let mut session = self.store().read().await?;
        let mut rows = session
            .list::<CostSnapshot>(
                &Filter::all()
                    .newest_first()
                    .limit(i64::try_from(limit).unwrap_or(i64::MAX)),
            )
            .await?;
        session.commit().await?;
        rows.reverse();
        Ok(rows)
    }
}
