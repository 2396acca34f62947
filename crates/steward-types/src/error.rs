use std::fmt;

/// The kinds every error in Steward is sorted into. Library crates expose a `kind()`
/// on their error enum; only the server maps kinds to HTTP codes and only the CLI
/// maps them to exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The named thing does not exist.
    NotFound,
    /// The input is malformed or breaks a rule.
    Invalid,
    /// The caller may not do this.
    Denied,
    /// The thing already exists or changed under the caller.
    Conflict,
    /// A dependency (database, file system, model) cannot be reached or used.
    Unavailable,
    /// A bug or an unexpected state inside Steward.
    Internal,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Invalid => "invalid",
            Self::Denied => "denied",
            Self::Conflict => "conflict",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored or typed-in name that is not one of an enum's variants.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{value}`; expected one of: {expected}")]
pub struct ParseEnumError {
    pub what: &'static str,
    pub value: String,
    pub expected: String,
}

/// An error that says which kind it is. Every crate's error implements it,
/// so a surface maps kinds (to exit codes, to HTTP statuses) in one place.
pub trait HasKind: std::error::Error {
    fn kind(&self) -> ErrorKind;
}

impl HasKind for ParseEnumError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Invalid
    }
}
