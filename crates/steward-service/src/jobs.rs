//! Governance jobs as use cases: defining schedules, asking for a run,
//! reading the queue and its history, firing the schedules that are due,
//! and running one job of each kind. The loops that claim and run jobs
//! (workers, the scheduler's clock) are `steward-jobs`; the CLI and the
//! server call these.

use std::path::PathBuf;
use std::str::FromStr;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use chrono_tz::Tz;
use croner::Cron;
use serde::{Deserialize, Serialize};
use steward_store::{Filter, Session, Store};
use steward_types::{
    Id, JobKind, JobSchedule, MissedRuns, QueueStatus, QueuedJob, Record, ScheduleOrigin, Source,
};

use steward_config::{JobsConfig, ScheduleConfig};

use crate::error::{Result, ServiceError};

/// What a job of some kind works on. Each kind takes only the fields it
/// names; the others must be absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct JobParams {
    /// `scan`: the source; every source when absent (one job each).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `scan`: only tables whose `schema.table` matches this glob.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tables: Option<String>,
    /// `backup`: the file to write (a new one; a `{time}` in it is
    /// replaced by the run's UTC time, so scheduled backups do not collide).
    /// `ingest`: the file or folder to read (relative to the config file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// `ingest`: how to read the path: `query_log`, `models`,
    /// `dbt_manifest`, `openlineage` or `sql`; guessed when absent (a
    /// folder with `*.sql` files is a models folder, any other folder holds
    /// query logs, `manifest.json` is dbt's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// `ingest`: the query logs' format (`auto`, `jsonl`, `snowflake`,
    /// `bigquery`, `postgres-csvlog`, `pg-stat-statements`); `auto` when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// `ingest`: the SQL dialect; `generic` when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dialect: Option<String>,
    /// `docs`: tables drafted at most in one run (10 when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// Tables a `docs` job drafts when it does not say.
pub const DOCS_LIMIT: u32 = 10;

impl JobParams {
    /// The parameters of a job of `kind`, checked.
    pub fn parse(kind: JobKind, value: &serde_json::Value) -> Result<Self> {
        let params = Self::from_json(value)?;
        params.check(kind)?;
        Ok(params)
    }

    fn from_json(value: &serde_json::Value) -> Result<Self> {
        if value.is_null() {
            return Ok(Self::default());
        }
        serde_json::from_value(value.clone())
            .map_err(|e| ServiceError::Invalid(format!("job parameters: {e}")))
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Refuses fields the kind does not use and values it cannot use.
    fn check(&self, kind: JobKind) -> Result<()> {
        let unused = |field: &str, set: bool| -> Result<()> {
            if set {
                return Err(ServiceError::Invalid(format!(
                    "a `{kind}` job takes no `{field}`"
                )));
            }
            Ok(())
        };
        unused("source", self.source.is_some() && kind != JobKind::Scan)?;
        unused("tables", self.tables.is_some() && kind != JobKind::Scan)?;
        let ingest = kind == JobKind::Ingest;
        unused(
            "path",
            self.path.is_some() && !matches!(kind, JobKind::Backup | JobKind::Ingest),
        )?;
        unused("input", self.input.is_some() && !ingest)?;
        unused("format", self.format.is_some() && !ingest)?;
        unused("dialect", self.dialect.is_some() && !ingest)?;
        unused("limit", self.limit.is_some() && kind != JobKind::Docs)?;
        if let Some(input) = &self.input {
            input
                .parse::<crate::IntakeInput>()
                .map_err(ServiceError::Invalid)?;
        }
        if let Some(format) = &self.format {
            format
                .parse::<steward_lineage::LogFormat>()
                .map_err(|e| ServiceError::Invalid(format!("format: {e}")))?;
        }
        if let Some(dialect) = &self.dialect
            && !steward_lineage::parse::known_dialect(dialect)
        {
            return Err(ServiceError::Invalid(format!(
                "unknown dialect `{dialect}`"
            )));
        }
        if self.limit == Some(0) {
            return Err(ServiceError::Invalid(
                "a `docs` job's `limit` is at least 1".into(),
            ));
        }
        if let Some(glob) = &self.tables {
            glob::Pattern::new(glob)
                .map_err(|e| ServiceError::Invalid(format!("bad table pattern `{glob}`: {e}")))?;
        }
        if kind == JobKind::Backup && self.path.as_deref().is_none_or(|p| p.trim().is_empty()) {
            return Err(ServiceError::Invalid(
                "a `backup` job needs the `path` of the file to write".into(),
            ));
        }
        if ingest && self.path.as_deref().is_none_or(|p| p.trim().is_empty()) {
            return Err(ServiceError::Invalid(
                "an `ingest` job needs the `path` of the file or folder to read".into(),
            ));
        }
        Ok(())
    }
}

/// A schedule as a person or the config file defines it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScheduleRequest {
    pub name: String,
    pub kind: JobKind,
    #[serde(default)]
    pub params: JobParams,
    /// 5 fields (minute hour day month weekday), or 6 with seconds first.
    pub cron: String,
    /// An IANA time zone; UTC when absent.
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub missed: Option<MissedRuns>,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// A run asked for now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RunRequest {
    pub kind: JobKind,
    #[serde(default)]
    pub params: JobParams,
}

/// Jobs a steward asked for run before scheduled ones.
pub const RUN_NOW_PRIORITY: i64 = 10;
pub const SCHEDULED_PRIORITY: i64 = 0;

/// A cron expression read as Steward reads them: 5 fields, or 6 with
/// seconds first; `@daily` and the other nicknames.
pub fn parse_cron(expr: &str) -> Result<Cron> {
    Cron::from_str(expr.trim())
        .map_err(|e| ServiceError::Invalid(format!("cron expression `{expr}`: {e}")))
}

/// An IANA time zone by name (`Europe/Paris`, `UTC`).
pub fn parse_timezone(name: &str) -> Result<Tz> {
    Tz::from_str(name.trim()).map_err(|_| {
        ServiceError::Invalid(format!(
            "time zone `{name}`: not an IANA name such as `UTC` or `Europe/Paris`"
        ))
    })
}

/// The first time the schedule is due strictly after `after`.
pub fn next_due(schedule: &JobSchedule, after: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let cron = parse_cron(&schedule.cron)?;
    let tz = parse_timezone(&schedule.timezone)?;
    // Whole seconds: a due time is what the expression says, `02:00:00`,
    // not that plus the fraction of a second the clock read when asked.
    let after = after.trunc_subsecs(0);
    let next = cron
        .find_next_occurrence(&after.with_timezone(&tz), false)
        .map_err(|e| {
            ServiceError::Invalid(format!(
                "schedule `{}`: no time after {after} matches `{}`: {e}",
                schedule.name, schedule.cron
            ))
        })?;
    Ok(next.with_timezone(&Utc).trunc_subsecs(0))
}

/// Jobs with the same key never run at once: scans of one source, and
/// each whole-catalog kind with itself.
fn concurrency_key(kind: JobKind, params: &JobParams) -> Option<String> {
    match kind {
        JobKind::Scan => params.source.as_ref().map(|s| format!("scan:{s}")),
        JobKind::Noop => None,
        other => Some(other.as_str().to_string()),
    }
}

/// The jobs one request becomes: a scan of every source is one job per
/// source, so each source's scans keep to themselves.
async fn expand(
    session: &mut Session,
    kind: JobKind,
    params: &JobParams,
) -> Result<Vec<JobParams>> {
    params.check(kind)?;
    if kind != JobKind::Scan {
        return Ok(vec![params.clone()]);
    }
    let sources = session.list::<Source>(&Filter::all()).await?;
    match &params.source {
        Some(name) => {
            if !sources.iter().any(|s| &s.name == name) {
                return Err(ServiceError::NotFound(format!("source `{name}`")));
            }
            Ok(vec![params.clone()])
        }
        None if sources.is_empty() => Err(ServiceError::Invalid(
            "there is no source to scan; add one first".into(),
        )),
        None => Ok(sources
            .into_iter()
            .map(|s| JobParams {
                source: Some(s.data.name),
                ..params.clone()
            })
            .collect()),
    }
}

#[allow(clippy::too_many_arguments)]
fn new_job(
    kind: JobKind,
    params: &JobParams,
    priority: i64,
    at: DateTime<Utc>,
    requested_by: &str,
    schedule: Option<(Id<JobSchedule>, DateTime<Utc>)>,
    settings: &JobsConfig,
) -> QueuedJob {
    QueuedJob {
        kind,
        params: params.to_json(),
        priority,
        status: QueueStatus::Queued,
        attempts: 0,
        max_attempts: i64::from(settings.max_attempts.max(1)),
        run_after: at,
        concurrency_key: concurrency_key(kind, params),
        schedule_id: schedule.map(|(id, _)| id),
        scheduled_for: schedule.map(|(_, due)| due),
        lease_owner: None,
        lease_until: None,
        timeout_secs: i64::try_from(settings.timeout_of(kind)).unwrap_or(i64::MAX),
        requested_by: requested_by.to_string(),
        started_at: None,
        finished_at: None,
        last_error: None,
        summary: serde_json::Value::Null,
        log: Vec::new(),
        run_id: None,
    }
}

/// Queues a run asked for now, ahead of scheduled ones.
pub async fn enqueue(
    store: &Store,
    settings: &JobsConfig,
    request: &RunRequest,
    requested_by: &str,
    at: DateTime<Utc>,
) -> Result<Vec<Record<QueuedJob>>> {
    let mut session = store.begin().await?;
    let mut queued = Vec::new();
    for params in expand(&mut session, request.kind, &request.params).await? {
        let job = new_job(
            request.kind,
            &params,
            RUN_NOW_PRIORITY,
            at,
            requested_by,
            None,
            settings,
        );
        queued.push(session.insert(&job).await?);
    }
    session.commit().await?;
    Ok(queued)
}

fn schedule_from(request: &ScheduleRequest, origin: ScheduleOrigin) -> Result<JobSchedule> {
    let name = request.name.trim();
    if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ServiceError::Invalid(format!(
            "schedule name `{}`: a word without spaces, such as `nightly-scan`",
            request.name
        )));
    }
    request.params.check(request.kind)?;
    parse_cron(&request.cron)?;
    let timezone = request
        .timezone
        .clone()
        .unwrap_or_else(|| "UTC".to_string());
    parse_timezone(&timezone)?;
    Ok(JobSchedule {
        name: name.to_string(),
        kind: request.kind,
        params: request.params.to_json(),
        cron: request.cron.trim().to_string(),
        timezone,
        enabled: request.enabled,
        missed: request.missed.unwrap_or(MissedRuns::CatchUp),
        origin,
        next_at: None,
        last_fired_at: None,
    })
}

/// Defines a schedule; its first time is computed from `at`.
pub async fn add_schedule(
    store: &Store,
    request: &ScheduleRequest,
    origin: ScheduleOrigin,
    at: DateTime<Utc>,
) -> Result<Record<JobSchedule>> {
    let mut schedule = schedule_from(request, origin)?;
    schedule.next_at = Some(next_due(&schedule, at)?);
    let mut session = store.begin().await?;
    if let Some(source) = &request.params.source
        && session
            .find_one::<Source>(Filter::all().eq_text("name", source.clone()))
            .await?
            .is_none()
    {
        return Err(ServiceError::NotFound(format!("source `{source}`")));
    }
    let added = session.insert(&schedule).await.map_err(|e| match e {
        steward_store::StoreError::Conflict { .. } => {
            ServiceError::Conflict(format!("schedule `{}`", schedule.name))
        }
        other => other.into(),
    })?;
    session.commit().await?;
    Ok(added)
}

async fn schedule_named(session: &mut Session, name: &str) -> Result<Record<JobSchedule>> {
    session
        .find_one::<JobSchedule>(Filter::all().eq_text("name", name))
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("schedule `{name}`")))
}

/// Every schedule, by name.
pub async fn schedules(store: &Store) -> Result<Vec<Record<JobSchedule>>> {
    let mut session = store.read().await?;
    let mut all = session.list::<JobSchedule>(&Filter::all()).await?;
    all.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(all)
}

/// Removes a schedule defined through the CLI or API; one from the config
/// file is removed by editing the file.
pub async fn remove_schedule(store: &Store, name: &str) -> Result<Record<JobSchedule>> {
    let mut session = store.begin().await?;
    let schedule = schedule_named(&mut session, name).await?;
    if schedule.origin == ScheduleOrigin::Config {
        return Err(ServiceError::Refused(format!(
            "schedule `{name}` is defined in steward.toml: remove it there"
        )));
    }
    session.delete(schedule.id).await?;
    session.commit().await?;
    Ok(schedule)
}

/// Turns a schedule on or off; turned on, it is next due after `at`.
pub async fn set_schedule_enabled(
    store: &Store,
    name: &str,
    enabled: bool,
    at: DateTime<Utc>,
) -> Result<Record<JobSchedule>> {
    let mut session = store.begin().await?;
    let mut schedule = schedule_named(&mut session, name).await?;
    if schedule.enabled != enabled {
        schedule.data.enabled = enabled;
        if enabled {
            schedule.data.next_at = Some(next_due(&schedule, at)?);
        }
        schedule = session.update(schedule.id, &schedule.data).await?;
    }
    session.commit().await?;
    Ok(schedule)
}

/// Makes the stored schedules of origin `config` what the config file
/// says: new ones added, changed ones updated (their next time kept when
/// the timing is unchanged), ones no longer in the file removed.
pub async fn sync_config_schedules(
    store: &Store,
    wanted: &[ScheduleRequest],
    at: DateTime<Utc>,
) -> Result<()> {
    let mut parsed = Vec::new();
    for request in wanted {
        let schedule = schedule_from(request, ScheduleOrigin::Config).map_err(|e| {
            ServiceError::Invalid(format!("[[jobs.schedule]] `{}`: {e}", request.name))
        })?;
        parsed.push(schedule);
    }
    let mut session = store.begin().await?;
    session.lock("job-schedules").await?;
    let stored = session.list::<JobSchedule>(&Filter::all()).await?;
    for mut schedule in parsed {
        match stored.iter().find(|s| s.name == schedule.name) {
            Some(kept) if kept.origin == ScheduleOrigin::Api => {
                return Err(ServiceError::Conflict(format!(
                    "schedule `{}` (defined through the CLI or API, and in steward.toml)",
                    schedule.name
                )));
            }
            Some(kept) => {
                let same_timing = kept.cron == schedule.cron
                    && kept.timezone == schedule.timezone
                    && kept.enabled == schedule.enabled;
                schedule.last_fired_at = kept.last_fired_at;
                schedule.next_at = match (same_timing, kept.next_at) {
                    (true, Some(next)) => Some(next),
                    _ => Some(next_due(&schedule, at)?),
                };
                if schedule != kept.data {
                    session.update(kept.id, &schedule).await?;
                }
            }
            None => {
                schedule.next_at = Some(next_due(&schedule, at)?);
                session.insert(&schedule).await?;
            }
        }
    }
    for gone in stored.iter().filter(|s| {
        s.origin == ScheduleOrigin::Config && !wanted.iter().any(|w| w.name.trim() == s.name)
    }) {
        session.delete(gone.id).await?;
    }
    session.commit().await?;
    Ok(())
}

/// What one pass of the scheduler did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Fired {
    /// Jobs enqueued, by schedule name.
    pub enqueued: Vec<(String, Record<QueuedJob>)>,
    /// Schedules whose missed time was skipped (their policy is `skip`).
    pub skipped: Vec<String>,
}

/// Enqueues each enabled schedule that is due at `now`, once per due time
/// (a time already enqueued, by this or another scheduler, is not enqueued
/// again), and moves it to its next time after `now`. A due time more than
/// `late_after` behind `now` was missed (nothing ran then): a `catch_up`
/// schedule runs once for everything it missed, a `skip` one waits. A clock
/// turned back fires nothing twice: a schedule's next time only moves forward.
pub async fn fire_due(
    store: &Store,
    settings: &JobsConfig,
    now: DateTime<Utc>,
    late_after: Duration,
) -> Result<Fired> {
    // The scheduler asks every second: read first, write only when due.
    let mut reading = store.read().await?;
    let any_due = reading
        .list::<JobSchedule>(&Filter::all())
        .await?
        .iter()
        .any(|s| s.enabled && s.next_at.is_some_and(|t| t <= now));
    reading.rollback().await?;
    if !any_due {
        return Ok(Fired::default());
    }
    let mut session = store.begin().await?;
    session.lock("job-schedules").await?;
    let due: Vec<Record<JobSchedule>> = session
        .list::<JobSchedule>(&Filter::all())
        .await?
        .into_iter()
        .filter(|s| s.enabled && s.next_at.is_some_and(|t| t <= now))
        .collect();
    let mut fired = Fired::default();
    for mut schedule in due {
        let Some(slot) = schedule.next_at else {
            continue;
        };
        let missed = now - slot > late_after;
        if missed && schedule.missed == MissedRuns::Skip {
            fired.skipped.push(schedule.name.clone());
        } else {
            let params = JobParams::from_json(&schedule.params)?;
            let jobs = match expand(&mut session, schedule.kind, &params).await {
                Ok(jobs) => jobs,
                Err(e) => {
                    // A schedule whose source was removed must not stop the others.
                    tracing::warn!(schedule = %schedule.name, "a scheduled job was not queued: {e}");
                    Vec::new()
                }
            };
            for params in jobs {
                let key = concurrency_key(schedule.kind, &params);
                let already = session
                    .list::<QueuedJob>(
                        &Filter::all()
                            .eq_id("schedule_id", schedule.id)
                            .eq_time("scheduled_for", slot),
                    )
                    .await?
                    .into_iter()
                    .any(|j| j.concurrency_key == key);
                if already {
                    continue;
                }
                let job = new_job(
                    schedule.kind,
                    &params,
                    SCHEDULED_PRIORITY,
                    slot,
                    "schedule",
                    Some((schedule.id, slot)),
                    settings,
                );
                let job = session.insert(&job).await?;
                fired.enqueued.push((schedule.name.clone(), job));
            }
            schedule.data.last_fired_at = Some(slot);
        }
        // Forward only, from whichever is later: the slot or now.
        schedule.data.next_at = Some(next_due(&schedule, now.max(slot))?);
        session.update(schedule.id, &schedule.data).await?;
    }
    session.commit().await?;
    Ok(fired)
}

/// What the history shows: newest first, at most `limit`.
#[derive(Debug, Clone, Default)]
pub struct JobQuery {
    pub status: Option<QueueStatus>,
    pub kind: Option<JobKind>,
    pub limit: Option<usize>,
}

pub async fn jobs(store: &Store, query: &JobQuery) -> Result<Vec<Record<QueuedJob>>> {
    let mut filter = Filter::all().newest_first();
    if let Some(status) = query.status {
        filter = filter.eq_text("status", status.as_str());
    }
    if let Some(kind) = query.kind {
        filter = filter.eq_text("kind", kind.as_str());
    }
    if let Some(limit) = query.limit {
        filter = filter.limit(limit as i64);
    }
    let mut session = store.read().await?;
    Ok(session.list::<QueuedJob>(&filter).await?)
}

pub async fn job(store: &Store, id: Id<QueuedJob>) -> Result<Record<QueuedJob>> {
    let mut session = store.read().await?;
    session
        .find(id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("job {id}")))
}

/// Cancels a job that has not started; a running one finishes.
pub async fn cancel_job(
    store: &Store,
    id: Id<QueuedJob>,
    at: DateTime<Utc>,
) -> Result<Record<QueuedJob>> {
    let mut session = store.begin().await?;
    let mut job = session
        .find(id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("job {id}")))?;
    if job.status != QueueStatus::Queued {
        return Err(ServiceError::Refused(format!(
            "job {id} is {}: only a queued job can be cancelled",
            job.status
        )));
    }
    job.data.status = QueueStatus::Cancelled;
    job.data.finished_at = Some(at);
    let job = session.update(id, &job.data).await?;
    session.commit().await?;
    Ok(job)
}

impl From<&ScheduleConfig> for ScheduleRequest {
    fn from(c: &ScheduleConfig) -> Self {
        Self {
            name: c.name.clone(),
            kind: c.kind,
            params: JobParams {
                source: c.source.clone(),
                tables: c.tables.clone(),
                path: c.path.clone(),
                input: c.input.clone(),
                format: c.format.clone(),
                dialect: c.dialect.clone(),
                limit: c.limit,
            },
            cron: c.cron.clone(),
            timezone: c.timezone.clone(),
            missed: c.missed,
            enabled: c.enabled,
        }
    }
}

impl crate::Steward {
    /// Queues a run of `request` now, ahead of scheduled jobs.
    pub async fn run_now(
        &self,
        request: &RunRequest,
        requested_by: &str,
    ) -> Result<Vec<Record<QueuedJob>>> {
        enqueue(
            self.store(),
            &self.config().jobs,
            request,
            requested_by,
            self.now(),
        )
        .await
    }

    pub async fn add_schedule(&self, request: &ScheduleRequest) -> Result<Record<JobSchedule>> {
        add_schedule(self.store(), request, ScheduleOrigin::Api, self.now()).await
    }

    pub async fn schedules(&self) -> Result<Vec<Record<JobSchedule>>> {
        schedules(self.store()).await
    }

    pub async fn remove_schedule(&self, name: &str) -> Result<Record<JobSchedule>> {
        remove_schedule(self.store(), name).await
    }

    pub async fn set_schedule_enabled(
        &self,
        name: &str,
        enabled: bool,
    ) -> Result<Record<JobSchedule>> {
        set_schedule_enabled(self.store(), name, enabled, self.now()).await
    }

    /// Brings the stored schedules in step with `[[jobs.schedule]]`.
    pub async fn sync_config_schedules(&self) -> Result<()> {
        let wanted: Vec<ScheduleRequest> = self
            .config()
            .jobs
            .schedule
            .iter()
            .map(ScheduleRequest::from)
            .collect();
        sync_config_schedules(self.store(), &wanted, self.now()).await
    }

    /// Enqueues the schedules due at `now` (the scheduler's clock).
    pub async fn fire_due_schedules(&self, now: DateTime<Utc>) -> Result<Fired> {
        let late = Duration::seconds(
            i64::try_from(self.config().jobs.missed_after_secs).unwrap_or(i64::MAX),
        );
        fire_due(self.store(), &self.config().jobs, now, late).await
    }

    pub async fn jobs(&self, query: &JobQuery) -> Result<Vec<Record<QueuedJob>>> {
        jobs(self.store(), query).await
    }

    pub async fn job(&self, id: Id<QueuedJob>) -> Result<Record<QueuedJob>> {
        job(self.store(), id).await
    }

    pub async fn cancel_job(&self, id: Id<QueuedJob>) -> Result<Record<QueuedJob>> {
        cancel_job(self.store(), id, self.now()).await
    }

    // --- What a worker does with the queue (steward-jobs) ---------------

    /// Puts back the jobs whose worker stopped renewing its lease by `at`;
    /// returns them as they are now (queued again, or failed for good).
    pub async fn expire_job_leases(&self, at: DateTime<Utc>) -> Result<Vec<Record<QueuedJob>>> {
        // Idle workers ask every poll: read first, so nothing takes the
        // write lock when no job runs.
        if !self.any_job(QueueStatus::Running).await? {
            return Ok(Vec::new());
        }
        let mut session = self.store().begin().await?;
        let touched = session.expire_job_leases(at).await?;
        session.commit().await?;
        Ok(touched)
    }

    /// Claims the best due job of `kinds` for `worker` until `lease_until`.
    pub async fn claim_job(
        &self,
        worker: &str,
        kinds: &[JobKind],
        lease_until: DateTime<Utc>,
    ) -> Result<Option<Record<QueuedJob>>> {
        // An idle queue costs a read, not a write transaction (on SQLite,
        // the write lock): one row looked up by the status index, never a
        // count of the queue, which grows with it.
        if !self.any_job(QueueStatus::Queued).await? {
            return Ok(None);
        }
        let mut session = self.store().begin().await?;
        let claimed = session.claim_job(worker, kinds, lease_until).await?;
        session.commit().await?;
        Ok(claimed)
    }

    async fn any_job(&self, status: QueueStatus) -> Result<bool> {
        let mut session = self.store().read().await?;
        let found = session
            .list::<QueuedJob>(&Filter::all().eq_text("status", status.as_str()).limit(1))
            .await?;
        session.commit().await?;
        Ok(!found.is_empty())
    }

    /// Extends `worker`'s lease; false when it no longer holds the job.
    pub async fn renew_job_lease(
        &self,
        id: Id<QueuedJob>,
        worker: &str,
        lease_until: DateTime<Utc>,
    ) -> Result<bool> {
        let mut session = self.store().begin().await?;
        let kept = session.renew_job_lease(id, worker, lease_until).await?;
        session.commit().await?;
        Ok(kept)
    }

    /// Ends `worker`'s hold on the job; false (nothing written) when it no
    /// longer holds it.
    pub async fn settle_job(
        &self,
        id: Id<QueuedJob>,
        worker: &str,
        settlement: &steward_store::Settlement,
    ) -> Result<bool> {
        let mut session = self.store().begin().await?;
        let kept = session.settle_job(id, worker, settlement).await?;
        session.commit().await?;
        Ok(kept)
    }
}

/// What a job of some kind did, for its history.
#[derive(Debug, Clone, Default)]
pub struct JobOutcome {
    pub summary: serde_json::Value,
    pub run_id: Option<Id<steward_types::JobRun>>,
    /// The job ran but not all of it worked (a table of a scan failed):
    /// counted as done, said in its log.
    pub warnings: Vec<String>,
    /// What it found that people may want to hear about.
    pub notices: Vec<JobNotice>,
}

/// Something a job found, for the webhooks that want it. Names only: no
/// value of the warehouse is ever in one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum JobNotice {
    /// A finding a check opened.
    Finding {
        policy: String,
        severity: steward_types::Severity,
        asset: String,
        message: String,
    },
    /// A column a scan found sensitive that was not before.
    SensitiveColumn {
        source: String,
        table: String,
        column: String,
        label: String,
        confidence: f64,
    },
}

impl crate::Steward {
    /// Runs one job: the use case its kind names, with its parameters.
    /// `log` receives its log lines as they happen.
    pub async fn run_job(
        &self,
        kind: JobKind,
        params: &serde_json::Value,
        log: &mut (dyn FnMut(String) + Send),
    ) -> Result<JobOutcome> {
        let params = JobParams::from_json(params)?;
        params.check(kind)?;
        match kind {
            JobKind::Scan => {
                let mut options = self.scan_options();
                options.tables = params.tables.clone();
                let key = |c: &crate::SensitiveColumn| {
                    (
                        c.source.clone(),
                        c.table.clone(),
                        c.column.clone(),
                        c.label.clone(),
                    )
                };
                let before: std::collections::HashSet<_> = self
                    .sensitive_columns(params.source.as_deref(), None)
                    .await?
                    .iter()
                    .map(key)
                    .collect();
                let report = self
                    .scan(
                        params.source.as_deref(),
                        &options,
                        &mut |event| match event {
                            crate::ScanEvent::SourceStarted { source, tables } => {
                                log(format!("scanning {tables} table(s) of {source}"))
                            }
                            crate::ScanEvent::SourceFailed { source, reason } => {
                                log(format!("source {source} could not be scanned: {reason}"))
                            }
                            crate::ScanEvent::Table {
                                table,
                                outcome: crate::TableOutcome::Failed { reason },
                                ..
                            } => log(format!("table {table} could not be scanned: {reason}")),
                            crate::ScanEvent::Table { .. } => {}
                        },
                    )
                    .await?;
                if report.sources.iter().all(|s| s.error.is_some()) {
                    let reasons: Vec<String> = report
                        .sources
                        .iter()
                        .filter_map(|s| s.error.clone())
                        .collect();
                    return Err(ServiceError::Unavailable(reasons.join("; ")));
                }
                let notices = self
                    .sensitive_columns(params.source.as_deref(), None)
                    .await?
                    .into_iter()
                    .filter(|c| !before.contains(&key(c)))
                    .map(|c| JobNotice::SensitiveColumn {
                        source: c.source,
                        table: c.table,
                        column: c.column,
                        label: c.label,
                        confidence: c.confidence,
                    })
                    .collect();
                Ok(JobOutcome {
                    summary: serde_json::json!({ "sources": report.sources }),
                    run_id: Some(report.job_run),
                    warnings: report.failure_summary().into_iter().collect(),
                    notices,
                })
            }
            JobKind::Check => {
                let started = self.now();
                let report = self
                    .check(&[], &[], &mut |event| {
                        log(format!(
                            "policy {} of {}: {} ({} violation(s))",
                            event.done, event.total, event.policy.id, event.policy.violations
                        ))
                    })
                    .await?;
                Ok(JobOutcome {
                    summary: serde_json::json!({
                        "policies": report.policies.len(),
                        "opened": report.opened,
                        "reopened": report.reopened,
                        "resolved": report.resolved,
                        "problems": report.problems.len(),
                    }),
                    run_id: None,
                    warnings: report.problems.iter().map(|p| p.to_string()).collect(),
                    notices: report
                        .findings
                        .iter()
                        .filter(|f| {
                            f.status == steward_types::FindingStatus::Open
                                && f.first_seen >= started
                        })
                        .map(|f| JobNotice::Finding {
                            policy: f.policy_key.clone(),
                            severity: f.severity,
                            asset: f.asset.clone(),
                            message: f.message.clone(),
                        })
                        .collect(),
                })
            }
            JobKind::Propagate => {
                let report = self.propagate().await?;
                Ok(JobOutcome {
                    summary: serde_json::to_value(&report).unwrap_or_default(),
                    ..JobOutcome::default()
                })
            }
            JobKind::Reindex => {
                let report = self.rebuild_index().await?;
                Ok(JobOutcome {
                    summary: serde_json::json!({ "documents": report.added + report.updated + report.unchanged }),
                    ..JobOutcome::default()
                })
            }
            JobKind::Backup => {
                let template = params.path.clone().unwrap_or_default();
                let stamp = self.now().format("%Y%m%dT%H%M%SZ").to_string();
                let path = PathBuf::from(template.replace("{time}", &stamp));
                let path = if path.is_relative() {
                    self.config().data_dir.join(path)
                } else {
                    path
                };
                if let Some(folder) = path.parent() {
                    std::fs::create_dir_all(folder).map_err(|e| {
                        ServiceError::Unavailable(format!("{}: {e}", folder.display()))
                    })?;
                }
                self.store().backup_to(&path).await?;
                let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                log(format!(
                    "catalog copied to {} ({bytes} bytes)",
                    path.display()
                ));
                Ok(JobOutcome {
                    summary: serde_json::json!({ "file": path.display().to_string(), "bytes": bytes }),
                    ..JobOutcome::default()
                })
            }
            JobKind::Ingest => {
                let request = crate::IntakeRequest {
                    path: PathBuf::from(params.path.clone().unwrap_or_default()),
                    input: params
                        .input
                        .as_deref()
                        .map(str::parse)
                        .transpose()
                        .map_err(ServiceError::Invalid)?,
                    format: params.format.clone().unwrap_or_else(|| "auto".into()),
                    dialect: params.dialect.clone().unwrap_or_else(|| "generic".into()),
                };
                let report = self.ingest_new_files(&request, log).await?;
                let warnings = report
                    .failed
                    .iter()
                    .map(|(file, why)| format!("{file} not read: {why}"))
                    .collect();
                Ok(JobOutcome {
                    summary: serde_json::json!({
                        "path": report.path,
                        "input": report.input,
                        "files": report.files,
                        "read": report.read.len(),
                        "failed": report.failed.len(),
                        "table_edges": report.ingested.as_ref().map_or(0, |r| r.table_edges),
                        "column_edges": report.ingested.as_ref().map_or(0, |r| r.column_edges),
                        "models": report.ingested.as_ref().map_or(0, |r| r.models),
                        "queries": report.ingested.as_ref().and_then(|r| r.usage.as_ref()).map_or(0, |u| u.recorded),
                    }),
                    warnings,
                    ..JobOutcome::default()
                })
            }
            JobKind::CostSnapshot => {
                let snapshot = self.snapshot_cost().await?;
                log(format!(
                    "{} table(s): {:.2} {} a month of storage, {:.2} of compute, {:.2} to save",
                    snapshot.tables,
                    snapshot.storage_monthly,
                    snapshot.currency,
                    snapshot.compute_monthly,
                    snapshot.savings_monthly
                ));
                Ok(JobOutcome {
                    summary: serde_json::json!({
                        "snapshot": snapshot.id,
                        "tables": snapshot.tables,
                        "storage_monthly": snapshot.storage_monthly,
                        "compute_monthly": snapshot.compute_monthly,
                        "savings_monthly": snapshot.savings_monthly,
                    }),
                    ..JobOutcome::default()
                })
            }
            // Drafting needs the agent, which sits above this crate: the
            // workers (`steward-jobs`) run it.
            JobKind::Docs => Err(ServiceError::Unavailable(
                "documentation drafts are run by a worker (`steward worker` or `steward serve`)"
                    .into(),
            )),
            JobKind::Noop => Ok(JobOutcome::default()),
        }
    }
}
