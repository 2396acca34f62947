//! Registering, listing and removing sources.

use std::collections::BTreeMap;

use steward_store::{Filter, Store};
use steward_types::{Record, Source, SourceKind, redact_url};

use crate::error::{Result, ServiceError};

/// The SQL dialect of a source's own SQL (view definitions).
pub(crate) fn source_dialect(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Postgres => "postgres",
        SourceKind::Mysql => "mysql",
        SourceKind::Sqlite => "sqlite",
        SourceKind::Files => "generic",
    }
}

/// The kind of source a URL names: `s3://` and `file://` URLs and absolute
/// paths are file lakes; `postgres://`, `mysql://` (or `mariadb://`) and `sqlite://`
/// are databases.
pub fn kind_of_url(url: &str) -> Result<SourceKind> {
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("s3" | "file") => Ok(SourceKind::Files),
        Some("postgres" | "postgresql") => Ok(SourceKind::Postgres),
        Some("mysql" | "mariadb") => Ok(SourceKind::Mysql),
        Some("sqlite") => Ok(SourceKind::Sqlite),
        Some(other) => Err(ServiceError::Invalid(format!(
            "unsupported source url scheme `{other}`; use a folder, s3://, postgres://, mysql:// or sqlite://"
        ))),
        None if url.starts_with('/') => Ok(SourceKind::Files),
        None => Err(ServiceError::Invalid(format!(
            "`{url}` is neither a URL nor an absolute path"
        ))),
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A source as it will be stored, checked: a valid name, a known kind of URL
/// and no credentials in the URL (they belong in env vars).
pub fn new_source(
    name: &str,
    url: &str,
    options: BTreeMap<String, String>,
    description: Option<String>,
) -> Result<Source> {
    if !valid_name(name) {
        return Err(ServiceError::Invalid(format!(
            "source name `{name}` must be 1-64 letters, digits, `_` or `-`"
        )));
    }
    let kind = kind_of_url(url)?;
    if redact_url(url) != url {
        return Err(ServiceError::Invalid(format!(
            "source url `{}` carries a credential; keep credentials in env vars (the source's `password_env` option names one)",
            redact_url(url)
        )));
    }
    let url = match kind {
        SourceKind::Files if url.starts_with('/') => format!("file://{url}"),
        _ => url.to_string(),
    };
    Ok(Source {
        name: name.to_string(),
        kind,
        url,
        options,
        description,
        scanned_at: None,
        scan_error: None,
    })
}

/// Registers a source made by [`new_source`].
pub async fn add_source(store: &Store, source: &Source) -> Result<Record<Source>> {
    let mut session = store.begin().await?;
    let record = session.insert(source).await?;
    session.commit().await?;
    Ok(record)
}

pub async fn list_sources(store: &Store) -> Result<Vec<Record<Source>>> {
    let mut session = store.read().await?;
    Ok(session.list::<Source>(&Filter::all()).await?)
}

pub async fn find_source(store: &Store, name: &str) -> Result<Record<Source>> {
    let mut session = store.read().await?;
    session
        .find_one::<Source>(Filter::all().eq_text("name", name))
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("source `{name}`")))
}

/// Removes a source and everything the catalog learned from it.
pub async fn remove_source(store: &Store, name: &str) -> Result<Record<Source>> {
    let source = find_source(store, name).await?;
    let mut session = store.begin().await?;
    session.delete(source.id).await?;
    session.commit().await?;
    Ok(source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_kind() {
        assert_eq!(kind_of_url("s3://lake/raw").unwrap(), SourceKind::Files);
        assert_eq!(kind_of_url("/data/lake").unwrap(), SourceKind::Files);
        assert_eq!(
            kind_of_url("postgresql://u@h/db").unwrap(),
            SourceKind::Postgres
        );
        assert_eq!(
            kind_of_url("mariadb://root@h/db").unwrap(),
            SourceKind::Mysql
        );
        assert_eq!(kind_of_url("sqlite:///x.db").unwrap(), SourceKind::Sqlite);
        assert!(kind_of_url("ftp://x").is_err());
        assert!(kind_of_url("relative/path").is_err());
    }
}
