//! Read-only SQL over the governed warehouse tables and the catalog's
//! system tables (`steward.tables`, `steward.lineage`, ...): what the agents
//! use to look at facts no metadata holds. Only queries run; every column
//! the catalog knows to be sensitive is masked before any operator sees it;
//! rows, time and memory are limited by `[agent]`.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use steward_config::StewardConfig;
use steward_store::Store;
use steward_warehouse::{
    NamedTable, QueryLimits, QueryRows, ReadOnlyQuery, SourceConnection, TableRef,
};

use crate::error::{Result, ServiceError};
use crate::lookup::{list_tables, pick};

/// What a read-only query returned.
#[derive(Debug, Clone, Serialize)]
pub struct QueryResult {
    #[serde(flatten)]
    pub rows: QueryRows,
    /// The warehouse tables it read.
    pub tables: Vec<QueriedTable>,
    /// The catalog's system tables it read (`steward.tables`).
    pub system_tables: Vec<String>,
    /// The columns it saw masked.
    pub masked: Vec<MaskedColumn>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct QueriedTable {
    pub source: String,
    /// `schema.table` as the catalog holds it.
    pub table: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct MaskedColumn {
    pub source: String,
    pub table: String,
    pub column: String,
    pub label: String,
}

pub(crate) fn limits(config: &StewardConfig) -> QueryLimits {
    QueryLimits {
        max_rows: config.agent.query_max_rows,
        timeout: Duration::from_secs(config.agent.query_timeout_secs),
        memory_limit_mb: config.agent.query_memory_limit_mb,
        threads: config.warehouse.effective_threads(),
        ..QueryLimits::default()
    }
}

/// Runs `sql` if it is a query, over the tables it names.
pub(crate) async fn query(store: &Store, config: &StewardConfig, sql: &str) -> Result<QueryResult> {
    let query = ReadOnlyQuery::parse(sql, limits(config))?;
    let named = query.tables()?;
    let is_system = |r: &NamedTable| {
        r.schema
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case(steward_policy::SCHEMA))
            && r.catalog.is_none()
    };

    let mut system_tables = Vec::new();
    if named.iter().any(is_system) {
        for r in named.iter().filter(|r| is_system(r)) {
            if !steward_policy::TABLES.contains(&r.table.as_str()) {
                return Err(ServiceError::NotFound(format!(
                    "system table `{}.{}`; the system tables are {}",
                    steward_policy::SCHEMA,
                    r.table,
                    steward_policy::TABLES
                        .iter()
                        .map(|t| format!("steward.{t}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            system_tables.push(format!("{}.{}", steward_policy::SCHEMA, r.table));
        }
        let snapshot = crate::check::snapshot(store, &config.policy, &config.cost).await?;
        steward_policy::register_system_tables(query.context(), &snapshot)
            .map_err(|e| ServiceError::Internal(format!("the system tables: {e}")))?;
    }

    let all = list_tables(store, None).await?;
    let live: Vec<_> = all
        .into_iter()
        .filter(|t| t.table.dropped_at.is_none())
        .collect();
    let sensitive = crate::classify::sensitive_columns(store, None).await?;
    // Each source opened once, with the tables it lists.
    let mut connections: BTreeMap<String, (SourceConnection, Vec<TableRef>)> = BTreeMap::new();
    let mut tables = Vec::new();
    let mut masked = Vec::new();
    for name in &named {
        if is_system(name) {
            continue;
        }
        let found = pick(&live, &name.dotted())?;
        let qualified = found.table.qualified_name();
        if found.table.kind == steward_types::TableKind::Model {
            return Err(ServiceError::Invalid(format!(
                "`{qualified}` is a dbt model the warehouse has not built where Steward \
                 scans (it has no data to query); its definition is in \
                 `steward show {qualified}`"
            )));
        }
        if !connections.contains_key(&found.source) {
            let source = crate::sources::find_source(store, &found.source).await?;
            let mut connection = SourceConnection::open(&source, &config.warehouse).await?;
            let listed = connection.discover().await?;
            connections.insert(found.source.clone(), (connection, listed));
        }
        let Some((connection, listed)) = connections.get(&found.source) else {
            continue;
        };
        let Some(table) = listed
            .iter()
            .find(|t| t.schema == found.table.schema && t.name == found.table.name)
        else {
            return Err(ServiceError::NotFound(format!(
                "table `{}` in source `{}`: the catalog holds it, the source no longer does \
                 (scan the source again)",
                qualified, found.source
            )));
        };
        // One label per column: its sensitivity label over the
        // quasi-identifier mark a column may also carry.
        let mut hidden: BTreeMap<String, String> = BTreeMap::new();
        for c in sensitive
            .iter()
            .filter(|c| c.source == found.source && c.table == qualified)
        {
            let quasi = c.label == crate::QUASI_IDENTIFIER;
            if !quasi || !hidden.contains_key(&c.column) {
                hidden.insert(c.column.clone(), c.label.clone());
            }
        }
        for (column, label) in &hidden {
            masked.push(MaskedColumn {
                source: found.source.clone(),
                table: qualified.clone(),
                column: column.clone(),
                label: label.clone(),
            });
        }
        query.add_table(name, connection, table, &hidden).await?;
        tables.push(QueriedTable {
            source: found.source.clone(),
            table: qualified,
        });
    }
    tables.sort();
    tables.dedup();
    masked.sort();
    masked.dedup();
    let rows = query.run().await?;
    Ok(QueryResult {
        rows,
        tables,
        system_tables,
        masked,
    })
}
