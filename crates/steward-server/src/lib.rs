//! `steward serve`: the HTTP API, and the MCP tools at `/mcp`. Every route is "parse, check the caller's
//! role, call the service, render"; no use case lives here. Routes are
//! registered with their OpenAPI operations in one place ([`api`]), so the
//! document at `/api/v1/openapi.json` lists exactly what is served.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Request, StatusCode};
use steward_config::ServerConfig;
use steward_service::Steward;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub mod audit;
pub mod auth;
pub mod dashboard;
pub mod metrics;
pub mod problem;
mod routes;
pub mod tasks;

pub use problem::Problem;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub steward: Arc<Steward>,
    pub logins: Arc<auth::LoginLimiter>,
    /// Session cookies are marked `Secure` (the server sits behind TLS).
    pub secure_cookies: bool,
    pub session_hours: u32,
    pub metrics: Arc<metrics::Metrics>,
    /// Scans and checks started through the API.
    pub tasks: Arc<tasks::Tasks>,
    /// Cancelled at shutdown: ends the MCP service.
    pub stopping: tokio_util::sync::CancellationToken,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("secure_cookies", &self.secure_cookies)
            .finish_non_exhaustive()
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Steward API",
        description = "The catalog, its sensitive data, lineage and findings, for stewards and machines. \
                       Authenticate with a session cookie (POST /api/v1/auth/login) or an API token \
                       (`Authorization: Bearer stw_...`, made with `steward user token`). Errors are \
                       RFC 9457 problem documents."
    ),
    components(schemas(Problem)),
    modifiers(&Security),
    tags(
        (name = "health", description = "Liveness and readiness"),
        (name = "auth", description = "Logging in and out"),
        (name = "catalog", description = "Sources, tables and lineage"),
        (name = "sensitive", description = "Sensitive columns, their evidence, and stewards' decisions"),
        (name = "findings", description = "What the policies found, and stewards' actions on it"),
        (name = "governance", description = "Policies, cost, usage, and documentation proposals"),
        (name = "tasks", description = "Scans and checks run in the background, their progress as server-sent events"),
        (name = "ask", description = "Questions to the agents, answered as server-sent events"),
        (name = "jobs", description = "Scheduled governance jobs: schedules, runs asked for now, the queue and its history"),
        (name = "users", description = "Users and API tokens (admins)"),
    )
)]
struct ApiDoc;

/// Both ways to authenticate, in the document.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(auth::SESSION_COOKIE))),
        );
    }
}

/// Problem documents are sent as `application/problem+json`; the document
/// says so for every response whose body is a `Problem`.
struct ProblemContentType;

impl utoipa::Modify for ProblemContentType {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                for response in operation.responses.responses.values_mut() {
                    let RefOr::T(response) = response else {
                        continue;
                    };
                    let is_problem = response.content.get("application/json").is_some_and(|c| {
                        matches!(c, RefOr::T(c) if matches!(&c.schema,
                            Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem")))
                    });
                    if is_problem
                        && let Some(content) = response.content.shift_remove("application/json")
                    {
                        response
                            .content
                            .insert("application/problem+json".to_string(), content);
                    }
                }
            }
        }
    }
}

/// The API's routes with their OpenAPI document.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(routes::health::healthz))
        .routes(routes!(routes::health::readyz))
        .routes(routes!(metrics::metrics))
        .routes(routes!(routes::session::login))
        .routes(routes!(routes::session::logout))
        .routes(routes!(routes::session::me))
        .routes(routes!(
            routes::catalog::sources,
            routes::catalog::add_source
        ))
        .routes(routes!(routes::catalog::remove_source))
        .routes(routes!(routes::catalog::tables))
        .routes(routes!(routes::catalog::table, routes::sensitive::annotate))
        .routes(routes!(routes::sensitive::sensitive))
        .routes(routes!(routes::search::search))
        .routes(routes!(routes::sensitive::decide))
        .routes(routes!(routes::catalog::lineage))
        .routes(routes!(routes::catalog::lineage_graphviz))
        .routes(routes!(routes::catalog::impact))
        .routes(routes!(routes::intake::openlineage))
        .routes(routes!(routes::findings::findings))
        .routes(routes!(routes::findings::finding))
        .routes(routes!(routes::findings::act))
        .routes(routes!(routes::findings::act_in_bulk))
        .routes(routes!(routes::governance::policies))
        .routes(routes!(routes::governance::policy))
        .routes(routes!(routes::governance::validate_policy))
        .routes(routes!(routes::governance::cost))
        .routes(routes!(routes::governance::cost_history))
        .routes(routes!(routes::governance::usage))
        .routes(routes!(routes::governance::proposals))
        .routes(routes!(routes::governance::proposal))
        .routes(routes!(routes::governance::decide_proposal))
        .routes(routes!(routes::tasks::scan))
        .routes(routes!(routes::tasks::check))
        .routes(routes!(routes::tasks::ingest))
        .routes(routes!(routes::tasks::tasks))
        .routes(routes!(routes::tasks::task))
        .routes(routes!(routes::tasks::events))
        .routes(routes!(routes::jobs::jobs, routes::jobs::run_now))
        .routes(routes!(routes::jobs::job))
        .routes(routes!(routes::jobs::cancel))
        .routes(routes!(routes::jobs::schedules, routes::jobs::add_schedule))
        .routes(routes!(
            routes::jobs::change_schedule,
            routes::jobs::remove_schedule
        ))
        .routes(routes!(routes::ask::ask))
        .routes(routes!(routes::users::users, routes::users::add_user))
        .routes(routes!(routes::users::remove_user))
        .routes(routes!(routes::users::create_token))
        .routes(routes!(routes::users::revoke_token))
        .split_for_parts();
    // After the routes: the paths are only in the document once they are added.
    utoipa::Modify::modify(&ProblemContentType, &mut document);
    (router, document)
}

/// Numbers requests in the order they arrive; the id is in the response's
/// `x-request-id` and on the request's log span.
#[derive(Clone, Default)]
struct Counter(Arc<AtomicU64>);

impl MakeRequestId for Counter {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        HeaderValue::from_str(&format!("req-{n}"))
            .ok()
            .map(RequestId::new)
    }
}

/// The whole application: the API, its document and docs page, and the
/// layers every request goes through.
pub fn app(state: AppState, config: &ServerConfig) -> Router {
    let (api, document) = api();
    let metrics = state.metrics.clone();
    // The MCP tools, for callers authenticated as for any route.
    let mcp = Router::new()
        .route_service(
            "/mcp",
            steward_mcp::http_service(state.steward.clone(), state.stopping.clone()),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticated,
        ));
    api.merge(mcp)
        .fallback(dashboard::serve)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(state.clone(), audit::record))
        .with_state(state)
        // The docs page and the document it reads, both from the binary.
        .merge(utoipa_swagger_ui::SwaggerUi::new("/docs").url("/api/v1/openapi.json", document))
        .layer(axum::middleware::from_fn_with_state(metrics, metrics::track))
    .layer(DefaultBodyLimit::max(config.max_body_mb.max(1) * 1024 * 1024))
    .layer(TimeoutLayer::with_status_code(
        StatusCode::SERVICE_UNAVAILABLE,
        Duration::from_secs(config.request_timeout_secs.max(1)),
    ))
    .layer(
        TraceLayer::new_for_http().make_span_with(|request: &Request<axum::body::Body>| {
            let id = request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            // The path, never the query string: it may carry search words.
            tracing::info_span!("request", id, method = %request.method(), path = request.uri().path())
        }),
    )
    .layer(PropagateRequestIdLayer::x_request_id())
    .layer(SetRequestIdLayer::x_request_id(Counter::default()))
}

/// Serves until `shutdown` resolves; requests in flight then finish.
pub async fn serve(
    steward: Arc<Steward>,
    config: &ServerConfig,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let tasks = Arc::new(tasks::Tasks::default());
    let state = AppState {
        steward: steward.clone(),
        logins: Arc::new(auth::LoginLimiter::new(config.login_attempts_per_minute)),
        secure_cookies: config.secure_cookies,
        session_hours: config.session_hours,
        metrics: Arc::new(metrics::Metrics::new(steward.clone(), tasks.clone())),
        tasks,
        stopping: tokio_util::sync::CancellationToken::new(),
    };
    let tasks = state.tasks.clone();
    let stopping = state.stopping.clone();
    let app = app(state, config);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        stopping.cancel();
    })
    .await?;
    // Scans and checks under way finish their writes.
    tasks.wait().await;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
