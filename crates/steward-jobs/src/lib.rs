//! Governance that runs on its own. The [`Scheduler`] enqueues what the
//! schedules say is due; a [`Worker`] claims queued jobs (one statement, so
//! no two workers run one job), holds each under a lease it renews while
//! the job runs, and settles it: done, retried later with a doubling
//! backoff, or failed for good after its last attempt. A worker killed
//! mid-job stops renewing; when its lease runs out any worker takes the job
//! again, and what the killed one committed stays whole because each unit
//! of a job (a table's scan, a policy's findings) is one transaction.
//!
//! The jobs themselves are the service's use cases ([`Steward::run_job`]);
//! nothing here knows what a scan is. The one exception is `docs`, whose
//! drafts come from the agent (above the service): `docs.rs` runs it.

mod docs;
pub mod notify;

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use steward_service::{JobOutcome, JobSettlement as Settlement, Steward};
use steward_types::{Id, JobKind, QueueStatus, QueuedJob, Record};
use tokio::sync::watch;

use crate::notify::{Notice, Notifier};

/// How often a running worker looks for leases that ran out.
const EXPIRY_EVERY: StdDuration = StdDuration::from_secs(1);

/// Ends a loop when it turns true (or its sender is dropped).
pub type Shutdown = watch::Receiver<bool>;

fn stopping(shutdown: &Shutdown) -> bool {
    *shutdown.borrow()
}

/// Waits `period`, or less when shutdown is asked for.
async fn pause(shutdown: &mut Shutdown, period: StdDuration) {
    if stopping(shutdown) {
        return;
    }
    tokio::select! {
        _ = tokio::time::sleep(period) => {}
        _ = shutdown.changed() => {}
    }
}

fn std_secs(secs: i64) -> StdDuration {
    StdDuration::from_secs(u64::try_from(secs.max(0)).unwrap_or(0))
}

/// How one claimed job ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Settled {
    pub job: Id<QueuedJob>,
    pub kind: JobKind,
    /// `Succeeded`, `Queued` (to be retried) or `Failed` (for good).
    pub status: QueueStatus,
    pub attempt: i64,
    pub error: Option<String>,
    /// False when the lease ran out under it and another worker took the
    /// job: nothing of this attempt's ending was written.
    pub kept_lease: bool,
}

/// Claims and runs queued jobs.
#[derive(Clone)]
pub struct Worker {
    steward: Arc<Steward>,
    /// `host:pid`, the lease owner of every job it claims.
    name: String,
    kinds: Vec<JobKind>,
    notifier: Notifier,
    /// Deliveries under way, awaited by `notices_sent` and at shutdown.
    deliveries: Arc<Mutex<Vec<tokio::task::JoinHandle<bool>>>>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("name", &self.name)
            .field("kinds", &self.kinds)
            .finish()
    }
}

impl Worker {
    /// A worker for every kind of job, named after this process.
    pub fn new(steward: Arc<Steward>) -> Self {
        let notifier = Notifier::new(&steward.config().jobs);
        Self {
            steward,
            name: steward_service::this_process(),
            kinds: JobKind::ALL.to_vec(),
            notifier,
            deliveries: Arc::default(),
        }
    }

    /// Only these kinds (a worker kept for scans, say).
    pub fn with_kinds(mut self, kinds: Vec<JobKind>) -> Self {
        self.kinds = kinds;
        self
    }

    /// Another name: several workers in one process (tests, benchmarks)
    /// must not share leases.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    fn lease(&self) -> Duration {
        let secs = self.steward.config().jobs.lease_secs.max(3);
        Duration::seconds(i64::try_from(secs).unwrap_or(60))
    }

    /// Puts back jobs whose worker stopped renewing their lease; returns
    /// those that failed for good because of it.
    pub async fn expire_leases(&self) -> steward_service::Result<Vec<Record<QueuedJob>>> {
        let touched = self.steward.expire_job_leases(Utc::now()).await?;
        for job in &touched {
            tracing::warn!(job = %job.id, kind = %job.kind, status = %job.status, "a job's worker stopped renewing its lease");
        }
        let failed: Vec<Record<QueuedJob>> = touched
            .into_iter()
            .filter(|j| j.status == QueueStatus::Failed)
            .collect();
        let notices: Vec<Notice> = failed
            .iter()
            .map(|j| Notice::job_failed(j, j.last_error.as_deref().unwrap_or("its worker stopped")))
            .collect();
        self.notify(&notices);
        Ok(failed)
    }

    fn notify(&self, notices: &[Notice]) {
        if notices.is_empty() {
            return;
        }
        let sent = self.notifier.send(notices);
        if let Ok(mut pending) = self.deliveries.lock() {
            pending.retain(|d| !d.is_finished());
            pending.extend(sent);
        }
    }

    /// Waits for the notices under way; returns how many were delivered
    /// and how many could not be.
    pub async fn notices_sent(&self) -> (usize, usize) {
        let pending: Vec<_> = self
            .deliveries
            .lock()
            .map(|mut p| p.drain(..).collect())
            .unwrap_or_default();
        let (mut delivered, mut lost) = (0, 0);
        for delivery in pending {
            match delivery.await {
                Ok(true) => delivered += 1,
                _ => lost += 1,
            }
        }
        (delivered, lost)
    }

    /// Claims the best due job, if any.
    pub async fn claim(&self) -> steward_service::Result<Option<Record<QueuedJob>>> {
        self.steward
            .claim_job(&self.name, &self.kinds, Utc::now() + self.lease())
            .await
    }

    /// Claims one due job and runs it to its end; `None` when none is due.
    pub async fn run_one(&self) -> steward_service::Result<Option<Settled>> {
        self.expire_leases().await?;
        match self.claim().await? {
            Some(job) => Ok(Some(self.run_claimed(job).await)),
            None => Ok(None),
        }
    }

    /// Runs jobs until `shutdown`: up to `[jobs] concurrency` at once,
    /// looking for work every `[jobs] poll_ms` when idle. On shutdown it
    /// claims nothing more and waits for the jobs it runs to finish.
    pub async fn run(self, mut shutdown: Shutdown) {
        let config = self.steward.config().jobs.clone();
        let slots = Arc::new(tokio::sync::Semaphore::new(config.concurrency.max(1)));
        let poll = StdDuration::from_millis(config.poll_ms.max(1));
        let mut running = tokio::task::JoinSet::new();
        let mut last_expiry: Option<std::time::Instant> = None;
        tracing::info!(worker = %self.name, "worker started");
        while !stopping(&shutdown) {
            while running.try_join_next().is_some() {}
            let Ok(slot) = slots.clone().try_acquire_owned() else {
                tokio::select! {
                    _ = running.join_next() => {}
                    _ = shutdown.changed() => {}
                }
                continue;
            };
            // Leases run out in seconds, not per job: looking for expired
            // ones at most once a second keeps each claim one transaction.
            if last_expiry.is_none_or(|at| at.elapsed() >= EXPIRY_EVERY) {
                if let Err(e) = self.expire_leases().await {
                    tracing::warn!("could not look for expired leases: {e}");
                }
                last_expiry = Some(std::time::Instant::now());
            }
            match self.claim().await {
                Ok(Some(job)) => {
                    let worker = self.clone();
                    running.spawn(async move {
                        worker.run_claimed(job).await;
                        drop(slot);
                    });
                }
                Ok(None) => {
                    drop(slot);
                    pause(&mut shutdown, poll).await;
                }
                Err(e) => {
                    drop(slot);
                    tracing::warn!("could not claim a job: {e}");
                    pause(&mut shutdown, poll).await;
                }
            }
        }
        while running.join_next().await.is_some() {}
        self.notices_sent().await;
        tracing::info!(worker = %self.name, "worker stopped");
    }

    /// Runs a job this worker holds, renewing its lease while it runs, and
    /// settles it.
    pub async fn run_claimed(&self, job: Record<QueuedJob>) -> Settled {
        let started = Utc::now();
        let log = Arc::new(Mutex::new(job.log.clone()));
        let line = |log: &Arc<Mutex<Vec<String>>>, text: String| {
            if let Ok(mut lines) = log.lock() {
                lines.push(format!("{} {text}", Utc::now().format("%Y-%m-%d %H:%M:%S")));
            }
        };
        // An attempt whose worker was killed wrote no log of its own; say
        // how it ended, from what expiring its lease recorded.
        let previous = job.attempts - 1;
        let logged = |n: i64| {
            job.log
                .iter()
                .any(|l| l.contains(&format!("attempt {n} of")))
        };
        if previous >= 1
            && !logged(previous)
            && let Some(error) = &job.last_error
        {
            line(&log, format!("attempt {previous} did not finish: {error}"));
        }
        line(
            &log,
            format!(
                "attempt {} of {} by {}",
                job.attempts, job.max_attempts, self.name
            ),
        );
        tracing::info!(job = %job.id, kind = %job.kind, attempt = job.attempts, "job started");

        // The job runs on a task of its own, so losing the lease or passing
        // the time limit can stop it.
        let steward = self.steward.clone();
        let (kind, params) = (job.kind, job.params.clone());
        let job_log = log.clone();
        let id = job.id;
        let mut work = tokio::spawn(async move {
            docs::run_job(&steward, id, kind, &params, &mut |text| {
                line(&job_log, text)
            })
            .await
        });
        let timeout = tokio::time::sleep(std_secs(job.timeout_secs));
        tokio::pin!(timeout);
        let renew_every = (self.lease() / 3)
            .to_std()
            .unwrap_or(StdDuration::from_secs(20));
        let mut renewals =
            tokio::time::interval_at(tokio::time::Instant::now() + renew_every, renew_every);
        let result: Result<JobOutcome, String> = loop {
            tokio::select! {
                joined = &mut work => break match joined {
                    Ok(Ok(outcome)) => Ok(outcome),
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(e) if e.is_panic() => Err("the job stopped on an internal error (a panic)".to_string()),
                    Err(e) => Err(format!("the job was stopped: {e}")),
                },
                _ = &mut timeout => {
                    work.abort();
                    break Err(format!("timed out after {} s", job.timeout_secs));
                }
                _ = renewals.tick() => {
                    match self.renew(job.id).await {
                        Ok(true) => {}
                        Ok(false) => {
                            work.abort();
                            tracing::warn!(job = %job.id, "lost the lease on a running job; another worker has it");
                            return Settled {
                                job: job.id,
                                kind: job.kind,
                                status: QueueStatus::Running,
                                attempt: job.attempts,
                                error: Some("lease lost".into()),
                                kept_lease: false,
                            };
                        }
                        // The store is unreachable for now: keep going, the
                        // next renewal may get through before the lease ends.
                        Err(e) => tracing::warn!(job = %job.id, "could not renew a lease: {e}"),
                    }
                }
            }
        };
        self.settle(&job, started, result, &log).await
    }

    async fn renew(&self, id: Id<QueuedJob>) -> steward_service::Result<bool> {
        self.steward
            .renew_job_lease(id, &self.name, Utc::now() + self.lease())
            .await
    }

    fn backoff(&self, attempt: i64) -> Duration {
        let config = &self.steward.config().jobs;
        let exponent = u32::try_from((attempt - 1).clamp(0, 30)).unwrap_or(30);
        let secs = config
            .backoff_secs
            .saturating_mul(2u64.saturating_pow(exponent))
            .min(config.backoff_max_secs);
        Duration::seconds(i64::try_from(secs).unwrap_or(i64::MAX / 1000))
    }

    async fn settle(
        &self,
        job: &Record<QueuedJob>,
        started: DateTime<Utc>,
        result: Result<JobOutcome, String>,
        log: &Arc<Mutex<Vec<String>>>,
    ) -> Settled {
        let took = (Utc::now() - started).num_milliseconds() as f64 / 1000.0;
        let now = Utc::now();
        let mut lines = log.lock().map(|l| l.clone()).unwrap_or_default();
        let stamp = now.format("%Y-%m-%d %H:%M:%S");
        let mut notices = Vec::new();
        let (settlement, error) = match result {
            Ok(outcome) => {
                notices.extend(outcome.notices.iter().map(Notice::from_job));
                for warning in &outcome.warnings {
                    lines.push(format!("{stamp} warning: {warning}"));
                }
                lines.push(format!("{stamp} succeeded in {took:.1} s"));
                (
                    Settlement {
                        status: QueueStatus::Succeeded,
                        run_after: job.run_after,
                        last_error: None,
                        summary: outcome.summary,
                        log: lines,
                        run_id: outcome.run_id,
                    },
                    None,
                )
            }
            Err(error) => {
                let last = job.attempts >= job.max_attempts;
                let run_after = if last {
                    job.run_after
                } else {
                    now + self.backoff(job.attempts)
                };
                lines.push(if last {
                    format!("{stamp} failed in {took:.1} s, its last attempt: {error}")
                } else {
                    format!(
                        "{stamp} failed in {took:.1} s: {error}; tried again from {}",
                        run_after.format("%Y-%m-%d %H:%M:%S")
                    )
                });
                (
                    Settlement {
                        status: if last {
                            QueueStatus::Failed
                        } else {
                            QueueStatus::Queued
                        },
                        run_after,
                        last_error: Some(error.clone()),
                        summary: serde_json::Value::Null,
                        log: lines,
                        run_id: None,
                    },
                    Some(error),
                )
            }
        };
        let status = settlement.status;
        let kept_lease = match self.write_settlement(job.id, &settlement).await {
            Ok(kept) => kept,
            Err(e) => {
                // The lease runs out and the job is tried again: at worst
                // once more than needed, never lost.
                tracing::warn!(job = %job.id, "could not record how a job ended: {e}");
                false
            }
        };
        tracing::info!(job = %job.id, kind = %job.kind, status = %status, "job ended");
        if kept_lease {
            if status == QueueStatus::Failed {
                let mut failed = job.clone();
                failed.data.status = status;
                notices.push(Notice::job_failed(
                    &failed,
                    error.as_deref().unwrap_or("unknown"),
                ));
            }
            self.notify(&notices);
        }
        Settled {
            job: job.id,
            kind: job.kind,
            status,
            attempt: job.attempts,
            error,
            kept_lease,
        }
    }

    async fn write_settlement(
        &self,
        id: Id<QueuedJob>,
        settlement: &Settlement,
    ) -> steward_service::Result<bool> {
        self.steward.settle_job(id, &self.name, settlement).await
    }
}

/// Enqueues what the schedules say is due, once a `tick`.
#[derive(Clone)]
pub struct Scheduler {
    steward: Arc<Steward>,
    tick: StdDuration,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("tick", &self.tick)
            .finish()
    }
}

impl Scheduler {
    pub fn new(steward: Arc<Steward>) -> Self {
        Self {
            steward,
            tick: StdDuration::from_secs(1),
        }
    }

    /// Brings the schedules in step with the config file, then enqueues
    /// what is due every tick until `shutdown`. Several schedulers (several
    /// servers on one catalog) enqueue each due time once.
    pub async fn run(self, mut shutdown: Shutdown) -> steward_service::Result<()> {
        self.steward.sync_config_schedules().await?;
        while !stopping(&shutdown) {
            match self.steward.fire_due_schedules(Utc::now()).await {
                Ok(fired) => {
                    for (name, job) in &fired.enqueued {
                        tracing::info!(schedule = %name, job = %job.id, "scheduled job queued");
                    }
                    for name in &fired.skipped {
                        tracing::info!(schedule = %name, "a missed time was skipped, as the schedule says");
                    }
                }
                Err(e) => tracing::warn!("the scheduler could not enqueue due jobs: {e}"),
            }
            pause(&mut shutdown, self.tick).await;
        }
        Ok(())
    }
}
