use steward_cost::CostError;
use steward_lineage::LineageError;
use steward_policy::PolicyError;
use steward_search::SearchError;
use steward_store::StoreError;
use steward_types::{ErrorKind, HasKind};
use steward_warehouse::WarehouseError;

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Warehouse(#[from] WarehouseError),
    #[error(transparent)]
    Lineage(#[from] LineageError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Cost(#[from] CostError),
    /// The search index failed; it is derived data, rebuilt from the store.
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0} already exists")]
    Conflict(String),
    /// The request does not fit the record's state (acknowledging a resolved
    /// finding).
    #[error("{0}")]
    Refused(String),
    /// The caller may not do this: not logged in, a wrong password, a role
    /// too low.
    #[error("{0}")]
    Denied(String),
    /// Something outside Steward (a file, a folder, a network) cannot be
    /// reached now; trying again may work.
    #[error("{0}")]
    Unavailable(String),
    /// A bug: a task that panicked or an invariant that did not hold.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ServiceError {
    /// A file or folder that could not be read: not found, or unavailable.
    pub(crate) fn io(what: impl std::fmt::Display, e: &std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::NotFound => Self::NotFound(what.to_string()),
            _ => Self::Unavailable(format!("cannot read {what}: {e}")),
        }
    }

    /// A task that stopped before its end: a panic is a bug.
    pub(crate) fn stopped(what: &str, e: tokio::task::JoinError) -> Self {
        Self::Internal(format!("{what} stopped: {e}"))
    }
}

impl HasKind for ServiceError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Store(e) => e.kind(),
            Self::Warehouse(e) => e.kind(),
            Self::Lineage(e) => e.kind(),
            Self::Policy(e) => e.kind(),
            Self::Cost(e) => e.kind(),
            Self::Search(e) => e.kind(),
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::Invalid(_) => ErrorKind::Invalid,
            Self::Conflict(_) | Self::Refused(_) => ErrorKind::Conflict,
            Self::Denied(_) => ErrorKind::Denied,
            Self::Unavailable(_) => ErrorKind::Unavailable,
            Self::Internal(_) => ErrorKind::Internal,
        }
    }
}
