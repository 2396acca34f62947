//! `steward lineage TABLE[.COLUMN]` (walk the graph) and `steward lineage
//! ingest` (read query logs, model files, dbt manifests, OpenLineage events
//! and scripts into it).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;
use steward_lineage::Lineage;
use steward_service::{
    Change, Direction, Effect, Graph, Impact, IngestReport, KnownInput, LoggedQuery,
    PropagationReport, SqlInput, finish_run, graph, impact, ingest, ingest_known, model_schema,
    propagate, record_usage, render_model, start_run, view_inputs,
};
use steward_types::{ErrorKind, LineageOrigin};

use crate::cli::{ChangeArg, LineageArgs, LineageCommand, LineageIngestArgs};
use crate::commands::{open_store, read_jsonl, refresh_index};
use crate::config::Loaded;
use crate::failure::Failure;
use crate::output::Output;

pub async fn run(loaded: &Loaded, args: &LineageArgs, out: &Output) -> anyhow::Result<()> {
    match &args.command {
        Some(LineageCommand::Ingest(ingest_args)) => {
            return run_ingest(loaded, ingest_args, out).await;
        }
        Some(LineageCommand::Propagate) => {
            let store = open_store(loaded).await?;
            let result = propagate(&store, &loaded.config.pii.propagation_stops).await;
            if result.is_ok() {
                refresh_index(loaded, &store).await;
            }
            store.close().await;
            let report = result?;
            return out.print(&report, |r: &PropagationReport| {
                format!(
                    "{} column(s) hold a derived label, {} removed, {} flow(s) stopped by a hash, mask or count\n",
                    r.derived, r.removed, r.stopped
                )
            });
        }
        None => {}
    }
    let Some(asset) = &args.asset else {
        return Err(Failure::new(
            ErrorKind::Invalid,
            "give a table or column (`steward lineage mart.orders`) or `steward lineage ingest`",
        )
        .into());
    };
    if args.impact {
        let change = match args.change {
            ChangeArg::Drop => Change::Drop,
            ChangeArg::Retype => Change::Retype,
        };
        let store = open_store(loaded).await?;
        let result = impact(&store, asset, change, args.depth).await;
        store.close().await;
        return out.print(&result?, impact_text);
    }
    let direction = match (args.upstream, args.downstream) {
        (true, false) => Direction::Upstream,
        (false, true) => Direction::Downstream,
        _ => Direction::Both,
    };
    let store = open_store(loaded).await?;
    let result = graph(&store, asset, direction, args.depth).await;
    store.close().await;
    let g = result?;
    if args.dot {
        print!("{}", dot(&g));
        return Ok(());
    }
    out.print(&g, human)
}

fn impact_text(i: &Impact) -> String {
    let verb = match i.change {
        Change::Drop => "dropping",
        Change::Retype => "retyping",
    };
    let mut text = match i.change {
        Change::Drop => format!(
            "{verb} {} breaks {} downstream asset(s); {} input(s) to fix\n",
            i.root,
            i.count(Effect::Breaks),
            i.inputs.len()
        ),
        Change::Retype => format!(
            "{verb} {}: {} downstream column(s) change type, {} to review, {} unaffected; {} input(s) to check\n",
            i.root,
            i.count(Effect::TypeChanges),
            i.count(Effect::Review),
            i.count(Effect::Unaffected),
            i.inputs.len()
        ),
    };
    let width = i
        .assets
        .iter()
        .map(|a| a.asset.chars().count())
        .max()
        .unwrap_or(0);
    for a in &i.assets {
        text.push_str(&format!(
            "  {:<12}  {:<width$}  {} hop{}, {}\n",
            a.effect.label(),
            a.asset,
            a.hops,
            if a.hops == 1 { "" } else { "s" },
            a.because
        ));
    }
    // Query logs repeat the same query under many ids: the first few say
    // enough on a terminal, --json has them all.
    const SHOWN: usize = 10;
    for input in i.inputs.iter().take(SHOWN) {
        text.push_str(&format!("  input  {input}\n"));
    }
    if i.inputs.len() > SHOWN {
        text.push_str(&format!(
            "  ... and {} more input(s) (--json lists them all)\n",
            i.inputs.len() - SHOWN
        ));
    }
    text
}

fn human(g: &Graph) -> String {
    let mut text = format!("{}\n", g.root);
    let mut by_distance: Vec<(&String, &i64)> = g.nodes.iter().filter(|(_, d)| **d != 0).collect();
    by_distance.sort_by_key(|(name, d)| (**d, (*name).clone()));
    for (name, distance) in by_distance {
        let arrow = if *distance < 0 { "<-" } else { "->" };
        text.push_str(&format!(
            "  {arrow} {name} ({} hop{})\n",
            distance.abs(),
            if distance.abs() == 1 { "" } else { "s" }
        ));
    }
    text.push_str(&format!("{} edge(s)\n", g.edges.len()));
    text
}

fn dot(g: &Graph) -> String {
    let mut text = String::from("digraph lineage {\n  rankdir=LR;\n");
    for e in &g.edges {
        let name = |a: &steward_types::AssetRef| match &a.column {
            Some(c) => format!("{}.{c}", a.table),
            None => a.table.clone(),
        };
        text.push_str(&format!(
            "  \"{}\" -> \"{}\" [label=\"{}\"];\n",
            name(&e.from),
            name(&e.to),
            e.kind
        ));
    }
    text.push_str("}\n");
    text
}

/// A line of a query log: `query_id` and `sql`, and for usage `user`,
/// `executed_at` (RFC 3339), `bytes_scanned` and `duration_ms`.
#[derive(Deserialize)]
struct LogLine {
    query_id: String,
    sql: String,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    executed_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    bytes_scanned: Option<i64>,
    #[serde(default)]
    duration_ms: Option<i64>,
}

/// Reads a query log as lineage inputs and, for lines that say when they ran,
/// as usage.
fn read_query_log(
    path: &Path,
    dialect: &str,
    inputs: &mut Vec<SqlInput>,
    usage: &mut Vec<LoggedQuery>,
) -> anyhow::Result<()> {
    for (_, q) in read_jsonl::<LogLine>(path)? {
        if let Some(executed_at) = q.executed_at {
            usage.push(LoggedQuery {
                query_id: q.query_id.clone(),
                user: q.user,
                sql: q.sql.clone(),
                bytes_scanned: q.bytes_scanned,
                duration_ms: q.duration_ms,
                executed_at,
            });
        }
        inputs.push(SqlInput {
            origin: LineageOrigin::QueryLog,
            origin_ref: format!("query_log:{}", q.query_id),
            sql: q.sql,
            dialect: dialect.to_string(),
        });
    }
    Ok(())
}

fn read_models(dir: &Path, dialect: &str, inputs: &mut Vec<SqlInput>) -> anyhow::Result<()> {
    let listing = std::fs::read_dir(dir).map_err(|e| {
        Failure::new(
            ErrorKind::Invalid,
            format!("cannot list {}: {e}", dir.display()),
        )
    })?;
    let mut files: Vec<_> = listing
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    let mut texts = Vec::new();
    let mut schemas = BTreeMap::new();
    for path in &files {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let name = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        if let Some(schema) = model_schema(&text) {
            schemas.insert(name.clone(), schema);
        }
        texts.push((path.clone(), name, text));
    }
    for (path, name, text) in texts {
        let (_, sql) = render_model(&name, &text, &schemas)
            .map_err(|e| Failure::new(ErrorKind::Invalid, format!("{}: {e}", path.display())))?;
        inputs.push(SqlInput {
            origin: LineageOrigin::Dbt,
            origin_ref: format!("model:{}", path.display()),
            sql,
            dialect: dialect.to_string(),
        });
    }
    Ok(())
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        Failure::new(
            ErrorKind::Invalid,
            format!("cannot read {}: {e}", path.display()),
        )
        .into()
    })
}

/// A dbt manifest's models: compiled SQL is parsed like any script; a model
/// without it contributes its `depends_on` as table lineage.
fn read_manifest(
    path: &Path,
    dialect: &str,
    inputs: &mut Vec<SqlInput>,
    known: &mut Vec<KnownInput>,
) -> anyhow::Result<()> {
    let models = steward_lineage::dbt_manifest(&read(path)?)
        .map_err(|e| Failure::new(ErrorKind::Invalid, format!("{}: {e}", path.display())))?;
    for model in models {
        let origin_ref = format!("dbt:{}", model.unique_id);
        match model.sql {
            Some(sql) => inputs.push(SqlInput {
                origin: LineageOrigin::Dbt,
                origin_ref,
                sql,
                dialect: dialect.to_string(),
            }),
            None => known.push(KnownInput {
                origin: LineageOrigin::Dbt,
                origin_ref,
                lineage: Lineage {
                    sources: model.depends_on.into_iter().collect(),
                    targets: [model.target].into(),
                    warnings: vec!["dbt manifest not compiled: table lineage only".into()],
                    ..Lineage::default()
                },
            }),
        }
    }
    Ok(())
}

async fn run_ingest(loaded: &Loaded, args: &LineageIngestArgs, out: &Output) -> anyhow::Result<()> {
    if !steward_lineage::parse::known_dialect(&args.dialect) {
        return Err(Failure::new(
            ErrorKind::Invalid,
            format!("unknown dialect `{}`", args.dialect),
        )
        .into());
    }
    let mut inputs = Vec::new();
    let mut usage = Vec::new();
    for path in &args.query_log {
        read_query_log(path, &args.dialect, &mut inputs, &mut usage)?;
    }
    for dir in &args.models {
        read_models(dir, &args.dialect, &mut inputs)?;
    }
    for path in &args.sql {
        let sql = read(path)?;
        inputs.push(SqlInput {
            origin: LineageOrigin::Steward,
            origin_ref: format!("sql:{}", path.display()),
            sql,
            dialect: args.dialect.clone(),
        });
    }
    let mut known = Vec::new();
    for path in &args.dbt_manifest {
        read_manifest(path, &args.dialect, &mut inputs, &mut known)?;
    }
    for path in &args.openlineage {
        let text = read(path)?;
        let events = steward_lineage::openlineage_events(&text)
            .map_err(|e| Failure::new(ErrorKind::Invalid, format!("{}: {e}", path.display())))?;
        for (reference, lineage) in events {
            known.push(KnownInput {
                origin: LineageOrigin::OpenLineage,
                origin_ref: format!("openlineage:{reference}"),
                lineage,
            });
        }
    }
    let store = open_store(loaded).await?;
    if args.views {
        match view_inputs(&store).await {
            Ok(views) => inputs.extend(views),
            Err(e) => {
                store.close().await;
                return Err(e.into());
            }
        }
    }
    if inputs.is_empty() && known.is_empty() {
        store.close().await;
        return Err(Failure::new(
            ErrorKind::Invalid,
            "nothing to ingest: give --query-log, --models, --dbt-manifest, --openlineage, --sql or --views (after a scan)",
        )
        .into());
    }
    // The run history says whether this ingestion finished: one killed
    // mid-way is marked interrupted by the next run.
    let run = match start_run(&store, "lineage ingest").await {
        Ok(run) => run,
        Err(e) => {
            store.close().await;
            return Err(e.into());
        }
    };
    let recorded = if usage.is_empty() {
        None
    } else {
        match record_usage(&store, &usage, &args.dialect).await {
            Ok(report) => Some(report),
            Err(e) => {
                let _ =
                    finish_run(&store, &run, Some(e.to_string()), serde_json::Value::Null).await;
                store.close().await;
                return Err(e.into());
            }
        }
    };
    let parsed = ingest(&store, &inputs).await;
    let worked_out = ingest_known(&store, &known).await;
    // New lineage may carry sensitivity further: recompute derived labels.
    let derived = match (&parsed, &worked_out) {
        (Ok(_), Ok(_)) => Some(propagate(&store, &loaded.config.pii.propagation_stops).await),
        _ => None,
    };
    if derived.is_some() {
        refresh_index(loaded, &store).await;
    }
    let failed = match (&parsed, &worked_out) {
        (Err(e), _) | (_, Err(e)) => Some(e.to_string()),
        (Ok(a), Ok(b)) if !a.errors.is_empty() || !b.errors.is_empty() => Some(format!(
            "partial ingestion: {} input(s) could not be read",
            a.errors.len() + b.errors.len()
        )),
        _ => None,
    };
    let stats = serde_json::json!({
        "inputs": inputs.len() + known.len(),
        "not_read": parsed.as_ref().map(|r| r.errors.iter().map(|(i, _)| i.clone()).collect::<Vec<_>>()).unwrap_or_default(),
    });
    let finished = finish_run(&store, &run, failed, stats).await;
    store.close().await;
    finished?;
    let (mut report, other) = (parsed?, worked_out?);
    if let Some(derived) = derived {
        report.derived = derived?.derived;
    }
    report.inputs += other.inputs;
    report.with_lineage += other.with_lineage;
    report.table_edges += other.table_edges;
    report.column_edges += other.column_edges;
    report.usage = recorded;
    out.print(&report, |r: &IngestReport| {
        let mut text = format!(
            "{} inputs, {} writing tables: {} table edges, {} column edges; {} column(s) with a derived label\n",
            r.inputs, r.with_lineage, r.table_edges, r.column_edges, r.derived
        );
        if let Some(u) = &r.usage {
            text.push_str(&format!(
                "{} queries recorded as usage ({} already known, replaced)\n",
                u.recorded, u.replaced
            ));
        }
        for (input, error) in &r.errors {
            text.push_str(&format!("  not read: {input}: {error}\n"));
        }
        text
    })?;
    // Like a partial scan: what could be read is stored, and the exit code
    // says that something was skipped.
    if !report.errors.is_empty() {
        return Err(Failure::new(
            ErrorKind::Invalid,
            format!(
                "ingestion partial: {} input(s) could not be read (named above); the others are stored",
                report.errors.len()
            ),
        )
        .into());
    }
    Ok(())
}
