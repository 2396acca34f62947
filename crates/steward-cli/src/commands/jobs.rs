//! `steward jobs`: schedules, runs asked for now and the queue's history;
//! `steward worker`: the process that runs queued jobs.

use std::sync::Arc;
use std::time::Duration;

use steward_service::{JobParams, JobQuery, RunRequest, ScheduleRequest, Steward};
use steward_types::{Id, JobKind, JobSchedule, QueueStatus, QueuedJob, Record};

use crate::cli::{JobTarget, JobsCommand, WorkerArgs};
use crate::commands::{actor, with_steward};
use crate::config::Loaded;
use crate::output::Output;

fn params(target: &JobTarget) -> JobParams {
    JobParams {
        source: target.source.clone(),
        tables: target.tables.clone(),
        path: target.path.clone(),
        input: target.input.clone(),
        format: target.format.clone(),
        dialect: target.dialect.clone(),
        limit: target.limit,
    }
}

fn when(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map_or("-".to_string(), |t| {
        t.format("%Y-%m-%d %H:%M:%S").to_string()
    })
}

fn target_of(job: &QueuedJob) -> String {
    let params: JobParams = serde_json::from_value(job.params.clone()).unwrap_or_default();
    [params.source, params.tables, params.path]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
}

fn schedule_line(s: &Record<JobSchedule>) -> String {
    format!(
        "{:<20} {:<9} {:<16} {:<14} {:<8} next {}{}",
        s.name,
        s.kind,
        s.cron,
        s.timezone,
        if s.enabled { "on" } else { "off" },
        if s.enabled {
            when(s.next_at)
        } else {
            "-".into()
        },
        if s.origin == steward_types::ScheduleOrigin::Config {
            " (steward.toml)"
        } else {
            ""
        }
    )
}

fn job_line(j: &Record<QueuedJob>) -> String {
    let took = match (j.started_at, j.finished_at) {
        (Some(a), Some(b)) => format!("{:.1} s", (b - a).num_milliseconds() as f64 / 1000.0),
        _ => "-".into(),
    };
    format!(
        "{:>6} {:<9} {:<10} attempt {}/{} {:<19} {:>8}  {}{}",
        j.id,
        j.kind,
        j.status,
        j.attempts,
        j.max_attempts,
        when(j.started_at.or(Some(j.run_after))),
        took,
        target_of(j),
        j.last_error
            .as_ref()
            .filter(|_| j.status != QueueStatus::Succeeded)
            .map(|e| format!("  ({e})"))
            .unwrap_or_default()
    )
}

pub async fn run(loaded: &Loaded, command: JobsCommand, out: &Output) -> anyhow::Result<()> {
    match command {
        JobsCommand::List => {
            let (schedules, active) = with_steward(loaded, async |s| {
                let schedules = s.schedules().await?;
                let mut active = s
                    .jobs(&JobQuery {
                        status: Some(QueueStatus::Running),
                        ..JobQuery::default()
                    })
                    .await?;
                active.extend(
                    s.jobs(&JobQuery {
                        status: Some(QueueStatus::Queued),
                        ..JobQuery::default()
                    })
                    .await?,
                );
                Ok((schedules, active))
            })
            .await?;
            let report = serde_json::json!({ "schedules": schedules, "active": active });
            out.print(&report, |_| {
                let mut text = String::new();
                if schedules.is_empty() {
                    text.push_str("no schedules: define one with `steward jobs add` or [[jobs.schedule]] in steward.toml\n");
                } else {
                    text.push_str("schedules:\n");
                    for s in &schedules {
                        text.push_str(&format!("  {}\n", schedule_line(s)));
                    }
                }
                if active.is_empty() {
                    text.push_str("no job queued or running");
                } else {
                    text.push_str("queued and running:\n");
                    for j in &active {
                        text.push_str(&format!("  {}\n", job_line(j)));
                    }
                }
                text.trim_end().to_string()
            })
        }
        JobsCommand::Add(args) => {
            let request = ScheduleRequest {
                name: args.name.clone(),
                kind: args.kind,
                params: params(&args.target),
                cron: args.cron.clone(),
                timezone: args.timezone.clone(),
                missed: args.missed,
                enabled: !args.disabled,
            };
            let added = with_steward(loaded, async |s| s.add_schedule(&request).await).await?;
            out.print(&added, |s| format!("added schedule {}", schedule_line(s)))
        }
        JobsCommand::Remove { name } => {
            let removed = with_steward(loaded, async |s| s.remove_schedule(&name).await).await?;
            out.print(&removed, |s| format!("removed schedule `{}`", s.name))
        }
        JobsCommand::Enable { name } => {
            let s =
                with_steward(loaded, async |s| s.set_schedule_enabled(&name, true).await).await?;
            out.print(&s, |s| {
                format!("schedule `{}` on; next {}", s.name, when(s.next_at))
            })
        }
        JobsCommand::Disable { name } => {
            let s =
                with_steward(loaded, async |s| s.set_schedule_enabled(&name, false).await).await?;
            out.print(&s, |s| format!("schedule `{}` off", s.name))
        }
        JobsCommand::Run(args) => {
            let request = RunRequest {
                kind: args.kind,
                params: params(&args.target),
            };
            let by = actor(&args.by);
            let steward = Steward::open(loaded).await?;
            let result = run_now(&steward, &request, &by, args.wait, out).await;
            steward.close().await;
            result
        }
        JobsCommand::History(args) => {
            let query = JobQuery {
                status: args.status,
                kind: args.kind,
                limit: Some(args.limit),
            };
            let jobs = with_steward(loaded, async |s| s.jobs(&query).await).await?;
            out.print(&jobs, |jobs| {
                if jobs.is_empty() {
                    return "no jobs yet".to_string();
                }
                jobs.iter().map(job_line).collect::<Vec<_>>().join("\n")
            })
        }
        JobsCommand::Show { id } => {
            let job = with_steward(loaded, async |s| s.job(Id::new(id)).await).await?;
            out.print(&job, |j| {
                let mut text = job_line(j);
                text.push_str(&format!(
                    "\nrequested by {}, due {}, finished {}",
                    j.requested_by,
                    when(Some(j.run_after)),
                    when(j.finished_at)
                ));
                if !j.summary.is_null() {
                    text.push_str(&format!("\nwhat changed: {}", j.summary));
                }
                for line in &j.log {
                    text.push_str(&format!("\n  {line}"));
                }
                text
            })
        }
        JobsCommand::Cancel { id } => {
            let job = with_steward(loaded, async |s| s.cancel_job(Id::new(id)).await).await?;
            out.print(&job, |j| format!("cancelled job {}", j.id))
        }
    }
}

/// Queues the run and, with `wait`, follows it to its end.
async fn run_now(
    steward: &Steward,
    request: &RunRequest,
    by: &str,
    wait: bool,
    out: &Output,
) -> anyhow::Result<()> {
    let queued = steward.run_now(request, by).await?;
    if !wait {
        return out.print(&queued, |jobs| {
            let ids: Vec<String> = jobs.iter().map(|j| j.id.to_string()).collect();
            format!(
                "queued {} job(s): {} (a worker or `steward serve` runs them; `steward jobs show ID` follows one)",
                jobs.len(),
                ids.join(", ")
            )
        });
    }
    let mut ended = Vec::new();
    for job in &queued {
        loop {
            let now = steward.job(job.id).await?;
            if matches!(
                now.status,
                QueueStatus::Succeeded | QueueStatus::Failed | QueueStatus::Cancelled
            ) {
                ended.push(now);
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
    let failed = ended
        .iter()
        .filter(|j| j.status != QueueStatus::Succeeded)
        .count();
    out.print(&ended, |jobs| {
        jobs.iter().map(job_line).collect::<Vec<_>>().join("\n")
    })?;
    if failed > 0 {
        anyhow::bail!("{failed} job(s) did not succeed");
    }
    Ok(())
}

/// Runs queued jobs (and, with `--schedule`, the scheduler) until Ctrl-C or
/// SIGTERM, or, with `--once`, the jobs due now.
pub async fn worker(loaded: &Loaded, args: &WorkerArgs) -> anyhow::Result<()> {
    // Only a worker that may run `docs` jobs needs the model.
    let drafts = args.kinds.is_empty() || args.kinds.contains(&JobKind::Docs);
    let steward =
        crate::commands::serve::open(loaded, args.no_model || !drafts, &args.model).await?;
    let mut worker = steward_jobs::Worker::new(steward.clone());
    if !args.kinds.is_empty() {
        worker = worker.with_kinds(args.kinds.clone());
    }
    if args.once {
        let mut ran = 0;
        let mut failed = 0;
        while let Some(settled) = worker.run_one().await? {
            ran += 1;
            if settled.status != QueueStatus::Succeeded {
                failed += 1;
                eprintln!(
                    "job {} ({}) {}: {}",
                    settled.job,
                    settled.kind,
                    settled.status,
                    settled.error.unwrap_or_default()
                );
            }
        }
        eprintln!("ran {ran} job(s), {failed} did not succeed");
    } else {
        if args.schedule {
            steward.sync_config_schedules().await?;
        }
        let (stop, shutdown) = tokio::sync::watch::channel(false);
        eprintln!(
            "worker {} running; Ctrl-C stops (jobs in flight finish)",
            worker.name()
        );
        let scheduler = args.schedule.then(|| {
            tokio::spawn(steward_jobs::Scheduler::new(steward.clone()).run(shutdown.clone()))
        });
        let running = tokio::spawn(worker.run(shutdown));
        steward_server::shutdown_signal().await;
        let _ = stop.send(true);
        running.await?;
        if let Some(scheduler) = scheduler {
            scheduler.await??;
        }
        eprintln!("stopped");
    }
    if let Ok(steward) = Arc::try_unwrap(steward) {
        steward.close().await;
    }
    Ok(())
}
