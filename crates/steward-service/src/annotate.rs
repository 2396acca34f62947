//! What stewards say about a table that the warehouse does not: its owner and,
//! where the source has no comment, its description. Kept across re-scans.

use chrono::Utc;
use steward_store::Store;
use steward_types::{AuditEvent, Record, Table};

use crate::error::{Result, ServiceError};
use crate::lookup::resolve;

/// Sets (or, given `""`, clears) a table's owner and description.
pub async fn annotate_table(
    store: &Store,
    name: &str,
    owner: Option<&str>,
    description: Option<&str>,
    actor: &str,
) -> Result<Record<Table>> {
    if owner.is_none() && description.is_none() {
        return Err(ServiceError::Invalid(
            "nothing to change: give --owner or --description".to_string(),
        ));
    }
    let (source, table) = resolve(store, name).await?;
    let clean = |v: &str| {
        let v = v.trim();
        (!v.is_empty()).then(|| v.to_string())
    };
    let mut data = table.data.clone();
    if let Some(owner) = owner {
        data.owner = clean(owner);
    }
    if let Some(description) = description {
        data.description = clean(description);
    }
    let mut session = store.begin().await?;
    let updated = session.update(table.id, &data).await?;
    session
        .insert(&AuditEvent {
            at: Utc::now(),
            actor: actor.to_string(),
            action: "table.annotate".to_string(),
            target: format!("{}.{}", source.name, table.qualified_name()),
            details: serde_json::json!({ "owner": owner, "description": description }),
        })
        .await?;
    session.commit().await?;
    Ok(updated)
}
