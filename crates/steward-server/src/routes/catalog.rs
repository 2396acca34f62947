//! Sources, tables and lineage: what any logged-in user may read. Profiles
//! come as the catalog keeps them: a sensitive column's values masked.

use axum::extract::State;
use serde::Deserialize;
use steward_service::{Direction, Graph, TableDetail, TableSummary};
use steward_types::{Record, Role, Source};

use crate::AppState;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::routes::{Json, Path, Query};

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
    let depth = query.depth.unwrap_or(3);
    if !(1..=10).contains(&depth) {
        return Err(steward_service::ServiceError::Invalid(format!(
            "depth {depth} is out of range: 1 to 10"
        ))
        .into());
    }
    let direction = match query.direction.unwrap_or(Way::Both) {
        Way::Up => Direction::Upstream,
        Way::Down => Direction::Downstream,
        Way::Both => Direction::Both,
    };
    Ok(Json(state.steward.lineage(&asset, direction, depth).await?))
}
