//! What lineage is made of: tables, columns, edges and their kinds, and the
//! schema the resolver may know.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

/// Whether a dataset name is a file or directory path (`s3://bucket/dir`,
/// `hdfs://...`, `examples/data/`) rather than a table: table names are
/// dotted identifiers and never hold a `/`.
pub fn is_path(name: &str) -> bool {
    name.contains('/')
}

/// A column of a table, names lowercased: `sales.orders.amount`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ColumnRef {
    pub table: String,
    pub column: String,
}

impl ColumnRef {
    pub fn new(table: impl Into<String>, column: impl Into<String>) -> Self {
        Self {
            table: table.into(),
            column: column.into(),
        }
    }
}

/// How a target column derives from a source column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// The value itself (`SELECT email`).
    Direct,
    /// A function of it (`lower(email)`, `a + b`, `CASE ...`).
    Transformation,
    /// An aggregate over it (`count(email)`, `sum(amount)`).
    Aggregation,
}

impl EdgeKind {
    /// The weaker of two kinds: a direct copy inside an aggregate is an aggregate.
    pub fn combine(self, other: EdgeKind) -> EdgeKind {
        self.max(other)
    }
}

/// One column-level edge. A plain SELECT has no target table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ColumnEdge {
    pub source: ColumnRef,
    pub target_table: Option<String>,
    pub target_column: String,
    pub kind: EdgeKind,
    /// Functions the value went through (`lower`, `sha256`, `count`),
    /// lowercased, across the statements of a script.
    pub functions: BTreeSet<String>,
}

/// The lineage of a statement or a whole script.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Lineage {
    /// Tables read (intermediate tables of a script excluded).
    pub sources: BTreeSet<String>,
    /// Tables written.
    pub targets: BTreeSet<String>,
    pub edges: BTreeSet<ColumnEdge>,
    /// Why parts of the result are uncertain (a missing schema, a construct
    /// not understood); empty when the resolver was sure of everything.
    pub warnings: Vec<String>,
    /// Tables a script drops or renames (`old -> new`), so the script's end
    /// result names what is left. Not part of a single statement's answer.
    #[serde(skip)]
    pub dropped: BTreeSet<String>,
    #[serde(skip)]
    pub renamed: Vec<(String, String)>,
}

impl Lineage {
    /// 1.0 when nothing was uncertain, lower for each warning.
    pub fn confidence(&self) -> f64 {
        (1.0 - 0.15 * self.warnings.len() as f64).max(0.3)
    }
}

/// Table columns the resolver may use to resolve unqualified columns and
/// expand stars. Names are matched case-insensitively, by full name or, when
/// unambiguous, by their last part.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    tables: BTreeMap<String, Vec<String>>,
}

impl Schema {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, table: &str, columns: impl IntoIterator<Item = impl AsRef<str>>) {
        self.tables.insert(
            table.to_lowercase(),
            columns
                .into_iter()
                .map(|c| c.as_ref().to_lowercase())
                .collect(),
        );
    }

    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    /// The table's full name as the schema knows it, and its columns.
    pub fn lookup(&self, table: &str) -> Option<(&str, &[String])> {
        if let Some((name, columns)) = self.tables.get_key_value(table) {
            return Some((name, columns));
        }
        let suffix = format!(".{table}");
        let mut found = self
            .tables
            .iter()
            .filter(|(name, _)| name.ends_with(&suffix) || table.ends_with(&format!(".{name}")));
        match (found.next(), found.next()) {
            (Some((name, columns)), None) => Some((name, columns)),
            _ => None,
        }
    }
}
