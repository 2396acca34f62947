//! Users, their roles, browser sessions and API tokens: who the caller is,
//! for every surface that has callers (the server, the SQL endpoint). The
//! CLI manages them; the server logs people in and checks what they send.
//!
//! Passwords are hashed with argon2 (slow on purpose, so on a blocking
//! thread); session and token secrets are long random strings, so their
//! sha256 is enough to find and check them without keeping them. A wrong
//! user name and a wrong password get the same answer.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use steward_store::{Filter, Session, Store};
use steward_types::{ApiToken, AuditEvent, Id, Record, Role, Secret, User, UserSession};

use crate::error::{Result, ServiceError};

/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 10;
/// How often a session's or token's last-seen time is written: not on every
/// request.
const TOUCH_EVERY: Duration = Duration::seconds(60);
const TOKEN_MARK: &str = "stw_";

/// Who is asking, once authenticated.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Principal {
    pub user: String,
    pub role: Role,
    /// How the caller proved it: `session`, `token stw_ab12cd34` or `cli`.
    pub via: String,
}

impl Principal {
    /// The local operator at the command line: the catalog's files are
    /// theirs already.
    pub fn operator(name: &str) -> Self {
        Self {
            user: name.to_string(),
            role: Role::Admin,
            via: "cli".to_string(),
        }
    }

    /// Fails unless the caller's role includes `needed`.
    pub fn require(&self, needed: Role) -> Result<()> {
        if self.role.allows(needed) {
            Ok(())
        } else {
            Err(ServiceError::Denied(format!(
                "this needs the {needed} role; {} is a {}",
                self.user, self.role
            )))
        }
    }
}

/// A user as lists show it: never the password hash.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub has_password: bool,
    /// Tokens that are neither revoked nor expired.
    pub live_tokens: usize,
    pub created_at: DateTime<Utc>,
}

/// A token as lists show it: its prefix, never its secret.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TokenView {
    pub prefix: String,
    pub user: String,
    pub label: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A token just made: the secret is shown this once and never again.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NewToken {
    pub token: String,
    #[serde(flatten)]
    pub view: TokenView,
}

/// A session just opened: the secret goes into the cookie.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub secret: Secret,
    pub expires_at: DateTime<Utc>,
    pub principal: Principal,
}

/// What a new token is for.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub user: String,
    pub label: String,
    /// At most the user's role; the user's role when `None`.
    pub role: Option<Role>,
    pub expires_at: Option<DateTime<Utc>>,
}

fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    crate::hex(&Sha256::digest(text.as_bytes()))
}

/// `n` random bytes from the operating system, as lowercase hex.
fn random_hex(n: usize) -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = vec![0u8; n];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A password generated for someone who did not choose one (`make demo`).
pub fn generate_password() -> String {
    random_hex(9)
}

fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._@-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(ServiceError::Invalid(format!(
            "user name `{name}` is not allowed: use 1 to 64 letters, digits and . _ @ -"
        )))
    }
}

fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(ServiceError::Invalid(format!(
            "the password is too short: at least {MIN_PASSWORD_LEN} characters"
        )));
    }
    Ok(())
}

/// A hash of a password nobody has, made once: a login for an unknown user
/// is checked against it, so that it takes as long as one for a known user.
static NOBODYS_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

fn argon2_hash(password: &str) -> Result<String> {
    use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Internal(format!("hashing a password: {e}")))
}

/// What the store keeps of a password: its argon2 hash (logins) and its
/// SCRAM verifier (the SQL endpoint).
struct PasswordHashes {
    argon2: Secret,
    scram: Secret,
}

async fn hash_password(password: &str) -> Result<PasswordHashes> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        Ok(PasswordHashes {
            argon2: Secret::new(argon2_hash(&password)?),
            scram: Secret::new(crate::scram::Verifier::new(&password).encode()),
        })
    })
    .await
    .map_err(|e| ServiceError::stopped("hashing a password", e))?
}

async fn verify_password(password: &str, hash: Option<&Secret>) -> Result<bool> {
    let password = password.to_string();
    let hash = hash.map(|h| h.expose().to_string());
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHash, PasswordVerifier};
        let known = hash.is_some();
        let hash = match hash {
            Some(h) => h,
            None => NOBODYS_HASH
                .get_or_init(|| argon2_hash(&random_hex(16)).unwrap_or_default())
                .clone(),
        };
        let matches = PasswordHash::new(&hash).is_ok_and(|parsed| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        });
        known && matches
    })
    .await
    .map_err(|e| ServiceError::stopped("checking a password", e))
}

async fn user_named(session: &mut Session, name: &str) -> Result<Record<User>> {
    session
        .find_one::<User>(Filter::all().eq_text("name", name))
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("user `{name}`")))
}

/// A change made through the API, for the audit trail.
#[derive(Debug, Clone)]
pub struct ApiChange {
    pub actor: String,
    /// `POST`, `PATCH`, `DELETE`.
    pub method: String,
    /// The route's template, e.g. `/api/v1/findings/{id}/actions`.
    pub route: String,
    /// The path as requested (never its query string).
    pub path: String,
    pub status: u16,
    /// The caller's address as the server saw it.
    pub client: Option<String>,
    pub request_id: Option<String>,
}

pub(crate) async fn audit_api_change(
    store: &Store,
    change: &ApiChange,
    at: DateTime<Utc>,
) -> Result<()> {
    let mut session = store.begin().await?;
    session
        .insert(&AuditEvent {
            at,
            actor: change.actor.clone(),
            action: format!("api.{} {}", change.method.to_lowercase(), change.route),
            target: change.path.clone(),
            details: serde_json::json!({
                "client": change.client,
                "status": change.status,
                "request_id": change.request_id,
            }),
        })
        .await?;
    session.commit().await?;
    Ok(())
}

async fn audit(
    session: &mut Session,
    actor: &str,
    action: &str,
    target: String,
    details: serde_json::Value,
) -> Result<()> {
    session
        .insert(&AuditEvent {
            at: Utc::now(),
            actor: actor.to_string(),
            action: action.to_string(),
            target,
            details,
        })
        .await?;
    Ok(())
}

/// Admins other than `except`, enabled: removing or demoting the last one
/// would lock everyone out of managing the catalog.
async fn other_admins(session: &mut Session, except: Id<User>) -> Result<usize> {
    Ok(session
        .list::<User>(&Filter::all().eq_text("role", Role::Admin.as_str()))
        .await?
        .iter()
        .filter(|u| u.id != except && !u.disabled)
        .count())
}

fn token_view(token: &Record<ApiToken>, user: &str) -> TokenView {
    TokenView {
        prefix: token.prefix.clone(),
        user: user.to_string(),
        label: token.label.clone(),
        role: token.role,
        created_at: token.created_at,
        expires_at: token.expires_at,
        revoked_at: token.revoked_at,
        last_used_at: token.last_used_at,
    }
}

fn live(token: &ApiToken, now: DateTime<Utc>) -> bool {
    token.revoked_at.is_none() && token.expires_at.is_none_or(|e| e > now)
}

pub(crate) async fn add_user(
    store: &Store,
    actor: &str,
    name: &str,
    role: Role,
    password: Option<&str>,
) -> Result<UserView> {
    check_name(name)?;
    let hashes = match password {
        Some(p) => {
            check_password(p)?;
            Some(hash_password(p).await?)
        }
        None => None,
    };
    let (password_hash, scram_verifier) = match hashes {
        Some(h) => (Some(h.argon2), Some(h.scram)),
        None => (None, None),
    };
    let mut session = store.begin().await?;
    if session
        .find_one::<User>(Filter::all().eq_text("name", name))
        .await?
        .is_some()
    {
        return Err(ServiceError::Conflict(format!("user `{name}`")));
    }
    let user = session
        .insert(&User {
            name: name.to_string(),
            role,
            password_hash,
            scram_verifier,
            disabled: false,
        })
        .await?;
    audit(
        &mut session,
        actor,
        "user.add",
        format!("user:{name}"),
        serde_json::json!({ "role": role }),
    )
    .await?;
    session.commit().await?;
    Ok(UserView {
        name: user.name.clone(),
        role,
        disabled: false,
        has_password: user.password_hash.is_some(),
        live_tokens: 0,
        created_at: user.created_at,
    })
}

pub(crate) async fn users(store: &Store, now: DateTime<Utc>) -> Result<Vec<UserView>> {
    let mut session = store.read().await?;
    let users = session.list::<User>(&Filter::all()).await?;
    let tokens = session.list::<ApiToken>(&Filter::all()).await?;
    session.commit().await?;
    let mut out: Vec<UserView> = users
        .iter()
        .map(|u| UserView {
            name: u.name.clone(),
            role: u.role,
            disabled: u.disabled,
            has_password: u.password_hash.is_some(),
            live_tokens: tokens
                .iter()
                .filter(|t| t.user_id == u.id && live(t, now))
                .count(),
            created_at: u.created_at,
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Removes a user with their sessions and tokens.
pub(crate) async fn remove_user(store: &Store, actor: &str, name: &str) -> Result<()> {
    let mut session = store.begin().await?;
    session.lock("steward:users").await?;
    let user = user_named(&mut session, name).await?;
    if user.role == Role::Admin && other_admins(&mut session, user.id).await? == 0 {
        return Err(ServiceError::Refused(format!(
            "`{name}` is the last admin: add another admin first"
        )));
    }
    session.delete(user.id).await?;
    audit(
        &mut session,
        actor,
        "user.remove",
        format!("user:{name}"),
        serde_json::Value::Null,
    )
    .await?;
    session.commit().await?;
    Ok(())
}

/// Sets a user's password and ends their sessions (a changed password
/// should log out whoever knew the old one).
pub(crate) async fn set_password(
    store: &Store,
    actor: &str,
    name: &str,
    password: &str,
) -> Result<()> {
    check_password(password)?;
    let hashes = hash_password(password).await?;
    let mut session = store.begin().await?;
    let user = user_named(&mut session, name).await?;
    let mut data = user.data.clone();
    data.password_hash = Some(hashes.argon2);
    data.scram_verifier = Some(hashes.scram);
    session.update(user.id, &data).await?;
    for s in session
        .list::<UserSession>(&Filter::all().eq_id("user_id", user.id))
        .await?
    {
        session.delete(s.id).await?;
    }
    audit(
        &mut session,
        actor,
        "user.passwd",
        format!("user:{name}"),
        serde_json::Value::Null,
    )
    .await?;
    session.commit().await?;
    Ok(())
}

/// Changes a user's role; their tokens never rise above it.
pub(crate) async fn set_role(store: &Store, actor: &str, name: &str, role: Role) -> Result<()> {
    let mut session = store.begin().await?;
    session.lock("steward:users").await?;
    let user = user_named(&mut session, name).await?;
    if user.role == Role::Admin
        && role != Role::Admin
        && other_admins(&mut session, user.id).await? == 0
    {
        return Err(ServiceError::Refused(format!(
            "`{name}` is the last admin: add another admin first"
        )));
    }
    let mut data = user.data.clone();
    data.role = role;
    session.update(user.id, &data).await?;
    for token in session
        .list::<ApiToken>(&Filter::all().eq_id("user_id", user.id))
        .await?
    {
        if token.role > role {
            let mut lowered = token.data.clone();
            lowered.role = role;
            session.update(token.id, &lowered).await?;
        }
    }
    audit(
        &mut session,
        actor,
        "user.role",
        format!("user:{name}"),
        serde_json::json!({ "from": user.role, "to": role }),
    )
    .await?;
    session.commit().await?;
    Ok(())
}

pub(crate) async fn create_token(
    store: &Store,
    actor: &str,
    request: &TokenRequest,
    now: DateTime<Utc>,
) -> Result<NewToken> {
    if request.label.trim().is_empty() {
        return Err(ServiceError::Invalid(
            "a token needs a label saying what it is for".to_string(),
        ));
    }
    if request.expires_at.is_some_and(|e| e <= now) {
        return Err(ServiceError::Invalid(
            "the token's expiry is in the past".to_string(),
        ));
    }
    let mut session = store.begin().await?;
    let user = user_named(&mut session, &request.user).await?;
    let role = request.role.unwrap_or(user.role);
    if !user.role.allows(role) {
        return Err(ServiceError::Invalid(format!(
            "a token of `{}` can be at most {}, not {role}",
            user.name, user.role
        )));
    }
    let prefix = format!("{TOKEN_MARK}{}", random_hex(4));
    let token = format!("{prefix}_{}", random_hex(24));
    let stored = session
        .insert(&ApiToken {
            user_id: user.id,
            label: request.label.trim().to_string(),
            prefix: prefix.clone(),
            secret_hash: Secret::new(sha256_hex(&token)),
            role,
            expires_at: request.expires_at,
            revoked_at: None,
            last_used_at: None,
        })
        .await?;
    audit(
        &mut session,
        actor,
        "token.create",
        format!("user:{}", user.name),
        serde_json::json!({ "prefix": prefix, "role": role, "label": stored.label }),
    )
    .await?;
    session.commit().await?;
    Ok(NewToken {
        token,
        view: token_view(&stored, &user.name),
    })
}

pub(crate) async fn tokens(store: &Store, user: Option<&str>) -> Result<Vec<TokenView>> {
    let mut session = store.read().await?;
    let users = session.list::<User>(&Filter::all()).await?;
    let filter = match user {
        Some(name) => Filter::all().eq_id("user_id", user_named(&mut session, name).await?.id),
        None => Filter::all(),
    };
    let tokens = session.list::<ApiToken>(&filter).await?;
    session.commit().await?;
    Ok(tokens
        .iter()
        .map(|t| {
            let owner = users
                .iter()
                .find(|u| u.id == t.user_id)
                .map_or("", |u| u.name.as_str());
            token_view(t, owner)
        })
        .collect())
}

pub(crate) async fn revoke_token(
    store: &Store,
    actor: &str,
    prefix: &str,
    now: DateTime<Utc>,
) -> Result<TokenView> {
    let mut session = store.begin().await?;
    let token = session
        .find_one::<ApiToken>(Filter::all().eq_text("prefix", prefix))
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("token `{prefix}`")))?;
    let owner = session.get(token.user_id).await?;
    let mut data = token.data.clone();
    if data.revoked_at.is_none() {
        data.revoked_at = Some(now);
        session.update(token.id, &data).await?;
        audit(
            &mut session,
            actor,
            "token.revoke",
            format!("user:{}", owner.name),
            serde_json::json!({ "prefix": prefix }),
        )
        .await?;
    }
    let updated = session.get(token.id).await?;
    session.commit().await?;
    Ok(token_view(&updated, &owner.name))
}

fn wrong_login() -> ServiceError {
    ServiceError::Denied("wrong user name or password".to_string())
}

/// The enabled user `name` whose password is `password`; the same refusal
/// for an unknown user, a disabled one and a wrong password (each checked
/// against a hash, so all take as long).
async fn user_with_password(store: &Store, name: &str, password: &str) -> Result<Record<User>> {
    let mut session = store.read().await?;
    let user = session
        .find_one::<User>(Filter::all().eq_text("name", name))
        .await?;
    session.commit().await?;
    let hash = user
        .as_ref()
        .filter(|u| !u.disabled)
        .and_then(|u| u.password_hash.as_ref());
    if !verify_password(password, hash).await? {
        return Err(wrong_login());
    }
    user.ok_or_else(wrong_login)
}

pub(crate) async fn login(
    store: &Store,
    name: &str,
    password: &str,
    client: Option<&str>,
    lifetime: Duration,
    now: DateTime<Utc>,
) -> Result<NewSession> {
    let user = user_with_password(store, name, password).await?;
    let secret = random_hex(32);
    let expires_at = now + lifetime;
    let mut session = store.begin().await?;
    // Sessions that ended are cleared as new ones begin.
    for old in session
        .list::<UserSession>(&Filter::all().eq_id("user_id", user.id))
        .await?
    {
        if old.expires_at <= now {
            session.delete(old.id).await?;
        }
    }
    session
        .insert(&UserSession {
            user_id: user.id,
            secret_hash: Secret::new(sha256_hex(&secret)),
            expires_at,
            last_seen_at: now,
            client: client.map(str::to_string),
        })
        .await?;
    audit(
        &mut session,
        &user.name,
        "session.login",
        format!("user:{}", user.name),
        serde_json::json!({ "client": client }),
    )
    .await?;
    session.commit().await?;
    Ok(NewSession {
        secret: Secret::new(secret),
        expires_at,
        principal: Principal {
            user: user.name.clone(),
            role: user.role,
            via: "session".to_string(),
        },
    })
}

pub(crate) async fn logout(store: &Store, secret: &str) -> Result<()> {
    let mut session = store.begin().await?;
    if let Some(found) = session
        .find_one::<UserSession>(Filter::all().eq_text("secret_hash", sha256_hex(secret)))
        .await?
    {
        session.delete(found.id).await?;
    }
    session.commit().await?;
    Ok(())
}

fn not_logged_in() -> ServiceError {
    ServiceError::Denied("not logged in, or the session has ended".to_string())
}

/// The principal a session cookie stands for.
pub(crate) async fn session_principal(
    store: &Store,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Principal> {
    // Read without the write lock: every request authenticates, and most
    // change nothing; the rare touch is a unit of work of its own.
    let mut session = store.read().await?;
    let found = session
        .find_one::<UserSession>(Filter::all().eq_text("secret_hash", sha256_hex(secret)))
        .await?
        .ok_or_else(not_logged_in)?;
    if found.expires_at <= now {
        return Err(not_logged_in());
    }
    let user = session.get(found.user_id).await?;
    if user.disabled {
        return Err(not_logged_in());
    }
    session.rollback().await?;
    if now - found.last_seen_at >= TOUCH_EVERY {
        let mut session = store.begin().await?;
        // Read again under the lock: a logout since must not be undone.
        if let Some(mut current) = session.find(found.id).await? {
            current.data.last_seen_at = now;
            session.update(found.id, &current.data).await?;
        }
        session.commit().await?;
    }
    Ok(Principal {
        user: user.name.clone(),
        role: user.role,
        via: "session".to_string(),
    })
}

fn bad_token() -> ServiceError {
    ServiceError::Denied("the token is unknown, revoked or expired".to_string())
}

/// The principal an API token stands for.
pub(crate) async fn token_principal(
    store: &Store,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Principal> {
    if !token.starts_with(TOKEN_MARK) {
        return Err(bad_token());
    }
    let mut session = store.read().await?;
    let found = session
        .find_one::<ApiToken>(Filter::all().eq_text("secret_hash", sha256_hex(token)))
        .await?
        .ok_or_else(bad_token)?;
    if !live(&found, now) {
        return Err(bad_token());
    }
    let user = session.get(found.user_id).await?;
    if user.disabled {
        return Err(bad_token());
    }
    session.rollback().await?;
    if found.last_used_at.is_none_or(|t| now - t >= TOUCH_EVERY) {
        let mut session = store.begin().await?;
        // Read again under the lock: a revocation since must not be undone.
        if let Some(mut current) = session.find(found.id).await? {
            current.data.last_used_at = Some(now);
            session.update(found.id, &current.data).await?;
        }
        session.commit().await?;
    }
    Ok(Principal {
        user: user.name.clone(),
        // A token never rises above its user's role now.
        role: found.role.min(user.role),
        via: format!("token {}", found.prefix),
    })
}

// --- The SQL endpoint's logins --------------------------------------

/// A SCRAM login between the server's first message and the client's last.
pub struct ScramLogin {
    exchange: crate::scram::Exchange,
    /// Who it logs in when the proof holds; `None` for an account that
    /// cannot log in this way (the exchange still runs, and fails).
    principal: Option<Principal>,
}

impl std::fmt::Debug for ScramLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScramLogin").finish_non_exhaustive()
    }
}

/// A salt for a name without a verifier: the same for the same name in one
/// process, so a probe cannot tell a made-up account by a changing salt.
fn mock_salt(name: &str) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    static KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let key = KEY.get_or_init(|| random_hex(16));
    Sha256::digest(format!("{key}:{name}").as_bytes())[..16].to_vec()
}

fn sql_principal(user: &User) -> Principal {
    Principal {
        user: user.name.clone(),
        role: user.role,
        via: "sql".to_string(),
    }
}

/// Reads a client's first SCRAM message for user `name`; the server's
/// first message to send back.
pub(crate) async fn scram_start(
    store: &Store,
    name: &str,
    client_first: &[u8],
) -> Result<(ScramLogin, String)> {
    let mut session = store.read().await?;
    let user = session
        .find_one::<User>(Filter::all().eq_text("name", name))
        .await?;
    session.commit().await?;
    let user = user.filter(|u| !u.disabled);
    let verifier = user
        .as_ref()
        .and_then(|u| u.scram_verifier.as_ref())
        .and_then(|v| crate::scram::Verifier::parse(v.expose()));
    if user.as_ref().is_some_and(|u| u.password_hash.is_some()) && verifier.is_none() {
        tracing::info!(
            user = name,
            "a SQL login for a user whose password was set before Steward kept SCRAM verifiers: set it again (steward user passwd)"
        );
    }
    let principal = user
        .as_deref()
        .filter(|_| verifier.is_some())
        .map(sql_principal);
    let (exchange, server_first) =
        crate::scram::Exchange::start(client_first, verifier, &mock_salt(name))
            .map_err(|e| ServiceError::Invalid(format!("SQL login: {e}")))?;
    Ok((
        ScramLogin {
            exchange,
            principal,
        },
        server_first,
    ))
}

/// Checks the client's last SCRAM message: who logged in, and the server's
/// last message.
pub(crate) fn scram_finish(login: ScramLogin, client_final: &[u8]) -> Result<(Principal, String)> {
    let server_final = login.exchange.finish(client_final).map_err(|e| {
        tracing::debug!("a SQL login failed: {e}");
        wrong_login()
    })?;
    let principal = login.principal.ok_or_else(wrong_login)?;
    Ok((principal, server_final))
}

/// A password login to the SQL endpoint: the user's password, or an API
/// token of theirs in its place.
pub(crate) async fn sql_password_login(
    store: &Store,
    name: &str,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Principal> {
    if secret.starts_with(TOKEN_MARK) {
        let principal = token_principal(store, secret, now)
            .await
            .map_err(|_| wrong_login())?;
        if principal.user != name {
            return Err(wrong_login());
        }
        return Ok(principal);
    }
    let user = user_with_password(store, name, secret).await?;
    Ok(sql_principal(&user))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_passwords_are_checked() {
        assert!(check_name("ada.lovelace@example.org").is_ok());
        assert!(check_name("").is_err());
        assert!(check_name("robert'); drop").is_err());
        assert!(check_password("short").is_err());
        assert!(check_password("long enough pass").is_ok());
    }

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let hashes = hash_password("correct horse battery").await.unwrap();
        let hash = hashes.argon2;
        assert!(hash.expose().starts_with("$argon2id$"));
        // The SCRAM verifier of the same password, in PostgreSQL's form.
        assert!(
            crate::scram::Verifier::parse(hashes.scram.expose()).is_some_and(
                |v| v == crate::scram::Verifier::derive_like(&v, "correct horse battery")
            )
        );
        assert!(
            verify_password("correct horse battery", Some(&hash))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("wrong horse battery", Some(&hash))
                .await
                .unwrap()
        );
        // No user: never a match, whatever the password.
        assert!(
            !verify_password("correct horse battery", None)
                .await
                .unwrap()
        );
    }

    #[test]
    fn roles_include_the_ones_below() {
        let p = Principal {
            user: "sam".into(),
            role: Role::Steward,
            via: "session".into(),
        };
        assert!(p.require(Role::Viewer).is_ok());
        assert!(p.require(Role::Steward).is_ok());
        let denied = p.require(Role::Admin).unwrap_err();
        assert!(denied.to_string().contains("admin role"), "{denied}");
    }
}
