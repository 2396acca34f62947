//! Sources, tables and lineage: what any logged-in user may read (profiles
//! come as the catalog keeps them: a sensitive column's values masked), and
//! sources registered and removed by admins.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use steward_service::{Change, Direction, Graph, Impact, SourceRequest, TableDetail, TableSummary};
use steward_types::{Record, Role, Source};

use crate::AppState;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::routes::{Body, Json, Path, Query};

/// The registered sources.
#[utoipa::path(get, path = "/api/v1/sources", tag = "catalog",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = [Record<Source>]), (status = 401, body = Problem)))]
pub async fn sources(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Record<Source>>>, Problem> {
    caller.require(Role::Viewer)?;
    Ok(Json(state.steward.sources().await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TablesQuery {
    /// Only this source's tables.
    pub source: Option<String>,
}

/// The tables of the catalog, with their column counts.
#[utoipa::path(get, path = "/api/v1/tables", tag = "catalog", params(TablesQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = [TableSummary]), (status = 401, body = Problem),
        (status = 404, body = Problem)))]
pub async fn tables(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<TablesQuery>,
) -> Result<Json<Vec<TableSummary>>, Problem> {
    caller.require(Role::Viewer)?;
    Ok(Json(state.steward.tables(query.source.as_deref()).await?))
}

/// A table's page: schema, masked profiles, sensitive columns with their
/// evidence, and schema changes.
#[utoipa::path(get, path = "/api/v1/tables/{name}", tag = "catalog",
    params(("name" = String, Path, description = "`schema.table`, or `source.schema.table` where the name is shared")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = TableDetail), (status = 401, body = Problem),
        (status = 404, body = Problem)))]
pub async fn table(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<TableDetail>, Problem> {
    caller.require(Role::Viewer)?;
    Ok(Json(state.steward.table(&name).await?))
}

#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Way {
    Up,
    Down,
    Both,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LineageQuery {
    /// Which way to walk [default: both].
    #[param(inline)]
    pub direction: Option<Way>,
    /// How many steps, 1 to 10 [default: 3].
    pub depth: Option<usize>,
}

/// The lineage around a table or column.
#[utoipa::path(get, path = "/api/v1/lineage/{asset}", tag = "catalog",
    params(("asset" = String, Path, description = "`schema.table` or `schema.table.column`"), LineageQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Graph), (status = 401, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn lineage(
    State(state): State<AppState>,
    caller: Caller,
    Path(asset): Path<String>,
    Query(query): Query<LineageQuery>,
) -> Result<Json<Graph>, Problem> {
    caller.require(Role::Viewer)?;
    let depth = steward_service::walk_depth(query.depth.unwrap_or(3))?;
    let direction = match query.direction.unwrap_or(Way::Both) {
        Way::Up => Direction::Upstream,
        Way::Down => Direction::Downstream,
        Way::Both => Direction::Both,
    };
    Ok(Json(state.steward.lineage(&asset, direction, depth).await?))
}

/// A source to register.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSource {
    /// 1-64 letters, digits, `_` or `-`.
    pub name: String,
    /// An absolute folder, `file://`, `s3://`, `sqlite://`, `postgres://` or
    /// `mysql://`; never with a password (a `password_env` option names the
    /// environment variable holding it).
    pub url: String,
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    pub description: Option<String>,
    /// Connect and list the tables first, so a typo fails now [default: true].
    pub check: Option<bool>,
}

/// Registers a source (admins). It is scanned with `POST /api/v1/scans`.
#[utoipa::path(post, path = "/api/v1/sources", tag = "catalog", request_body = NewSource,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = Record<Source>), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem),
        (status = 503, body = Problem, description = "The source could not be reached")))]
pub async fn add_source(
    State(state): State<AppState>,
    caller: Caller,
    Body(request): Body<NewSource>,
) -> Result<(StatusCode, Json<Record<Source>>), Problem> {
    caller.require(Role::Admin)?;
    let registered = state
        .steward
        .register_source(&SourceRequest {
            name: request.name,
            url: request.url,
            options: request.options,
            description: request.description,
            check: request.check.unwrap_or(true),
            exists_ok: false,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(registered.source)))
}

/// Removes a source and what the catalog knew of it (admins).
#[utoipa::path(delete, path = "/api/v1/sources/{name}", tag = "catalog",
    params(("name" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Record<Source>), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove_source(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<Record<Source>>, Problem> {
    caller.require(Role::Admin)?;
    Ok(Json(state.steward.remove_source(&name).await?))
}

/// The lineage around a table or column in Graphviz's DOT language.
#[utoipa::path(get, path = "/api/v1/lineage/{asset}/graphviz", tag = "catalog",
    params(("asset" = String, Path, description = "`schema.table` or `schema.table.column`"), LineageQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, content_type = "text/vnd.graphviz", body = String),
        (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn lineage_graphviz(
    state: State<AppState>,
    caller: Caller,
    asset: Path<String>,
    query: Query<LineageQuery>,
) -> Result<Response, Problem> {
    let Json(graph) = lineage(state, caller, asset, query).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/vnd.graphviz; charset=utf-8")],
        graph.to_dot(),
    )
        .into_response())
}

#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ImpactChange {
    Drop,
    Retype,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImpactQuery {
    /// The change about to be made.
    #[param(inline)]
    pub change: ImpactChange,
    /// How many steps downstream, 1 to 10 [default: 5].
    pub depth: Option<usize>,
}

/// What dropping or retyping a table or column does downstream: each
/// affected asset with the effect and why, and the queries, models and jobs
/// to fix.
#[utoipa::path(get, path = "/api/v1/impact/{asset}", tag = "catalog",
    params(("asset" = String, Path, description = "`schema.table` or `schema.table.column`"), ImpactQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Impact), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn impact(
    State(state): State<AppState>,
    caller: Caller,
    Path(asset): Path<String>,
    Query(query): Query<ImpactQuery>,
) -> Result<Json<Impact>, Problem> {
    caller.require(Role::Viewer)?;
    let depth = steward_service::walk_depth(query.depth.unwrap_or(5))?;
    let change = match query.change {
        ImpactChange::Drop => Change::Drop,
        ImpactChange::Retype => Change::Retype,
    };
    Ok(Json(state.steward.impact(&asset, change, depth).await?))
}
