//! dbt models as catalog assets. After an ingestion, each model the project
//! builds (anything but `ephemeral`) is a table of the catalog: the table a
//! scan found under the model's name, given what the project documents
//! (description, `meta.owner`, tags, column descriptions) where a steward
//! has not written their own; or, when the warehouse has not materialised it
//! where Steward scans, a table of kind `model` in the source its upstream
//! tables live in, with the columns the project documents or its lineage
//! gives. A later scan that finds the model's table updates that same row
//! (a table or view now), so there is one asset, not two.

use std::collections::{BTreeMap, BTreeSet};

use steward_store::{Filter, Session, Store};
use steward_types::{
    Column, Id, ModelColumnDocs, ModelDefinition, Record, Source, Table, TableKind,
};

use crate::error::Result;
use crate::lineage::KnownInput;

/// What cataloguing the models did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ModelAssets {
    /// Models now catalog tables of kind `model` (not materialised where
    /// Steward scans).
    pub added: usize,
    /// Models whose table the catalog already had, given the project's docs.
    pub documented: usize,
    /// Models that could not be placed in one source, with why.
    pub unplaced: Vec<(String, String)>,
    /// Models whose columns and types came from a dbt `catalog.json`.
    pub typed: usize,
}

/// `schema.table` of a model's target (`db.schema.table` loses its database:
/// the catalog names tables by schema).
pub(crate) fn schema_and_name(target: &str) -> (Option<String>, String) {
    let parts: Vec<&str> = target.split('.').collect();
    match parts.as_slice() {
        [name] => (None, (*name).to_string()),
        [.., schema, name] => (Some((*schema).to_string()), (*name).to_string()),
        [] => (None, String::new()),
    }
}

/// Whether a catalog table is the one a (possibly database-qualified) name
/// names, loosely: an upstream table read as `main.orders` is a SQLite
/// source's `orders`.
fn names(table: &Table, name: &str) -> bool {
    let qualified = table.qualified_name();
    qualified == name || name.ends_with(&format!(".{qualified}"))
}

/// Whether a catalog table is a model's own table: the same schema and name
/// (a model `analytics.customers` is not the raw `customers` table of a
/// source without schemas).
pub(crate) fn builds(model: &str, table: &Table) -> bool {
    let (schema, name) = schema_and_name(model);
    table.name.eq_ignore_ascii_case(&name)
        && match (&table.schema, &schema) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            (None, None) => true,
            _ => false,
        }
}

/// Catalogs the models of one ingestion; `known` holds their lineage (by
/// origin reference), which says what each model reads.
pub(crate) async fn catalog_models(
    store: &Store,
    models: &[ModelDefinition],
    known: &[KnownInput],
) -> Result<ModelAssets> {
    let mut report = ModelAssets::default();
    let built: Vec<&ModelDefinition> = models
        .iter()
        .filter(|m| m.materialized.as_deref() != Some("ephemeral"))
        .collect();
    if built.is_empty() {
        return Ok(report);
    }
    let lineage: BTreeMap<&str, &KnownInput> =
        known.iter().map(|k| (k.origin_ref.as_str(), k)).collect();
    let mut session = store.begin().await?;
    session.lock("steward:model_assets").await?;
    let sources = session.list::<Source>(&Filter::all()).await?;
    let mut tables = session
        .list::<Table>(&Filter::all().is_null("dropped_at"))
        .await?;
    // Models reading other models are placed once those are: passes until
    // nothing more can be.
    let mut pending: Vec<&ModelDefinition> = built;
    loop {
        let before = pending.len();
        let mut waiting = Vec::new();
        for model in pending {
            if let Some(table) = tables.iter().find(|t| builds(&model.model, t)) {
                document(&mut session, table, model).await?;
                report.documented += 1;
                continue;
            }
            let known = lineage.get(model.origin_ref.as_str()).copied();
            let reads: BTreeSet<String> =
                known.map(|k| k.lineage.sources.clone()).unwrap_or_default();
            match home(&sources, &tables, &reads) {
                Home::One(source) => {
                    let record = add(&mut session, source, model, known).await?;
                    tables.push(record);
                    report.added += 1;
                }
                Home::NotYet => waiting.push(model),
                Home::Several(names) => report.unplaced.push((
                    model.model.clone(),
                    format!(
                        "it reads tables of several sources ({}); it stays in steward.models",
                        names.join(", ")
                    ),
                )),
            }
        }
        if waiting.is_empty() {
            break;
        }
        if waiting.len() == before {
            for model in waiting {
                report.unplaced.push((
                    model.model.clone(),
                    "none of the tables it reads is in the catalog (scan their source first); \
                     it stays in steward.models"
                        .to_string(),
                ));
            }
            break;
        }
        pending = waiting;
    }
    session.commit().await?;
    Ok(report)
}

enum Home {
    One(Id<Source>),
    /// Its upstream tables are not catalogued yet (another model, perhaps).
    NotYet,
    Several(Vec<String>),
}

/// The source a model's table belongs in: the one its upstream tables are
/// in; with no upstream table at all (a model of constants), the catalog's
/// only source.
fn home(sources: &[Record<Source>], tables: &[Record<Table>], reads: &BTreeSet<String>) -> Home {
    let found: BTreeSet<Id<Source>> = reads
        .iter()
        .filter_map(|r| tables.iter().find(|t| names(t, r)).map(|t| t.source_id))
        .collect();
    match found.len() {
        1 => found.into_iter().next().map_or(Home::NotYet, Home::One),
        0 => match sources {
            [only] if reads.is_empty() => Home::One(only.id),
            _ => Home::NotYet,
        },
        _ => Home::Several(
            sources
                .iter()
                .filter(|s| found.contains(&s.id))
                .map(|s| s.name.clone())
                .collect(),
        ),
    }
}

/// The project's docs on a table the catalog has: what a steward or the
/// database wrote stays; a table of kind `model` takes the project's word.
async fn document(
    session: &mut Session,
    table: &Record<Table>,
    model: &ModelDefinition,
) -> Result<()> {
    let docs = &model.docs;
    let is_model = table.kind == TableKind::Model;
    let mut data = table.data.clone();
    if is_model || data.description.is_none() {
        data.description = docs.description.clone().or(data.description);
    }
    if is_model || data.owner.is_none() {
        data.owner = docs.owner.clone().or(data.owner);
    }
    data.tags = merged_tags(&data.tags, &docs.tags);
    if is_model {
        data.view_sql = model.compiled_sql.clone();
    }
    if data != table.data {
        session.update(table.id, &data).await?;
    }
    let columns = session
        .list::<Column>(&Filter::all().eq_id("table_id", table.id))
        .await?;
    let mut position = columns.len() as i64;
    for documented in &docs.columns {
        let Some(column) = columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(&documented.name))
        else {
            if is_model {
                session
                    .insert(&model_column(table.id, position, documented))
                    .await?;
                position += 1;
            }
            continue;
        };
        let mut data = column.data.clone();
        if data.comment.is_none() && documented.description.is_some() {
            data.comment = documented.description.clone();
        }
        // A scanned table's types are the warehouse's own; a model's are
        // the project's word until a scan reads it.
        if is_model && let Some(data_type) = &documented.data_type {
            data.data_type = data_type.clone();
        }
        if data != column.data {
            session.update(column.id, &data).await?;
        }
    }
    Ok(())
}

/// A table's tags with the project's added, as the catalog keeps tags
/// (trimmed, lowercase, sorted, once each; see `annotate`).
fn merged_tags(kept: &[String], documented: &[String]) -> Vec<String> {
    kept.iter()
        .chain(documented)
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

fn model_column(table_id: Id<Table>, position: i64, documented: &ModelColumnDocs) -> Column {
    Column {
        table_id,
        name: documented.name.to_lowercase(),
        position,
        // Without a dbt catalog or a declared type, known once the
        // warehouse builds it and a scan reads it.
        data_type: documented
            .data_type
            .clone()
            .unwrap_or_else(|| "unknown".to_string()),
        nullable: true,
        comment: documented.description.clone(),
        description: None,
        value_warning: None,
        primary_key: false,
        removed_at: None,
    }
}

/// A model the warehouse has not materialised where Steward scans, as a
/// table of kind `model`: the columns the project documents, else those its
/// lineage writes.
async fn add(
    session: &mut Session,
    source: Id<Source>,
    model: &ModelDefinition,
    lineage: Option<&KnownInput>,
) -> Result<Record<Table>> {
    let (schema, name) = schema_and_name(&model.model);
    let table = Table {
        description: model.docs.description.clone(),
        owner: model.docs.owner.clone(),
        tags: merged_tags(&[], &model.docs.tags),
        view_sql: model.compiled_sql.clone(),
        ..Table::named(source, schema, name, TableKind::Model)
    };
    let record = session.insert(&table).await?;
    let mut columns: Vec<ModelColumnDocs> = model.docs.columns.clone();
    if columns.is_empty()
        && let Some(known) = lineage
    {
        for edge in &known.lineage.edges {
            let written = edge
                .target_table
                .as_deref()
                .is_some_and(|t| t == model.model);
            if written
                && edge.target_column != "*"
                && !columns.iter().any(|c| c.name == edge.target_column)
            {
                columns.push(ModelColumnDocs {
                    name: edge.target_column.clone(),
                    ..ModelColumnDocs::default()
                });
            }
        }
    }
    for (position, column) in columns.iter().enumerate() {
        session
            .insert(&model_column(record.id, position as i64, column))
            .await?;
    }
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(schema: Option<&str>, name: &str) -> Table {
        Table::named(
            Id::new(1),
            schema.map(str::to_string),
            name.to_string(),
            TableKind::Table,
        )
    }

    #[test]
    fn a_model_builds_the_table_of_its_schema_and_name_only() {
        assert!(builds("mart.orders", &table(Some("mart"), "orders")));
        assert!(builds(
            "analytics_db.mart.orders",
            &table(Some("MART"), "Orders")
        ));
        // A raw table named like the model, in a source without schemas or
        // in another schema, is not the model's.
        assert!(!builds("analytics.customers", &table(None, "customers")));
        assert!(!builds(
            "analytics.customers",
            &table(Some("raw"), "customers")
        ));
        // Upstream reads match loosely: `main.orders` is a SQLite `orders`.
        assert!(names(&table(None, "orders"), "main.orders"));
    }
}
