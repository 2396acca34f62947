//! What the index holds: one document per catalog asset, built by the
//! service from the store.

use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

/// The kind of asset a document describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    Table,
    Column,
    Policy,
    Finding,
    Term,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Table => "table",
            DocKind::Column => "column",
            DocKind::Policy => "policy",
            DocKind::Finding => "finding",
            DocKind::Term => "term",
        }
    }
}

impl fmt::Display for DocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One catalog asset as the index sees it. Names are as the catalog stores
/// them; analysis happens in the index.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Hash, utoipa::ToSchema)]
pub struct CatalogDoc {
    /// The asset id answers cite: `column:raw.customers.email`.
    pub id: String,
    pub kind: Option<DocKind>,
    /// The qualified name: `raw.customers.email`.
    pub name: String,
    pub source: Option<String>,
    pub schema: Option<String>,
    /// For a column, its table's qualified name.
    pub table: Option<String>,
    pub data_type: Option<String>,
    /// Descriptions and comments, prose.
    pub description: Option<String>,
    /// Sensitivity labels (`EMAIL_ADDRESS`), with their origin in words
    /// when useful (`EMAIL_ADDRESS derived`).
    pub labels: Vec<String>,
    pub owners: Vec<String>,
    pub tags: Vec<String>,
    /// Assets lineage connects this one to, upstream and downstream.
    pub upstream: Vec<String>,
    pub downstream: Vec<String>,
    /// For a table: its columns' names, so a table is found by what it holds.
    pub columns: Vec<String>,
}

impl CatalogDoc {
    /// A stable digest of the content: the index rewrites a document only
    /// when this changes.
    pub fn fingerprint(&self) -> u64 {
        // SipHash with fixed keys: the same on every run of a build.
        let mut hasher = std::hash::DefaultHasher::new();
        self.hash(&mut hasher);
        hasher.finish()
    }

    /// The last part of the name: `email` for `raw.customers.email`.
    pub fn short_name(&self) -> &str {
        self.name.rsplit('.').next().unwrap_or(&self.name)
    }

    /// The asset in sentences, for retrieval: what an agent reads and cites.
    pub fn passage(&self) -> String {
        let kind = self.kind.map_or("asset", DocKind::as_str);
        let mut text = format!("{kind} {}", self.name);
        if let Some(t) = &self.data_type {
            text.push_str(&format!(" ({t})"));
        }
        if let Some(table) = &self.table {
            text.push_str(&format!(" in table {table}"));
        }
        if let Some(source) = &self.source {
            text.push_str(&format!(", source {source}"));
        }
        text.push('.');
        if let Some(d) = &self.description {
            text.push_str(&format!(" {}", d.trim()));
            if !d.trim_end().ends_with('.') {
                text.push('.');
            }
        }
        if !self.labels.is_empty() {
            text.push_str(&format!(" Sensitive: {}.", self.labels.join(", ")));
        }
        if !self.owners.is_empty() {
            text.push_str(&format!(" Owner: {}.", self.owners.join(", ")));
        }
        if !self.tags.is_empty() {
            text.push_str(&format!(" Tags: {}.", self.tags.join(", ")));
        }
        if !self.columns.is_empty() {
            text.push_str(&format!(" Columns: {}.", self.columns.join(", ")));
        }
        if !self.upstream.is_empty() {
            text.push_str(&format!(" Fed by: {}.", self.upstream.join(", ")));
        }
        if !self.downstream.is_empty() {
            text.push_str(&format!(" Feeds: {}.", self.downstream.join(", ")));
        }
        text
    }
}
