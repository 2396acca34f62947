//! Lineage in the catalog: SQL from query logs and dbt-style model files read
//! into table and column edges (idempotently: re-ingesting an input replaces
//! its edges), and the graph walked upstream or downstream.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::Serialize;
use steward_lineage::{Conventions, Lineage, Schema, analyze_with};
use steward_store::{Filter, Store};
use steward_types::{AssetRef, EdgeKind, JobRun, LineageEdge, LineageOrigin, Record, Source};

use crate::error::{Result, ServiceError};
use crate::lookup::{live_tables, table_columns};
use crate::sources::source_dialect;

/// One piece of SQL to read lineage from.
#[derive(Debug, Clone)]
pub struct SqlInput {
    pub origin: LineageOrigin,
    /// The query id or file the SQL came from; its edges are replaced on
    /// re-ingestion.
    pub origin_ref: String,
    pub sql: String,
    pub dialect: String,
}

/// What an ingestion did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IngestReport {
    pub inputs: usize,
    /// Inputs that wrote tables (plain SELECTs carry no lineage).
    pub with_lineage: usize,
    pub table_edges: usize,
    pub column_edges: usize,
    /// Columns holding a derived label after the run (see `propagate`).
    pub derived: usize,
    /// Model files whose code was stored (`steward.models`), changed or not.
    pub models: usize,
    /// The models as catalog assets (see `models::catalog_models`).
    pub assets: crate::models::ModelAssets,
    /// Inputs that could not be read, with the reason.
    pub errors: Vec<(String, String)>,
    /// What the query logs added to usage, when query logs were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<crate::usage::UsageReport>,
    /// How each query log was read, every record accounted for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub logs: Vec<crate::ingestion::LogReport>,
}

impl IngestReport {
    /// Records of the query logs that were broken (not what the log's
    /// format says), as opposed to records that are not queries.
    pub fn malformed_records(&self) -> usize {
        self.logs
            .iter()
            .map(|l| l.skipped.iter().filter(|s| s.malformed).count())
            .sum()
    }
}

/// Table columns the catalog knows, for resolving unqualified columns and
/// expanding stars, keyed by `schema.table`.
async fn catalog_schema(store: &Store) -> Result<Schema> {
    let mut session = store.read().await?;
    let mut schema = Schema::new();
    let sources = session.list::<Source>(&Filter::all()).await?;
    for (_, table) in live_tables(&mut session, sources).await? {
        let columns = table_columns(&mut session, &table).await?;
        schema.add(
            &table.qualified_name(),
            columns.iter().map(|c| c.name.as_str()),
        );
    }
    Ok(schema)
}

fn kind(kind: steward_lineage::EdgeKind) -> EdgeKind {
    match kind {
        steward_lineage::EdgeKind::Direct => EdgeKind::Direct,
        steward_lineage::EdgeKind::Transformation => EdgeKind::Transformation,
        steward_lineage::EdgeKind::Aggregation => EdgeKind::Aggregation,
    }
}

/// Lineage that arrives worked out (OpenLineage events, an uncompiled dbt
/// manifest's `depends_on`), with where it came from.
#[derive(Debug, Clone)]
pub struct KnownInput {
    pub origin: LineageOrigin,
    pub origin_ref: String,
    pub lineage: Lineage,
}

fn edges_of(lineage: &Lineage, input: &KnownInput) -> Vec<LineageEdge> {
    let confidence = lineage.confidence();
    let reason = (!lineage.warnings.is_empty()).then(|| lineage.warnings.join("; "));
    let mut out = Vec::new();
    for source in &lineage.sources {
        for target in &lineage.targets {
            out.push(LineageEdge {
                from: AssetRef {
                    table: source.clone(),
                    column: None,
                },
                to: AssetRef {
                    table: target.clone(),
                    column: None,
                },
                kind: EdgeKind::Transformation,
                confidence,
                reason: reason.clone(),
                origin: input.origin,
                origin_ref: Some(input.origin_ref.clone()),
                functions: Vec::new(),
            });
        }
    }
    for edge in &lineage.edges {
        let Some(target) = &edge.target_table else {
            continue;
        };
        if edge.source.table.is_empty() {
            continue;
        }
        out.push(LineageEdge {
            from: AssetRef {
                table: edge.source.table.clone(),
                column: Some(edge.source.column.clone()),
            },
            to: AssetRef {
                table: target.clone(),
                column: Some(edge.target_column.clone()),
            },
            kind: kind(edge.kind),
            confidence,
            reason: reason.clone(),
            origin: input.origin,
            origin_ref: Some(input.origin_ref.clone()),
            functions: edge.functions.iter().cloned().collect(),
        });
    }
    out
}

/// Reads lineage from each input and stores it, each input's edges replaced
/// whole; an input that cannot be read is reported and the rest go on.
pub async fn ingest(store: &Store, inputs: &[SqlInput]) -> Result<IngestReport> {
    let (known, errors) = analyse_inputs(store, inputs.to_vec(), Conventions::default()).await?;
    let mut report = IngestReport {
        inputs: inputs.len(),
        errors,
        ..IngestReport::default()
    };
    let mut on_event = |_| {};
    let mut progress = Progress {
        run: None,
        on_event: &mut on_event,
        done: 0,
        total: known.len(),
    };
    store_inputs(store, &known, &mut report, &mut progress).await?;
    Ok(report)
}

/// The lineage of each input against the catalog's columns, and the inputs
/// that could not be read with why (their quoted values taken out).
pub(crate) async fn analyse_inputs(
    store: &Store,
    inputs: Vec<SqlInput>,
    conventions: Conventions,
) -> Result<(Vec<KnownInput>, Vec<(String, String)>)> {
    let schema = catalog_schema(store).await?;
    // Parsing is CPU work: done on a blocking thread, off the async tasks.
    tokio::task::spawn_blocking(move || {
        let mut known = Vec::with_capacity(inputs.len());
        let mut errors = Vec::new();
        for input in inputs {
            match analyze_with(&input.sql, &input.dialect, &schema, conventions) {
                Ok(lineage) => known.push(KnownInput {
                    origin: input.origin,
                    origin_ref: input.origin_ref,
                    lineage,
                }),
                Err(e) => errors.push((
                    input.origin_ref,
                    steward_types::redact_quoted_values(&e.to_string()),
                )),
            }
        }
        (known, errors)
    })
    .await
    .map_err(|e| ServiceError::stopped("lineage analysis", e))
}

/// Stores lineage that needs no parsing.
pub async fn ingest_known(store: &Store, inputs: &[KnownInput]) -> Result<IngestReport> {
    let mut report = IngestReport {
        inputs: inputs.len(),
        ..IngestReport::default()
    };
    let mut on_event = |_| {};
    let mut progress = Progress {
        run: None,
        on_event: &mut on_event,
        done: 0,
        total: inputs.len(),
    };
    store_inputs(store, inputs, &mut report, &mut progress).await?;
    Ok(report)
}

/// Inputs written per transaction: few enough that a transaction is short,
/// enough that a large log is not thousands of commits (on SQLite, a writer
/// committing back to back leaves other processes little room).
const INPUTS_PER_TRANSACTION: usize = 256;

/// Where storing stands: the run beats and progress is reported after each
/// batch.
pub(crate) struct Progress<'a> {
    pub run: Option<&'a mut Record<JobRun>>,
    pub on_event: &'a mut (dyn FnMut(crate::ingestion::IngestEvent) + Send),
    pub done: usize,
    pub total: usize,
}

/// Replaces what each input contributed before with what it says now. Each
/// input's edges change together; batches serialise with other ingestions
/// (two processes replacing one input's edges at once would keep both).
pub(crate) async fn store_inputs(
    store: &Store,
    inputs: &[KnownInput],
    report: &mut IngestReport,
    progress: &mut Progress<'_>,
) -> Result<()> {
    for batch in inputs.chunks(INPUTS_PER_TRANSACTION) {
        let mut session = store.begin().await?;
        session.lock("steward:lineage_edges").await?;
        let mut written = Vec::with_capacity(batch.len());
        for input in batch {
            let edges = edges_of(&input.lineage, input);
            let old = session
                .list::<LineageEdge>(&Filter::all().eq_text("origin_ref", input.origin_ref.clone()))
                .await?;
            for edge in old {
                session.delete(edge.id).await?;
            }
            for edge in &edges {
                session.insert(edge).await?;
            }
            written.push((input, edges));
        }
        session.commit().await?;
        for (input, edges) in written {
            if !input.lineage.targets.is_empty() {
                report.with_lineage += 1;
            }
            report.table_edges += edges.iter().filter(|e| e.to.column.is_none()).count();
            report.column_edges += edges.iter().filter(|e| e.to.column.is_some()).count();
        }
        // A long ingestion shows life, so that another host does not take
        // it for interrupted.
        if let Some(run) = progress.run.as_deref_mut() {
            crate::runs::heartbeat(store, run).await?;
        }
        progress.done += batch.len();
        (progress.on_event)(crate::ingestion::IngestEvent::Stored {
            done: progress.done,
            total: progress.total,
        });
    }
    Ok(())
}

/// The views the scans found, as SQL inputs: each definition becomes
/// `CREATE VIEW name AS ...` in its database's dialect.
pub async fn view_inputs(store: &Store) -> Result<Vec<SqlInput>> {
    let mut session = store.read().await?;
    let mut out = Vec::new();
    let sources = session.list::<Source>(&Filter::all()).await?;
    for (source, table) in live_tables(&mut session, sources).await? {
        let dialect = source_dialect(source.kind);
        let Some(definition) = &table.view_sql else {
            continue;
        };
        let name = table.qualified_name();
        // SQLite keeps the whole statement, PostgreSQL and MySQL the query.
        let sql = if definition
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("create")
        {
            definition.clone()
        } else {
            format!("CREATE VIEW {name} AS {definition}")
        };
        out.push(SqlInput {
            origin: LineageOrigin::View,
            origin_ref: format!("view:{}.{name}", source.name),
            sql,
            dialect: dialect.to_string(),
        });
    }
    Ok(out)
}

/// A model rendered: the table it builds and its SELECT, templates rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedModel {
    /// `schema.model`.
    pub target: String,
    pub compiled: String,
}

impl RenderedModel {
    /// The model as the statement lineage reads: `CREATE TABLE target AS ...`.
    pub fn create_table_as(&self) -> String {
        format!("CREATE TABLE {} AS {}", self.target, self.compiled)
    }
}

/// A dbt model file rendered to SQL as dbt compiles it (see
/// `steward_lineage::DbtRenderer`); the model builds `schema.model`, its
/// schema the one the project sets (else `analytics`).
pub fn render_model(
    name: &str,
    text: &str,
    schemas: &BTreeMap<String, String>,
    renderer: &steward_lineage::DbtRenderer<'_>,
) -> Result<RenderedModel> {
    let schema = schemas
        .get(name)
        .cloned()
        .or_else(|| model_schema(text))
        .unwrap_or_else(|| "analytics".to_string());
    let target = format!("{schema}.{name}");
    let compiled = renderer
        .render(&target, text)
        .map_err(|e| ServiceError::Invalid(format!("model `{name}`: {e}")))?;
    Ok(RenderedModel {
        target,
        compiled: compiled.trim().trim_end_matches(';').trim_end().to_string(),
    })
}

fn string_args(call: &str) -> Vec<String> {
    call.split(['\'', '"'])
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_string())
        .collect()
}

/// What a model's own `{{ config(...) }}` sets: `schema='mart'`,
/// `materialized='view'`, `tags=['a', 'b']` and `meta={'owner': 'x'}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InlineConfig {
    pub schema: Option<String>,
    pub materialized: Option<String>,
    pub tags: Vec<String>,
    pub owner: Option<String>,
}

/// The arguments of the model's `config(...)`, balanced parentheses and
/// brackets kept together.
fn config_args(text: &str) -> Option<&str> {
    let start = text.find("config(")? + "config(".len();
    let mut depth = 1usize;
    for (i, c) in text[start..].char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[start..start + i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// The value after `key=` in a config's arguments, up to the next top-level comma.
fn config_value<'t>(args: &'t str, key: &str) -> Option<&'t str> {
    let mut from = 0;
    while let Some(at) = args[from..].find(key) {
        let at = from + at;
        let before_ok = args[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_');
        let after = args[at + key.len()..].trim_start();
        if before_ok && let Some(value) = after.strip_prefix('=') {
            let value = value.trim_start();
            let mut depth = 0usize;
            let end = value
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '(' | '[' | '{' => depth += 1,
                        ')' | ']' | '}' => depth = depth.saturating_sub(1),
                        ',' if depth == 0 => return true,
                        _ => {}
                    }
                    false
                })
                .map_or(value.len(), |(i, _)| i);
            return Some(value[..end].trim());
        }
        from = at + key.len();
    }
    None
}

/// What the model's own `{{ config(...) }}` sets.
pub fn inline_config(text: &str) -> InlineConfig {
    let Some(args) = config_args(text) else {
        return InlineConfig::default();
    };
    let first = |v: Option<&str>| v.and_then(|v| string_args(v).into_iter().next());
    InlineConfig {
        schema: first(config_value(args, "schema")),
        materialized: first(config_value(args, "materialized")),
        tags: config_value(args, "tags")
            .map(string_args)
            .unwrap_or_default(),
        owner: config_value(args, "meta").and_then(|meta| {
            let rest = &meta[meta.find("owner")?..];
            let value = &rest[rest.find(':')? + 1..];
            string_args(value).into_iter().next()
        }),
    }
}

/// `schema='mart'` in the model's `config(...)`.
pub fn model_schema(text: &str) -> Option<String> {
    inline_config(text).schema
}

/// Which way to walk the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Upstream,
    Downstream,
    Both,
}

/// A neighbourhood of the lineage graph.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Graph {
    pub root: String,
    /// Assets with their distance from the root (negative: upstream).
    pub nodes: BTreeMap<String, i64>,
    pub edges: Vec<LineageEdge>,
    /// The queries, models and jobs (origin references) the walked edges were
    /// read from: downstream, what breaks if the root is dropped or retyped.
    pub inputs: BTreeSet<String>,
}

impl Graph {
    /// The tables among the nodes, root excluded.
    pub fn tables(&self) -> BTreeSet<String> {
        self.edges
            .iter()
            .flat_map(|e| [&e.from.table, &e.to.table])
            .filter(|t| **t != self.root && !self.root.starts_with(&format!("{t}.")))
            .cloned()
            .collect()
    }

    /// The graph in Graphviz's DOT language, edges labelled with their kind.
    pub fn to_dot(&self) -> String {
        // Names come from SQL and may hold quotes or backslashes.
        let quoted =
            |name: String| format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""));
        let mut text = String::from("digraph lineage {\n  rankdir=LR;\n");
        for e in &self.edges {
            text.push_str(&format!(
                "  {} -> {} [label=\"{}\"];\n",
                quoted(asset_name(&e.from)),
                quoted(asset_name(&e.to)),
                e.kind
            ));
        }
        text.push_str("}\n");
        text
    }
}

pub(crate) fn asset_name(a: &AssetRef) -> String {
    match &a.column {
        Some(c) => format!("{}.{c}", a.table),
        None => a.table.clone(),
    }
}

/// Splits `schema.table` or `schema.table.column`: a name some edge uses as a
/// table is a table; otherwise the last part is the column.
pub(crate) async fn resolve_asset(store: &Store, name: &str) -> Result<AssetRef> {
    let name = name.to_lowercase();
    let mut session = store.read().await?;
    let as_table = session
        .count::<LineageEdge>(&Filter::all().eq_text("from_table", name.clone()))
        .await?
        + session
            .count::<LineageEdge>(&Filter::all().eq_text("to_table", name.clone()))
            .await?;
    if as_table > 0 {
        return Ok(AssetRef {
            table: name,
            column: None,
        });
    }
    match name.rsplit_once('.') {
        Some((table, column)) => Ok(AssetRef {
            table: table.to_string(),
            column: Some(column.to_string()),
        }),
        None => Err(ServiceError::NotFound(format!(
            "`{name}` in the lineage graph"
        ))),
    }
}

/// The edges into an asset (`Upstream`) or out of it (`Downstream`): a
/// table's table-level edges, a column's column edges.
pub(crate) fn edges_at(asset: &AssetRef, dir: Direction) -> Filter {
    let (table_key, column_key) = if dir == Direction::Upstream {
        ("to_table", "to_column")
    } else {
        ("from_table", "from_column")
    };
    let filter = Filter::all().eq_text(table_key, asset.table.clone());
    match &asset.column {
        Some(c) => filter.eq_text(column_key, c.clone()),
        None => filter.is_null(column_key),
    }
}

/// The most hops a caller of the API or the MCP tools may ask a lineage or
/// impact walk for.
pub const MAX_WALK_DEPTH: usize = 10;

/// `depth` if a remote caller may ask for it (1 to [`MAX_WALK_DEPTH`]).
pub fn walk_depth(depth: usize) -> Result<usize> {
    if (1..=MAX_WALK_DEPTH).contains(&depth) {
        Ok(depth)
    } else {
        Err(ServiceError::Invalid(format!(
            "depth {depth} is out of range: 1 to {MAX_WALK_DEPTH}"
        )))
    }
}

/// Walks the lineage graph from a table or column up to `depth` hops.
pub async fn graph(store: &Store, name: &str, direction: Direction, depth: usize) -> Result<Graph> {
    let root = resolve_asset(store, name).await?;
    let mut session = store.read().await?;
    let mut out = Graph {
        root: asset_name(&root),
        ..Graph::default()
    };
    out.nodes.insert(asset_name(&root), 0);
    // The same flow read from many queries is one edge of the graph.
    let mut seen_edges = BTreeSet::new();
    for (dir, sign) in [(Direction::Upstream, -1i64), (Direction::Downstream, 1)] {
        if direction != Direction::Both && direction != dir {
            continue;
        }
        let mut queue = VecDeque::from([(root.clone(), 0usize)]);
        let mut visited = BTreeSet::from([root.clone()]);
        while let Some((asset, hops)) = queue.pop_front() {
            if hops >= depth {
                continue;
            }
            for edge in session.list::<LineageEdge>(&edges_at(&asset, dir)).await? {
                let next = if dir == Direction::Upstream {
                    edge.from.clone()
                } else {
                    edge.to.clone()
                };
                if let Some(reference) = &edge.origin_ref {
                    out.inputs.insert(reference.clone());
                }
                if seen_edges.insert((asset_name(&edge.from), asset_name(&edge.to))) {
                    out.edges.push(edge.data.clone());
                }
                out.nodes
                    .entry(asset_name(&next))
                    .or_insert(sign * (hops as i64 + 1));
                if visited.insert(next.clone()) {
                    queue.push_back((next, hops + 1));
                }
            }
        }
    }
    if out.edges.is_empty() {
        return Err(ServiceError::NotFound(format!(
            "lineage for `{name}` (none was ingested that names it)"
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_render_to_create_table_as() {
        let schemas = BTreeMap::from([
            ("stg_customers".to_string(), "staging".to_string()),
            ("customer_360".to_string(), "mart".to_string()),
        ]);
        let properties = steward_lineage::read_properties(&[(
            "models/_sources.yml",
            "sources:\n  - name: shop\n    schema: main\n    tables:\n      - name: raw_orders\n        identifier: orders\n",
        )]);
        let vars = BTreeMap::new();
        let renderer = steward_lineage::DbtRenderer::new(steward_lineage::DbtContext {
            schemas: &schemas,
            properties: &properties,
            vars: &vars,
            macros: &[],
        })
        .unwrap();
        let rendered = render_model(
            "customer_360",
            "{{ config(materialized='table', schema='mart') }}\nselect c.id, o.total from {{ source('raw', 'customers') }} c join {{ ref('stg_customers') }} s on s.id = c.id join {{ source('shop', 'raw_orders') }} o on o.customer_id = c.id;\n",
            &schemas,
            &renderer,
        )
        .unwrap();
        assert_eq!(rendered.target, "mart.customer_360");
        assert_eq!(
            rendered.create_table_as(),
            "CREATE TABLE mart.customer_360 AS select c.id, o.total from raw.customers c join staging.stg_customers s on s.id = c.id join main.orders o on o.customer_id = c.id"
        );
        let err = render_model("m", "select {{ var('x') }}", &schemas, &renderer).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("model `m`: invalid operation: var('x') has no value"),
            "{err}"
        );
    }

    #[test]
    fn a_models_own_config_gives_schema_materialisation_tags_and_owner() {
        let config = inline_config(
            "{{ config(\n  materialized = 'view', schema='mart',\n  tags=['finance', \"pii\"],\n  meta={'owner': 'ana@example.com', 'tier': 'gold'}\n) }}\nselect 1",
        );
        assert_eq!(
            config,
            InlineConfig {
                schema: Some("mart".into()),
                materialized: Some("view".into()),
                tags: vec!["finance".into(), "pii".into()],
                owner: Some("ana@example.com".into()),
            }
        );
        assert_eq!(inline_config("select 1"), InlineConfig::default());
        assert_eq!(
            model_schema("{{ config(schema='raw_x') }}"),
            Some("raw_x".into())
        );
    }
}
