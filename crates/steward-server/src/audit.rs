//! Every change made through the API is kept in the catalog's audit trail:
//! who (the caller the request authenticated as), what (the method and the
//! route), on which path, with what status, and from where (the client's
//! address). Changes that failed changed nothing and are not kept. The use
//! cases keep their own, richer events (a finding's waiver with its reason);
//! this one is the request's.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use steward_service::ApiChange;

use crate::AppState;
use crate::auth::changes;

/// Where the request's caller is written once known (by [`crate::auth::Caller`]
/// or the login), for the audit event written after the response.
#[derive(Debug, Clone, Default)]
pub struct AuditSlot(Arc<OnceLock<String>>);

impl AuditSlot {
    pub fn set(&self, actor: &str) {
        let _ = self.0.set(actor.to_string());
    }

    /// The request's slot, when its changes are audited.
    pub fn of(parts: &Parts) -> Option<&Self> {
        parts.extensions.get::<Self>()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for AuditSlot {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::of(parts).cloned().unwrap_or_default())
    }
}

/// Audits the request when it changed something.
pub async fn record(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    // The MCP tools only read, though their calls are POSTs.
    if !changes(request.method()) || request.uri().path() == "/mcp" {
        return next.run(request).await;
    }
    let slot = AuditSlot::default();
    request.extensions_mut().insert(slot.clone());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string());
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let response = next.run(request).await;
    if let Some(route) = route
        && response.status().is_success()
    {
        let change = ApiChange {
            actor: slot.0.get().cloned().unwrap_or_else(|| "anonymous".into()),
            method,
            route,
            path,
            status: response.status().as_u16(),
            client,
            request_id,
        };
        if let Err(e) = state.steward.audit_api_change(&change).await {
            tracing::warn!(error = %e, "the audit event of a change could not be kept");
        }
    }
    response
}
