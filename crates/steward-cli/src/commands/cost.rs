//! `steward cost`: storage and compute in money, by table, user or team, and
//! the savings at hand.

use std::fmt::Write as _;

use steward_cost::CostReport;
use steward_types::{CostSnapshot, Record};

use crate::cli::{CostArgs, CostBy};
use crate::commands::with_steward;
use crate::config::Loaded;
use crate::output::Output;

pub async fn run(loaded: &Loaded, args: &CostArgs, out: &Output) -> anyhow::Result<()> {
    if args.history {
        let snapshots = with_steward(loaded, async |s| s.cost_history(args.limit).await).await?;
        return out.print(&snapshots, |list| history(list));
    }
    let report = with_steward(loaded, async |s| s.cost().await).await?;
    out.print(&report, |r| human(r, args))
}

/// The snapshots `cost_snapshot` jobs kept, oldest first.
fn history(list: &[Record<CostSnapshot>]) -> String {
    if list.is_empty() {
        return "no cost snapshots yet: a `cost_snapshot` job takes one \
                (steward jobs run cost_snapshot, or a schedule)\n"
            .to_string();
    }
    let mut text = format!(
        "{:<17} {:>7} {:>10} {:>12} {:>12} {:>12}\n",
        "TAKEN (UTC)", "TABLES", "STORED", "STORAGE/MO", "COMPUTE/MO", "SAVINGS/MO"
    );
    for s in list {
        let _ = writeln!(
            text,
            "{:<17} {:>7} {:>10} {:>12} {:>12} {:>12}",
            s.taken_at.format("%Y-%m-%d %H:%M"),
            s.tables,
            bytes(s.storage_bytes),
            format!("{} {}", money(s.storage_monthly), s.currency),
            money(s.compute_monthly),
            money(s.savings_monthly)
        );
    }
    text
}

/// Money with the precision small amounts need.
fn money(amount: f64) -> String {
    if amount.abs() >= 100.0 {
        format!("{amount:.0}")
    } else if amount.abs() >= 1.0 {
        format!("{amount:.2}")
    } else {
        format!("{amount:.4}")
    }
}

fn bytes(n: i64) -> String {
    let n = n as f64;
    for (unit, size) in [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)] {
        if n >= size {
            return format!("{:.1} {unit}", n / size);
        }
    }
    format!("{n} B")
}

fn human(r: &CostReport, args: &CostArgs) -> String {
    let t = &r.totals;
    let mut text = String::new();
    match r.period {
        Some((from, to)) => {
            let _ = writeln!(
                text,
                "query log {} .. {} ({:.1} days): {} queries, {} scanned ({} estimated from their plans, {} charged as full scans)",
                from.format("%Y-%m-%d"),
                to.format("%Y-%m-%d"),
                r.period_days,
                t.queries,
                bytes(t.bytes_scanned),
                t.estimated_queries,
                t.full_scan_queries
            );
        }
        None => text.push_str(
            "no query log ingested: compute is not priced (`steward lineage ingest --query-log`)\n",
        ),
    }
    let _ = writeln!(
        text,
        "storage {}: {} {cur} a month; compute {} {cur} over the log, {} {cur} a month",
        bytes(t.storage_bytes),
        money(t.storage_monthly),
        money(t.compute_cost),
        money(t.compute_monthly),
        cur = r.currency
    );
    text.push('\n');
    match args.by {
        CostBy::Table => {
            let _ = writeln!(
                text,
                "{:<32} {:<10} {:>10} {:>12} {:>6} {:>10} {:>12}",
                "TABLE", "TIER", "SIZE", "STORAGE/MO", "READS", "SCANNED", "COMPUTE"
            );
            for c in r.tables.iter().take(args.limit) {
                let _ = writeln!(
                    text,
                    "{:<32} {:<10} {:>10} {:>12} {:>6} {:>10} {:>12}",
                    c.table,
                    c.tier,
                    bytes(c.storage_bytes),
                    money(c.storage_cost),
                    c.reads,
                    bytes(c.bytes_scanned),
                    money(c.compute_cost)
                );
            }
        }
        CostBy::User | CostBy::Team => {
            let (title, parties) = if args.by == CostBy::User {
                ("USER", &r.users)
            } else {
                ("TEAM", &r.teams)
            };
            let _ = writeln!(
                text,
                "{title:<24} {:>8} {:>10} {:>12}",
                "QUERIES", "SCANNED", "COMPUTE"
            );
            for p in parties.iter().take(args.limit) {
                let _ = writeln!(
                    text,
                    "{:<24} {:>8} {:>10} {:>12}",
                    p.name,
                    p.queries,
                    bytes(p.bytes_scanned),
                    money(p.compute_cost)
                );
            }
        }
    }
    if !r.savings.is_empty() {
        let _ = writeln!(
            text,
            "\nsavings: {} {} a month",
            money(t.savings_monthly),
            r.currency
        );
        for s in r.savings.iter().take(args.limit) {
            let kind = serde_json::to_value(s.kind)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            let _ = writeln!(
                text,
                "  {:>10}  {:<10} {:<32} {}",
                s.monthly.map_or_else(|| "unknown".to_string(), money),
                kind,
                s.table,
                s.reason
            );
        }
    }
    text
}
