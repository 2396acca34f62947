use chrono::{DateTime, Utc};
use serde::Serialize;
use steward_types::{Sampling, TableKind};

/// A table a source holds, as discovery found it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct TableRef {
    pub schema: Option<String>,
    pub name: String,
    pub kind: TableKind,
}

impl TableRef {
    /// `schema.name`, or `name` when the source has no schemas.
    pub fn display_name(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{schema}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// One column as the source describes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnSnapshot {
    pub name: String,
    /// The Arrow type as DataFusion reads it (`Int64`, `Utf8`, `Timestamp(µs, "UTC")`).
    pub data_type: String,
    pub nullable: bool,
    pub comment: Option<String>,
    pub primary_key: bool,
}

/// What schema inspection learns of one table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableSnapshot {
    pub table: TableRef,
    pub description: Option<String>,
    pub columns: Vec<ColumnSnapshot>,
    pub partition_columns: Vec<String>,
    /// `parquet`, `csv`, `json` for files; `None` for database tables.
    pub format: Option<String>,
    pub file_count: Option<i64>,
    pub size_bytes: Option<i64>,
    /// From metadata (Parquet footers, database statistics) when it has one.
    pub row_count: Option<i64>,
    pub last_modified: Option<DateTime<Utc>>,
    pub view_sql: Option<String>,
    /// Files only: why several files are this one table.
    pub grouping: Option<String>,
}

/// Statistics of one column. Values (`min`, `max`, `top_values`) are raw: they
/// stay in memory and must be masked before they are stored or shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnStats {
    pub name: String,
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
    /// Most frequent values with their (approximate, lower-bound) counts.
    pub top_values: Vec<(String, i64)>,
    /// The first non-null values as text, for the classifier. Never
    /// serialised: they exist only in memory.
    #[serde(skip)]
    pub samples: Vec<String>,
}

/// The profile of one table from one pass over it (or over a sample).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableProfile {
    pub rows_profiled: i64,
    pub sampling: Sampling,
    pub columns: Vec<ColumnStats>,
}
