//! `steward bench queue`: the job queue on the configured catalog (SQLite or
//! PostgreSQL). No-op jobs measure the queue itself, not what jobs do.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use steward_service::{JobParams, JobQuery, RunRequest, ScheduleRequest, Steward};
use steward_types::{JobKind, QueueStatus};

use crate::cli::BenchQueueArgs;
use crate::config::Loaded;
use crate::output::Output;

#[derive(Debug, Serialize)]
struct QueueBench {
    backend: String,
    jobs: usize,
    workers: usize,
    enqueue_seconds: f64,
    enqueued_per_second: f64,
    drain_seconds: f64,
    jobs_per_second: f64,
    /// Every job succeeded on its first attempt, and the workers together
    /// ran each id once.
    each_ran_once: bool,
    schedule: Option<ScheduleLateness>,
}

#[derive(Debug, Serialize)]
struct ScheduleLateness {
    scheduled_jobs: usize,
    /// Seconds from a job's scheduled time to its start.
    late_p50: f64,
    late_p99: f64,
    late_max: f64,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

pub async fn run(loaded: &Loaded, args: &BenchQueueArgs, out: &Output) -> anyhow::Result<()> {
    let steward = Arc::new(Steward::open(loaded).await?);
    let backend = format!("{:?}", steward.store().backend()).to_lowercase();
    let noop = RunRequest {
        kind: JobKind::Noop,
        params: JobParams::default(),
    };
    if steward
        .jobs(&JobQuery {
            status: Some(QueueStatus::Queued),
            ..JobQuery::default()
        })
        .await?
        .iter()
        .any(|j| j.kind != JobKind::Noop)
    {
        anyhow::bail!(
            "this catalog has real jobs queued: run the benchmark on a catalog of its own"
        );
    }

    let started = Instant::now();
    let mut ids = HashSet::new();
    for _ in 0..args.jobs {
        ids.extend(
            steward
                .run_now(&noop, "bench")
                .await?
                .into_iter()
                .map(|j| j.id),
        );
    }
    let enqueue_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut drains = Vec::new();
    for n in 0..args.workers.max(1) {
        let worker = steward_jobs::Worker::new(steward.clone())
            .with_kinds(vec![JobKind::Noop])
            .named(format!("{}#{n}", steward_service::this_process()));
        drains.push(tokio::spawn(async move {
            let mut ran = Vec::new();
            while let Some(settled) = worker.claim().await? {
                ran.push(worker.run_claimed(settled).await.job);
            }
            Ok::<_, steward_service::ServiceError>(ran)
        }));
    }
    let mut ran = Vec::new();
    for drain in drains {
        ran.extend(drain.await??);
    }
    let drain_seconds = started.elapsed().as_secs_f64();
    let distinct: HashSet<_> = ran.iter().copied().collect();
    let done = steward.jobs(&JobQuery::default()).await?;
    let first_try = done
        .iter()
        .filter(|j| ids.contains(&j.id))
        .all(|j| j.status == QueueStatus::Succeeded && j.attempts == 1);
    let each_ran_once = ran.len() == ids.len() && distinct == ids && first_try;

    let schedule = if args.schedule_secs > 0 {
        Some(lateness(&steward, args, &noop).await?)
    } else {
        None
    };
    let report = QueueBench {
        backend,
        jobs: ids.len(),
        workers: args.workers.max(1),
        enqueue_seconds,
        enqueued_per_second: ids.len() as f64 / enqueue_seconds.max(1e-9),
        drain_seconds,
        jobs_per_second: ids.len() as f64 / drain_seconds.max(1e-9),
        each_ran_once,
        schedule,
    };
    if let Ok(steward) = Arc::try_unwrap(steward) {
        steward.close().await;
    }
    out.print(&report, |r| {
        let mut text = format!(
            "{} jobs on {}: enqueued at {:.0}/s; {} worker(s) drained them at {:.0} jobs/s; each ran once: {}",
            r.jobs, r.backend, r.enqueued_per_second, r.workers, r.jobs_per_second, r.each_ran_once
        );
        if let Some(s) = &r.schedule {
            text.push_str(&format!(
                "\n{} scheduled jobs started late by p50 {:.3} s, p99 {:.3} s, max {:.3} s",
                s.scheduled_jobs, s.late_p50, s.late_p99, s.late_max
            ));
        }
        text
    })?;
    if !report.each_ran_once {
        anyhow::bail!("a job ran twice, or not at all");
    }
    Ok(())
}

/// An every-second schedule beside a steady stream of no-op jobs, with the
/// scheduler and the workers running as `steward serve` runs them.
async fn lateness(
    steward: &Arc<Steward>,
    args: &BenchQueueArgs,
    noop: &RunRequest,
) -> anyhow::Result<ScheduleLateness> {
    let name = format!("bench-every-second-{}", std::process::id());
    let schedule = steward
        .add_schedule(&ScheduleRequest {
            name: name.clone(),
            kind: JobKind::Noop,
            params: JobParams::default(),
            cron: "* * * * * *".into(),
            timezone: None,
            missed: None,
            enabled: true,
        })
        .await?;
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let scheduler =
        tokio::spawn(steward_jobs::Scheduler::new(steward.clone()).run(shutdown.clone()));
    let mut workers = Vec::new();
    for n in 0..args.workers.max(1) {
        let worker = steward_jobs::Worker::new(steward.clone())
            .named(format!("{}#late{n}", steward_service::this_process()));
        workers.push(tokio::spawn(worker.run(shutdown.clone())));
    }
    // The load: a no-op job every 10 ms beside the schedule.
    let until = Instant::now() + Duration::from_secs(args.schedule_secs);
    while Instant::now() < until {
        steward.run_now(noop, "bench").await?;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let _ = stop.send(true);
    for worker in workers {
        worker.await?;
    }
    scheduler.await??;
    let mut late: Vec<f64> = steward
        .jobs(&JobQuery::default())
        .await?
        .into_iter()
        .filter(|j| j.schedule_id == Some(schedule.id))
        .filter_map(|j| Some((j.started_at? - j.scheduled_for?).num_milliseconds() as f64 / 1000.0))
        .collect();
    steward.set_schedule_enabled(&name, false).await?;
    steward.remove_schedule(&name).await?;
    late.sort_by(f64::total_cmp);
    Ok(ScheduleLateness {
        scheduled_jobs: late.len(),
        late_p50: percentile(&late, 50.0),
        late_p99: percentile(&late, 99.0),
        late_max: late.last().copied().unwrap_or(f64::NAN),
    })
}
