//! Lineage that arrives already worked out, or as SQL with its context: dbt
//! manifests (compiled SQL and `depends_on`) and OpenLineage run events (the
//! datasets a job read and wrote, and the column-lineage facet).

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::error::LineageError;
use crate::model::{ColumnEdge, ColumnRef, EdgeKind, Lineage};

/// A dbt model from a manifest: the table it builds and either its compiled
/// SQL (`CREATE TABLE target AS ...`, ready for `analyze`) or, in a manifest
/// that was not compiled, the tables it depends on.
#[derive(Debug, Clone, PartialEq)]
pub struct DbtModel {
    /// `model.project.name`.
    pub unique_id: String,
    /// `database.schema.alias`, lowercased.
    pub target: String,
    pub sql: Option<String>,
    pub depends_on: Vec<String>,
    /// The model's file in the dbt project (`models/orders.sql`).
    pub path: Option<String>,
    /// The model as written, before compiling (templating and comments
    /// kept); the compiled code when the manifest has only that.
    pub code: Option<String>,
    /// Its compiled SQL, when the manifest was compiled.
    pub compiled: Option<String>,
    /// What the project documents about it: description, owner, tags,
    /// materialisation, columns and their tests.
    pub properties: crate::dbt::ModelProperties,
}

#[derive(Deserialize)]
struct Manifest {
    #[serde(default)]
    nodes: BTreeMap<String, Node>,
    #[serde(default)]
    sources: BTreeMap<String, Node>,
}

#[derive(Deserialize)]
struct Node {
    #[serde(default)]
    resource_type: String,
    #[serde(default)]
    database: Option<String>,
    #[serde(default)]
    schema: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    alias: Option<String>,
    #[serde(default)]
    identifier: Option<String>,
    #[serde(default)]
    relation_name: Option<String>,
    #[serde(default)]
    compiled_code: Option<String>,
    #[serde(default)]
    compiled_sql: Option<String>,
    /// `raw_code` since dbt 1.3, `raw_sql` before.
    #[serde(default)]
    raw_code: Option<String>,
    #[serde(default)]
    raw_sql: Option<String>,
    #[serde(default)]
    original_file_path: Option<String>,
    #[serde(default)]
    depends_on: DependsOn,
    #[serde(default)]
    config: Config,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    meta: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    columns: BTreeMap<String, NodeColumn>,
    /// A test's model and column, and what it checks.
    #[serde(default)]
    attached_node: Option<String>,
    #[serde(default)]
    column_name: Option<String>,
    #[serde(default)]
    test_metadata: Option<TestMetadata>,
}

#[derive(Deserialize, Default)]
struct NodeColumn {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    data_type: Option<String>,
}

#[derive(Deserialize)]
struct TestMetadata {
    name: String,
    #[serde(default)]
    kwargs: serde_json::Value,
}

#[derive(Deserialize, Default)]
struct DependsOn {
    #[serde(default)]
    nodes: Vec<String>,
}

#[derive(Deserialize, Default)]
struct Config {
    #[serde(default)]
    materialized: Option<String>,
    #[serde(default)]
    schema: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    meta: BTreeMap<String, serde_json::Value>,
}

impl Node {
    /// The relation dbt builds or reads, unquoted and lowercased.
    fn relation(&self) -> String {
        if let Some(r) = &self.relation_name {
            return r
                .split('.')
                .map(|p| p.trim_matches(|c| c == '"' || c == '`' || c == '[' || c == ']'))
                .collect::<Vec<_>>()
                .join(".")
                .to_lowercase();
        }
        let table = self
            .alias
            .as_ref()
            .or(self.identifier.as_ref())
            .unwrap_or(&self.name);
        [
            self.database.as_deref(),
            self.schema.as_deref(),
            Some(table),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(".")
        .to_lowercase()
    }
}

fn invalid(what: &str, message: String) -> LineageError {
    LineageError::Parse {
        dialect: what.to_string(),
        message,
        position: None,
    }
}

/// The models of a dbt `manifest.json`.
pub fn dbt_manifest(text: &str) -> Result<Vec<DbtModel>, LineageError> {
    let manifest: Manifest =
        serde_json::from_str(text).map_err(|e| invalid("dbt manifest", e.to_string()))?;
    let relation_of = |id: &str| {
        manifest
            .nodes
            .get(id)
            .or_else(|| manifest.sources.get(id))
            .map(Node::relation)
    };
    // Tests, by the model and column they check.
    let mut tests: BTreeMap<(&str, String), Vec<String>> = BTreeMap::new();
    for node in manifest.nodes.values() {
        if node.resource_type != "test" {
            continue;
        }
        let (Some(model), Some(column), Some(test)) =
            (&node.attached_node, &node.column_name, &node.test_metadata)
        else {
            continue;
        };
        let mut written = serde_json::Map::new();
        written.insert(test.name.clone(), test.kwargs.clone());
        if let Some(text) = crate::dbt::test_text(&serde_json::Value::Object(written)) {
            tests
                .entry((model.as_str(), column.to_lowercase()))
                .or_default()
                .push(text);
        }
    }
    let mut models = Vec::new();
    for (id, node) in &manifest.nodes {
        if !matches!(node.resource_type.as_str(), "model" | "snapshot") {
            continue;
        }
        let target = node.relation();
        let code = node.compiled_code.as_ref().or(node.compiled_sql.as_ref());
        let sql = code.map(|c| {
            let body = c.trim().trim_end_matches(';');
            let kind = if node.config.materialized.as_deref() == Some("view") {
                "VIEW"
            } else {
                "TABLE"
            };
            format!("CREATE {kind} {target} AS {body}")
        });
        models.push(DbtModel {
            unique_id: id.clone(),
            target,
            sql,
            depends_on: node
                .depends_on
                .nodes
                .iter()
                .filter_map(|d| relation_of(d))
                .collect(),
            path: node.original_file_path.clone(),
            code: node
                .raw_code
                .as_ref()
                .or(node.raw_sql.as_ref())
                .or(code)
                .cloned(),
            compiled: code.cloned(),
            properties: crate::dbt::ModelProperties {
                description: node.description.clone().filter(|d| !d.trim().is_empty()),
                owner: crate::dbt::owner_of(&node.config.meta)
                    .or_else(|| crate::dbt::owner_of(&node.meta)),
                tags: {
                    let mut tags = node.tags.clone();
                    tags.extend(node.config.tags.iter().cloned());
                    tags.sort();
                    tags.dedup();
                    tags
                },
                materialized: node.config.materialized.clone(),
                schema: node.config.schema.clone(),
                columns: node
                    .columns
                    .iter()
                    .map(|(key, c)| {
                        let name = c.name.clone().unwrap_or_else(|| key.clone()).to_lowercase();
                        crate::dbt::ModelColumn {
                            tests: tests
                                .remove(&(id.as_str(), name.clone()))
                                .unwrap_or_default(),
                            name,
                            description: c.description.clone().filter(|d| !d.trim().is_empty()),
                            data_type: c.data_type.clone(),
                        }
                    })
                    .collect(),
                file: node.original_file_path.clone(),
            },
        });
    }
    Ok(models)
}

/// A relation dbt's `catalog.json` (from `dbt docs generate`) describes:
/// the columns the warehouse built, with its types, in the warehouse's order.
#[derive(Debug, Clone, PartialEq)]
pub struct DbtCatalogEntry {
    /// `model.project.name` (a seed's or snapshot's id for those).
    pub unique_id: String,
    /// `database.schema.name`, lowercased, as the warehouse names it.
    pub relation: String,
    pub columns: Vec<DbtCatalogColumn>,
}

/// One column of a `catalog.json` relation.
#[derive(Debug, Clone, PartialEq)]
pub struct DbtCatalogColumn {
    /// Lowercased (warehouses that fold to upper case report `ID`).
    pub name: String,
    /// The warehouse's type name (`INTEGER`, `character varying`, ...).
    pub data_type: String,
    /// The comment the warehouse keeps on it.
    pub comment: Option<String>,
}

#[derive(Deserialize)]
struct Catalog {
    #[serde(default)]
    nodes: BTreeMap<String, CatalogNode>,
}

#[derive(Deserialize)]
struct CatalogNode {
    metadata: CatalogMetadata,
    #[serde(default)]
    columns: BTreeMap<String, CatalogColumn>,
}

#[derive(Deserialize)]
struct CatalogMetadata {
    #[serde(default)]
    database: Option<String>,
    #[serde(default)]
    schema: Option<String>,
    name: String,
}

#[derive(Deserialize)]
struct CatalogColumn {
    #[serde(rename = "type")]
    data_type: String,
    #[serde(default)]
    index: Option<i64>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    comment: Option<String>,
}

/// The relations of a dbt `catalog.json`, each with its columns in order.
pub fn dbt_catalog(text: &str) -> Result<Vec<DbtCatalogEntry>, LineageError> {
    let catalog: Catalog =
        serde_json::from_str(text).map_err(|e| invalid("dbt catalog", e.to_string()))?;
    Ok(catalog
        .nodes
        .into_iter()
        .map(|(unique_id, node)| {
            let meta = node.metadata;
            let relation = [meta.database, meta.schema, Some(meta.name)]
                .into_iter()
                .flatten()
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(".")
                .to_lowercase();
            let mut columns: Vec<(i64, DbtCatalogColumn)> = node
                .columns
                .into_iter()
                .map(|(key, c)| {
                    (
                        c.index.unwrap_or(i64::MAX),
                        DbtCatalogColumn {
                            name: c.name.unwrap_or(key).to_lowercase(),
                            data_type: c.data_type,
                            comment: c.comment.filter(|d| !d.trim().is_empty()),
                        },
                    )
                })
                .collect();
            // By position; the map's name order breaks ties (a catalog without indexes).
            columns.sort_by_key(|(index, _)| *index);
            DbtCatalogEntry {
                unique_id,
                relation,
                columns: columns.into_iter().map(|(_, c)| c).collect(),
            }
        })
        .collect())
}

#[derive(Deserialize)]
struct RunEvent {
    #[serde(default)]
    run: Run,
    job: Job,
    #[serde(default)]
    inputs: Vec<Dataset>,
    #[serde(default)]
    outputs: Vec<Dataset>,
}

#[derive(Deserialize, Default)]
struct Run {
    #[serde(rename = "runId", default)]
    run_id: String,
}

#[derive(Deserialize)]
struct Job {
    namespace: String,
    name: String,
}

#[derive(Deserialize)]
struct Dataset {
    name: String,
    #[serde(default)]
    facets: DatasetFacets,
}

#[derive(Deserialize, Default)]
struct DatasetFacets {
    #[serde(rename = "columnLineage", default)]
    column_lineage: Option<ColumnLineageFacet>,
}

#[derive(Deserialize)]
struct ColumnLineageFacet {
    #[serde(default)]
    fields: BTreeMap<String, Field>,
}

#[derive(Deserialize)]
struct Field {
    #[serde(rename = "inputFields", default)]
    input_fields: Vec<InputField>,
}

#[derive(Deserialize)]
struct InputField {
    name: String,
    field: String,
    #[serde(default)]
    transformations: Vec<Transformation>,
}

#[derive(Deserialize)]
struct Transformation {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    subtype: String,
}

fn edge_kind(transformations: &[Transformation]) -> EdgeKind {
    let mut kind = EdgeKind::Direct;
    for t in transformations {
        let k = match (
            t.kind.to_ascii_uppercase().as_str(),
            t.subtype.to_ascii_uppercase().as_str(),
        ) {
            ("DIRECT", "IDENTITY") => EdgeKind::Direct,
            ("DIRECT", "AGGREGATION") | (_, "AGGREGATION") => EdgeKind::Aggregation,
            _ => EdgeKind::Transformation,
        };
        kind = kind.combine(k);
    }
    if transformations.is_empty() {
        EdgeKind::Transformation
    } else {
        kind
    }
}

/// OpenLineage run events, as JSON lines or one JSON array, each with the
/// reference that identifies it (`namespace/job#run`).
pub fn openlineage_events(text: &str) -> Result<Vec<(String, Lineage)>, LineageError> {
    let trimmed = text.trim_start();
    let events: Vec<RunEvent> = if trimmed.starts_with('[') {
        serde_json::from_str(trimmed).map_err(|e| invalid("OpenLineage", e.to_string()))?
    } else {
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                serde_json::from_str(l)
                    .map_err(|e| invalid("OpenLineage", format!("line {}: {e}", i + 1)))
            })
            .collect::<Result<_, _>>()?
    };
    Ok(events
        .into_iter()
        .map(|event| {
            let mut lineage = Lineage {
                sources: event.inputs.iter().map(|d| d.name.to_lowercase()).collect(),
                targets: event
                    .outputs
                    .iter()
                    .map(|d| d.name.to_lowercase())
                    .collect(),
                ..Lineage::default()
            };
            for output in &event.outputs {
                let Some(facet) = &output.facets.column_lineage else {
                    continue;
                };
                for (column, field) in &facet.fields {
                    for input in &field.input_fields {
                        lineage.edges.insert(ColumnEdge {
                            source: ColumnRef::new(
                                input.name.to_lowercase(),
                                input.field.to_lowercase(),
                            ),
                            target_table: Some(output.name.to_lowercase()),
                            target_column: column.to_lowercase(),
                            kind: edge_kind(&input.transformations),
                            functions: BTreeSet::new(),
                        });
                    }
                }
            }
            let reference = format!(
                "{}/{}#{}",
                event.job.namespace, event.job.name, event.run.run_id
            );
            (reference, lineage)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_give_compiled_sql_or_dependencies() {
        let manifest = r#"{"nodes": {
            "model.p.a": {"resource_type": "model", "database": "db", "schema": "s", "name": "a",
                          "config": {"materialized": "view"}, "compiled_code": "select 1 as x;",
                          "depends_on": {"nodes": []}},
            "model.p.b": {"resource_type": "model", "relation_name": "\"DB\".\"S\".\"B\"",
                          "depends_on": {"nodes": ["model.p.a", "source.p.r.t"]}},
            "seed.p.c": {"resource_type": "seed", "name": "c"}},
          "sources": {"source.p.r.t": {"resource_type": "source", "schema": "r", "name": "t"}}}"#;
        let models = dbt_manifest(manifest).unwrap();
        assert_eq!(models.len(), 2, "seeds carry no SQL");
        assert_eq!(
            models[0].sql.as_deref(),
            Some("CREATE VIEW db.s.a AS select 1 as x")
        );
        assert_eq!(models[1].target, "db.s.b");
        assert_eq!(models[1].depends_on, ["db.s.a", "r.t"]);
        assert!(dbt_manifest("not json").is_err());
    }

    #[test]
    fn catalogs_give_each_relation_its_columns_in_order() {
        let catalog = r#"{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/v1.json"},
          "nodes": {"model.shop.customers": {"unique_id": "model.shop.customers",
            "metadata": {"type": "BASE TABLE", "database": "WH", "schema": "ANALYTICS", "name": "CUSTOMERS", "comment": null, "owner": "x"},
            "columns": {"NAME": {"type": "TEXT", "index": 2, "name": "NAME", "comment": "Full name"},
                        "ID": {"type": "NUMBER(38,0)", "index": 1, "name": "ID", "comment": ""}},
            "stats": {}}},
          "sources": {}, "errors": null}"#;
        let entries = dbt_catalog(catalog).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].unique_id, "model.shop.customers");
        assert_eq!(entries[0].relation, "wh.analytics.customers");
        let columns: Vec<(&str, &str, Option<&str>)> = entries[0]
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.data_type.as_str(), c.comment.as_deref()))
            .collect();
        assert_eq!(
            columns,
            [
                ("id", "NUMBER(38,0)", None),
                ("name", "TEXT", Some("Full name"))
            ]
        );
        let err = dbt_catalog(r#"{"nodes": {"model.a.b": {"columns": {}}}}"#).unwrap_err();
        assert!(err.to_string().contains("metadata"), "{err}");
    }

    #[test]
    fn openlineage_events_with_the_column_lineage_facet() {
        let events = r#"[{"run": {"runId": "r1"}, "job": {"namespace": "n", "name": "j"},
            "inputs": [{"name": "A"}], "outputs": [{"name": "B", "facets": {"columnLineage": {"fields":
            {"total": {"inputFields": [{"name": "A", "field": "amount",
              "transformations": [{"type": "DIRECT", "subtype": "AGGREGATION"}]}]}}}}}]}]"#;
        let parsed = openlineage_events(events).unwrap();
        assert_eq!(parsed.len(), 1);
        let (reference, lineage) = &parsed[0];
        assert_eq!(reference, "n/j#r1");
        assert_eq!(lineage.sources, ["a".to_string()].into());
        let edge = lineage.edges.iter().next().unwrap();
        assert_eq!(
            (edge.source.column.as_str(), edge.target_column.as_str()),
            ("amount", "total")
        );
        assert_eq!(edge.kind, EdgeKind::Aggregation);
        let bad = openlineage_events("{\"job\": {}}\n").unwrap_err();
        assert!(bad.to_string().contains("line 1"), "{bad}");
    }
}
