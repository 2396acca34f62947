//! `steward lineage TABLE[.COLUMN]` (walk the graph) and `steward lineage
//! ingest` (read query logs, model files, dbt manifests, OpenLineage events
//! and scripts into it).

use std::path::Path;

use steward_lineage::LogFormat;
use steward_service::{
    Change, Direction, Effect, Graph, Impact, IngestEvent, IngestReport, IngestRequest,
    LineageSource, PropagationReport, catalog_beside, models_folder,
};
use steward_types::ErrorKind;

use crate::cli::{ChangeArg, LineageArgs, LineageCommand, LineageIngestArgs};
use crate::commands::with_steward;
use crate::config::Loaded;
use crate::failure::Failure;
use crate::output::Output;

pub async fn run(loaded: &Loaded, args: &LineageArgs, out: &Output) -> anyhow::Result<()> {
    match &args.command {
        Some(LineageCommand::Ingest(ingest_args)) => {
            return run_ingest(loaded, ingest_args, out).await;
        }
        Some(LineageCommand::Propagate) => {
            let report = with_steward(loaded, async |s| s.propagate().await).await?;
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
        let result =
            with_steward(loaded, async |s| s.impact(asset, change, args.depth).await).await?;
        return out.print(&result, impact_text);
    }
    let direction = match (args.upstream, args.downstream) {
        (true, false) => Direction::Upstream,
        (false, true) => Direction::Downstream,
        _ => Direction::Both,
    };
    let g = with_steward(loaded, async |s| {
        s.lineage(asset, direction, args.depth).await
    })
    .await?;
    if args.dot {
        print!("{}", g.to_dot());
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

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        Failure::new(
            ErrorKind::Invalid,
            format!("cannot read {}: {e}", path.display()),
        )
        .into()
    })
}

/// The files named on the command line, read, as the service takes them.
fn sources(args: &LineageIngestArgs) -> anyhow::Result<Vec<LineageSource>> {
    let format: LogFormat = args
        .format
        .parse()
        .map_err(|e: String| Failure::new(ErrorKind::Invalid, format!("--format: {e}")))?;
    let name = |p: &Path| p.display().to_string();
    let mut sources = Vec::new();
    for path in &args.query_log {
        sources.push(LineageSource::QueryLog {
            name: name(path),
            text: read(path)?,
            format,
        });
    }
    for dir in &args.models {
        sources.push(models_folder(dir)?);
    }
    for path in &args.sql {
        sources.push(LineageSource::Script {
            name: name(path),
            text: read(path)?,
        });
    }
    for path in &args.dbt_manifest {
        sources.push(LineageSource::DbtManifest {
            name: name(path),
            text: read(path)?,
        });
    }
    // The catalogs named, else the ones dbt wrote beside the manifests.
    let catalogs: Vec<std::path::PathBuf> = if args.dbt_catalog.is_empty() {
        args.dbt_manifest
            .iter()
            .filter_map(|m| catalog_beside(m))
            .collect()
    } else {
        args.dbt_catalog.clone()
    };
    for path in &catalogs {
        sources.push(LineageSource::DbtCatalog {
            name: name(path),
            text: read(path)?,
        });
    }
    for path in &args.openlineage {
        sources.push(LineageSource::OpenLineage {
            name: name(path),
            text: read(path)?,
        });
    }
    Ok(sources)
}

async fn run_ingest(loaded: &Loaded, args: &LineageIngestArgs, out: &Output) -> anyhow::Result<()> {
    let request = IngestRequest {
        sources: sources(args)?,
        views: args.views,
        dialect: args.dialect.clone(),
    };
    if request.sources.is_empty() && !request.views {
        return Err(Failure::new(
            ErrorKind::Invalid,
            "nothing to ingest: give --query-log, --models, --dbt-manifest (with --dbt-catalog), --openlineage, --sql or --views (after a scan)",
        )
        .into());
    }
    let json = out.json();
    let report = with_steward(loaded, async |s| {
        s.ingest_lineage(request, &mut |event| {
            if let IngestEvent::Read { name, .. } = &event
                && !json
            {
                tracing::info!("read {name}");
            }
        })
        .await
    })
    .await?;
    out.print(&report, |r: &IngestReport| {
        let mut text = String::new();
        for log in &r.logs {
            text.push_str(&format!(
                "{} ({}): {} record(s): {} as usage and lineage, {} lineage only (no time), {} skipped\n",
                log.name,
                log.format,
                log.records,
                log.usage,
                log.lineage_only,
                log.skipped.len()
            ));
            const SHOWN: usize = 10;
            for skip in log.skipped.iter().take(SHOWN) {
                text.push_str(&format!("  line {}: {}\n", skip.line, skip.reason));
            }
            if log.skipped.len() > SHOWN {
                text.push_str(&format!(
                    "  ... and {} more (--json lists them all)\n",
                    log.skipped.len() - SHOWN
                ));
            }
        }
        text.push_str(&format!(
            "{} inputs, {} writing tables: {} table edges, {} column edges; {} column(s) with a derived label\n",
            r.inputs, r.with_lineage, r.table_edges, r.column_edges, r.derived
        ));
        if r.models > 0 {
            text.push_str(&format!(
                "{} model definition(s) kept for the policies (steward.models)\n",
                r.models
            ));
        }
        let a = &r.assets;
        if a.added + a.documented > 0 {
            text.push_str(&format!(
                "models in the catalog: {} added as tables of kind `model` (not built where Steward scans), {} documented on their tables\n",
                a.added, a.documented
            ));
        }
        if a.typed > 0 {
            text.push_str(&format!(
                "{} model(s) took their columns and types from the dbt catalog\n",
                a.typed
            ));
        }
        for (model, why) in &a.unplaced {
            text.push_str(&format!("  model {model} not catalogued: {why}\n"));
        }
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
    let malformed = report.malformed_records();
    if !report.errors.is_empty() || malformed > 0 {
        return Err(Failure::new(
            ErrorKind::Invalid,
            format!(
                "ingestion partial: {} input(s) could not be read, {malformed} malformed log record(s) skipped (named above); the others are stored",
                report.errors.len()
            ),
        )
        .into());
    }
    Ok(())
}
