//! Sensitive data: anyone logged in lists the labelled columns with their
//! evidence; stewards decide a column's label (kept across re-scans) and
//! annotate tables. Every decision is audited under the steward's name.

use axum::extract::State;
use serde::Deserialize;
use steward_service::{
    Annotation, ClassifyOutcome, SensitiveColumn, StewardDecision, label_decision,
};
use steward_types::{Record, Role, Table};

use crate::AppState;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::routes::{Body, Json, Path, Query};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SensitiveQuery {
    /// Only this source's columns.
    pub source: Option<String>,
    /// Only this label (`EMAIL_ADDRESS`, `QUASI_IDENTIFIER`, ...).
    pub label: Option<String>,
}

/// The sensitive columns, each with its label, confidence, evidence and who
/// decided.
#[utoipa::path(get, path = "/api/v1/sensitive", tag = "sensitive", params(SensitiveQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = [SensitiveColumn]), (status = 401, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn sensitive(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<SensitiveQuery>,
) -> Result<Json<Vec<SensitiveColumn>>, Problem> {
    caller.require(Role::Viewer)?;
    Ok(Json(
        state
            .steward
            .sensitive_columns(query.source.as_deref(), query.label.as_deref())
            .await?,
    ))
}

/// A steward's decision on a column: the label it holds, or none.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The label the column holds (`EMAIL_ADDRESS`, ...); leave out with
    /// `not_sensitive`.
    pub label: Option<String>,
    /// The column is not sensitive, whatever the detector says.
    #[serde(default)]
    pub not_sensitive: bool,
    /// Why, for the audit trail.
    pub reason: Option<String>,
}

/// Records a steward's decision on a column's label; no re-scan overwrites it.
#[utoipa::path(post, path = "/api/v1/columns/{column}/decision", tag = "sensitive",
    params(("column" = String, Path, description = "`schema.table.column`")),
    request_body = Decision,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ClassifyOutcome), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Path(column): Path<String>,
    Body(decision): Body<Decision>,
) -> Result<Json<ClassifyOutcome>, Problem> {
    caller.require(Role::Steward)?;
    let decision = match (decision.label.as_deref(), decision.not_sensitive) {
        (Some(label), false) => (label_decision(label)?, decision.reason),
        (None, true) => (StewardDecision::Reject, decision.reason),
        _ => {
            return Err(steward_service::ServiceError::Invalid(
                "give either a label or not_sensitive: true".to_string(),
            )
            .into());
        }
    };
    Ok(Json(
        state
            .steward
            .classify(&column, decision.0, decision.1, caller.name())
            .await?,
    ))
}

/// What a steward changes on a table.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TableChange {
    /// The owner; `""` clears it.
    pub owner: Option<String>,
    /// The description; `""` clears it.
    pub description: Option<String>,
    #[serde(default)]
    pub add_tags: Vec<String>,
    #[serde(default)]
    pub remove_tags: Vec<String>,
}

/// Sets a table's owner, description or tags (kept across re-scans).
#[utoipa::path(patch, path = "/api/v1/tables/{name}", tag = "catalog",
    params(("name" = String, Path)), request_body = TableChange,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Record<Table>), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn annotate(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Body(change): Body<TableChange>,
) -> Result<Json<Record<Table>>, Problem> {
    caller.require(Role::Steward)?;
    let change = Annotation {
        owner: change.owner,
        description: change.description,
        add_tags: change.add_tags,
        remove_tags: change.remove_tags,
    };
    Ok(Json(
        state
            .steward
            .annotate(&name, &change, caller.name())
            .await?,
    ))
}
