//! Policies, cost and usage, and documentation proposals: what anyone
//! logged in may read, a policy file checked before it is deployed
//! (admins), and stewards' decisions on proposals.

use axum::extract::State;
use serde::Deserialize;
use steward_service::{
    CostReport, Policy, PolicyProblem, PolicyValidation, ProposalDecision, ProposalView,
};
use steward_types::{CostSnapshot, Id, ProposalStatus, Record, Role, UsageRecord};

use crate::AppState;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::routes::{Body, Json, Path, Query};

/// The policies in effect, and what went wrong reading them.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Policies {
    pub policies: Vec<Policy>,
    /// Files that could not be read, each with its place (`file:line:column`).
    pub problems: Vec<PolicyProblem>,
}

/// The policies in effect: built-ins and the configured folders.
#[utoipa::path(get, path = "/api/v1/policies", tag = "governance",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Policies), (status = 401, body = Problem)))]
pub async fn policies(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Policies>, Problem> {
    caller.require(Role::Viewer)?;
    let (policies, problems) = state.steward.policies(&[]);
    Ok(Json(Policies { policies, problems }))
}

/// One policy in effect, with its SQL check.
#[utoipa::path(get, path = "/api/v1/policies/{id}", tag = "governance",
    params(("id" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Policy), (status = 401, body = Problem),
        (status = 404, body = Problem)))]
pub async fn policy(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Policy>, Problem> {
    caller.require(Role::Viewer)?;
    Ok(Json(state.steward.policy(&id)?))
}

/// A policy file to check.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyUpload {
    /// The file's name, as problems will name it (`no-raw-emails.toml`).
    pub name: String,
    /// The file's text (TOML).
    pub text: String,
}

/// Reads and plans a policy file without deploying it (admins): problems
/// come back with their line and column in the file.
#[utoipa::path(post, path = "/api/v1/policies/validate", tag = "governance",
    request_body = PolicyUpload,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = PolicyValidation), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn validate_policy(
    State(state): State<AppState>,
    caller: Caller,
    Body(upload): Body<PolicyUpload>,
) -> Result<Json<PolicyValidation>, Problem> {
    caller.require(Role::Admin)?;
    Ok(Json(
        state
            .steward
            .validate_policy_text(&upload.name, &upload.text)
            .await?,
    ))
}

/// What the catalog costs: storage by table, compute by table, user and
/// team over the query log's period, and savings ranked with their reason.
#[utoipa::path(get, path = "/api/v1/cost", tag = "governance",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = CostReport), (status = 401, body = Problem)))]
pub async fn cost(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<CostReport>, Problem> {
    caller.require(Role::Viewer)?;
    Ok(Json(state.steward.cost().await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CostHistoryQuery {
    /// The latest this many, 1 to 1000 [default: 100].
    pub limit: Option<usize>,
}

/// What the catalog cost over time: the snapshots `cost_snapshot` jobs
/// kept, oldest first.
#[utoipa::path(get, path = "/api/v1/cost/history", tag = "governance", params(CostHistoryQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = [Record<CostSnapshot>]), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn cost_history(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<CostHistoryQuery>,
) -> Result<Json<Vec<Record<CostSnapshot>>>, Problem> {
    caller.require(Role::Viewer)?;
    let limit = crate::routes::list_limit(query.limit)?;
    Ok(Json(state.steward.cost_history(limit).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageQuery {
    /// Only queries that read this table (`schema.table`).
    pub table: Option<String>,
    /// At most this many, 1 to 1000 [default: 100].
    pub limit: Option<usize>,
}

/// Logged queries, newest first; their SQL as the catalog keeps it, with
/// literals replaced by `?`.
#[utoipa::path(get, path = "/api/v1/usage", tag = "governance", params(UsageQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = [Record<UsageRecord>]), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn usage(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<UsageQuery>,
) -> Result<Json<Vec<Record<UsageRecord>>>, Problem> {
    caller.require(Role::Viewer)?;
    let limit = crate::routes::list_limit(query.limit)?;
    Ok(Json(
        state.steward.usage(query.table.as_deref(), limit).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProposalsQuery {
    /// Only this status [default: all].
    #[param(inline)]
    pub status: Option<ProposalStatus>,
}

/// Descriptions drafted by the agents, awaiting (or past) a steward's
/// decision, newest first.
#[utoipa::path(get, path = "/api/v1/proposals", tag = "governance", params(ProposalsQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = [ProposalView]), (status = 400, body = Problem),
        (status = 401, body = Problem)))]
pub async fn proposals(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ProposalsQuery>,
) -> Result<Json<Vec<ProposalView>>, Problem> {
    caller.require(Role::Viewer)?;
    Ok(Json(state.steward.proposals(query.status).await?))
}

#[utoipa::path(get, path = "/api/v1/proposals/{id}", tag = "governance",
    params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ProposalView), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn proposal(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<ProposalView>, Problem> {
    caller.require(Role::Viewer)?;
    Ok(Json(state.steward.proposal(Id::new(id)).await?))
}

#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ProposalVerdict {
    Approve,
    Reject,
}

/// A steward's decision on a proposal.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalDecisionRequest {
    pub decision: ProposalVerdict,
    /// Why (kept with the decision).
    pub reason: Option<String>,
}

/// Approves a proposal (its text becomes the description) or rejects it
/// (stewards).
#[utoipa::path(post, path = "/api/v1/proposals/{id}/decision", tag = "governance",
    params(("id" = i64, Path)), request_body = ProposalDecisionRequest,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ProposalView), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn decide_proposal(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(request): Body<ProposalDecisionRequest>,
) -> Result<Json<ProposalView>, Problem> {
    caller.require(Role::Steward)?;
    let decision = match request.decision {
        ProposalVerdict::Approve => ProposalDecision::Approve,
        ProposalVerdict::Reject => ProposalDecision::Reject,
    };
    Ok(Json(
        state
            .steward
            .decide_proposal(Id::new(id), decision, request.reason, caller.name())
            .await?,
    ))
}
