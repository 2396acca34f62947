//! What stewards say about a table that the warehouse does not: its owner and,
//! where the source has no comment, its description. Kept across re-scans.

use chrono::Utc;
use steward_store::Store;
use steward_types::{AuditEvent, Record, Table};

use crate::error::{Result, ServiceError};
use crate::lookup::resolve;

/// What to change about a table; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct Annotation {
    /// The owner; `""` clears it.
    pub owner: Option<String>,
    /// The description; `""` clears it.
    pub description: Option<String>,
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
}

/// Sets (or, given `""`, clears) a table's owner and description, and adds
/// or removes tags (lowercased; letters, digits, `-`, `_`, `:`).
pub async fn annotate_table(
    store: &Store,
    name: &str,
    change: &Annotation,
    actor: &str,
) -> Result<Record<Table>> {
    let (owner, description) = (change.owner.as_deref(), change.description.as_deref());
    if owner.is_none()
        && description.is_none()
        && change.add_tags.is_empty()
        && change.remove_tags.is_empty()
    {
        return Err(ServiceError::Invalid(
            "nothing to change: no owner, description or tag given".to_string(),
        ));
    }
    let tag = |t: &String| -> Result<String> {
        let t = t.trim().to_lowercase();
        if t.is_empty()
            || !t
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ':'))
        {
            return Err(ServiceError::Invalid(format!(
                "tag `{t}`: use letters, digits, `-`, `_` or `:`"
            )));
        }
        Ok(t)
    };
    let add: Vec<String> = change.add_tags.iter().map(tag).collect::<Result<_>>()?;
    let remove: Vec<String> = change.remove_tags.iter().map(tag).collect::<Result<_>>()?;
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
    let mut tags: std::collections::BTreeSet<String> = data.tags.iter().cloned().collect();
    tags.extend(add.iter().cloned());
    for t in &remove {
        tags.remove(t);
    }
    data.tags = tags.into_iter().collect();
    let mut session = store.begin().await?;
    let updated = session.update(table.id, &data).await?;
    session
        .insert(&AuditEvent {
            at: Utc::now(),
            actor: actor.to_string(),
            action: "table.annotate".to_string(),
            target: format!("{}.{}", source.name, table.qualified_name()),
            details: serde_json::json!({
                "owner": owner,
                "description": description,
                "tags_added": add,
                "tags_removed": remove,
            }),
        })
        .await?;
    session.commit().await?;
    Ok(updated)
}
