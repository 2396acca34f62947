//! Scheduled governance jobs: anyone logged in reads the schedules and the
//! queue's history; admins define schedules and ask for runs.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use steward_service::{JobQuery, RunRequest, ScheduleRequest};
use steward_types::{Id, JobKind, JobSchedule, QueueStatus, QueuedJob, Record, Role};

use crate::AppState;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::routes::{Body, Json, Path, Query};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobsQuery {
    /// Only jobs with this status.
    #[param(inline)]
    pub status: Option<QueueStatus>,
    /// Only jobs of this kind.
    #[param(inline)]
    pub kind: Option<JobKind>,
    /// At most this many, newest first: 1 to 1000 [default: 100].
    pub limit: Option<usize>,
}

/// Jobs queued, running and run, newest first.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", params(JobsQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = [Record<QueuedJob>]), (status = 400, body = Problem),
        (status = 401, body = Problem)))]
pub async fn jobs(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<JobsQuery>,
) -> Result<Json<Vec<Record<QueuedJob>>>, Problem> {
    caller.require(Role::Viewer)?;
    let limit = crate::routes::list_limit(query.limit)?;
    let query = JobQuery {
        status: query.status,
        kind: query.kind,
        limit: Some(limit),
    };
    Ok(Json(state.steward.jobs(&query).await?))
}

/// Queues a job now, ahead of scheduled ones (admins); a scan of every
/// source is one job per source. A worker runs it: follow it at
/// `/api/v1/jobs/{id}`.
#[utoipa::path(post, path = "/api/v1/jobs", tag = "jobs", request_body = RunRequest,
    security(("session" = []), ("token" = [])),
    responses((status = 202, body = [Record<QueuedJob>]), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn run_now(
    State(state): State<AppState>,
    caller: Caller,
    Body(request): Body<RunRequest>,
) -> Result<(StatusCode, Json<Vec<Record<QueuedJob>>>), Problem> {
    caller.require(Role::Admin)?;
    let queued = state.steward.run_now(&request, caller.name()).await?;
    Ok((StatusCode::ACCEPTED, Json(queued)))
}

/// One job: its attempts, timings, log lines and what it changed.
#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "jobs",
    params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Record<QueuedJob>), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn job(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Record<QueuedJob>>, Problem> {
    caller.require(Role::Viewer)?;
    Ok(Json(state.steward.job(Id::new(id)).await?))
}

/// Cancels a job that has not started (admins); a running one finishes.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/cancel", tag = "jobs",
    params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Record<QueuedJob>), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Record<QueuedJob>>, Problem> {
    caller.require(Role::Admin)?;
    Ok(Json(state.steward.cancel_job(Id::new(id)).await?))
}

/// Every schedule, with its next time.
#[utoipa::path(get, path = "/api/v1/schedules", tag = "jobs",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = [Record<JobSchedule>]), (status = 401, body = Problem)))]
pub async fn schedules(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Record<JobSchedule>>>, Problem> {
    caller.require(Role::Viewer)?;
    Ok(Json(state.steward.schedules().await?))
}

/// Defines a schedule (admins).
#[utoipa::path(post, path = "/api/v1/schedules", tag = "jobs", request_body = ScheduleRequest,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = Record<JobSchedule>), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn add_schedule(
    State(state): State<AppState>,
    caller: Caller,
    Body(request): Body<ScheduleRequest>,
) -> Result<(StatusCode, Json<Record<JobSchedule>>), Problem> {
    caller.require(Role::Admin)?;
    let added = state.steward.add_schedule(&request).await?;
    Ok((StatusCode::CREATED, Json(added)))
}

/// A schedule turned on or off.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleChange {
    pub enabled: bool,
}

/// Turns a schedule on (next due from now) or off (admins).
#[utoipa::path(patch, path = "/api/v1/schedules/{name}", tag = "jobs",
    params(("name" = String, Path)), request_body = ScheduleChange,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Record<JobSchedule>), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn change_schedule(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Body(change): Body<ScheduleChange>,
) -> Result<Json<Record<JobSchedule>>, Problem> {
    caller.require(Role::Admin)?;
    Ok(Json(
        state
            .steward
            .set_schedule_enabled(&name, change.enabled)
            .await?,
    ))
}

/// Removes a schedule defined through the API or CLI (admins); one from
/// steward.toml is removed there (409).
#[utoipa::path(delete, path = "/api/v1/schedules/{name}", tag = "jobs",
    params(("name" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Record<JobSchedule>), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn remove_schedule(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<Record<JobSchedule>>, Problem> {
    caller.require(Role::Admin)?;
    Ok(Json(state.steward.remove_schedule(&name).await?))
}
