use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use serde::Serialize;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection};
use steward_types::redact_url;

use crate::config::StoreConfig;
use crate::error::{Result, StoreError};
use crate::session::Session;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/postgres");

/// Which database holds the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }

    fn migrator(self) -> &'static Migrator {
        match self {
            Self::Sqlite => &SQLITE_MIGRATIONS,
            Self::Postgres => &POSTGRES_MIGRATIONS,
        }
    }
}

/// Whether opening may create a SQLite catalog file that does not exist yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// `steward init`: create the file when missing.
    Create,
    /// Everything else: a missing file means the catalog was never initialised.
    Existing,
}

/// Where the store's schema stands against the migrations this build carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaStatus {
    pub backend: Backend,
    /// Highest applied migration (0 for an empty database).
    pub current: i64,
    /// Highest migration this build knows.
    pub latest: i64,
    /// Migrations known here and not yet applied, in order.
    pub pending: Vec<i64>,
}

#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A connection pool to the catalog store.
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
    /// How long `begin` waits in all for another process's write lock.
    lock_wait: Duration,
    /// The URL with credentials masked, for messages.
    display_url: String,
}

impl Store {
    /// Opens the store at `url` and, when the config says so, brings its schema up
    /// to date. Refuses a database migrated by a newer Steward.
    pub async fn open(url: &str, config: &StoreConfig, mode: OpenMode) -> Result<Self> {
        let store = Self::connect(url, config, mode).await?;
        if config.auto_migrate {
            store.migrate().await?;
        } else {
            store.check_schema().await?;
        }
        Ok(store)
    }

    /// Connects without touching the schema.
    pub async fn connect(url: &str, config: &StoreConfig, mode: OpenMode) -> Result<Self> {
        let display_url = redact_url(url);
        let invalid = |reason: String| StoreError::InvalidUrl {
            url: display_url.clone(),
            reason,
        };
        let timeout = Duration::from_secs(config.connect_timeout_secs.max(1));
        let unreachable = |reason: &dyn std::fmt::Display| StoreError::Unreachable {
            url: display_url.clone(),
            reason: reason.to_string(),
        };

        let pool = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| invalid(e.to_string()))?
                .create_if_missing(mode == OpenMode::Create)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_millis(config.busy_timeout_ms))
                .disable_statement_logging();
            let path = options.get_filename();
            let in_memory = path.as_os_str().is_empty() || path == Path::new(":memory:");
            if mode == OpenMode::Existing && !in_memory && !path.exists() {
                return Err(StoreError::NotInitialised {
                    path: path.display().to_string(),
                });
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(config.max_connections.max(1))
                .acquire_timeout(timeout)
                .connect_with(options)
                .await
                .map_err(|e| unreachable(&e))?;
            Pool::Sqlite(pool)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let mut options = PgConnectOptions::from_str(url)
                .map_err(|e| invalid(e.to_string()))?
                .application_name("steward")
                .disable_statement_logging();
            if let Some(schema) = &config.schema {
                validate_schema_name(schema).map_err(invalid)?;
                options = options.options([("search_path", schema.as_str())]);
            }
            // One direct connection first: a pool only reports "timed out", while
            // this says why (refused, unknown database, authentication failed).
            match tokio::time::timeout(timeout, PgConnection::connect_with(&options)).await {
                Ok(Ok(probe)) => probe.close().await.map_err(|e| unreachable(&e))?,
                Ok(Err(e)) => return Err(unreachable(&e)),
                Err(_) => {
                    return Err(unreachable(&format_args!(
                        "no answer within {}s",
                        timeout.as_secs()
                    )));
                }
            }
            let pool = PgPoolOptions::new()
                .max_connections(config.max_connections.max(1))
                .acquire_timeout(timeout)
                .connect_with(options)
                .await
                .map_err(|e| unreachable(&e))?;
            if let Some(schema) = &config.schema {
                // Quoted: the name was checked to be a plain identifier above.
                let ddl = format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\"");
                sqlx::query(AssertSqlSafe(ddl))
                    .execute(&pool)
                    .await
                    .map_err(|e| unreachable(&e))?;
            }
            Pool::Postgres(pool)
        } else {
            let scheme = url.split(':').next().unwrap_or_default();
            return Err(invalid(format!(
                "unsupported scheme `{scheme}`; use `sqlite://PATH` or `postgres://USER@HOST/DB`"
            )));
        };
        Ok(Self {
            pool,
            display_url,
            lock_wait: Duration::from_secs(config.lock_wait_secs),
        })
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// The store's URL with credentials masked.
    pub fn display_url(&self) -> &str {
        &self.display_url
    }

    /// Highest applied migration version, 0 when none.
    async fn applied_version(&self) -> Result<i64> {
        // `_sqlx_migrations` is created by the first migration run; before that the
        // database is simply at version 0.
        let exists_sql = match self.backend() {
            Backend::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'"
            }
        };
        let version_sql = "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success";
        let version = match &self.pool {
            Pool::Sqlite(pool) => {
                let exists: i64 = sqlx::query_scalar(exists_sql).fetch_one(pool).await?;
                if exists == 0 {
                    0
                } else {
                    sqlx::query_scalar(version_sql).fetch_one(pool).await?
                }
            }
            Pool::Postgres(pool) => {
                let exists: i64 = sqlx::query_scalar(exists_sql).fetch_one(pool).await?;
                if exists == 0 {
                    0
                } else {
                    sqlx::query_scalar(version_sql).fetch_one(pool).await?
                }
            }
        };
        Ok(version)
    }

    /// Where the schema stands, without changing anything.
    pub async fn schema_status(&self) -> Result<SchemaStatus> {
        let migrator = self.backend().migrator();
        let current = self.applied_version().await?;
        let latest = migrator.iter().map(|m| m.version).max().unwrap_or(0);
        let pending = migrator
            .iter()
            .map(|m| m.version)
            .filter(|v| *v > current)
            .collect();
        Ok(SchemaStatus {
            backend: self.backend(),
            current,
            latest,
            pending,
        })
    }

    /// Fails unless the schema is exactly what this build expects.
    pub async fn check_schema(&self) -> Result<SchemaStatus> {
        let status = self.schema_status().await?;
        if status.current > status.latest {
            return Err(StoreError::SchemaTooNew {
                found: status.current,
                known: status.latest,
            });
        }
        if status.current < status.latest {
            return Err(StoreError::SchemaBehind {
                found: status.current,
                known: status.latest,
            });
        }
        Ok(status)
    }

    /// Applies pending migrations and returns the versions applied. A database
    /// migrated by a newer Steward is refused before anything runs.
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        let before = self.schema_status().await?;
        if before.current > before.latest {
            return Err(StoreError::SchemaTooNew {
                found: before.current,
                known: before.latest,
            });
        }
        if before.pending.is_empty() {
            return Ok(Vec::new());
        }
        match &self.pool {
            Pool::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Pool::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        tracing::info!(backend = ?self.backend(), applied = ?before.pending, "catalog store migrated");
        Ok(before.pending)
    }

    /// Starts a unit of work. Nothing it writes is visible to others until
    /// [`Session::commit`]; dropping it rolls back.
    pub async fn begin(&self) -> Result<Session> {
        Session::begin(&self.pool, self.lock_wait).await
    }

    /// Begins a unit of work that only reads (it takes no write lock):
    /// what pages, lists and searches use, so they never wait on a writer.
    pub async fn read(&self) -> Result<Session> {
        Session::begin_read(&self.pool).await
    }

    /// Copies a SQLite catalog, as it stands at one instant, to a new file
    /// at `path` while others go on reading and writing (`VACUUM INTO`, an
    /// online backup). A PostgreSQL catalog is backed up with `pg_dump`,
    /// which this refuses to imitate.
    pub async fn backup_to(&self, path: &Path) -> Result<()> {
        if path.exists() {
            return Err(StoreError::Invalid {
                entity: "backup",
                reason: format!(
                    "{} exists; a backup never overwrites a file",
                    path.display()
                ),
            });
        }
        match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::query("VACUUM INTO $1")
                    .bind(path.to_string_lossy().into_owned())
                    .execute(pool)
                    .await?;
                Ok(())
            }
            Pool::Postgres(_) => Err(StoreError::Invalid {
                entity: "backup",
                reason: "a PostgreSQL catalog is backed up with pg_dump (docs/jobs.md says how), not by Steward".into(),
            }),
        }
    }

    /// Closes every pooled connection (and lets SQLite checkpoint its WAL).
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

/// Schema names are interpolated into DDL, so only plain identifiers are accepted.
fn validate_schema_name(schema: &str) -> std::result::Result<(), String> {
    let mut chars = schema.chars();
    let plain = matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && schema.len() <= 63;
    if plain {
        Ok(())
    } else {
        Err(format!(
            "schema `{schema}` must be a lowercase identifier (letters, digits, `_`, at most 63)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_are_plain_identifiers() {
        assert!(validate_schema_name("steward").is_ok());
        assert!(validate_schema_name("t_1").is_ok());
        assert!(validate_schema_name("1t").is_err());
        assert!(validate_schema_name("a\"; drop").is_err());
        assert!(validate_schema_name("").is_err());
    }

    #[test]
    fn both_backends_carry_the_same_migration_versions() {
        let versions = |m: &Migrator| m.iter().map(|m| m.version).collect::<Vec<_>>();
        assert!(!versions(&SQLITE_MIGRATIONS).is_empty());
        assert_eq!(versions(&SQLITE_MIGRATIONS), versions(&POSTGRES_MIGRATIONS));
    }
}
