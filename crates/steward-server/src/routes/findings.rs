//! Findings: anyone logged in reads them; stewards acknowledge, waive and
//! reopen them, each action with a reason kept in the finding's history.

use axum::extract::State;
use serde::Deserialize;
use steward_service::{BulkOutcome, FindingAction, FindingDetail, FindingQuery, WaiverEnd};
use steward_types::{Finding, FindingStatus, Id, Record, Role, Severity};

use crate::AppState;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::routes::{Body, Json, Path, Query};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindingsQuery {
    /// Only this status [default: open and acknowledged].
    #[param(inline)]
    pub status: Option<FindingStatus>,
    /// At or above this severity.
    #[param(inline)]
    pub severity: Option<Severity>,
    /// Only this policy's.
    pub policy: Option<String>,
    /// Only those on tables (or their columns) this owner owns.
    pub owner: Option<String>,
}

/// Findings, most severe first.
#[utoipa::path(get, path = "/api/v1/findings", tag = "findings", params(FindingsQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = [Record<Finding>]), (status = 400, body = Problem),
        (status = 401, body = Problem)))]
pub async fn findings(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<FindingsQuery>,
) -> Result<Json<Vec<Record<Finding>>>, Problem> {
    caller.require(Role::Viewer)?;
    let query = FindingQuery {
        statuses: query.status.into_iter().collect(),
        min_severity: query.severity,
        policy: query.policy,
        owner: query.owner,
    };
    Ok(Json(state.steward.findings(&query).await?))
}

/// A finding with its history.
#[utoipa::path(get, path = "/api/v1/findings/{id}", tag = "findings",
    params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = FindingDetail), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn finding(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<FindingDetail>, Problem> {
    caller.require(Role::Viewer)?;
    Ok(Json(state.steward.finding(Id::new(id)).await?))
}

#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Act {
    Acknowledge,
    Waive,
    Reopen,
}

/// A steward's action on a finding.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingActionRequest {
    pub action: Act,
    /// Why: kept in the finding's history.
    pub reason: String,
    /// A waiver's end: an RFC 3339 time or a date (`2027-03-31`, the end of
    /// that day, UTC) [default: 90 days from now].
    pub until: Option<String>,
}

/// Acknowledges, waives or reopens a finding (stewards).
#[utoipa::path(post, path = "/api/v1/findings/{id}/actions", tag = "findings",
    params(("id" = i64, Path)), request_body = FindingActionRequest,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Record<Finding>), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(request): Body<FindingActionRequest>,
) -> Result<Json<Record<Finding>>, Problem> {
    caller.require(Role::Steward)?;
    let action = finding_action(&state, request.action, request.until)?;
    Ok(Json(
        state
            .steward
            .act_on_finding(Id::new(id), action, caller.name(), &request.reason)
            .await?,
    ))
}

fn finding_action(
    state: &AppState,
    act: Act,
    until: Option<String>,
) -> Result<FindingAction, Problem> {
    Ok(match act {
        Act::Acknowledge => FindingAction::Acknowledge,
        Act::Reopen => FindingAction::Reopen,
        Act::Waive => {
            let end = match until {
                Some(until) => WaiverEnd::Until(until),
                None => WaiverEnd::Days(WaiverEnd::DEFAULT_DAYS),
            };
            FindingAction::Waive {
                until: end.at(state.steward.now())?,
            }
        }
    })
}

/// The same action on many findings.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkActionRequest {
    /// The findings, 1 to 500.
    pub ids: Vec<i64>,
    pub action: Act,
    /// Why: kept in each finding's history.
    pub reason: String,
    /// A waiver's end, as for one finding.
    pub until: Option<String>,
}

/// Acknowledges, waives or reopens many findings at once (stewards). Each
/// finding takes the action or fails on its own: the answer says which.
#[utoipa::path(post, path = "/api/v1/findings/actions", tag = "findings",
    request_body = BulkActionRequest,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = [BulkOutcome]), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub async fn act_in_bulk(
    State(state): State<AppState>,
    caller: Caller,
    Body(request): Body<BulkActionRequest>,
) -> Result<Json<Vec<BulkOutcome>>, Problem> {
    caller.require(Role::Steward)?;
    let action = finding_action(&state, request.action, request.until)?;
    let ids: Vec<Id<Finding>> = request.ids.into_iter().map(Id::new).collect();
    Ok(Json(
        state
            .steward
            .act_on_findings(&ids, action, caller.name(), &request.reason)
            .await?,
    ))
}
