//! Liveness (the process answers) and readiness (the store answers and its
//! schema is current): no authentication, nothing about the catalog.

use axum::extract::State;
use serde::Serialize;

use crate::AppState;
use crate::problem::Problem;
use crate::routes::Json;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: String,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".to_string(),
    })
}

/// The catalog store answers and its schema is current.
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = Problem)))]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Health>, Problem> {
    state.steward.ready().await?;
    Ok(Json(Health {
        status: "ready".to_string(),
    }))
}
