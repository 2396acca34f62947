//! `steward bench ...`: benchmark commands. Each prints one JSON document with
//! `--json` so runs can be recorded beside a peer's (docs/benchmarks.md).

use std::time::Instant;

use serde::Serialize;
use steward_types::{Source, SourceKind};
use steward_warehouse::{SourceConnection, WarehouseConfig};

use crate::cli::BenchProfileArgs;
use crate::config::Loaded;
use crate::output::Output;

#[derive(Debug, Serialize)]
struct TableRun {
    table: String,
    rows: i64,
    columns: usize,
    seconds: f64,
}

#[derive(Debug, Serialize)]
struct ProfileBench {
    tool: &'static str,
    path: String,
    threads: usize,
    tables: Vec<TableRun>,
    seconds: f64,
    peak_rss_mib: Option<f64>,
}

/// Peak resident memory of this process so far (Linux `VmHWM`).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

pub async fn profile(loaded: &Loaded, args: &BenchProfileArgs, out: &Output) -> anyhow::Result<()> {
    let path = std::env::current_dir()?.join(&args.path);
    let config = WarehouseConfig {
        threads: args.threads.unwrap_or(loaded.config.warehouse.threads),
        ..loaded.config.warehouse.clone()
    };
    let source = Source {
        name: "bench".to_string(),
        kind: SourceKind::Files,
        url: format!("file://{}", path.display()),
        options: Default::default(),
        description: None,
        scanned_at: None,
        scan_error: None,
    };
    let started = Instant::now();
    let mut connection = SourceConnection::open(&source, &config).await?;
    let tables = connection.discover().await?;
    // Every row: the benchmark measures a full profile, not a sample.
    let mut options = connection.profile_options(None);
    options.sample_rows = None;
    options.sample_values = 0;
    let mut runs = Vec::new();
    for table in &tables {
        let table_started = Instant::now();
        let snapshot = connection.inspect(table).await?;
        let profile = connection.profile(&snapshot, &options).await?;
        runs.push(TableRun {
            table: table.display_name(),
            rows: profile.rows_profiled,
            columns: profile.columns.len(),
            seconds: table_started.elapsed().as_secs_f64(),
        });
    }
    let report = ProfileBench {
        tool: "steward",
        path: path.display().to_string(),
        threads: config.effective_threads(),
        tables: runs,
        seconds: started.elapsed().as_secs_f64(),
        peak_rss_mib: peak_rss_mib(),
    };
    out.print(&report, |r| {
        let mut text = String::new();
        for t in &r.tables {
            text.push_str(&format!(
                "{:<32} {:>10} rows {:>3} columns {:>8.2}s\n",
                t.table, t.rows, t.columns, t.seconds
            ));
        }
        text.push_str(&format!(
            "total {:.2}s with {} thread(s), peak RSS {}\n",
            r.seconds,
            r.threads,
            r.peak_rss_mib
                .map_or("unknown".to_string(), |m| format!("{m:.0} MiB"))
        ));
        text
    })
}
