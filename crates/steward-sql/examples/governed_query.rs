//! A plain DataFusion program reading the governed warehouse through
//! Steward: the catalog of the `steward.toml` in the working directory is
//! registered into an ordinary `SessionContext` for a viewer, and the query
//! runs there with DataFusion's own API; sensitive columns come back masked.
//!
//!     cd .demo && cargo run -p steward-sql --example governed_query -- \
//!         "SELECT customer_id, email, country FROM lake.customers LIMIT 5"

use std::sync::Arc;

use datafusion::prelude::SessionContext;
use steward_service::{Principal, Steward};
use steward_types::Role;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sql = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "SELECT * FROM steward.tables LIMIT 5".to_string());
    let loaded = steward_config::load(&steward_config::Overrides::default(), false)?;
    let steward = Arc::new(Steward::open(&loaded).await?);
    let viewer = Principal {
        user: "example".into(),
        role: Role::Viewer,
        via: "example".into(),
    };

    let ctx = SessionContext::new();
    steward_sql::register(&ctx, &steward, &viewer).await?;
    ctx.sql(&sql).await?.show().await?;
    Ok(())
}
