//! Logging in and out with a browser session cookie, and who the caller is.
//! Failed logins are limited per user name and per client address.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use steward_service::Principal;

use crate::AppState;
use crate::audit::AuditSlot;
use crate::auth::{Caller, SESSION_COOKIE, cookie};
use crate::problem::Problem;
use crate::routes::{Body, Done, Json};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub user: String,
    pub password: String,
}

/// Who is logged in, and until when.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoggedIn {
    #[serde(flatten)]
    pub principal: Principal,
    pub expires_at: DateTime<Utc>,
}

fn session_cookie(state: &AppState, value: &str, max_age_secs: i64) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Opens a session: the answer sets the session cookie.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = Login,
    responses(
        (status = 200, body = LoggedIn, description = "Logged in; the session cookie is set"),
        (status = 403, body = Problem, description = "Wrong user name or password"),
        (status = 429, body = Problem, description = "Too many failed logins"),
        (status = 400, body = Problem), (status = 422, body = Problem)))]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    audit: AuditSlot,
    Body(login): Body<Login>,
) -> Result<Response, Problem> {
    let client = client.ip().to_string();
    let keys = [format!("user:{}", login.user), format!("client:{client}")];
    if !state.logins.allows(&keys) {
        return Err(Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too-many-logins",
            "too many failed logins; wait a minute",
        ));
    }
    let session = match state
        .steward
        .login(&login.user, &login.password, Some(&client))
        .await
    {
        Ok(session) => session,
        Err(e) => {
            state.logins.failed(&keys);
            return Err(e.into());
        }
    };
    state.logins.succeeded(&keys);
    audit.set(&session.principal.user);
    let max_age = (session.expires_at - Utc::now()).num_seconds().max(0);
    let mut response = Json(LoggedIn {
        principal: session.principal,
        expires_at: session.expires_at,
    })
    .into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(&state, session.secret.expose(), max_age),
    );
    Ok(response)
}

/// Ends the caller's session and clears the cookie.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 200, body = Done)))]
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    if let Some(secret) = cookie(&headers, SESSION_COOKIE) {
        state.steward.logout(secret).await?;
    }
    let mut response = Json(Done {
        done: "logged out".to_string(),
    })
    .into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(response)
}

/// The caller: user, role and how they authenticated.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Principal), (status = 401, body = Problem)))]
pub async fn me(caller: Caller) -> Json<Principal> {
    Json(caller.0)
}
