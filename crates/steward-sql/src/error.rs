use steward_service::ServiceError;
use steward_types::{ErrorKind, HasKind};

/// What went wrong with a query through Steward's SQL. Each has the
/// PostgreSQL error code the wire endpoint answers with (`sqlstate`).
#[derive(Debug, thiserror::Error)]
pub enum SqlError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// Not a query: DDL, DML, `COPY`, ...
    #[error("{0}")]
    ReadOnly(String),
    /// A column or table the caller's role may not read.
    #[error("{0}")]
    Denied(String),
    /// The SQL does not parse.
    #[error("{0}")]
    Syntax(String),
    /// A table, column or function the query names does not exist.
    #[error("{0}")]
    Undefined(String),
    /// Any other reason the query cannot be planned or run.
    #[error("{0}")]
    Invalid(String),
    /// It ran past its time.
    #[error("{0}")]
    Timeout(String),
    /// It needed more memory than a query may use.
    #[error("{0}")]
    Memory(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl SqlError {
    /// The SQLSTATE PostgreSQL clients know the error by.
    pub fn sqlstate(&self) -> &'static str {
        match self {
            Self::ReadOnly(_) => "25006",
            Self::Denied(_) => "42501",
            Self::Syntax(_) => "42601",
            Self::Undefined(_) => "42P01",
            Self::Invalid(_) => "42000",
            Self::Timeout(_) => "57014",
            Self::Memory(_) => "53200",
            Self::Internal(_) => "XX000",
            Self::Service(e) => match e.kind() {
                ErrorKind::NotFound => "42P01",
                ErrorKind::Invalid => "42000",
                ErrorKind::Denied => "42501",
                ErrorKind::Conflict => "40001",
                ErrorKind::Unavailable => "08006",
                ErrorKind::Internal => "XX000",
            },
        }
    }
}

impl HasKind for SqlError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Service(e) => e.kind(),
            Self::ReadOnly(_) | Self::Syntax(_) | Self::Invalid(_) | Self::Timeout(_) => {
                ErrorKind::Invalid
            }
            Self::Memory(_) => ErrorKind::Invalid,
            Self::Denied(_) => ErrorKind::Denied,
            Self::Undefined(_) => ErrorKind::NotFound,
            Self::Internal(_) => ErrorKind::Internal,
        }
    }
}
