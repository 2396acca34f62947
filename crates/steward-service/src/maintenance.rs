//! The catalog's own upkeep: creating it, and bringing its schema (and the
//! data upgrades that follow the schema) up to date. Works on a catalog too
//! old or too new for the use cases, so it does not go through `Steward`.

use serde::Serialize;
use steward_config::Loaded;
use steward_store::{Backend, OpenMode, SchemaStatus, Store};

use crate::error::Result;

/// Where the catalog's schema stands after a maintenance step.
#[derive(Debug, Clone, Serialize)]
pub struct SchemaReport {
    /// The store's URL, password masked.
    pub store: String,
    pub backend: Backend,
    /// Migrations applied by this step.
    pub applied: Vec<i64>,
    pub schema: SchemaStatus,
}

/// Applies pending migrations (and data upgrades) when `apply`, else only
/// reports where the schema stands.
pub async fn migrate_catalog(loaded: &Loaded, apply: bool) -> Result<SchemaReport> {
    run(loaded, OpenMode::Existing, apply).await
}

/// Creates the catalog when it does not exist and brings it up to date.
pub async fn create_catalog(loaded: &Loaded) -> Result<SchemaReport> {
    run(loaded, OpenMode::Create, true).await
}

async fn run(loaded: &Loaded, mode: OpenMode, apply: bool) -> Result<SchemaReport> {
    let store = Store::connect(&loaded.store_url(), &loaded.config.store, mode).await?;
    let result = async {
        let applied = if apply {
            store.migrate().await?
        } else {
            Vec::new()
        };
        let schema = store.schema_status().await?;
        if apply && schema.pending.is_empty() {
            crate::upgrade::upgrade_stored_data(&store).await?;
        }
        Ok(SchemaReport {
            store: store.display_url().to_string(),
            backend: store.backend(),
            applied,
            schema,
        })
    }
    .await;
    store.close().await;
    result
}
