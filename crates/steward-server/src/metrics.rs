//! Prometheus metrics at `/metrics`: requests by route, method and status
//! with their latency; read at each scrape, the open findings by severity
//! (counted in the store), the scans and checks the server ran (started,
//! ended by status, running), and the model's runtime (requests, tokens,
//! tokens per second, queue depth). Routes are labelled by their template (`/api/v1/tables/{name}`),
//! never by the path asked for, so a scan of random paths cannot grow the
//! label set.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use steward_service::Steward;
use steward_types::Role;

use crate::AppState;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::tasks::{TaskKind, TaskStatus, Tasks};

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

/// What is read from the server's tasks and the model at each scrape.
#[derive(Debug)]
struct Live {
    steward: Arc<Steward>,
    tasks: Arc<Tasks>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindStatusLabels {
    kind: String,
    status: String,
}

fn family<L: EncodeLabelSet, M: EncodeMetric>(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    kind: MetricType,
    rows: &[(L, M)],
) -> std::fmt::Result {
    let mut metric = encoder.encode_descriptor(name, help, None, kind)?;
    for (labels, value) in rows {
        value.encode(metric.encode_family(labels)?)?;
    }
    Ok(())
}

fn single<M: EncodeMetric>(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    value: M,
) -> std::fmt::Result {
    value.encode(encoder.encode_descriptor(name, help, None, value.metric_type())?)
}

impl Collector for Live {
    fn encode(&self, mut encoder: DescriptorEncoder) -> std::fmt::Result {
        let counts = self.tasks.counts();
        let started: Vec<_> = counts
            .iter()
            .filter(|(_, status, _)| *status == TaskStatus::Running)
            .map(|(kind, _, n)| {
                (
                    KindLabels {
                        kind: kind.as_str().into(),
                    },
                    ConstCounter::new(*n),
                )
            })
            .collect();
        family(
            &mut encoder,
            "tasks_started",
            "Scans, checks and lineage intakes started through the API, by kind",
            MetricType::Counter,
            &started,
        )?;
        let ended: Vec<_> = counts
            .iter()
            .filter(|(_, status, _)| *status != TaskStatus::Running)
            .map(|(kind, status, n)| {
                (
                    KindStatusLabels {
                        kind: kind.as_str().into(),
                        status: status.as_str().into(),
                    },
                    ConstCounter::new(*n),
                )
            })
            .collect();
        family(
            &mut encoder,
            "tasks_ended",
            "Scans, checks and lineage intakes ended, by kind and status",
            MetricType::Counter,
            &ended,
        )?;
        let mut running = std::collections::BTreeMap::new();
        for task in self.tasks.list() {
            if task.status == TaskStatus::Running {
                *running.entry(task.kind.as_str()).or_insert(0i64) += 1;
            }
        }
        let running: Vec<_> = [TaskKind::Scan, TaskKind::Check, TaskKind::Ingest]
            .iter()
            .map(|k| {
                (
                    KindLabels {
                        kind: k.as_str().into(),
                    },
                    ConstGauge::new(running.get(k.as_str()).copied().unwrap_or(0)),
                )
            })
            .collect();
        family(
            &mut encoder,
            "tasks_running",
            "Scans, checks and lineage intakes running now, by kind",
            MetricType::Gauge,
            &running,
        )?;

        if let Some(llm) = self.steward.model_stats() {
            single(
                &mut encoder,
                "llm_requests",
                "Requests the model's runtime answered or is answering",
                ConstCounter::new(llm.requests),
            )?;
            single(
                &mut encoder,
                "llm_rejected",
                "Requests refused because the model's queue was full",
                ConstCounter::new(llm.rejected),
            )?;
            single(
                &mut encoder,
                "llm_prompt_tokens",
                "Prompt tokens the model read",
                ConstCounter::new(llm.prompt_tokens),
            )?;
            single(
                &mut encoder,
                "llm_generated_tokens",
                "Tokens the model generated",
                ConstCounter::new(llm.generated_tokens),
            )?;
            single(
                &mut encoder,
                "llm_tokens_per_second",
                "Mean generation speed of the model, in tokens per second",
                ConstGauge::new(llm.mean_tokens_per_second),
            )?;
            single(
                &mut encoder,
                "llm_queue_depth",
                "Requests waiting for the model or being answered now",
                ConstGauge::new(llm.waiting as i64),
            )?;
        }
        Ok(())
    }
}

impl Metrics {
    /// The metrics of a server on `steward`, running `tasks`.
    pub fn new(steward: Arc<Steward>, tasks: Arc<Tasks>) -> Self {
        let mut metrics = Self::default();
        metrics
            .registry
            .register_collector(Box::new(Live { steward, tasks }));
        metrics
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
    for (severity, n) in state.steward.open_findings_by_severity().await? {
        state
            .metrics
            .findings
            .get_or_create(&SeverityLabels {
                severity: severity.to_string(),
            })
            .set(n);
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
