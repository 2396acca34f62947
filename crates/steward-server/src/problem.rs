//! Every error the API answers is a problem document (RFC 9457). The error
//! kinds map onto statuses here and nowhere else; an internal error says no
//! more than that it happened and which request to look for in the log.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use steward_service::ServiceError;
use steward_types::{ErrorKind, HasKind};

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`urn:steward:problem:not-found`).
    #[serde(rename = "type")]
    pub kind: String,
    /// The kind in words (`Not Found`).
    pub title: String,
    pub status: u16,
    /// What went wrong with this request, naming the thing.
    pub detail: String,
}

impl Problem {
    pub fn new(status: StatusCode, slug: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("urn:steward:problem:{slug}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
        }
    }

    /// No credentials, or credentials that no longer hold.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// The one place error kinds become statuses.
pub fn status_of(kind: ErrorKind) -> (StatusCode, &'static str) {
    match kind {
        ErrorKind::NotFound => (StatusCode::NOT_FOUND, "not-found"),
        ErrorKind::Invalid => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        ErrorKind::Denied => (StatusCode::FORBIDDEN, "forbidden"),
        ErrorKind::Conflict => (StatusCode::CONFLICT, "conflict"),
        ErrorKind::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        ErrorKind::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    }
}

impl Problem {
    /// An error of a use case: its kind decides the status; an internal
    /// error's words stay in the log.
    pub fn of(e: &(impl HasKind + std::fmt::Display)) -> Self {
        let (status, slug) = status_of(e.kind());
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            // The details stay in the log, under the request's span and id.
            tracing::error!(error = %e, "internal error");
            return Self::new(
                status,
                slug,
                "internal error; the server log has the details under this request's id",
            );
        }
        Self::new(status, slug, e.to_string())
    }
}

impl From<ServiceError> for Problem {
    fn from(e: ServiceError) -> Self {
        Self::of(&e)
    }
}

impl From<steward_agent::AgentError> for Problem {
    fn from(e: steward_agent::AgentError) -> Self {
        Self::of(&e)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let mut response = (status, axum::Json(&self)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}

impl From<axum::extract::rejection::JsonRejection> for Problem {
    fn from(r: axum::extract::rejection::JsonRejection) -> Self {
        rejection(r.status(), r.body_text())
    }
}

impl From<axum::extract::rejection::QueryRejection> for Problem {
    fn from(r: axum::extract::rejection::QueryRejection) -> Self {
        rejection(r.status(), r.body_text())
    }
}

impl From<axum::extract::rejection::PathRejection> for Problem {
    fn from(r: axum::extract::rejection::PathRejection) -> Self {
        rejection(r.status(), r.body_text())
    }
}

/// A request axum could not read (malformed JSON, a wrong type, a body too
/// large): its status kept, its words as the detail.
fn rejection(status: StatusCode, text: String) -> Problem {
    let slug = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "too-large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid",
        _ => "bad-request",
    };
    Problem::new(status, slug, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_status_and_internals_are_not_shown() {
        let cases = [
            (ServiceError::NotFound("table `x`".into()), 404),
            (ServiceError::Invalid("bad".into()), 422),
            (ServiceError::Denied("no".into()), 403),
            (ServiceError::Conflict("user `a`".into()), 409),
            (ServiceError::Unavailable("down".into()), 503),
            (ServiceError::Internal("secret path /etc/x".into()), 500),
        ];
        for (error, status) in cases {
            let problem = Problem::from(error);
            assert_eq!(problem.status, status);
            assert!(!problem.detail.contains("/etc/x"), "{problem:?}");
        }
        let p = Problem::from(ServiceError::NotFound("table `x`".into()));
        assert_eq!(p.detail, "table `x` not found");
        assert_eq!(p.kind, "urn:steward:problem:not-found");
    }
}
