//! The catalog's search index: documents built from the store (tables,
//! columns, their descriptions, owners, sensitivity and lineage; policies and
//! open findings), kept in
//! step after every change and searched. The store is the truth: an index
//! that is missing or unreadable is rebuilt from it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use steward_search::{
    CatalogDoc, DocKind, Passage, SearchError, SearchIndex, SearchResults, SyncReport,
};
use steward_store::{Filter, Store};
use steward_types::{
    Classification, ClassificationOrigin, Column, Finding, FindingStatus, LineageEdge, PolicyRef,
    Record, Source,
};

use crate::classify::effective;
use crate::error::{Result, ServiceError};
use crate::lineage::asset_name;
use crate::lookup::{live_tables, present_columns};

/// Where the index lives and how many threads may build it.
#[derive(Debug, Clone)]
pub struct IndexSettings {
    pub dir: PathBuf,
    pub threads: usize,
}

/// Lineage neighbours by asset name (`raw.customers`, `raw.customers.email`).
#[derive(Default)]
struct Neighbours {
    upstream: BTreeMap<String, BTreeSet<String>>,
    downstream: BTreeMap<String, BTreeSet<String>>,
}

impl Neighbours {
    fn of(&self, name: &str) -> (Vec<String>, Vec<String>) {
        let get = |m: &BTreeMap<String, BTreeSet<String>>| {
            m.get(name)
                .map(|s| s.iter().cloned().collect())
                .unwrap_or_default()
        };
        (get(&self.upstream), get(&self.downstream))
    }
}

/// A label with its meaning in words, so prose finds it: how the index
/// holds a sensitivity label.
pub fn searchable_label(label: &str, origin: ClassificationOrigin) -> String {
    let words = label
        .parse::<steward_pii::Label>()
        .map(|l| l.words())
        .unwrap_or_default();
    let derived = if origin == ClassificationOrigin::Derived {
        " derived"
    } else {
        ""
    };
    format!("{label}{derived} {words}").trim().to_string()
}

/// Every live table and column of the catalog as an index document.
pub async fn catalog_docs(store: &Store) -> Result<Vec<CatalogDoc>> {
    let mut session = store.read().await?;
    let mut neighbours = Neighbours::default();
    for edge in session.list::<LineageEdge>(&Filter::all()).await? {
        let (from, to) = (asset_name(&edge.from), asset_name(&edge.to));
        neighbours
            .upstream
            .entry(to.clone())
            .or_default()
            .insert(from.clone());
        neighbours.downstream.entry(from).or_default().insert(to);
    }
    let sources = session.list::<Source>(&Filter::all()).await?;
    // The catalog's columns and classifications in one read each, grouped
    // here: a query per column would not scale to a million columns.
    let mut columns_of: HashMap<String, Vec<Record<Column>>> = HashMap::new();
    for column in session.list::<Column>(&present_columns()).await? {
        columns_of
            .entry(column.table_id.to_string())
            .or_default()
            .push(column);
    }
    let mut classifications_of: HashMap<String, Vec<Record<Classification>>> = HashMap::new();
    for row in session.list::<Classification>(&Filter::all()).await? {
        classifications_of
            .entry(row.column_id.to_string())
            .or_default()
            .push(row);
    }
    let mut docs = Vec::new();
    for (source, table) in live_tables(&mut session, sources).await? {
        let table_name = table.qualified_name();
        let mut columns = columns_of.remove(&table.id.to_string()).unwrap_or_default();
        columns.sort_by_key(|c| c.position);
        let mut table_labels = BTreeSet::new();
        let mut column_docs = Vec::with_capacity(columns.len());
        for column in &columns {
            let rows = classifications_of
                .remove(&column.id.to_string())
                .unwrap_or_default();
            let standing = effective(&rows);
            let labels: Vec<String> = standing
                .map(|row| searchable_label(&row.label, row.origin))
                .into_iter()
                .collect();
            table_labels.extend(standing.map(|row| row.label.clone()));
            let name = format!("{table_name}.{}", column.name);
            let (upstream, downstream) = neighbours.of(&name);
            column_docs.push(CatalogDoc {
                id: format!("column:{}:{name}", source.name),
                kind: Some(DocKind::Column),
                name,
                source: Some(source.name.clone()),
                schema: table.schema.clone(),
                table: Some(table_name.clone()),
                data_type: Some(column.data_type.clone()),
                // A steward's description and the source's comment, both prose.
                description: match (&column.description, &column.comment) {
                    (Some(d), Some(c)) => Some(format!("{d} {c}")),
                    (d, c) => d.clone().or_else(|| c.clone()),
                },
                labels,
                owners: table.owner.iter().cloned().collect(),
                tags: table.tags.clone(),
                upstream,
                downstream,
                columns: Vec::new(),
            });
        }
        let (upstream, downstream) = neighbours.of(&table_name);
        docs.push(CatalogDoc {
            id: format!("table:{}:{table_name}", source.name),
            kind: Some(DocKind::Table),
            name: table_name.clone(),
            source: Some(source.name.clone()),
            schema: table.schema.clone(),
            table: None,
            data_type: Some(table.kind.to_string()),
            description: table.description.clone(),
            labels: table_labels.into_iter().collect(),
            owners: table.owner.iter().cloned().collect(),
            tags: table.tags.clone(),
            upstream,
            downstream,
            columns: columns.iter().map(|c| c.name.clone()).collect(),
        });
        docs.extend(column_docs);
    }
    docs.extend(governance_docs(&mut session).await?);
    session.commit().await?;
    Ok(docs)
}

/// The policies the catalog knows and the findings still open, so a steward
/// can search "credentials" and find the policy and what violates it.
async fn governance_docs(session: &mut steward_store::Session) -> Result<Vec<CatalogDoc>> {
    let mut docs = Vec::new();
    let mut titles = HashMap::new();
    for policy in session.list::<PolicyRef>(&Filter::all()).await? {
        let p = policy.data;
        titles.insert(p.key.clone(), p.title.clone());
        let description = [
            p.title.as_str(),
            p.description.as_str(),
            p.remediation.as_str(),
        ]
        .iter()
        .filter(|t| !t.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
        let mut tags = p.tags.clone();
        tags.push(p.severity.to_string());
        docs.push(CatalogDoc {
            id: format!("policy:{}", p.key),
            kind: Some(DocKind::Policy),
            name: p.key.clone(),
            source: None,
            schema: None,
            table: None,
            data_type: None,
            description: Some(description),
            labels: Vec::new(),
            owners: Vec::new(),
            tags,
            upstream: Vec::new(),
            downstream: Vec::new(),
            columns: Vec::new(),
        });
    }
    for finding in session.list::<Finding>(&Filter::all()).await? {
        if !matches!(
            finding.status,
            FindingStatus::Open | FindingStatus::Acknowledged
        ) {
            continue;
        }
        let title = titles.get(&finding.policy_key).cloned().unwrap_or_default();
        docs.push(CatalogDoc {
            id: format!("finding:{}", finding.id),
            kind: Some(DocKind::Finding),
            name: finding.asset.clone(),
            source: None,
            schema: None,
            table: None,
            data_type: None,
            description: Some(
                format!("{title}: {}", finding.message)
                    .trim_start_matches(": ")
                    .to_string(),
            ),
            labels: Vec::new(),
            owners: Vec::new(),
            tags: vec![
                finding.policy_key.clone(),
                finding.severity.to_string(),
                finding.status.to_string(),
            ],
            upstream: Vec::new(),
            downstream: Vec::new(),
            columns: Vec::new(),
        });
    }
    Ok(docs)
}

/// Opens the index on a blocking thread (Tantivy does file IO and CPU work).
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> std::result::Result<T, SearchError> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ServiceError::stopped("index task", e))?
        .map_err(Into::into)
}

/// Brings the index in step with the store: only documents that changed are
/// rewritten. A missing or unreadable index is rebuilt whole.
pub async fn sync_index(store: &Store, settings: &IndexSettings) -> Result<SyncReport> {
    let docs = catalog_docs(store).await?;
    let settings = settings.clone();
    blocking(move || {
        let mut index = SearchIndex::open(&settings.dir, settings.threads)?;
        index.sync(&docs)
    })
    .await
}

/// Rebuilds the index from the store, whatever state it is in.
pub async fn rebuild_index(store: &Store, settings: &IndexSettings) -> Result<SyncReport> {
    let docs = catalog_docs(store).await?;
    let settings = settings.clone();
    blocking(move || {
        let mut index = SearchIndex::open(&settings.dir, settings.threads)?;
        index.rebuild(&docs)
    })
    .await
}

/// The index, filled from the store first when it had to be created.
async fn ready_index(store: &Store, settings: &IndexSettings) -> Result<SearchIndex> {
    let dir = settings.dir.clone();
    let threads = settings.threads;
    let index = blocking(move || SearchIndex::open(&dir, threads)).await?;
    if !index.needs_rebuild() {
        return Ok(index);
    }
    tracing::info!(dir = %settings.dir.display(), "building the search index from the catalog");
    let docs = catalog_docs(store).await?;
    blocking(move || {
        let mut index = index;
        index.rebuild(&docs)?;
        Ok(index)
    })
    .await
}

/// Searches the catalog: `filters` are facet name and value pairs
/// (`kind=column`, `label=email_address`, `source=lake`).
pub async fn search(
    store: &Store,
    settings: &IndexSettings,
    query: &str,
    filters: Vec<(String, String)>,
    limit: usize,
) -> Result<SearchResults> {
    let index = ready_index(store, settings).await?;
    let query = query.to_string();
    blocking(move || index.search(&query, &filters, limit)).await
}

/// Passages for a question, each tied to the asset it cites; `kinds`
/// narrows to kinds of documents (empty: all).
pub async fn retrieve(
    store: &Store,
    settings: &IndexSettings,
    question: &str,
    k: usize,
    kinds: &[DocKind],
) -> Result<Vec<Passage>> {
    let index = ready_index(store, settings).await?;
    let question = question.to_string();
    let kinds = kinds.to_vec();
    blocking(move || index.retrieve(&question, k, &kinds)).await
}
