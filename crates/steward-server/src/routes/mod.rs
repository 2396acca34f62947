//! The API's handlers, one module per area. Request bodies, queries and
//! paths are read through the extractors here, so that a request axum cannot
//! read is answered with a problem document too.

use axum::extract::{FromRequest, FromRequestParts};
use axum::http::Uri;
use serde::Serialize;

use crate::problem::Problem;

pub mod ask;
pub mod catalog;
pub mod findings;
pub mod governance;
pub mod health;
pub mod intake;
pub mod jobs;
pub mod search;
pub mod sensitive;
pub mod session;
pub mod tasks;
pub mod users;

/// A JSON body; a malformed one is a problem document.
#[derive(Debug, FromRequest)]
#[from_request(via(Json), rejection(Problem))]
pub struct Body<T>(pub T);

/// A query string; a malformed one is a problem document.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(Problem))]
pub struct Query<T>(pub T);

/// Path parameters; malformed ones are a problem document.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(Problem))]
pub struct Path<T>(pub T);

/// JSON responses.
pub use axum::Json;

/// One server-sent event, as a stream of them is documented: its name, its
/// data (JSON text), and its id where a client may resume after it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StreamEvent {
    pub event: String,
    pub data: String,
    pub id: Option<String>,
}

/// The answer of a route that only does something.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Done {
    pub done: String,
}

/// A list's `?limit=`: 100 when absent, else 1 to 1000.
pub fn list_limit(limit: Option<usize>) -> Result<usize, Problem> {
    let limit = limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(steward_service::ServiceError::Invalid(format!(
            "limit {limit} is out of range: 1 to 1000"
        ))
        .into());
    }
    Ok(limit)
}

pub async fn not_found(uri: Uri) -> Problem {
    Problem::not_found(format!("no route `{}`", uri.path()))
}

pub async fn method_not_allowed() -> Problem {
    Problem::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "this route does not take that method",
    )
}
