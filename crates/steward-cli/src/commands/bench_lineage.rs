//! `steward bench lineage`: lineage for every case of a JSONL corpus (`id`,
//! `sql`, `dialect`, optional `schema`), written one line a case in the format
//! the corpus scorer reads. A case that does not parse gets its error; the
//! others go on. Only the analysis is timed.

use std::io::Write;
use std::time::Instant;

use anyhow::Context;
use serde::{Deserialize, Serialize};
use steward_lineage::{Conventions, Lineage, Schema, analyze_with};
use steward_types::ErrorKind;

use crate::cli::{BenchLineageArgs, PathStyle};
use crate::commands::read_jsonl;
use crate::failure::Failure;
use crate::output::Output;

#[derive(Debug, Deserialize)]
struct Case {
    id: String,
    /// The script, or its statements one by one.
    #[serde(default)]
    sql: Option<String>,
    #[serde(default)]
    statements: Option<Vec<String>>,
    #[serde(default)]
    dialect: Option<String>,
    #[serde(default)]
    schema: Option<std::collections::BTreeMap<String, Vec<String>>>,
}

/// A table by name; with `--path-style object`, files and directories
/// (`s3://...`, `hdfs://...`, `dir/`) as `{"path": ...}`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Dataset {
    Table(String),
    Path { path: String },
}

impl Dataset {
    fn new(name: String, style: PathStyle) -> Self {
        if style == PathStyle::Object && steward_lineage::is_path(&name) {
            Dataset::Path { path: name }
        } else {
            Dataset::Table(name)
        }
    }
}

#[derive(Debug, Serialize)]
struct Tables {
    sources: Vec<Dataset>,
    targets: Vec<Dataset>,
}

#[derive(Debug, Serialize)]
struct Prediction<'a> {
    id: &'a str,
    tables: Tables,
    /// An unresolved source table is null.
    columns: Vec<(Option<String>, String, Option<String>, String)>,
    warnings: Vec<String>,
    error: Option<String>,
}

fn prediction<'a>(
    id: &'a str,
    result: Result<Lineage, String>,
    style: PathStyle,
) -> Prediction<'a> {
    match result {
        Ok(l) => Prediction {
            id,
            tables: Tables {
                sources: l
                    .sources
                    .into_iter()
                    .map(|n| Dataset::new(n, style))
                    .collect(),
                targets: l
                    .targets
                    .into_iter()
                    .map(|n| Dataset::new(n, style))
                    .collect(),
            },
            columns: l
                .edges
                .into_iter()
                .map(|e| {
                    let table = (!e.source.table.is_empty()).then_some(e.source.table);
                    (table, e.source.column, e.target_table, e.target_column)
                })
                .collect(),
            warnings: l.warnings,
            error: None,
        },
        Err(e) => Prediction {
            id,
            tables: Tables {
                sources: Vec::new(),
                targets: Vec::new(),
            },
            columns: Vec::new(),
            warnings: Vec::new(),
            error: Some(e),
        },
    }
}

#[derive(Debug, Serialize)]
struct Summary {
    cases: usize,
    errors: usize,
    statements: usize,
    seconds: f64,
    statements_per_second: f64,
    out: String,
}

pub fn run(args: &BenchLineageArgs, out: &Output) -> anyhow::Result<()> {
    let mut cases = Vec::new();
    for (line, case) in read_jsonl::<Case>(&args.cases)? {
        let sql = match (&case.sql, &case.statements) {
            (Some(sql), _) => sql.clone(),
            (None, Some(statements)) => statements
                .iter()
                .map(|s| {
                    let s = s.trim();
                    if s.ends_with(';') {
                        s.to_string()
                    } else {
                        format!("{s};")
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
            (None, None) => {
                return Err(Failure::new(
                    ErrorKind::Invalid,
                    format!(
                        "{}: line {}: no `sql` or `statements`",
                        args.cases.display(),
                        line
                    ),
                )
                .into());
            }
        };
        let mut schema = Schema::new();
        for (table, columns) in case.schema.iter().flatten() {
            schema.add(table, columns);
        }
        cases.push((case, sql, schema));
    }

    let conventions = Conventions {
        count_star: args.count_star,
    };
    let passes = args.repeat.max(1);
    let mut times = Vec::with_capacity(passes);
    let mut results = Vec::new();
    for _ in 0..passes {
        let started = Instant::now();
        results = cases
            .iter()
            .map(|(case, sql, schema)| {
                analyze_with(
                    sql,
                    case.dialect.as_deref().unwrap_or("generic"),
                    schema,
                    conventions,
                )
                .map_err(|e| e.to_string())
            })
            .collect::<Vec<_>>();
        times.push(started.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let seconds = times[times.len() / 2];

    let mut writer = std::io::BufWriter::new(
        std::fs::File::create(&args.out)
            .with_context(|| format!("cannot write {}", args.out.display()))?,
    );
    let mut errors = 0;
    for ((case, _, _), result) in cases.iter().zip(results) {
        errors += usize::from(result.is_err());
        serde_json::to_writer(&mut writer, &prediction(&case.id, result, args.path_style))?;
        writer.write_all(b"\n")?;
    }
    writer.flush()?;
    // Statements, as `;`-separated units, for a throughput comparable across tools.
    let statements = cases
        .iter()
        .map(|(_, sql, _)| {
            sql.split(';')
                .filter(|s| !s.trim().is_empty())
                .count()
                .max(1)
        })
        .sum();
    let summary = Summary {
        cases: cases.len(),
        errors,
        statements,
        seconds,
        statements_per_second: statements as f64 / seconds.max(1e-9),
        out: args.out.display().to_string(),
    };
    out.print(&summary, |s| {
        format!(
            "{} cases ({} statements), {} not parsed; {:.4}s ({:.0} statements/s, median of {passes})\nwrote {}\n",
            s.cases, s.statements, s.errors, s.seconds, s.statements_per_second, s.out
        )
    })
}
