//! Reading the catalog back: table lists and a table's whole page.

use serde::Serialize;
use steward_store::{Filter, Session, Store};
use steward_types::{
    ChangeEvent, Classification, ClassificationOrigin, Column, ColumnProfile, Id, Record, Source,
    Table,
};

use crate::error::{Result, ServiceError};
use crate::sources::find_source;

/// The tables of `sources` that are not dropped, with their source: what
/// the catalog currently holds, for the walks over all of it.
pub(crate) async fn live_tables(
    session: &mut Session,
    sources: Vec<Record<Source>>,
) -> Result<Vec<(Record<Source>, Record<Table>)>> {
    let mut out = Vec::new();
    for source in sources {
        let tables = session
            .list::<Table>(
                &Filter::all()
                    .eq_id("source_id", source.id)
                    .is_null("dropped_at"),
            )
            .await?;
        out.extend(tables.into_iter().map(|t| (source.clone(), t)));
    }
    Ok(out)
}

/// A table's columns in position order (not the removed ones).
pub(crate) async fn table_columns(
    session: &mut Session,
    table: &Record<Table>,
) -> Result<Vec<Record<Column>>> {
    let mut columns = session
        .list::<Column>(&present_columns().eq_id("table_id", table.id))
        .await?;
    columns.sort_by_key(|c| c.position);
    Ok(columns)
}

/// Columns the tables have now: a column a scan found gone stays in the
/// store (marked removed, with a steward's decision on it) but not in the
/// catalog's picture of the warehouse.
pub(crate) fn present_columns() -> Filter {
    Filter::all().is_null("removed_at")
}

/// One line of `steward tables`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TableSummary {
    pub source: String,
    #[serde(flatten)]
    pub table: Record<Table>,
    pub columns: i64,
}

/// Everything `steward show TABLE` prints.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TableDetail {
    pub source: Record<Source>,
    pub table: Record<Table>,
    pub columns: Vec<ColumnDetail>,
    /// Columns a scan found gone on which a steward had decided: the decision
    /// is kept, and stands again if the column comes back.
    pub removed_with_decisions: Vec<RemovedColumnDecision>,
    /// Schema changes, newest first.
    pub changes: Vec<Record<ChangeEvent>>,
    /// The dbt model that builds the table, when one was ingested: its file,
    /// materialisation, compiled SQL, and what the project documents
    /// (columns with their tests).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<Record<steward_types::ModelDefinition>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ColumnDetail {
    #[serde(flatten)]
    pub column: Record<Column>,
    /// The latest profile (masked as stored).
    pub profile: Option<Record<ColumnProfile>>,
    /// The label that stands (a steward's decision, else the detector's).
    pub sensitivity: Option<Record<Classification>>,
    /// Every classification row: the detector's, a steward's, quasi-identifiers.
    pub classifications: Vec<Record<Classification>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RemovedColumnDecision {
    pub column: Record<Column>,
    pub decision: Record<Classification>,
}

pub async fn list_tables(store: &Store, source: Option<&str>) -> Result<Vec<TableSummary>> {
    let sources = match source {
        Some(name) => vec![find_source(store, name).await?],
        None => {
            let mut session = store.read().await?;
            session.list::<Source>(&Filter::all()).await?
        }
    };
    let mut session = store.read().await?;
    let mut out = Vec::new();
    for source in sources {
        let tables = session
            .list::<Table>(&Filter::all().eq_id("source_id", source.id))
            .await?;
        for table in tables {
            let columns = session
                .count::<Column>(&present_columns().eq_id("table_id", table.id))
                .await?;
            out.push(TableSummary {
                source: source.name.clone(),
                table,
                columns,
            });
        }
    }
    out.sort_by(|a, b| {
        (&a.source, a.table.qualified_name()).cmp(&(&b.source, b.table.qualified_name()))
    });
    Ok(out)
}

/// Finds a table by `source.schema.table`, `schema.table`, `source.table` or `table`.
pub(crate) async fn resolve(store: &Store, name: &str) -> Result<(Record<Source>, Record<Table>)> {
    let mut session = store.read().await?;
    let found = resolve_in(&mut session, name).await?;
    session.rollback().await?;
    Ok(found)
}

/// [`resolve`] inside a unit of work already begun.
pub(crate) async fn resolve_in(
    session: &mut Session,
    name: &str,
) -> Result<(Record<Source>, Record<Table>)> {
    let sources = session.list::<Source>(&Filter::all()).await?;
    let summaries = |tables: Vec<Record<Table>>| -> Vec<TableSummary> {
        tables
            .into_iter()
            .filter_map(|table| {
                let source = sources.iter().find(|s| s.id == table.source_id)?;
                Some(TableSummary {
                    source: source.name.clone(),
                    table,
                    // Not needed to tell tables apart.
                    columns: 0,
                })
            })
            .collect()
    };
    // Every way of naming a table ends with the table's own name, and a name
    // spelled as stored is the one that wins (see `pick`): the tables of that
    // name decide, not the whole catalog, which a large one makes slow.
    let last = name.rsplit('.').next().unwrap_or(name);
    let named = summaries(
        session
            .list::<Table>(&Filter::all().eq_text("name", last))
            .await?,
    );
    let chosen = match pick(&named, name) {
        Ok(chosen) => chosen.clone(),
        // Spelled in another case, or a table whose own name holds a dot.
        Err(ServiceError::NotFound(_)) => {
            let all = summaries(session.list::<Table>(&Filter::all()).await?);
            pick(&all, name)?.clone()
        }
        Err(e) => return Err(e),
    };
    let source = sources
        .into_iter()
        .find(|s| s.id == chosen.table.source_id)
        .ok_or_else(|| ServiceError::NotFound(format!("the source of table `{name}`")))?;
    Ok((source, chosen.table))
}

/// The table of `all` that `name` names. Case counts only when it tells
/// tables apart: `RAW.Customers` finds `raw.customers` unless another
/// table is spelled exactly so.
pub(crate) fn pick<'a>(all: &'a [TableSummary], name: &str) -> Result<&'a TableSummary> {
    let names = |t: &TableSummary| {
        let qualified = t.table.qualified_name();
        [
            format!("{}.{qualified}", t.source),
            qualified,
            format!("{}.{}", t.source, t.table.name),
            t.table.name.clone(),
        ]
    };
    let mut matches: Vec<&TableSummary> = all
        .iter()
        .filter(|t| names(t).iter().any(|n| n == name))
        .collect();
    if matches.is_empty() {
        matches = all
            .iter()
            .filter(|t| names(t).iter().any(|n| n.eq_ignore_ascii_case(name)))
            .collect();
    }
    match matches.as_slice() {
        [] => Err(ServiceError::NotFound(format!("table `{name}`"))),
        [one] => Ok(*one),
        many => {
            // A table whose qualified name is exactly the name given wins over
            // tables whose bare name it is (`customers` of a SQLite source
            // over `raw.customers` of a lake).
            let exact: Vec<_> = many
                .iter()
                .filter(|t| names(t)[..2].iter().any(|n| n.eq_ignore_ascii_case(name)))
                .collect();
            match exact.as_slice() {
                [one] => Ok(**one),
                _ => {
                    let names: Vec<String> = many
                        .iter()
                        .map(|t| format!("{}.{}", t.source, t.table.qualified_name()))
                        .collect();
                    Err(ServiceError::Invalid(format!(
                        "table `{name}` is ambiguous: {}",
                        names.join(", ")
                    )))
                }
            }
        }
    }
}

/// A table's whole page, read from one snapshot of the catalog: a
/// handful of queries whatever the number of columns (one per kind of
/// row, not one per column), taking no write lock, so pages served side by
/// side neither queue behind each other nor behind a scan.
pub async fn table_detail(store: &Store, name: &str) -> Result<TableDetail> {
    let mut session = store.read().await?;
    let (source, table) = resolve_in(&mut session, name).await?;
    let present = table_columns(&mut session, &table).await?;
    let removed = session
        .list::<Column>(
            &Filter::all()
                .eq_id("table_id", table.id)
                .is_not_null("removed_at"),
        )
        .await?;
    let mut classifications = by_column(
        session
            .list::<Classification>(
                &Filter::all().in_ids("column_id", present.iter().chain(&removed).map(|c| c.id)),
            )
            .await?,
        |c| c.column_id,
    );
    // Scans keep every profile a column had; the page shows the latest.
    let mut profiles = std::collections::HashMap::new();
    for column in &present {
        let profile = session
            .find_one::<ColumnProfile>(Filter::all().eq_id("column_id", column.id).newest_first())
            .await?;
        profiles.insert(column.id, profile);
    }
    let changes = session
        .list::<ChangeEvent>(
            &Filter::all()
                .eq_id("table_id", table.id)
                .newest_first()
                .limit(50),
        )
        .await?;
    let model = session
        .list::<steward_types::ModelDefinition>(&Filter::all())
        .await?
        .into_iter()
        .find(|m| crate::models::builds(&m.model, &table));
    session.rollback().await?;

    let columns = present
        .into_iter()
        .map(|column| {
            let classifications = classifications.remove(&column.id).unwrap_or_default();
            ColumnDetail {
                profile: profiles.remove(&column.id).flatten(),
                sensitivity: crate::classify::effective(&classifications).cloned(),
                classifications,
                column,
            }
        })
        .collect();
    let removed_with_decisions = removed
        .into_iter()
        .filter_map(|column| {
            let decision = classifications
                .remove(&column.id)?
                .into_iter()
                .find(|c| c.origin == ClassificationOrigin::Steward)?;
            Some(RemovedColumnDecision { column, decision })
        })
        .collect();
    Ok(TableDetail {
        source,
        table,
        columns,
        removed_with_decisions,
        changes,
        model,
    })
}

/// Rows grouped by the column they belong to, in the order read.
fn by_column<T>(
    rows: Vec<Record<T>>,
    column_of: impl Fn(&Record<T>) -> Id<Column>,
) -> std::collections::HashMap<Id<Column>, Vec<Record<T>>> {
    let mut grouped: std::collections::HashMap<Id<Column>, Vec<Record<T>>> =
        std::collections::HashMap::new();
    for row in rows {
        grouped.entry(column_of(&row)).or_default().push(row);
    }
    grouped
}

/// The names of everything the catalog holds now: what an answer may cite.
/// A table goes by its qualified name (`raw.customers`), or, when tables of
/// several sources share it, by its source and qualified name
/// (`app.customers`), as `steward show` tells them apart.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CatalogAssets {
    /// Live tables by the name answers cite, with their present columns.
    pub tables: std::collections::BTreeMap<String, Vec<String>>,
    /// `(source, qualified name)` to the name answers cite.
    #[serde(skip)]
    names: std::collections::BTreeMap<(String, String), String>,
}

impl CatalogAssets {
    /// Assets of tables named as given (each its source's only table of
    /// that name): for tests of what reads them.
    pub fn from_tables(tables: impl IntoIterator<Item = (String, Vec<String>)>) -> Self {
        Self {
            tables: tables.into_iter().collect(),
            names: Default::default(),
        }
    }

    /// The name answers cite for a table of a source.
    pub fn name(&self, source: &str, qualified: &str) -> String {
        self.names
            .get(&(source.to_string(), qualified.to_string()))
            .cloned()
            .unwrap_or_else(|| qualified.to_string())
    }

    /// The asset a citation names (`table` or `table.column`), as the
    /// catalog spells it; case does not matter.
    pub fn resolve(&self, citation: &str) -> Option<String> {
        let wanted = citation.trim().trim_matches('`').to_lowercase();
        for (table, columns) in &self.tables {
            let lower = table.to_lowercase();
            if lower == wanted {
                return Some(table.clone());
            }
            if let Some(column) = wanted
                .strip_prefix(&lower)
                .and_then(|rest| rest.strip_prefix('.'))
                && let Some(found) = columns.iter().find(|c| c.to_lowercase() == column)
            {
                return Some(format!("{table}.{found}"));
            }
        }
        None
    }
}

pub(crate) async fn catalog_assets(store: &Store) -> Result<CatalogAssets> {
    let mut session = store.read().await?;
    let sources = session.list::<Source>(&Filter::all()).await?;
    let live = live_tables(&mut session, sources).await?;
    let mut count: std::collections::BTreeMap<String, usize> = Default::default();
    for (_, table) in &live {
        *count.entry(table.qualified_name()).or_default() += 1;
    }
    let mut assets = CatalogAssets::default();
    for (source, table) in live {
        let qualified = table.qualified_name();
        let name = if count[&qualified] > 1 {
            format!("{}.{qualified}", source.name)
        } else {
            qualified.clone()
        };
        let columns = table_columns(&mut session, &table).await?;
        assets.tables.insert(
            name.clone(),
            columns.into_iter().map(|c| c.data.name).collect(),
        );
        assets.names.insert((source.name.clone(), qualified), name);
    }
    Ok(assets)
}
