use steward_store::StoreError;
use steward_types::ErrorKind;
use steward_warehouse::WarehouseError;

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Warehouse(#[from] WarehouseError),
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
    /// The search index failed; it is derived data, rebuilt from the store.
    #[error("search index: {0}")]
    Search(String),
}

impl ServiceError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Store(e) => e.kind(),
            Self::Warehouse(e) => e.kind(),
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::Invalid(_) => ErrorKind::Invalid,
            Self::Conflict(_) | Self::Refused(_) => ErrorKind::Conflict,
            Self::Search(_) => ErrorKind::Internal,
        }
    }
}
