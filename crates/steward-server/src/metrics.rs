//! Prometheus metrics at `/metrics`: requests by route, method and status
//! with their latency, and, read at each scrape, the open findings by
//! severity. Routes are labelled by their template (`/api/v1/tables/{name}`),
//! never by the path asked for, so a scan of random paths cannot grow the
//! label set.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use steward_service::FindingQuery;
use steward_types::Role;

use crate::AppState;
use crate::auth::Caller;
use crate::problem::Problem;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    method: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SeverityLabels {
    severity: String,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 33 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

/// The server's metrics and the registry that renders them.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    findings: Family<SeverityLabels, Gauge>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("steward");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        let findings = Family::<SeverityLabels, Gauge>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template, method and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route template and method",
            latency.clone(),
        );
        registry.register(
            "open_findings",
            "Findings open or acknowledged, by severity, as of the last scrape",
            findings.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            findings,
        }
    }
}

/// Counts and times every request.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_string();
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    metrics
        .latency
        .get_or_create(&RouteLabels {
            route: route.clone(),
            method: method.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            route,
            method,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

/// The metrics in the Prometheus text format (any logged-in caller; give
/// Prometheus a viewer's token).
#[utoipa::path(get, path = "/metrics", tag = "health",
    security(("token" = []), ("session" = [])),
    responses((status = 200, content_type = "text/plain", body = String),
        (status = 401, body = Problem)))]
pub async fn metrics(State(state): State<AppState>, caller: Caller) -> Result<Response, Problem> {
    caller.require(Role::Viewer)?;
    let findings = state.steward.findings(&FindingQuery::default()).await?;
    state.metrics.findings.clear();
    for finding in &findings {
        state
            .metrics
            .findings
            .get_or_create(&SeverityLabels {
                severity: finding.severity.to_string(),
            })
            .inc();
    }
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &state.metrics.registry).map_err(|e| {
        Problem::from(steward_service::ServiceError::Internal(format!(
            "encoding the metrics: {e}"
        )))
    })?;
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    Ok(response)
}
