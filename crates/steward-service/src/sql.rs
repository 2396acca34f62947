//! The governed warehouse as SQL sees it (the `steward-sql` catalog and its
//! PostgreSQL-wire endpoint): which tables a principal may read, under which
//! names, what each sensitive column shows to the principal's role
//! (`[sql.masking]`), the rows its role may see (`[sql.row_filters]`), and
//! every query kept as usage. The DataFusion side (providers, masks in the
//! plan, the wire protocol) is `steward-sql`'s; the decisions are here.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use steward_config::MaskAction;
use steward_types::{Role, TableKind, UsageRecord};
use steward_warehouse::{SourceConnection, TableRef};

use crate::access::Principal;
use crate::error::{Result, ServiceError};
use crate::lookup::list_tables;

/// What a role sees of one sensitive column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnRule {
    /// The label that stands for it (a steward's decision, the detector's,
    /// or one derived through lineage).
    pub label: String,
    pub action: MaskAction,
}

/// One table as SQL names it.
#[derive(Debug, Clone)]
pub struct SqlTable {
    pub source: String,
    /// Its schema and name in the source.
    pub schema: Option<String>,
    pub name: String,
    /// Its name under the source's SQL schema: its own name, or
    /// `schema__name` when two schemas of the source have a table so named.
    pub sql_name: String,
    /// Sensitive columns, by name.
    pub rules: BTreeMap<String, ColumnRule>,
    /// The predicate the role's rows must meet, if `[sql.row_filters]` says.
    pub row_filter: Option<String>,
}

impl SqlTable {
    /// `schema.table` as the catalog (and usage, and lineage) names it.
    pub fn qualified_name(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{schema}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// What one principal may read through SQL.
#[derive(Debug, Clone)]
pub struct SqlCatalog {
    pub role: Role,
    /// Each source's tables, by source name.
    pub sources: BTreeMap<String, Vec<SqlTable>>,
    /// Rows a query returns at most (viewers), if limited.
    pub max_rows: Option<usize>,
}

/// The schema name the catalog's own tables take in SQL.
pub const SYSTEM_SCHEMA: &str = steward_policy::SCHEMA;

impl crate::Steward {
    /// The tables `principal` may read through SQL, with what each
    /// sensitive column shows to its role and the rows it may see.
    pub async fn sql_catalog(&self, principal: &Principal) -> Result<SqlCatalog> {
        let config = &self.config().sql;
        let tables = list_tables(self.store(), None).await?;
        let sensitive = crate::classify::sensitive_columns(self.store(), None).await?;
        // Each table's labelled columns, found once: (source, table) to
        // column to label.
        let mut labels: BTreeMap<(&str, &str), BTreeMap<&str, &str>> = BTreeMap::new();
        for c in &sensitive {
            let columns = labels
                .entry((c.source.as_str(), c.table.as_str()))
                .or_default();
            // A sensitivity label stands over the quasi-identifier mark.
            if c.label != crate::QUASI_IDENTIFIER || !columns.contains_key(c.column.as_str()) {
                columns.insert(c.column.as_str(), c.label.as_str());
            }
        }
        let mut sources: BTreeMap<String, Vec<SqlTable>> = BTreeMap::new();
        // A model not materialised here has no data to query.
        for t in tables
            .iter()
            .filter(|t| t.table.dropped_at.is_none() && t.table.kind != TableKind::Model)
        {
            if t.source.eq_ignore_ascii_case(SYSTEM_SCHEMA) {
                tracing::warn!(
                    "source `{}` is not served over SQL: its name is the system tables' schema",
                    t.source
                );
                continue;
            }
            let qualified = t.table.qualified_name();
            let rules = labels
                .get(&(t.source.as_str(), qualified.as_str()))
                .into_iter()
                .flatten()
                .map(|(column, label)| {
                    (
                        column.to_string(),
                        ColumnRule {
                            label: label.to_string(),
                            action: config.action(principal.role, label),
                        },
                    )
                })
                .collect();
            let row_filter = config
                .row_filters
                .get(&format!("{}.{qualified}", t.source))
                .and_then(|by_role| by_role.get(&principal.role))
                .cloned();
            sources.entry(t.source.clone()).or_default().push(SqlTable {
                source: t.source.clone(),
                schema: t.table.schema.clone(),
                name: t.table.name.clone(),
                sql_name: t.table.name.clone(),
                rules,
                row_filter,
            });
        }
        for list in sources.values_mut() {
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            for t in list.iter() {
                *seen.entry(t.name.to_lowercase()).or_default() += 1;
            }
            for t in list.iter_mut() {
                if seen.get(&t.name.to_lowercase()).copied().unwrap_or(0) > 1
                    && let Some(schema) = &t.schema
                {
                    t.sql_name = format!("{schema}__{}", t.name);
                }
            }
            list.sort_by(|a, b| a.sql_name.cmp(&b.sql_name));
        }
        Ok(SqlCatalog {
            role: principal.role,
            sources,
            max_rows: (principal.role == Role::Viewer).then_some(config.viewer_max_rows),
        })
    }

    /// A source opened for reading, with the tables it has now.
    pub async fn open_source(&self, name: &str) -> Result<(SourceConnection, Vec<TableRef>)> {
        let source = crate::sources::find_source(self.store(), name).await?;
        let mut connection = SourceConnection::open(&source, &self.config().warehouse).await?;
        let listed = connection.discover().await?;
        Ok((connection, listed))
    }

    /// The catalog as the `steward.*` system tables show it.
    pub async fn system_snapshot(&self) -> Result<steward_policy::CatalogSnapshot> {
        crate::check::snapshot(self.store(), &self.config().policy, &self.config().cost).await
    }

    /// Keeps a query run through SQL as usage: who, when, its shape
    /// (literals replaced, since they may be personal data), the tables it
    /// read, the bytes it scanned and how long it took.
    pub async fn record_sql_query(&self, query: &SqlQueryRecord<'_>) -> Result<()> {
        let row = UsageRecord {
            query_id: None,
            user_name: Some(query.user.to_string()),
            sql: steward_lineage::normalize_sql(query.sql, "postgres"),
            tables: query.tables.to_vec(),
            bytes_scanned: query.bytes_scanned,
            duration_ms: Some(query.duration_ms),
            executed_at: query.at,
        };
        let mut session = self.store().begin().await?;
        session.insert(&row).await?;
        session.commit().await?;
        Ok(())
    }

    /// The key of `hash` masks: `[sql] hash_key`, else a random key made
    /// once and kept in the data folder (readable by its owner only).
    pub fn sql_hash_key(&self) -> Result<Vec<u8>> {
        if let Some(key) = &self.config().sql.hash_key {
            return Ok(key.expose().as_bytes().to_vec());
        }
        let path = self.config().data_dir.join("sql-hash.key");
        kept_key(&path)
    }
}

/// A query run through SQL, as usage keeps it.
#[derive(Debug, Clone)]
pub struct SqlQueryRecord<'a> {
    pub user: &'a str,
    pub sql: &'a str,
    /// `source.schema.table` is not how usage names tables: `schema.table`.
    pub tables: &'a [String],
    pub bytes_scanned: Option<i64>,
    pub duration_ms: i64,
    pub at: DateTime<Utc>,
}

fn kept_key(path: &Path) -> Result<Vec<u8>> {
    if let Ok(bytes) = std::fs::read(path)
        && bytes.len() >= 32
    {
        return Ok(bytes);
    }
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut key = vec![0u8; 32];
    OsRng.fill_bytes(&mut key);
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).map_err(|e| ServiceError::io(folder.display(), &e))?;
    }
    write_private(path, &key)?;
    Ok(key)
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| ServiceError::io(path.display(), &e))?;
    file.write_all(bytes)
        .map_err(|e| ServiceError::io(path.display(), &e))
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|e| ServiceError::io(path.display(), &e))
}
