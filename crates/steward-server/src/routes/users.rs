//! Users and API tokens: admins only. A token's secret is in the answer that
//! made it and nowhere else.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use steward_service::{NewToken, TokenRequest, TokenView, UserView};
use steward_types::Role;

use crate::AppState;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::routes::{Body, Done, Json, Path};

/// Every user with their role and live tokens.
#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = [UserView]), (status = 401, body = Problem),
        (status = 403, body = Problem)))]
pub async fn users(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<UserView>>, Problem> {
    caller.require(Role::Admin)?;
    Ok(Json(state.steward.users().await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// 1 to 64 letters, digits and . _ @ -
    pub name: String,
    pub role: Role,
    /// At least 10 characters; none for an account that only holds tokens.
    pub password: Option<String>,
}

/// Adds a user.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUser,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = UserView), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_user(
    State(state): State<AppState>,
    caller: Caller,
    Body(user): Body<NewUser>,
) -> Result<(StatusCode, Json<UserView>), Problem> {
    caller.require(Role::Admin)?;
    let added = state
        .steward
        .add_user(
            caller.name(),
            &user.name,
            user.role,
            user.password.as_deref(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(added)))
}

/// Removes a user with their sessions and tokens (never the last admin).
#[utoipa::path(delete, path = "/api/v1/users/{name}", tag = "users",
    params(("name" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Done), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn remove_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<Done>, Problem> {
    caller.require(Role::Admin)?;
    state.steward.remove_user(caller.name(), &name).await?;
    Ok(Json(Done {
        done: format!("removed user `{name}`"),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenRequest {
    /// What the token is for (`ci`, `airflow lineage`).
    pub label: String,
    /// At most the user's role [default: the user's role].
    pub role: Option<Role>,
    /// Days until it expires, 1 to 3650 [default: never].
    pub expires_days: Option<u32>,
}

/// Makes an API token for a user; the secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/users/{name}/tokens", tag = "users",
    params(("name" = String, Path)), request_body = NewTokenRequest,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = NewToken), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Body(request): Body<NewTokenRequest>,
) -> Result<(StatusCode, Json<NewToken>), Problem> {
    caller.require(Role::Admin)?;
    let expires_at = match request.expires_days {
        None => None,
        Some(days @ 1..=3650) => {
            Some(state.steward.now() + chrono::Duration::days(i64::from(days)))
        }
        Some(days) => {
            return Err(steward_service::ServiceError::Invalid(format!(
                "expires_days {days} is out of range: 1 to 3650"
            ))
            .into());
        }
    };
    let token = state
        .steward
        .create_token(
            caller.name(),
            &TokenRequest {
                user: name,
                label: request.label,
                role: request.role,
                expires_at,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(token)))
}

/// Revokes a token by its prefix.
#[utoipa::path(delete, path = "/api/v1/tokens/{prefix}", tag = "users",
    params(("prefix" = String, Path, description = "The token's public part, `stw_ab12cd34`")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = TokenView), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(prefix): Path<String>,
) -> Result<Json<TokenView>, Problem> {
    caller.require(Role::Admin)?;
    Ok(Json(
        state.steward.revoke_token(caller.name(), &prefix).await?,
    ))
}
