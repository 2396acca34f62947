//! Turning table sizes and the query log into money: storage per table and
//! month, compute per query (attributed to the tables it read, its user and
//! the user's team), and savings.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;
use steward_types::{NamedPatterns, TableCost, UsageRecord, schema_key};

use crate::config::{CostConfig, DEFAULT_TIER};
use crate::error::CostError;
use crate::estimate::{ScanEstimate, ScanEstimator, TableStats};

const GB: f64 = 1e9;
const TB: f64 = 1e12;
/// Days in the month costs are projected to.
const MONTH_DAYS: f64 = 30.0;

/// Compute attributed to a user or a team.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PartyCost {
    pub name: String,
    pub queries: i64,
    pub bytes_scanned: i64,
    /// Over the log's period.
    pub compute_cost: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SavingKind {
    /// Nothing in the log read it: delete or archive it.
    Unused,
    /// Same columns and rows as another table: keep one.
    Duplicate,
    /// CSV or JSON: Parquet stores it smaller and scans only the columns read.
    RowFormat,
}

/// Money a change would save a month.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Saving {
    pub kind: SavingKind,
    pub source: String,
    pub table: String,
    /// `None` when the table's size is unknown (a source that reports none):
    /// the table is still named, its saving is not guessed.
    pub monthly: Option<f64>,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Totals {
    pub storage_bytes: i64,
    pub storage_monthly: f64,
    pub queries: i64,
    /// Queries whose bytes the log did not give, estimated from their plans.
    pub estimated_queries: i64,
    /// Queries neither logged with bytes nor plannable: charged the full size
    /// of the tables they read.
    pub full_scan_queries: i64,
    pub bytes_scanned: i64,
    /// Over the log's period.
    pub compute_cost: f64,
    /// Compute over the period projected to 30 days.
    pub compute_monthly: f64,
    pub savings_monthly: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CostReport {
    pub currency: String,
    /// First and last query of the log.
    #[schema(value_type = Option<Vec<DateTime<Utc>>>)]
    pub period: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Days the log covers (at least 1).
    pub period_days: f64,
    pub tables: Vec<TableCost>,
    pub users: Vec<PartyCost>,
    pub teams: Vec<PartyCost>,
    /// Largest first.
    pub savings: Vec<Saving>,
    pub totals: Totals,
}

/// Prices the catalog's tables and the queries of the log.
pub async fn price(
    tables: &[TableStats],
    usage: &[UsageRecord],
    config: &CostConfig,
) -> Result<CostReport, CostError> {
    if config.compute_per_tb_scanned < 0.0 {
        return Err(CostError::Config(
            "compute_per_tb_scanned must not be negative".into(),
        ));
    }
    let tiers = NamedPatterns::compile(&config.tiers, "tiers").map_err(CostError::Config)?;
    for tier in config.tiers.keys() {
        if !config.storage_per_gb_month.contains_key(tier) {
            return Err(CostError::Config(format!(
                "tiers.{tier}: no price in storage_per_gb_month for tier `{tier}`"
            )));
        }
    }
    let teams = NamedPatterns::compile(&config.teams, "teams").map_err(CostError::Config)?;
    let storage_price = |tier: &str| {
        config
            .storage_per_gb_month
            .get(tier)
            .copied()
            .unwrap_or(0.0)
    };

    // Storage.
    let mut costs: BTreeMap<String, TableCost> = BTreeMap::new();
    for t in tables {
        let tier = tiers
            .name_of(&schema_key(&t.source, t.schema.as_deref()))
            .unwrap_or(DEFAULT_TIER)
            .to_string();
        let bytes = t.size_bytes.unwrap_or(0);
        costs.entry(t.qualified()).or_insert(TableCost {
            source: t.source.clone(),
            table: t.qualified(),
            storage_cost: bytes as f64 / GB * storage_price(&tier),
            tier,
            storage_bytes: bytes,
            reads: 0,
            bytes_scanned: 0,
            compute_cost: 0.0,
            last_read: None,
        });
    }

    // Compute, query by query; identical texts are planned once.
    let estimator = ScanEstimator::new(tables);
    let mut planned: HashMap<&str, Option<ScanEstimate>> = HashMap::new();
    let mut totals = Totals::default();
    let mut users: BTreeMap<String, PartyCost> = BTreeMap::new();
    let mut by_team: BTreeMap<String, PartyCost> = BTreeMap::new();
    let mut period: Option<(DateTime<Utc>, DateTime<Utc>)> = None;
    let size_of = |name: &str| costs.get(name).map_or(0, |c| c.storage_bytes);
    let mut per_table: Vec<(String, i64, DateTime<Utc>)> = Vec::new();
    for q in usage {
        period = Some(match period {
            None => (q.executed_at, q.executed_at),
            Some((a, b)) => (a.min(q.executed_at), b.max(q.executed_at)),
        });
        if !planned.contains_key(q.sql.as_str()) {
            let estimate = estimator.estimate(&q.sql).await;
            planned.insert(q.sql.as_str(), estimate);
        }
        let estimate = planned.get(q.sql.as_str()).cloned().flatten();
        // Bytes per table: the log's total split by the plan's shares, or the
        // plan's estimate, or (neither) the tables read in full.
        let split: Vec<(String, i64)> = match (q.bytes_scanned, estimate) {
            (Some(total), Some(est)) => {
                let sum: i64 = est.iter().map(|(_, b)| *b).sum();
                est.iter()
                    .map(|(t, b)| {
                        let share = if sum > 0 {
                            *b as f64 / sum as f64
                        } else {
                            1.0 / est.len() as f64
                        };
                        (t.clone(), (total as f64 * share).round() as i64)
                    })
                    .collect()
            }
            (Some(total), None) => {
                let n = q.tables.len().max(1) as i64;
                q.tables.iter().map(|t| (t.clone(), total / n)).collect()
            }
            (None, Some(est)) => {
                totals.estimated_queries += 1;
                est
            }
            (None, None) => {
                totals.full_scan_queries += 1;
                q.tables.iter().map(|t| (t.clone(), size_of(t))).collect()
            }
        };
        // The query's own total is what the log says, when it says.
        let bytes = q
            .bytes_scanned
            .unwrap_or_else(|| split.iter().map(|(_, b)| *b).sum());
        totals.queries += 1;
        totals.bytes_scanned += bytes;
        let cost = bytes as f64 / TB * config.compute_per_tb_scanned;
        totals.compute_cost += cost;
        for (t, b) in split {
            per_table.push((t, b, q.executed_at));
        }
        let user = q
            .user_name
            .clone()
            .unwrap_or_else(|| "(unknown)".to_string());
        let team = teams.name_of(&user).unwrap_or("(unassigned)").to_string();
        for (name, map) in [(user, &mut users), (team, &mut by_team)] {
            let party = map.entry(name.clone()).or_insert(PartyCost {
                name,
                queries: 0,
                bytes_scanned: 0,
                compute_cost: 0.0,
            });
            party.queries += 1;
            party.bytes_scanned += bytes;
            party.compute_cost += cost;
        }
    }
    for (table, bytes, at) in per_table {
        if let Some(c) = costs.get_mut(&table) {
            c.reads += 1;
            c.bytes_scanned += bytes;
            c.compute_cost += bytes as f64 / TB * config.compute_per_tb_scanned;
            c.last_read = Some(c.last_read.map_or(at, |l| l.max(at)));
        }
    }
    let period_days = period.map_or(1.0, |(a, b)| {
        ((b - a).num_seconds() as f64 / 86_400.0).max(1.0)
    });
    let monthly = MONTH_DAYS / period_days;

    let savings = savings(tables, &costs, config, period, monthly);
    totals.storage_bytes = costs.values().map(|c| c.storage_bytes).sum();
    totals.storage_monthly = costs.values().map(|c| c.storage_cost).sum();
    totals.compute_monthly = totals.compute_cost * monthly;
    totals.savings_monthly = savings.iter().filter_map(|s| s.monthly).sum();

    let by_cost = |a: &PartyCost, b: &PartyCost| {
        b.compute_cost
            .total_cmp(&a.compute_cost)
            .then(a.name.cmp(&b.name))
    };
    let mut users: Vec<PartyCost> = users.into_values().collect();
    users.sort_by(by_cost);
    let mut teams: Vec<PartyCost> = by_team.into_values().collect();
    teams.sort_by(by_cost);
    let mut tables: Vec<TableCost> = costs.into_values().collect();
    tables.sort_by(|a, b| {
        (b.storage_cost + b.compute_cost * monthly)
            .total_cmp(&(a.storage_cost + a.compute_cost * monthly))
            .then(a.table.cmp(&b.table))
    });
    Ok(CostReport {
        currency: config.currency.clone(),
        period,
        period_days,
        tables,
        users,
        teams,
        savings,
        totals,
    })
}

fn savings(
    tables: &[TableStats],
    costs: &BTreeMap<String, TableCost>,
    config: &CostConfig,
    period: Option<(DateTime<Utc>, DateTime<Utc>)>,
    monthly: f64,
) -> Vec<Saving> {
    let mut out = Vec::new();
    // A table is a copy of the first table (by source and name) with the same
    // column names and the same number of rows.
    let mut originals: BTreeMap<(Vec<String>, i64), &TableStats> = BTreeMap::new();
    let mut sorted: Vec<&TableStats> = tables.iter().collect();
    sorted.sort_by_key(|t| (t.source.clone(), t.qualified()));
    for t in sorted {
        let Some(cost) = costs.get(&t.qualified()) else {
            continue;
        };
        let size_known = t.size_bytes.is_some();
        if !t.stores_data || (size_known && cost.storage_bytes <= 0) {
            continue;
        }
        if let Some((from, to)) = period.filter(|_| cost.reads == 0) {
            let unread = format!(
                "no query from {} to {} read it",
                from.format("%Y-%m-%d"),
                to.format("%Y-%m-%d")
            );
            out.push(Saving {
                kind: SavingKind::Unused,
                source: t.source.clone(),
                table: t.qualified(),
                monthly: size_known.then_some(cost.storage_cost),
                reason: if size_known {
                    unread
                } else {
                    format!("{unread}; its size is unknown, so the saving is too")
                },
            });
            continue;
        }
        if !size_known {
            // Copies and row formats are priced by size: nothing to say.
            continue;
        }
        let mut columns: Vec<String> = t.columns.iter().map(|c| c.name.to_lowercase()).collect();
        columns.sort();
        if let Some(rows) = t.row_count.filter(|r| *r > 0 && columns.len() >= 3) {
            match originals.get(&(columns.clone(), rows)) {
                Some(original) => {
                    out.push(Saving {
                        kind: SavingKind::Duplicate,
                        source: t.source.clone(),
                        table: t.qualified(),
                        monthly: Some(cost.storage_cost + cost.compute_cost * monthly),
                        reason: format!(
                            "same columns and {rows} rows as {}:{}",
                            original.source,
                            original.qualified()
                        ),
                    });
                    continue;
                }
                None => {
                    originals.insert((columns, rows), t);
                }
            }
        }
        let row_format = matches!(
            t.format.as_deref().map(str::to_ascii_lowercase).as_deref(),
            Some("csv" | "tsv" | "json" | "ndjson" | "jsonl")
        );
        if row_format {
            let cut = 1.0 - config.columnar_size_ratio.clamp(0.0, 1.0);
            out.push(Saving {
                kind: SavingKind::RowFormat,
                source: t.source.clone(),
                table: t.qualified(),
                monthly: Some((cost.storage_cost + cost.compute_cost * monthly) * cut),
                reason: format!(
                    "{} read {} times; as Parquet it would take about {:.0}% of the bytes to store and scan",
                    t.format.as_deref().unwrap_or("").to_uppercase(),
                    cost.reads,
                    config.columnar_size_ratio * 100.0
                ),
            });
        }
    }
    // Largest first; unknown savings after every known one.
    let amount = |s: &Saving| s.monthly.unwrap_or(f64::NEG_INFINITY);
    out.sort_by(|a, b| amount(b).total_cmp(&amount(a)).then(a.table.cmp(&b.table)));
    out
}
