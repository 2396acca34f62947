//! The governed warehouse through SQL. [`register`] puts Steward's catalog
//! into any DataFusion `SessionContext`: a schema per source (its tables as
//! the catalog knows them) and the read-only `steward.*` system tables, with
//! each sensitive column masked, hashed, nulled or denied for the caller's
//! role in the plan itself (`mask.rs`). [`GovernedSession`] runs queries on
//! such a context within `[sql]`'s limits, refuses anything but a query,
//! and keeps each one as usage. `wire.rs` serves it over the PostgreSQL
//! protocol.
//!
//! The decisions (who sees which table, what a label shows to a role, the
//! usage record) are the service's (`Steward::sql_catalog`,
//! `Steward::record_sql_query`); this crate only puts them into DataFusion.

mod catalog;
mod error;
pub mod mask;
mod session;
mod system;
pub mod wire;

use std::sync::Arc;

use datafusion::prelude::SessionContext;
use steward_service::{Principal, SqlCatalog, Steward};

pub use error::SqlError;
pub use session::{GovernedSession, QueryOutput, QueryRun, SqlLimits};

/// The catalog a context resolves unqualified schemas in.
pub(crate) fn default_catalog(
    ctx: &SessionContext,
) -> Option<Arc<dyn datafusion::catalog::CatalogProvider>> {
    ctx.catalog(&ctx.copied_config().options().catalog.default_catalog)
}

/// Registers what `principal` may read into `ctx`'s default catalog: a
/// schema per source and the `steward` system tables, masked for its role.
/// Queries run on `ctx` directly are masked alike; run them through a
/// [`GovernedSession`] to have them kept as usage and held to the limits.
pub async fn register(
    ctx: &SessionContext,
    steward: &Arc<Steward>,
    principal: &Principal,
) -> Result<Arc<SqlCatalog>, SqlError> {
    let catalog = Arc::new(steward.sql_catalog(principal).await?);
    let key = Arc::new(steward.sql_hash_key()?);
    let hash = mask::KeyedHash::udf(key);
    let target = default_catalog(ctx)
        .ok_or_else(|| SqlError::Internal("the context has no default catalog".into()))?;
    let role = principal.role.to_string();
    for (source, tables) in &catalog.sources {
        let schema = catalog::SourceSchema::new(
            Arc::clone(steward),
            source.clone(),
            role.clone(),
            tables.clone(),
            ctx.runtime_env(),
            hash.clone(),
        );
        target
            .register_schema(source, Arc::new(schema))
            .map_err(|e| SqlError::Internal(format!("schema `{source}`: {e}")))?;
    }
    target
        .register_schema(
            steward_service::SYSTEM_SCHEMA,
            Arc::new(system::SystemSchema::new(Arc::clone(steward))),
        )
        .map_err(|e| SqlError::Internal(format!("the system tables: {e}")))?;
    Ok(catalog)
}
