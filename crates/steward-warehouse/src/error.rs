use steward_types::{ErrorKind, HasKind};

pub type Result<T, E = WarehouseError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum WarehouseError {
    #[error("invalid source url `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },

    #[error("source `{source_name}`: {reason}")]
    InvalidOption { source_name: String, reason: String },

    #[error("cannot reach source `{source_name}`: {reason}")]
    Unreachable { source_name: String, reason: String },

    #[error("table `{table}` not found")]
    TableNotFound { table: String },

    #[error("table `{table}`: {reason}")]
    Table { table: String, reason: String },

    /// A read-only query that was refused or failed.
    #[error("query: {reason}")]
    Query { reason: String },
}

impl HasKind for WarehouseError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidUrl { .. } | Self::InvalidOption { .. } => ErrorKind::Invalid,
            Self::Unreachable { .. } => ErrorKind::Unavailable,
            Self::TableNotFound { .. } => ErrorKind::NotFound,
            Self::Table { .. } | Self::Query { .. } => ErrorKind::Invalid,
        }
    }
}

impl WarehouseError {
    pub(crate) fn table(table: &crate::TableRef, reason: impl std::fmt::Display) -> Self {
        Self::Table {
            table: table.display_name(),
            reason: reason.to_string(),
        }
    }
}
