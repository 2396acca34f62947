//! What Steward knows about a warehouse: sources, tables, columns, profiles and
//! the sensitive-data classifications of columns.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::id::Id;
use crate::names::named_enum;

named_enum! {
    /// How Steward reaches a source's data.
    pub enum SourceKind as "source kind" {
        /// A directory or glob of Parquet, CSV or NDJSON files, local or in object storage.
        Files => "files",
        Postgres => "postgres",
        Mysql => "mysql",
        Sqlite => "sqlite",
    }
}

/// A warehouse, database or file lake Steward scans. The URL never carries a
/// password: credentials come from env vars or the config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Source {
    pub name: String,
    pub kind: SourceKind,
    pub url: String,
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    #[serde(default)]
    pub description: Option<String>,
    /// When the last scan of this source finished.
    #[serde(default)]
    pub scanned_at: Option<DateTime<Utc>>,
    /// Why the last scan could not reach the source at all, if it could not.
    #[serde(default)]
    pub scan_error: Option<String>,
}

named_enum! {
    pub enum TableKind as "table kind" {
        Table => "table",
        View => "view",
        /// Files read in place (a lake table).
        External => "external",
        /// A dbt model the warehouse has not materialised where Steward
        /// scans (a view or table not built yet, or ephemeral): known from
        /// its project, with no data of its own. A scan that finds it makes
        /// it a table or view, the same asset.
        Model => "model",
    }
}

/// A table or view found in a source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Table {
    #[schema(value_type = i64)]
    pub source_id: Id<Source>,
    /// The database schema, when the source has schemas.
    pub schema: Option<String>,
    pub name: String,
    pub kind: TableKind,
    pub description: Option<String>,
    pub owner: Option<String>,
    /// Stewards' tags (`gold`, `finance`), lowercase, sorted; kept across scans.
    #[serde(default)]
    pub tags: Vec<String>,
    /// File lakes: why several files were read as this one table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grouping: Option<String>,
    /// The defining SQL of a view.
    pub view_sql: Option<String>,
    /// File format of a lake table (`parquet`, `csv`, `json`).
    pub format: Option<String>,
    pub row_count: Option<i64>,
    pub size_bytes: Option<i64>,
    pub file_count: Option<i64>,
    #[serde(default)]
    pub partition_columns: Vec<String>,
    pub last_modified: Option<DateTime<Utc>>,
    /// When the last scan that reached this table finished.
    #[serde(default)]
    pub scanned_at: Option<DateTime<Utc>>,
    /// Why the last scan failed on this table; what was stored before is kept.
    #[serde(default)]
    pub scan_error: Option<String>,
    /// When a scan found the table gone from its source.
    #[serde(default)]
    pub dropped_at: Option<DateTime<Utc>>,
}

impl Table {
    /// A table known by its name only, before anything else about it is
    /// (a scan that failed on it, a dbt model not built yet).
    pub fn named(
        source_id: Id<Source>,
        schema: Option<String>,
        name: String,
        kind: TableKind,
    ) -> Self {
        Self {
            source_id,
            schema,
            name,
            kind,
            description: None,
            owner: None,
            tags: Vec::new(),
            grouping: None,
            view_sql: None,
            format: None,
            row_count: None,
            size_bytes: None,
            file_count: None,
            partition_columns: Vec::new(),
            last_modified: None,
            scanned_at: None,
            scan_error: None,
            dropped_at: None,
        }
    }

    /// `schema.name`, or `name` when the source has no schemas.
    pub fn qualified_name(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{schema}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A column of a table, with its Arrow type rendered as text (`Int64`, `Utf8`,
/// `Timestamp(Microsecond, Some("UTC"))`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Column {
    #[schema(value_type = i64)]
    pub table_id: Id<Table>,
    pub name: String,
    /// 0-based position in the table.
    pub position: i64,
    pub data_type: String,
    pub nullable: bool,
    pub comment: Option<String>,
    /// A steward's description (an approved proposal); scans keep it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Set by a scan whose sampled values held text aimed at AI assistants:
    /// how many, and by which rule (the values are not kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_warning: Option<String>,
    #[serde(default)]
    pub primary_key: bool,
    /// When a scan last found the table without this column. The row is kept,
    /// with a steward's decision on it, and revived if the column comes back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_at: Option<DateTime<Utc>>,
}

named_enum! {
    /// How the rows a profile was computed from were chosen.
    pub enum SamplingMethod as "sampling method" {
        Full => "full",
        RowGroups => "row_groups",
        TableSample => "tablesample",
        Limit => "limit",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Sampling {
    pub method: SamplingMethod,
    /// Share of the table's rows that were read, 0.0–1.0 (1.0 for a full scan).
    pub fraction: f64,
}

/// A frequent value and how often it occurred. For a sensitive column the value
/// is masked before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ValueCount {
    pub value: String,
    pub count: i64,
}

/// Statistics of one column from one profiling run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ColumnProfile {
    #[schema(value_type = i64)]
    pub column_id: Id<Column>,
    pub profiled_at: DateTime<Utc>,
    pub row_count: i64,
    pub null_count: i64,
    pub distinct_approx: Option<i64>,
    pub min: Option<String>,
    pub max: Option<String>,
    pub mean: Option<f64>,
    pub stddev: Option<f64>,
    pub min_length: Option<i64>,
    pub avg_length: Option<f64>,
    pub max_length: Option<i64>,
    #[serde(default)]
    pub top_values: Vec<ValueCount>,
    pub sampling: Sampling,
}

named_enum! {
    /// Who decided a classification.
    pub enum ClassificationOrigin as "classification origin" {
        Detector => "detector",
        Steward => "steward",
        Agent => "agent",
        /// Inherited through lineage from a sensitive upstream column.
        Derived => "derived",
    }
}

named_enum! {
    /// Where a classification stands: a detector's or agent's suggestion, or a
    /// steward's decision that a re-scan never overwrites.
    pub enum Verdict as "verdict" {
        Suggested => "suggested",
        Confirmed => "confirmed",
        Rejected => "rejected",
        /// A detector's label held for a steward: they rejected the same
        /// label on a column like this one (same name once digits and
        /// separators are set aside, same kind of values) in the same source.
        Review => "review",
    }
}

/// A sensitive-data label on a column, with the evidence for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Classification {
    #[schema(value_type = i64)]
    pub column_id: Id<Column>,
    /// `EMAIL_ADDRESS`, `PHONE_NUMBER`, ... (the PII label set).
    pub label: String,
    /// 0.0–1.0.
    pub confidence: f64,
    /// Reasons in words: "27 of 30 values pass Luhn", "name token `card`".
    #[serde(default)]
    pub evidence: Vec<String>,
    pub origin: ClassificationOrigin,
    pub verdict: Verdict,
    pub detector_version: Option<String>,
    /// Who decided, for steward and agent decisions.
    pub decided_by: Option<String>,
    pub reason: Option<String>,
}

named_enum! {
    /// What a re-scan found changed since the last snapshot.
    pub enum ChangeKind as "change kind" {
        TableAdded => "table_added",
        TableDropped => "table_dropped",
        ColumnAdded => "column_added",
        ColumnRemoved => "column_removed",
        TypeChanged => "type_changed",
        NullabilityChanged => "nullability_changed",
    }
}

/// One schema change found by comparing a scan with the previous snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChangeEvent {
    #[schema(value_type = i64)]
    pub source_id: Id<Source>,
    /// Null once the table itself is gone from the catalog.
    #[schema(value_type = Option<i64>)]
    pub table_id: Option<Id<Table>>,
    /// `schema.table`, kept so the event reads well after the table is gone.
    pub table_name: String,
    pub column: Option<String>,
    pub kind: ChangeKind,
    pub before: Option<String>,
    pub after: Option<String>,
    pub detected_at: DateTime<Utc>,
}
