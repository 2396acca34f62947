//! OpenLineage intake at the path Marquez serves (`POST /api/v1/lineage`), so
//! emitters that already speak OpenLineage (the Spark and Airflow
//! integrations, dbt-ol) can point at Steward. Idempotent: an event names
//! its run, and a run's edges are replaced, not added again.

use axum::extract::State;
use serde::Serialize;
use steward_service::{IngestRequest, LineageSource};
use steward_types::Role;

use crate::AppState;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::routes::{Body, Json};

/// What one intake stored.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Intake {
    /// Run events read.
    pub events: usize,
    pub table_edges: usize,
    pub column_edges: usize,
    /// Columns holding a label derived through lineage after the intake.
    pub derived: usize,
}

/// Takes one OpenLineage run event, or an array of them (stewards' and
/// admins' tokens).
#[utoipa::path(post, path = "/api/v1/lineage", tag = "catalog",
    request_body(content = serde_json::Value, description = "An OpenLineage RunEvent, or an array of them"),
    security(("token" = []), ("session" = [])),
    responses((status = 200, body = Intake), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub async fn openlineage(
    State(state): State<AppState>,
    caller: Caller,
    Body(events): Body<serde_json::Value>,
) -> Result<Json<Intake>, Problem> {
    caller.require(Role::Steward)?;
    if !(events.is_object() || events.is_array()) {
        return Err(Problem::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "the body must be an OpenLineage run event or an array of them",
        ));
    }
    let request = IngestRequest {
        sources: vec![LineageSource::OpenLineage {
            name: format!("openlineage from {}", caller.name()),
            text: events.to_string(),
        }],
        views: false,
        dialect: "generic".to_string(),
    };
    let report = state.steward.ingest_lineage(request, &mut |_| {}).await?;
    Ok(Json(Intake {
        events: report.inputs,
        table_edges: report.table_edges,
        column_edges: report.column_edges,
        derived: report.derived,
    }))
}
