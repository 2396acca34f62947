//! Scans and policy checks started through the API run as tasks (see
//! [`crate::tasks`]): the start is answered 202 with the task, and its
//! progress streams from `/api/v1/tasks/{id}/events`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use steward_service::{IngestRequest, LineageSource, ModelFile};
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

/// What an uploaded file holds.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UploadKind {
    /// A warehouse's query log (`format` says which; default `auto`).
    QueryLog,
    /// A SQL script.
    Script,
    /// One model of a dbt-style models folder (`orders.sql`).
    Model,
    /// A macro file of the dbt project (`macros/cents.sql`): its macros are
    /// callable from the models uploaded with it.
    Macro,
    /// A dbt `manifest.json`.
    DbtManifest,
    /// A dbt `catalog.json` (`dbt docs generate`): the column types of the
    /// models uploaded with it (a manifest or model files).
    DbtCatalog,
    /// OpenLineage run events (JSON lines or an array).
    OpenLineage,
}

/// A file to read lineage from.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Upload {
    pub kind: UploadKind,
    /// The file's name, as reports and errors name it.
    pub name: String,
    pub text: String,
    /// A query log's format: auto, jsonl, snowflake, bigquery,
    /// postgres-csvlog or pg-stat-statements [default: auto].
    pub format: Option<String>,
}

/// Files to take lineage and usage from.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IngestUpload {
    /// 1 to 1000 files.
    pub files: Vec<Upload>,
    /// The SQL dialect of the logs, models and scripts: generic, postgres,
    /// mysql, sqlite, snowflake, bigquery, hive, duckdb, ... [default: generic].
    pub dialect: Option<String>,
    /// Also the definitions of the views the scans found [default: false].
    #[serde(default)]
    pub views: bool,
}

/// Takes lineage and usage from uploaded query logs, scripts, models, dbt
/// manifests and OpenLineage events, in the background (stewards). A file
/// that cannot be read fails the task naming it; records that cannot be
/// parsed are counted in the report, not stored.
#[utoipa::path(post, path = "/api/v1/ingests", tag = "tasks", request_body = IngestUpload,
    security(("session" = []), ("token" = [])),
    responses((status = 202, body = Task, description = "Started; follow /api/v1/tasks/{id}/events"),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn ingest(
    State(state): State<AppState>,
    caller: Caller,
    Body(upload): Body<IngestUpload>,
) -> Result<Response, Problem> {
    caller.require(Role::Steward)?;
    if upload.files.is_empty() || upload.files.len() > 1000 {
        return Err(steward_service::ServiceError::Invalid(format!(
            "files: 1 to 1000, not {}",
            upload.files.len()
        ))
        .into());
    }
    let mut sources = Vec::new();
    let mut models = Vec::new();
    let mut macros = Vec::new();
    for file in upload.files {
        match file.kind {
            UploadKind::QueryLog => sources.push(LineageSource::query_log(
                &file.name,
                file.text,
                file.format.as_deref().unwrap_or("auto"),
            )?),
            UploadKind::Script => sources.push(LineageSource::Script {
                name: file.name,
                text: file.text,
            }),
            UploadKind::DbtManifest => sources.push(LineageSource::DbtManifest {
                name: file.name,
                text: file.text,
            }),
            UploadKind::DbtCatalog => sources.push(LineageSource::DbtCatalog {
                name: file.name,
                text: file.text,
            }),
            UploadKind::OpenLineage => sources.push(LineageSource::OpenLineage {
                name: file.name,
                text: file.text,
            }),
            UploadKind::Model => models.push(ModelFile {
                path: file.name,
                text: file.text,
            }),
            UploadKind::Macro => macros.push(ModelFile {
                path: file.name,
                text: file.text,
            }),
        }
    }
    if !models.is_empty() || !macros.is_empty() {
        sources.push(LineageSource::Models {
            folder: "uploaded models".into(),
            files: models,
            macros,
        });
    }
    let request = IngestRequest {
        sources,
        views: upload.views,
        dialect: upload.dialect.unwrap_or_else(|| "generic".into()),
    };
    // The same files twice at once are refused; other uploads run beside.
    let target = Some(
        request
            .sources
            .iter()
            .map(LineageSource::name)
            .collect::<Vec<_>>()
            .join(", "),
    );
    let steward = state.steward.clone();
    let task = state.tasks.start(
        TaskKind::Ingest,
        target,
        caller.name(),
        |progress| async move {
            steward
                .ingest_lineage(request, &mut |event| progress.event(&event))
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
