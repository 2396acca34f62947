//! Who is calling: an API token (`Authorization: Bearer stw_...`) or a
//! browser session cookie. Every route that reads or changes the catalog
//! takes a [`Caller`] and checks its role; anonymous callers get 401, callers
//! whose role is too low 403.
//!
//! A browser sends its cookie with any request, including one another site
//! makes it send: a request that changes something and comes with a cookie
//! must say it comes from this site (`Sec-Fetch-Site: same-origin`, or an
//! `Origin` naming this host). Tokens are not sent by browsers on their own,
//! so token requests need no such check.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use steward_service::Principal;
use steward_types::Role;

use crate::AppState;
use crate::audit::AuditSlot;
use crate::problem::Problem;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "steward_session";

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

impl Caller {
    /// Fails with 403 unless the caller's role includes `needed`.
    pub fn require(&self, needed: Role) -> Result<&Principal, Problem> {
        self.0.require(needed).map_err(Problem::from)?;
        Ok(&self.0)
    }

    pub fn name(&self) -> &str {
        &self.0.user
    }

    /// The caller, named in the request's audit event.
    fn audited(parts: &Parts, principal: Principal) -> Self {
        if let Some(slot) = AuditSlot::of(parts) {
            slot.set(&principal.user);
        }
        Self(principal)
    }
}

/// Whether a request of this method may change something (and so is
/// checked for its site and audited).
pub(crate) fn changes(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Whether a browser request that carries the session cookie comes from
/// this site.
fn same_site(parts: &Parts) -> bool {
    let headers = &parts.headers;
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let origin_host = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"))
                .unwrap_or("");
            !host.is_empty() && origin_host == host
        }
        // Neither header: not a browser of this decade (curl, a script).
        None => true,
    }
}

/// Credentials that do not hold are 401; a store that cannot be reached is
/// still 503, not a reason to log in again.
fn unauthenticated(e: steward_service::ServiceError) -> Problem {
    use steward_types::{ErrorKind, HasKind};
    match e.kind() {
        ErrorKind::Denied | ErrorKind::NotFound => Problem::unauthorized(e.to_string()),
        _ => Problem::from(e),
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .ok_or_else(|| {
                    Problem::unauthorized("the Authorization header must be `Bearer TOKEN`")
                })?;
            return state
                .steward
                .token_principal(token)
                .await
                .map(|p| Caller::audited(parts, p))
                .map_err(unauthenticated);
        }
        let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(Problem::unauthorized(
                "log in (POST /api/v1/auth/login) or send an API token as `Authorization: Bearer TOKEN`",
            ));
        };
        if changes(&parts.method) && !same_site(parts) {
            return Err(Problem::forbidden(
                "a request that changes something must come from the dashboard's own site",
            ));
        }
        state
            .steward
            .session_principal(secret)
            .await
            .map(|p| Caller::audited(parts, p))
            .map_err(unauthenticated)
    }
}

/// Lets only authenticated callers through to a service that is not a
/// handler (the MCP tools), with the caller in the request's extensions.
pub async fn authenticated(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (mut parts, body) = request.into_parts();
    match Caller::from_request_parts(&mut parts, &state).await {
        Ok(Caller(principal)) => {
            parts.extensions.insert(principal);
            next.run(axum::extract::Request::from_parts(parts, body))
                .await
        }
        Err(problem) => problem.into_response(),
    }
}

/// Failed logins per user name and per client, in a sliding minute: past the
/// limit, logins are refused before the password is checked.
#[derive(Debug)]
pub struct LoginLimiter {
    per_minute: u32,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

const WINDOW: Duration = Duration::from_secs(60);

impl LoginLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn recent(list: &mut Vec<Instant>, now: Instant) -> usize {
        list.retain(|t| now.duration_since(*t) < WINDOW);
        list.len()
    }

    /// Whether another attempt under these keys may be made now.
    pub fn allows(&self, keys: &[String]) -> bool {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter().all(|k| {
            failures
                .get_mut(k)
                .is_none_or(|list| Self::recent(list, now) < self.per_minute as usize)
        })
    }

    pub fn failed(&self, keys: &[String]) {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Keys nobody failed under for a minute are dropped, so the map stays small.
        failures.retain(|_, list| Self::recent(list, now) > 0);
        for k in keys {
            failures.entry(k.clone()).or_default().push(now);
        }
    }

    pub fn succeeded(&self, keys: &[String]) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for k in keys {
            failures.remove(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            "theme=dark; steward_session=abc123; x=1".parse().unwrap(),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc123"));
        assert_eq!(cookie(&headers, "missing"), None);
    }

    #[test]
    fn logins_are_limited_per_key_within_a_minute() {
        let limiter = LoginLimiter::new(2);
        let keys = vec!["user:ana".to_string(), "client:10.0.0.1".to_string()];
        assert!(limiter.allows(&keys));
        limiter.failed(&keys);
        limiter.failed(&keys);
        assert!(!limiter.allows(&keys));
        // Another user from another client is not held back.
        assert!(limiter.allows(&["user:bo".to_string(), "client:10.0.0.2".to_string()]));
        limiter.succeeded(&keys);
        assert!(limiter.allows(&keys));
    }
}
