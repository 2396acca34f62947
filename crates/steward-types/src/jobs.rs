//! Governance that runs on its own: job schedules and the persisted queue
//! their runs (and a steward's "run now") wait in.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::governance::JobRun;
use crate::id::Id;
use crate::names::named_enum;

named_enum! {
    /// What a job does; each kind runs one use case of the service.
    pub enum JobKind as "job kind" {
        /// Scans a source (or every source), optionally only tables matching a pattern.
        Scan => "scan",
        /// Evaluates the policies, keeping their findings.
        Check => "check",
        /// Carries sensitivity labels down lineage.
        Propagate => "propagate",
        /// Rebuilds the search index from the catalog.
        Reindex => "reindex",
        /// Copies the catalog to a file (SQLite's online backup).
        Backup => "backup",
        /// Reads lineage (and usage) from the files of a query-log folder, a
        /// models folder or a dbt manifest that are new or changed since the
        /// last run, remembered by path and checksum.
        Ingest => "ingest",
        /// Drafts descriptions for undocumented tables with the local model,
        /// as proposals for a steward.
        Docs => "docs",
        /// Prices the catalog and keeps the totals, for cost over time.
        CostSnapshot => "cost_snapshot",
        /// Does nothing: measures the queue itself.
        Noop => "noop",
    }
}

named_enum! {
    /// Where a queued job stands.
    pub enum QueueStatus as "queued job status" {
        /// Waiting for a worker (or for its retry time).
        Queued => "queued",
        /// A worker holds its lease.
        Running => "running",
        Succeeded => "succeeded",
        /// Failed on its last allowed attempt.
        Failed => "failed",
        Cancelled => "cancelled",
    }
}

named_enum! {
    /// What a schedule does about the times it missed while nothing ran
    /// (the server was down).
    pub enum MissedRuns as "missed-run policy" {
        /// Runs once for all of them, as soon as it can.
        CatchUp => "catch_up",
        /// Waits for the next time.
        Skip => "skip",
    }
}

named_enum! {
    /// Where a schedule was defined.
    pub enum ScheduleOrigin as "schedule origin" {
        /// `[[jobs]]` in steward.toml: kept in step with the file.
        Config => "config",
        /// The CLI or the API.
        Api => "api",
    }
}

/// A job that runs on a cron schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JobSchedule {
    /// Unique, chosen by whoever defines it (`nightly-scan`).
    pub name: String,
    pub kind: JobKind,
    /// What the kind needs (`{"source": "app"}`); checked when defined.
    #[serde(default)]
    pub params: serde_json::Value,
    /// A cron expression (5 fields, or 6 with seconds), in `timezone`.
    pub cron: String,
    /// An IANA time zone (`Europe/Paris`); `UTC` by default.
    pub timezone: String,
    pub enabled: bool,
    pub missed: MissedRuns,
    pub origin: ScheduleOrigin,
    /// The next time it is due.
    pub next_at: Option<DateTime<Utc>>,
    /// The last time it was enqueued.
    pub last_fired_at: Option<DateTime<Utc>>,
}

/// One job in the queue: waiting, running under a worker's lease, or done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QueuedJob {
    pub kind: JobKind,
    #[serde(default)]
    pub params: serde_json::Value,
    /// Higher runs first (a steward's "run now" is above schedules).
    pub priority: i64,
    pub status: QueueStatus,
    /// Attempts begun so far.
    pub attempts: i64,
    pub max_attempts: i64,
    /// Not before this time (its schedule's time, or a retry's backoff).
    pub run_after: DateTime<Utc>,
    /// Jobs with the same key never run at once (`source:app` for scans).
    pub concurrency_key: Option<String>,
    /// The schedule it was enqueued for, and the time it was due.
    #[schema(value_type = Option<i64>)]
    pub schedule_id: Option<Id<JobSchedule>>,
    pub scheduled_for: Option<DateTime<Utc>>,
    /// The worker holding it (`host:pid`) and until when, renewed by its heartbeat.
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    /// Longest a run may take before it is stopped and counted as failed.
    pub timeout_secs: i64,
    /// Who asked for it: a user's name, or `schedule`.
    pub requested_by: String,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// What went wrong on the last failed attempt.
    pub last_error: Option<String>,
    /// What changed (tables added, findings opened, ...), when it succeeded.
    #[serde(default)]
    pub summary: serde_json::Value,
    /// Its log lines, of every attempt.
    #[serde(default)]
    pub log: Vec<String>,
    /// The run history entry of the use case it ran (a scan's), if any.
    #[schema(value_type = Option<i64>)]
    pub run_id: Option<Id<JobRun>>,
}

/// A file an `ingest` job has read, by path and the checksum it had then:
/// the next run reads only files that are new or whose checksum changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IngestedFile {
    /// Its absolute path.
    pub path: String,
    /// The sha256 of its bytes, in hex.
    pub checksum: String,
    /// How it was read: `query_log`, `models`, `dbt_manifest` or `openlineage`.
    pub input: String,
    pub ingested_at: DateTime<Utc>,
}

/// What the catalog cost at one time: the cost model's totals, kept by a
/// `cost_snapshot` job so that cost can be followed over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CostSnapshot {
    pub taken_at: DateTime<Utc>,
    pub currency: String,
    /// Live tables priced.
    pub tables: i64,
    pub storage_bytes: i64,
    pub storage_monthly: f64,
    /// Compute over the query log's period projected to 30 days.
    pub compute_monthly: f64,
    pub savings_monthly: f64,
    pub queries: i64,
    pub bytes_scanned: i64,
    /// The costliest tables then (`[{"table": "app.main.orders",
    /// "monthly": 1.2}]`), most first, at most 20.
    #[serde(default)]
    pub top_tables: serde_json::Value,
}
