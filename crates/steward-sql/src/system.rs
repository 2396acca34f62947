//! The `steward.*` system tables (`steward.tables`, `steward.findings`, ...),
//! read from the catalog the first time a query names one in a session.

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::catalog::{SchemaProvider, TableProvider};
use datafusion::common::{DataFusionError, Result as DfResult};
use datafusion::prelude::SessionContext;
use steward_service::Steward;
use tokio::sync::OnceCell;

pub struct SystemSchema {
    steward: Arc<Steward>,
    tables: OnceCell<Arc<dyn SchemaProvider>>,
}

impl std::fmt::Debug for SystemSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SystemSchema").finish_non_exhaustive()
    }
}

impl SystemSchema {
    pub fn new(steward: Arc<Steward>) -> Self {
        Self {
            steward,
            tables: OnceCell::new(),
        }
    }

    async fn tables(&self) -> DfResult<&Arc<dyn SchemaProvider>> {
        self.tables
            .get_or_try_init(|| async {
                let snapshot = self
                    .steward
                    .system_snapshot()
                    .await
                    .map_err(|e| DataFusionError::External(Box::new(e)))?;
                // Built on a context of its own, then read from there.
                let ctx = SessionContext::new();
                steward_policy::register_system_tables(&ctx, &snapshot)?;
                crate::default_catalog(&ctx)
                    .and_then(|c| c.schema(steward_policy::SCHEMA))
                    .ok_or_else(|| DataFusionError::Internal("no system tables".into()))
            })
            .await
    }
}

#[async_trait]
impl SchemaProvider for SystemSchema {
    fn table_names(&self) -> Vec<String> {
        steward_policy::TABLES
            .iter()
            .map(|t| t.to_string())
            .collect()
    }

    async fn table(&self, name: &str) -> DfResult<Option<Arc<dyn TableProvider>>> {
        if !self.table_exist(name) {
            return Ok(None);
        }
        self.tables().await?.table(name).await
    }

    fn table_exist(&self, name: &str) -> bool {
        steward_policy::TABLES
            .iter()
            .any(|t| t.eq_ignore_ascii_case(name))
    }
}
