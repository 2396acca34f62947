//! Errors as the command line reports them: one line on stderr (and a JSON object
//! on stdout with `--json`), and an exit code from the error's kind.

use std::process::ExitCode;

use steward_store::StoreError;
use steward_types::{ErrorKind, HasKind};

use crate::config::ConfigError;

/// An error raised by a command itself, with its kind.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    pub kind: ErrorKind,
    pub message: String,
}

impl Failure {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

/// The kind of the first error in the chain that has one; anything else is a bug.
pub fn kind_of(error: &anyhow::Error) -> ErrorKind {
    fn kind<E: HasKind + 'static>(cause: &(dyn std::error::Error + 'static)) -> Option<ErrorKind> {
        cause.downcast_ref::<E>().map(HasKind::kind)
    }
    for cause in error.chain() {
        if let Some(e) = cause.downcast_ref::<Failure>() {
            return e.kind;
        }
        let found = kind::<steward_service::ServiceError>(cause)
            .or_else(|| kind::<StoreError>(cause))
            .or_else(|| kind::<ConfigError>(cause))
            .or_else(|| kind::<steward_warehouse::WarehouseError>(cause))
            .or_else(|| kind::<steward_lineage::LineageError>(cause))
            .or_else(|| kind::<steward_search::SearchError>(cause))
            .or_else(|| kind::<steward_policy::PolicyError>(cause))
            .or_else(|| kind::<steward_cost::CostError>(cause))
            .or_else(|| kind::<steward_llm::LlmError>(cause))
            .or_else(|| kind::<steward_sample::SampleError>(cause))
            .or_else(|| kind::<steward_types::ParseEnumError>(cause));
        if let Some(kind) = found {
            return kind;
        }
    }
    ErrorKind::Internal
}

/// What to type next, for the errors the library crates describe without
/// naming a command (they serve every surface, not only this one).
fn hint(error: &anyhow::Error) -> Option<&'static str> {
    let store = error.chain().find_map(|cause| {
        cause.downcast_ref::<StoreError>().or_else(|| {
            match cause.downcast_ref::<steward_service::ServiceError>() {
                Some(steward_service::ServiceError::Store(e)) => Some(e),
                _ => None,
            }
        })
    })?;
    match store {
        StoreError::NotInitialised { .. } => Some("run `steward init` first"),
        StoreError::SchemaBehind { .. } => Some("run `steward migrate`"),
        _ => None,
    }
}

/// How a command that judges (a check, a validation) ended when it ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing to report.
    Clean,
    /// Findings at or above the severity asked to fail on.
    Findings,
    /// Some of the input (a policy) could not be used; the rest was.
    Partial,
}

/// A verdict's exit code: 0 clean, 1 findings, 2 partial (as an input error).
pub fn verdict_code(verdict: Verdict) -> ExitCode {
    match verdict {
        Verdict::Clean => ExitCode::SUCCESS,
        Verdict::Findings => ExitCode::from(1),
        Verdict::Partial => exit_code(ErrorKind::Invalid),
    }
}

/// 0 ok, 1 findings at or above `--fail-on`, 2 usage or input error, 3 internal error.
pub fn exit_code(kind: ErrorKind) -> ExitCode {
    match kind {
        ErrorKind::Internal => ExitCode::from(3),
        ErrorKind::NotFound
        | ErrorKind::Invalid
        | ErrorKind::Denied
        | ErrorKind::Conflict
        | ErrorKind::Unavailable => ExitCode::from(2),
    }
}

pub fn report(error: &anyhow::Error, json: bool) -> ExitCode {
    let kind = kind_of(error);
    let mut message = message(error);
    if let Some(hint) = hint(error) {
        message.push_str("; ");
        message.push_str(hint);
    }
    eprintln!("error: {message}");
    if json {
        let body = serde_json::json!({"error": {"kind": kind, "message": message}});
        println!("{body}");
    }
    exit_code(kind)
}

/// The error and its causes on one line, skipping a cause whose text the error
/// above it already includes.
fn message(error: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_already_in_the_message_are_not_repeated() {
        let io = std::io::Error::other("connection refused");
        let error = anyhow::Error::new(Failure::new(
            ErrorKind::Unavailable,
            "cannot open `x`: connection refused",
        ))
        .context("starting");
        assert_eq!(
            message(&error),
            "starting: cannot open `x`: connection refused"
        );
        let error = anyhow::Error::new(io).context("cannot open `x`");
        assert_eq!(message(&error), "cannot open `x`: connection refused");
        assert_eq!(kind_of(&error), ErrorKind::Internal);
    }
}
