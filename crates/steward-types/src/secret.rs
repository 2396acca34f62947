//! Secrets never reach logs, `Debug` output, printed config or API responses.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const MASK: &str = "***";

/// Query parameters whose values are credentials.
const SECRET_PARAMS: &[&str] = &[
    "password",
    "pass",
    "pwd",
    "sslpassword",
    "secret",
    "token",
    "access_key",
    "secret_access_key",
    "api_key",
];

/// A string that is a secret (a password, a token, a URL with credentials).
/// `Debug`, `Display` and `Serialize` show it masked; read it with [`Secret::expose`].
/// Deserializing reads the real value, so it can come from config files and env vars.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The real value, for the one place that must use it (a connection, a header).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What may be shown: a URL keeps everything but its credentials, anything else
    /// is masked entirely.
    pub fn redacted(&self) -> String {
        if self.0.contains("://") {
            redact_url(&self.0)
        } else if self.0.is_empty() {
            String::new()
        } else {
            MASK.to_string()
        }
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_string())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({:?})", self.redacted())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.redacted())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

/// Masks the password in a URL's user info and the values of credential query
/// parameters: `postgres://app:s3cret@db/x?sslpassword=k` becomes
/// `postgres://app:***@db/x?sslpassword=***`.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest_start = scheme_end + 3;
    let rest = &url[rest_start..];
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_len);

    let mut out = String::with_capacity(url.len());
    out.push_str(&url[..rest_start]);
    match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            match userinfo.find(':') {
                Some(colon) => {
                    out.push_str(&userinfo[..=colon]);
                    out.push_str(MASK);
                }
                None => out.push_str(userinfo),
            }
            out.push_str(&authority[at..]);
        }
        None => out.push_str(authority),
    }

    match tail.find('?') {
        Some(q) => {
            out.push_str(&tail[..=q]);
            let query_and_fragment = &tail[q + 1..];
            let (query, fragment) = match query_and_fragment.find('#') {
                Some(h) => query_and_fragment.split_at(h),
                None => (query_and_fragment, ""),
            };
            let params: Vec<String> = query.split('&').map(redact_param).collect();
            out.push_str(&params.join("&"));
            out.push_str(fragment);
        }
        None => out.push_str(tail),
    }
    out
}

fn redact_param(param: &str) -> String {
    match param.split_once('=') {
        Some((name, _)) if SECRET_PARAMS.iter().any(|s| name.eq_ignore_ascii_case(s)) => {
            format!("{name}={MASK}")
        }
        _ => param.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_everything_but_credentials() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/x?sslmode=require&sslpassword=k#f"),
            "postgres://app:***@db:5432/x?sslmode=require&sslpassword=***#f"
        );
        assert_eq!(redact_url("postgres://app@db/x"), "postgres://app@db/x");
        assert_eq!(
            redact_url("sqlite://.steward/catalog.db"),
            "sqlite://.steward/catalog.db"
        );
        assert_eq!(redact_url("mysql://u:p@ss@h/d"), "mysql://u:***@h/d");
        assert_eq!(redact_url("not a url"), "not a url");
        assert_eq!(redact_url("s3://b/p?token=abc"), "s3://b/p?token=***");
    }

    #[test]
    fn secrets_never_print() {
        let token = Secret::new("hunter2");
        assert_eq!(format!("{token:?}"), "Secret(\"***\")");
        assert_eq!(token.to_string(), "***");
        assert_eq!(serde_json::to_string(&token).unwrap(), "\"***\"");
        assert_eq!(token.expose(), "hunter2");
        let url = Secret::new("postgres://u:pw@h/d");
        assert_eq!(url.to_string(), "postgres://u:***@h/d");
        let read: Secret = serde_json::from_str("\"pw\"").unwrap();
        assert_eq!(read.expose(), "pw");
    }
}
