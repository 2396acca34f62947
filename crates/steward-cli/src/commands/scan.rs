use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use steward_agent::ModelOpinion;
use steward_service::{ScanEvent, ScanOptions, ScanReport, Steward, TableOutcome};
use steward_types::ErrorKind;

use crate::cli::{ModelArg, ScanArgs};
use crate::config::Loaded;
use crate::failure::Failure;
use crate::output::Output;

/// Progress as the scan goes: a bar on a terminal, JSON lines with `--json`,
/// log lines otherwise.
struct Progress {
    json: bool,
    bar: Option<ProgressBar>,
    failures: Vec<String>,
}

impl Progress {
    fn new(json: bool) -> Self {
        Self {
            json,
            bar: None,
            failures: Vec::new(),
        }
    }

    fn event(&mut self, event: ScanEvent) {
        if self.json
            && let Ok(line) = serde_json::to_string(&event)
        {
            println!("{line}");
        }
        match &event {
            ScanEvent::SourceStarted { source, tables } => {
                if !self.json && std::io::stderr().is_terminal() {
                    let bar = ProgressBar::new(*tables as u64);
                    if let Ok(style) = ProgressStyle::with_template(
                        "{prefix:>12} [{bar:30}] {pos}/{len} {wide_msg}",
                    ) {
                        bar.set_style(style.progress_chars("=> "));
                    }
                    bar.set_prefix(source.clone());
                    self.bar = Some(bar);
                }
            }
            ScanEvent::Table {
                source,
                table,
                outcome,
            } => {
                if let TableOutcome::Failed { reason } = outcome {
                    self.failures.push(format!("{source}.{table}: {reason}"));
                }
                if let Some(bar) = &self.bar {
                    if !matches!(outcome, TableOutcome::Dropped) {
                        bar.inc(1);
                    }
                    bar.set_message(table.clone());
                }
            }
            ScanEvent::SourceFailed { source, reason } => {
                self.failures.push(format!("{source}: {reason}"));
            }
        }
    }

    fn finish_source(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

pub async fn run(loaded: &Loaded, args: &ScanArgs, out: &Output) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut progress = Progress::new(out.json());
    let mut steward = Steward::open(loaded).await?;
    if (args.second_opinion || loaded.config.agent.second_opinion) && !args.no_classify {
        let model = crate::commands::llm::load(loaded, &ModelArg::default())?;
        steward = steward.with_second_opinion(Arc::new(ModelOpinion::new(Arc::new(model))));
    }
    let result = async {
        let s = &steward;
        let options = ScanOptions {
            tables: args.tables.clone(),
            no_profile: args.no_profile,
            sample_rows: args.sample_rows,
            no_classify: args.no_classify,
            ..s.scan_options()
        };
        s.scan(args.source.as_deref(), &options, &mut |event| {
            let source_done = matches!(event, ScanEvent::SourceFailed { .. });
            progress.event(event);
            if source_done {
                progress.finish_source();
            }
        })
        .await
    }
    .await;
    steward.close().await;
    progress.finish_source();
    let report = result?;
    let seconds = started.elapsed().as_secs_f64();

    if out.json() {
        let summary =
            serde_json::json!({"event": "summary", "seconds": seconds, "report": &report});
        println!("{summary}");
    } else {
        print!("{}", human(&report, seconds, &progress.failures));
    }
    if let Some(failures) = report.failure_summary() {
        return Err(Failure::new(
            ErrorKind::Unavailable,
            format!("scan partial: {failures} (see `steward tables` for each table's error)"),
        )
        .into());
    }
    Ok(())
}

fn human(report: &ScanReport, seconds: f64, failures: &[String]) -> String {
    let mut text = String::new();
    for s in &report.sources {
        match &s.error {
            Some(reason) => text.push_str(&format!("{:<16} unreachable: {reason}\n", s.source)),
            None => text.push_str(&format!(
                "{:<16} {} scanned, {} failed, {} dropped, {} schema change(s), {} sensitive column(s)\n",
                s.source, s.scanned, s.failed, s.dropped, s.changes, s.sensitive
            )),
        }
    }
    for failure in failures {
        text.push_str(&format!("  failed: {failure}\n"));
    }
    text.push_str(&format!(
        "done in {seconds:.1}s (job run #{})\n",
        report.job_run
    ));
    text
}
