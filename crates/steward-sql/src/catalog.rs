//! A schema per source, its tables as the catalog knows them: each read
//! through its source's connection (opened on first use, once per session)
//! and the role's masks.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::catalog::{SchemaProvider, TableProvider};
use datafusion::common::{DataFusionError, Result as DfResult};
use datafusion::execution::runtime_env::RuntimeEnv;
use datafusion::logical_expr::ScalarUDF;
use steward_service::{SqlTable, Steward};
use steward_warehouse::{SourceConnection, TableRef};
use tokio::sync::OnceCell;

use crate::mask::governed_view;

/// One source's tables, under the name the source goes by.
pub struct SourceSchema {
    steward: Arc<Steward>,
    source: String,
    role: String,
    /// By SQL name, lowercased (SQL folds unquoted names to lower case).
    tables: BTreeMap<String, SqlTable>,
    connection: OnceCell<(SourceConnection, Vec<TableRef>)>,
    /// Where the source's object stores are made known (S3 lakes).
    runtime: Arc<RuntimeEnv>,
    hash: ScalarUDF,
}

impl std::fmt::Debug for SourceSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceSchema")
            .field("source", &self.source)
            .field("tables", &self.tables.len())
            .finish_non_exhaustive()
    }
}

impl SourceSchema {
    pub fn new(
        steward: Arc<Steward>,
        source: String,
        role: String,
        tables: Vec<SqlTable>,
        runtime: Arc<RuntimeEnv>,
        hash: ScalarUDF,
    ) -> Self {
        Self {
            steward,
            source,
            role,
            tables: tables
                .into_iter()
                .map(|t| (t.sql_name.to_lowercase(), t))
                .collect(),
            connection: OnceCell::new(),
            runtime,
            hash,
        }
    }

    fn lookup(&self, name: &str) -> Option<&SqlTable> {
        self.tables
            .get(name)
            .or_else(|| self.tables.get(&name.to_lowercase()))
    }

    async fn connection(&self) -> DfResult<&(SourceConnection, Vec<TableRef>)> {
        self.connection
            .get_or_try_init(|| async {
                let opened = self.steward.open_source(&self.source).await.map_err(|e| {
                    DataFusionError::External(format!("source `{}`: {e}", self.source).into())
                })?;
                opened.0.share_stores_with(&self.runtime);
                Ok(opened)
            })
            .await
    }
}

#[async_trait]
impl SchemaProvider for SourceSchema {
    fn table_names(&self) -> Vec<String> {
        self.tables.values().map(|t| t.sql_name.clone()).collect()
    }

    async fn table(&self, name: &str) -> DfResult<Option<Arc<dyn TableProvider>>> {
        let Some(table) = self.lookup(name) else {
            return Ok(None);
        };
        let (connection, listed) = self.connection().await?;
        let Some(found) = listed
            .iter()
            .find(|t| t.schema == table.schema && t.name == table.name)
        else {
            return Err(DataFusionError::Plan(format!(
                "table `{}.{}`: the catalog holds it, the source no longer does (scan the source again)",
                self.source, table.sql_name
            )));
        };
        let provider = connection.table_provider(found).await.map_err(|e| {
            DataFusionError::External(format!("{}.{}: {e}", self.source, table.sql_name).into())
        })?;
        governed_view(provider, table, &self.role, &self.hash).map(Some)
    }

    fn table_exist(&self, name: &str) -> bool {
        self.lookup(name).is_some()
    }
}
