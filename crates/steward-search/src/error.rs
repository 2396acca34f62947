use std::path::Path;

use steward_types::{ErrorKind, HasKind};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index folder `{path}`: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("search index document: {0}")]
    Document(#[from] serde_json::Error),
    #[error("{0}")]
    Invalid(String),
}

impl SearchError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        SearchError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

impl HasKind for SearchError {
    fn kind(&self) -> ErrorKind {
        match self {
            SearchError::Invalid(_) => ErrorKind::Invalid,
            SearchError::Io { .. } => ErrorKind::Unavailable,
            SearchError::Index(_) | SearchError::Document(_) => ErrorKind::Internal,
        }
    }
}

impl From<tantivy::directory::error::OpenReadError> for SearchError {
    fn from(e: tantivy::directory::error::OpenReadError) -> Self {
        SearchError::Index(e.into())
    }
}

impl From<std::io::Error> for SearchError {
    fn from(e: std::io::Error) -> Self {
        SearchError::Io {
            path: String::new(),
            source: e,
        }
    }
}

pub type Result<T> = std::result::Result<T, SearchError>;
