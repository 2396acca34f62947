//! What Steward records while governing: lineage, policies and their findings,
//! job runs, query usage and the audit trail.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::Table;
use crate::id::Id;
use crate::names::named_enum;

/// A table, or a column of it, named as lineage sees it (`db.schema.table`).
/// Lineage may name tables the catalog has not scanned, so this is a name, not an id.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
pub struct AssetRef {
    pub table: String,
    pub column: Option<String>,
}

named_enum! {
    pub enum EdgeKind as "edge kind" {
        /// The value is copied unchanged.
        Direct => "direct",
        /// The value is computed from the upstream one.
        Transformation => "transformation",
        /// Many upstream values fold into one.
        Aggregation => "aggregation",
        /// The upstream value only filters or joins rows.
        Filter => "filter",
    }
}

named_enum! {
    pub enum LineageOrigin as "lineage origin" {
        QueryLog => "query_log",
        Dbt => "dbt",
        View => "view",
        OpenLineage => "openlineage",
        Steward => "steward",
    }
}

/// Data flows from `from` to `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LineageEdge {
    pub from: AssetRef,
    pub to: AssetRef,
    pub kind: EdgeKind,
    /// 0.0–1.0; below 1.0 `reason` says what was not understood.
    pub confidence: f64,
    pub reason: Option<String>,
    pub origin: LineageOrigin,
    /// The query id, file or run the edge was read from, for idempotent re-ingestion.
    pub origin_ref: Option<String>,
    /// Functions the value went through on the way (`lower`, `sha256`,
    /// `count`), lowercased: what sensitivity propagation looks at.
    #[serde(default)]
    pub functions: Vec<String>,
}

named_enum! {
    pub enum Severity as "severity" {
        Info => "info",
        Low => "low",
        Medium => "medium",
        High => "high",
        Critical => "critical",
    }
}

/// A policy as the catalog remembers it; the policy file itself is the truth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PolicyRef {
    /// The policy's id from its file, e.g. `pii-without-owner`.
    pub key: String,
    pub title: String,
    pub severity: Severity,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The file it was loaded from.
    pub path: String,
    /// sha256 of the file, to notice edits.
    pub checksum: String,
    /// What the policy is about and what to do about a violation.
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub remediation: String,
}

named_enum! {
    pub enum FindingStatus as "finding status" {
        Open => "open",
        Acknowledged => "acknowledged",
        Resolved => "resolved",
        Waived => "waived",
    }
}

/// One violation of a policy by one asset, tracked until it is fixed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Finding {
    pub policy_key: String,
    /// Stable over re-runs: policy + asset + key, so evaluation is idempotent.
    pub fingerprint: String,
    pub asset: String,
    pub message: String,
    pub severity: Severity,
    pub status: FindingStatus,
    /// Who last changed the status, and why.
    pub actor: Option<String>,
    pub reason: Option<String>,
    pub waived_until: Option<DateTime<Utc>>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

named_enum! {
    pub enum JobStatus as "job status" {
        Queued => "queued",
        Running => "running",
        Succeeded => "succeeded",
        Failed => "failed",
        Cancelled => "cancelled",
        /// Its process stopped (killed, crashed) before it finished.
        Interrupted => "interrupted",
    }
}

/// One run of a job (a scan, a policy check, a reindex).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JobRun {
    /// What ran, e.g. `scan` or `check`.
    pub job: String,
    pub status: JobStatus,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    /// Counters the job reports (tables scanned, findings opened, ...).
    #[serde(default)]
    pub stats: serde_json::Value,
    /// The process running it, `host:pid`, while it runs.
    #[serde(default)]
    pub owner: Option<String>,
    /// When the running process last showed life.
    #[serde(default)]
    pub heartbeat_at: Option<DateTime<Utc>>,
}

/// One query from a warehouse's query log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UsageRecord {
    pub query_id: Option<String>,
    pub user_name: Option<String>,
    pub sql: String,
    /// Tables the query read, as lineage names them.
    #[serde(default)]
    pub tables: Vec<String>,
    pub bytes_scanned: Option<i64>,
    pub duration_ms: Option<i64>,
    pub executed_at: DateTime<Utc>,
}

/// What one table costs a month: storage from its size, compute from the
/// queries that read it. Derived (by the cost model), never stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TableCost {
    /// The source the table belongs to.
    pub source: String,
    /// `schema.table`, as lineage and usage name it.
    pub table: String,
    /// The storage tier priced (`standard` unless configured).
    pub tier: String,
    pub storage_bytes: i64,
    pub storage_cost: f64,
    /// Queries in the usage log that read the table, and the bytes they
    /// scanned of it (measured where the log says, estimated otherwise).
    pub reads: i64,
    pub bytes_scanned: i64,
    pub compute_cost: f64,
    pub last_read: Option<DateTime<Utc>>,
}

named_enum! {
    /// Where a proposal stands.
    pub enum ProposalStatus as "proposal status" {
        Pending => "pending",
        Approved => "approved",
        Rejected => "rejected",
    }
}

/// A description an agent drafted for a table or one of its columns,
/// waiting for a steward: approved, it becomes the description; rejected,
/// it is kept with the reason. Nothing is applied without a steward.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Proposal {
    #[schema(value_type = i64)]
    pub table_id: Id<Table>,
    /// The column described; `None` for the table itself.
    pub column: Option<String>,
    pub text: String,
    /// The description it would replace, as it was when drafted.
    pub current: Option<String>,
    /// What it was drafted from, in words (`schema of raw.orders`,
    /// `lineage: built from raw.payments`).
    pub drafted_from: Vec<String>,
    /// The agent and model that drafted it.
    pub drafted_by: String,
    pub status: ProposalStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

/// The code a model is defined by, as its file was written (templating and
/// comments kept, since that is where text aimed at AI assistants hides):
/// what the `instructions-in-data` policy reads, and how a later ingestion
/// tells a changed file from an unchanged one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ModelDefinition {
    /// `model:FILE` or `dbt:UNIQUE_ID`, as the model's lineage edges name it.
    pub origin_ref: String,
    /// The table the model builds (`mart.daily_sales`).
    pub model: String,
    /// The file it was read from.
    pub path: String,
    pub text: String,
    /// The sha256 of `text`, in hex.
    pub checksum: String,
    /// How dbt builds it (`view`, `table`, `incremental`, `ephemeral`), when
    /// the project says.
    #[serde(default)]
    pub materialized: Option<String>,
    /// The SQL it runs, its templates rendered.
    #[serde(default)]
    pub compiled_sql: Option<String>,
    /// What the project documents about it.
    #[serde(default)]
    pub docs: ModelDocs,
}

/// What a dbt project documents about a model: its property files'
/// description, owner (`meta.owner`), tags, and columns with their tests.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ModelDocs {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub columns: Vec<ModelColumnDocs>,
}

/// A model's column as the project documents it; its dbt tests are the
/// constraints the data is checked against (`unique`, `not_null`,
/// `accepted_values: a, b`, `relationships: customers.id`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ModelColumnDocs {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Its type: the warehouse's, from dbt's `catalog.json`, else the one
    /// the project declares (`data_type`, as contracts do).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_type: Option<String>,
    #[serde(default)]
    pub tests: Vec<String>,
}

/// Something a person or an agent did, kept for the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEvent {
    pub at: DateTime<Utc>,
    pub actor: String,
    /// e.g. `classification.confirm`, `finding.waive`.
    pub action: String,
    /// The asset or record acted on.
    pub target: String,
    #[serde(default)]
    pub details: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_from_info_to_critical() {
        assert!(Severity::Info < Severity::Low);
        assert!(Severity::High < Severity::Critical);
        assert_eq!("HIGH".parse::<Severity>().unwrap(), Severity::High);
        let err = "urgent".parse::<Severity>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown severity `urgent`; expected one of: info, low, medium, high, critical"
        );
    }

    #[test]
    fn enums_serialize_as_their_stored_spelling() {
        assert_eq!(
            serde_json::to_string(&LineageOrigin::QueryLog).unwrap(),
            "\"query_log\""
        );
        for kind in EdgeKind::ALL {
            assert_eq!(kind.as_str().parse::<EdgeKind>().unwrap(), *kind);
        }
    }
}
