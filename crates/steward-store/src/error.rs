use steward_types::{ErrorKind, HasKind};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid store url `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },

    #[error("catalog database `{path}` does not exist; initialise the catalog first")]
    NotInitialised { path: String },

    #[error("cannot open catalog store `{url}`: {reason}")]
    Unreachable { url: String, reason: String },

    #[error(
        "catalog store is at schema version {found}, newer than this steward knows ({known}); \
         upgrade steward instead of using this build on it"
    )]
    SchemaTooNew { found: i64, known: i64 },

    #[error(
        "catalog store schema is not up to date (at version {found}, this steward needs {known}); migrate the catalog first"
    )]
    SchemaBehind { found: i64, known: i64 },

    #[error("migrating the catalog store failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),

    #[error("{entity} #{id} not found")]
    NotFound { entity: &'static str, id: i64 },

    #[error("{what} already exists")]
    Conflict { what: String },

    #[error("{what} refers to a record that does not exist")]
    MissingReference { what: String },

    #[error("invalid {entity}: {reason}")]
    Invalid {
        entity: &'static str,
        reason: String,
    },

    #[error("stored {entity} has a bad `{field}`: {reason}")]
    Decode {
        entity: &'static str,
        field: &'static str,
        reason: String,
    },

    /// A bug: a unit of work begun for reading tried to write.
    #[error("{entity} written in a read-only unit of work")]
    ReadOnly { entity: &'static str },

    #[error("catalog store error: {0}")]
    Database(#[source] sqlx::Error),
}

impl HasKind for StoreError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidUrl { .. } | Self::Invalid { .. } | Self::MissingReference { .. } => {
                ErrorKind::Invalid
            }
            Self::NotInitialised { .. } | Self::NotFound { .. } => ErrorKind::NotFound,
            Self::Unreachable { .. } => ErrorKind::Unavailable,
            Self::SchemaTooNew { .. } | Self::SchemaBehind { .. } | Self::Conflict { .. } => {
                ErrorKind::Conflict
            }
            Self::Migration(e) => match e {
                sqlx::migrate::MigrateError::VersionMissing(_)
                | sqlx::migrate::MigrateError::VersionMismatch(_)
                | sqlx::migrate::MigrateError::Dirty(_) => ErrorKind::Conflict,
                _ => ErrorKind::Internal,
            },
            Self::Decode { .. } | Self::ReadOnly { .. } => ErrorKind::Internal,
            Self::Database(e) => match e {
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                    ErrorKind::Unavailable
                }
                _ => ErrorKind::Internal,
            },
        }
    }
}

impl StoreError {
    /// Sorts a failed statement's error: constraint violations become conflicts or
    /// missing references that name `what` was being written.
    pub(crate) fn from_write(err: sqlx::Error, what: impl FnOnce() -> String) -> Self {
        if let sqlx::Error::Database(db) = &err {
            if db.is_unique_violation() {
                return Self::Conflict { what: what() };
            }
            if db.is_foreign_key_violation() {
                return Self::MissingReference { what: what() };
            }
        }
        Self::Database(err)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        Self::Database(err)
    }
}
