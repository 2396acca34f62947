//! `steward bench sql`: what the governed SQL path costs over plain
//! DataFusion on the same Parquet. Both run in this process, alternating
//! run by run, each query RUNS times; the governed path plans through the
//! catalog, applies the role's masks and limits and records usage, as
//! `psql` and DataFusion programs through Steward do.

use std::sync::Arc;
use std::time::Instant;

use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use serde::{Deserialize, Serialize};
use steward_service::{Principal, Steward};
use steward_sql::GovernedSession;

use crate::cli::BenchSqlArgs;
use crate::config::Loaded;
use crate::output::Output;

#[derive(Deserialize)]
struct Query {
    name: String,
    sql: String,
}

#[derive(Serialize)]
struct Timed {
    query: String,
    rows: usize,
    plain_ms: Vec<f64>,
    governed_ms: Vec<f64>,
    plain_median_ms: f64,
    governed_median_ms: f64,
    /// Governed over plain, of the medians.
    ratio: f64,
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

pub async fn run(loaded: &Loaded, args: &BenchSqlArgs, out: &Output) -> anyhow::Result<()> {
    let queries: Vec<Query> = crate::commands::read_jsonl(&args.queries)?
        .into_iter()
        .map(|(_, q)| q)
        .collect();
    let steward = Arc::new(Steward::open(loaded).await?);
    let threads = steward.config().warehouse.effective_threads();
    let plain = SessionContext::new_with_config(
        SessionConfig::new().with_target_partitions(threads.max(1)),
    );
    // The same name in both: `source.table`.
    plain
        .catalog("datafusion")
        .ok_or_else(|| anyhow::anyhow!("no default catalog"))?
        .register_schema(
            &args.source,
            Arc::new(datafusion::catalog::MemorySchemaProvider::new()),
        )?;
    plain
        .register_parquet(
            datafusion::common::TableReference::partial(args.source.as_str(), args.table.as_str()),
            args.parquet.display().to_string(),
            ParquetReadOptions::default(),
        )
        .await?;
    let principal = Principal {
        user: "bench".into(),
        role: args.role,
        via: "bench".into(),
    };
    let governed = GovernedSession::open(steward.clone(), principal).await?;
    let name = format!("\"{}\".\"{}\"", args.source, args.table);

    let mut results = Vec::new();
    for q in &queries {
        let sql = q.sql.replace("{table}", &name);
        let mut timed = Timed {
            query: q.name.clone(),
            rows: 0,
            plain_ms: Vec::new(),
            governed_ms: Vec::new(),
            plain_median_ms: 0.0,
            governed_median_ms: 0.0,
            ratio: 0.0,
        };
        for _ in 0..args.runs.max(1) {
            let started = Instant::now();
            let batches = plain.sql(&sql).await?.collect().await?;
            timed
                .plain_ms
                .push(started.elapsed().as_secs_f64() * 1000.0);
            let plain_rows: usize = batches.iter().map(|b| b.num_rows()).sum();

            let started = Instant::now();
            let output = governed.query(&sql).await?;
            timed
                .governed_ms
                .push(started.elapsed().as_secs_f64() * 1000.0);
            anyhow::ensure!(
                output.rows() == plain_rows,
                "{}: {} rows governed, {plain_rows} plain",
                q.name,
                output.rows()
            );
            timed.rows = plain_rows;
        }
        timed.plain_median_ms = median(&timed.plain_ms);
        timed.governed_median_ms = median(&timed.governed_ms);
        timed.ratio = timed.governed_median_ms / timed.plain_median_ms;
        results.push(timed);
    }
    drop(governed);
    if let Ok(steward) = Arc::try_unwrap(steward) {
        steward.close().await;
    }
    out.print(&results, |list| {
        let mut text = String::new();
        for t in list {
            text.push_str(&format!(
                "{}: {} rows; plain {:.1} ms, governed {:.1} ms (medians of {}); ratio {:.3}\n",
                t.query,
                t.rows,
                t.plain_median_ms,
                t.governed_median_ms,
                t.plain_ms.len(),
                t.ratio
            ));
        }
        text
    })
}
