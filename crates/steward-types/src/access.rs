//! Who may do what: users with a role, the browser sessions they log in with,
//! and the API tokens machines use. Secrets are kept only as hashes; the
//! hashes themselves are [`Secret`]s, so `Debug` and serde never show them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::id::Id;
use crate::names::named_enum;
use crate::secret::Secret;

named_enum! {
    /// What a user may do, each role including the ones before it.
    pub enum Role as "role" {
        /// Reads the catalog; sensitive values always masked.
        Viewer => "viewer",
        /// Also decides classifications, acts on findings, approves
        /// proposals and annotates.
        Steward => "steward",
        /// Also manages sources, users, policies and jobs.
        Admin => "admin",
    }
}

impl Role {
    /// Whether this role includes `needed`.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

/// A person (or a machine account) who can log in or hold tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub role: Role,
    /// The argon2 hash (PHC string); `None` for an account that only holds
    /// tokens.
    pub password_hash: Option<Secret>,
    /// The SCRAM-SHA-256 verifier of the same password, for the SQL
    /// endpoint (PostgreSQL's form); `None` without a password, or when it
    /// was set before Steward kept verifiers.
    pub scram_verifier: Option<Secret>,
    pub disabled: bool,
}

/// A logged-in browser session: the cookie holds the secret, the store its
/// sha256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserSession {
    pub user_id: Id<User>,
    pub secret_hash: Secret,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// Where the login came from (the client's address), for the audit trail.
    pub client: Option<String>,
}

/// A token for machines: shown once, kept as its sha256, scoped to a role
/// no higher than its user's, revocable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiToken {
    pub user_id: Id<User>,
    /// What the token is for (`ci`, `airflow lineage`).
    pub label: String,
    /// The token's public part (`stw_ab12cd34`): names it in lists and
    /// revocations without revealing it.
    pub prefix: String,
    pub secret_hash: Secret,
    pub role: Role,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}
