//! The run history of long work (scans, lineage ingestion): each run says
//! which process runs it and shows life as it goes, so a run whose process
//! was killed is marked `interrupted` by the next run instead of staying
//! `running` for ever. What an interrupted run wrote is whole: every unit it
//! committed (a table's scan, a batch of lineage inputs) is one transaction.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use steward_store::{Filter, Store};
use steward_types::{JobRun, JobStatus, Record};

use crate::error::Result;

/// A run whose process is on another machine (a shared PostgreSQL catalog)
/// and has shown no life for this long is taken as interrupted.
const STALE_AFTER_MINUTES: i64 = 30;

/// Now, at the precision the store keeps.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Beats closer together than this are not written: a scan of many small
/// tables would otherwise add a commit per table.
const BEAT_EVERY_SECONDS: i64 = 15;

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

/// `host:pid` of this process.
pub fn this_process() -> String {
    format!("{}:{}", host(), std::process::id())
}

/// Whether the run's process is gone: on this machine, its pid no longer
/// exists (where `/proc` says so; a reused pid keeps the run `running` until
/// that process ends); elsewhere, no life for `STALE_AFTER_MINUTES` (scans
/// beat after each table, ingestions after each batch of inputs, so only a
/// single unit of work longer than that is taken for interrupted).
fn abandoned(run: &JobRun, me: &str, at: DateTime<Utc>) -> bool {
    let last_life = run.heartbeat_at.or(run.started_at);
    let stale = last_life.is_none_or(|t| at - t > Duration::minutes(STALE_AFTER_MINUTES));
    let Some((owner_host, pid)) = run.owner.as_deref().and_then(|o| o.rsplit_once(':')) else {
        return stale;
    };
    let my_host = me.rsplit_once(':').map(|(h, _)| h).unwrap_or(me);
    if owner_host != my_host || !std::path::Path::new("/proc/self").exists() {
        return stale;
    }
    if pid == std::process::id().to_string() {
        return false;
    }
    !std::path::Path::new("/proc").join(pid).exists()
}

/// Marks runs whose process is gone as interrupted; returns how many.
pub async fn mark_interrupted_runs(store: &Store) -> Result<usize> {
    let me = this_process();
    let at = now();
    let mut session = store.begin().await?;
    let running = session
        .list::<JobRun>(&Filter::all().eq_text("status", JobStatus::Running.as_str()))
        .await?;
    let mut marked = 0;
    for run in running {
        if !abandoned(&run, &me, at) {
            continue;
        }
        let mut data = run.data.clone();
        let last = run.heartbeat_at.or(run.started_at);
        data.status = JobStatus::Interrupted;
        data.finished_at = last.or(Some(at));
        data.error = Some(format!(
            "interrupted: its process ({}) stopped before the run finished; what it \
             committed up to {} is kept, and a new run completes it",
            run.owner.as_deref().unwrap_or("unknown"),
            last.map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                .unwrap_or_else(|| "its start".into()),
        ));
        session.update(run.id, &data).await?;
        tracing::warn!(job = %run.job, run = %run.id, "an earlier run was interrupted");
        marked += 1;
    }
    session.commit().await?;
    Ok(marked)
}

/// Starts a run of `job`, first marking abandoned runs as interrupted.
pub async fn start_run(store: &Store, job: &str) -> Result<Record<JobRun>> {
    mark_interrupted_runs(store).await?;
    let at = now();
    let mut session = store.begin().await?;
    let run = session
        .insert(&JobRun {
            job: job.to_string(),
            status: JobStatus::Running,
            started_at: Some(at),
            finished_at: None,
            error: None,
            stats: serde_json::Value::Null,
            owner: Some(this_process()),
            heartbeat_at: Some(at),
        })
        .await?;
    session.commit().await?;
    Ok(run)
}

/// Records that the run is alive (after each unit of its work), at most once
/// every `BEAT_EVERY_SECONDS`.
pub async fn heartbeat(store: &Store, run: &mut Record<JobRun>) -> Result<()> {
    let at = now();
    if run
        .heartbeat_at
        .is_some_and(|last| at - last < Duration::seconds(BEAT_EVERY_SECONDS))
    {
        return Ok(());
    }
    let mut data = run.data.clone();
    data.heartbeat_at = Some(at);
    let mut session = store.begin().await?;
    *run = session.update(run.id, &data).await?;
    session.commit().await?;
    Ok(())
}

/// Ends a run: succeeded, or failed with what went wrong, and its counters.
pub async fn finish_run(
    store: &Store,
    run: &Record<JobRun>,
    error: Option<String>,
    stats: serde_json::Value,
) -> Result<()> {
    let mut data = run.data.clone();
    data.status = if error.is_some() {
        JobStatus::Failed
    } else {
        JobStatus::Succeeded
    };
    data.finished_at = Some(now());
    data.heartbeat_at = data.finished_at;
    data.error = error;
    data.stats = stats;
    data.owner = None;
    let mut session = store.begin().await?;
    session.update(run.id, &data).await?;
    session.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(owner: Option<&str>, minutes_ago: i64, at: DateTime<Utc>) -> JobRun {
        JobRun {
            job: "scan".into(),
            status: JobStatus::Running,
            started_at: Some(at - Duration::minutes(minutes_ago)),
            finished_at: None,
            error: None,
            stats: serde_json::Value::Null,
            owner: owner.map(str::to_string),
            heartbeat_at: Some(at - Duration::minutes(minutes_ago)),
        }
    }

    #[test]
    fn a_run_is_abandoned_when_its_process_is_gone_or_silent() {
        let at = now();
        let me = this_process();
        let host = me.rsplit_once(':').unwrap().0.to_string();
        // This process: alive.
        assert!(!abandoned(&run(Some(&me), 0, at), &me, at));
        // A pid that cannot exist on this host: gone, however recent.
        let gone = format!("{host}:{}", u32::MAX - 7);
        assert!(abandoned(&run(Some(&gone), 0, at), &me, at));
        // Another host: judged by its heartbeat.
        assert!(!abandoned(&run(Some("elsewhere:12"), 5, at), &me, at));
        assert!(abandoned(&run(Some("elsewhere:12"), 31, at), &me, at));
        // Runs from before owners were recorded: by age.
        assert!(!abandoned(&run(None, 1, at), &me, at));
        assert!(abandoned(&run(None, 120, at), &me, at));
    }
}
