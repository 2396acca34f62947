//! Scans and policy checks started through the API run as tasks (see
//! [`crate::tasks`]): the start is answered 202 with the task, and its
//! progress streams from `/api/v1/tasks/{id}/events`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use steward_types::Role;

use crate::AppState;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::routes::{Body, Json, Path};
use crate::tasks::{Task, TaskKind};

/// What to scan.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanRequest {
    /// One source by name [default: every source].
    pub source: Option<String>,
}

fn started(task: Task) -> Response {
    (StatusCode::ACCEPTED, Json(task)).into_response()
}

/// Scans one source or all of them, in the background (admins). One table
/// that cannot be read never stops the others; the task's result is the
/// scan's report.
#[utoipa::path(post, path = "/api/v1/scans", tag = "tasks", request_body = ScanRequest,
    security(("session" = []), ("token" = [])),
    responses((status = 202, body = Task, description = "Started; follow /api/v1/tasks/{id}/events"),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "A scan of that source is running"),
        (status = 422, body = Problem)))]
pub async fn scan(
    State(state): State<AppState>,
    caller: Caller,
    Body(request): Body<ScanRequest>,
) -> Result<Response, Problem> {
    caller.require(Role::Admin)?;
    if let Some(name) = &request.source {
        // Unknown sources are refused now, not reported by a failed task.
        state.steward.source(name).await?;
    }
    let steward = state.steward.clone();
    let source = request.source.clone();
    let task = state.tasks.start(
        TaskKind::Scan,
        request.source,
        caller.name(),
        |progress| async move {
            let options = steward.scan_options();
            steward
                .scan(source.as_deref(), &options, &mut |event| {
                    progress.event(&event)
                })
                .await
        },
    )?;
    Ok(started(task))
}

/// Which policies to check.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// Only these policy ids [default: every policy in effect].
    #[serde(default)]
    pub policies: Vec<String>,
}

/// Evaluates the policies in effect and keeps their findings, in the
/// background (stewards). The task's result is the check's report.
#[utoipa::path(post, path = "/api/v1/checks", tag = "tasks", request_body = CheckRequest,
    security(("session" = []), ("token" = [])),
    responses((status = 202, body = Task, description = "Started; follow /api/v1/tasks/{id}/events"),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "A check is running"),
        (status = 422, body = Problem)))]
pub async fn check(
    State(state): State<AppState>,
    caller: Caller,
    Body(request): Body<CheckRequest>,
) -> Result<Response, Problem> {
    caller.require(Role::Steward)?;
    for id in &request.policies {
        state.steward.policy(id)?;
    }
    let steward = state.steward.clone();
    let only = request.policies;
    // Checks of different policies may run side by side.
    let target = (!only.is_empty()).then(|| only.join(","));
    let task = state.tasks.start(
        TaskKind::Check,
        target,
        caller.name(),
        |progress| async move {
            steward
                .check(&[], &only, &mut |event| progress.event(&event))
                .await
        },
    )?;
    Ok(started(task))
}

/// The tasks this server ran since it started, newest first.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "tasks",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = [Task]), (status = 401, body = Problem)))]
pub async fn tasks(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Task>>, Problem> {
    caller.require(Role::Viewer)?;
    Ok(Json(state.tasks.list()))
}

/// A task: its status, and its report once done.
#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "tasks",
    params(("id" = u64, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Task), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<u64>,
) -> Result<Json<Task>, Problem> {
    caller.require(Role::Viewer)?;
    Ok(Json(state.tasks.get(id)?))
}

/// A task's progress as server-sent events: a `progress` event per step
/// (a table scanned, a policy evaluated; its id is its number, so a client
/// that reconnects with `Last-Event-ID` misses nothing), then `done` with
/// the task and its report.
#[utoipa::path(get, path = "/api/v1/tasks/{id}/events", tag = "tasks",
    params(("id" = u64, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, content_type = "text/event-stream", body = crate::routes::StreamEvent),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 404, body = Problem)))]
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<u64>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    caller.require(Role::Viewer)?;
    let after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    Ok(state.tasks.events(id, after)?.into_response())
}
