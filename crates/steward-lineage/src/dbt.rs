//! A dbt project as it is written: property files (`schema.yml`,
//! `_sources.yml`, any `*.yml` under the models folder) and
//! `dbt_project.yml`, read into what a catalog keeps of each model (its
//! description, owner, tags, materialisation, schema, columns and their
//! tests) and the sources the project declares (so that `source('shop',
//! 'raw_orders')` can name the table it reads). Precedence follows dbt's: a
//! model's own `config(...)` over its properties over the project's folder
//! configs.

use std::collections::BTreeMap;

use serde::Deserialize;

/// What a project says about one model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelProperties {
    pub description: Option<String>,
    /// `meta.owner` (or `config.meta.owner`); a list of owners is joined.
    pub owner: Option<String>,
    pub tags: Vec<String>,
    /// `view`, `table`, `incremental`, `ephemeral`, ...
    pub materialized: Option<String>,
    /// The schema the model is built in (its custom schema).
    pub schema: Option<String>,
    pub columns: Vec<ModelColumn>,
    /// The property file that described it.
    pub file: Option<String>,
}

/// A model's column as its property file documents it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelColumn {
    pub name: String,
    pub description: Option<String>,
    pub data_type: Option<String>,
    /// dbt tests as documented constraints: `unique`, `not_null`,
    /// `accepted_values: a, b`, `relationships: customers.id`.
    pub tests: Vec<String>,
}

/// A table a project declares as a source: `source('shop', 'raw_orders')`
/// reads `relation`.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredSource {
    pub source: String,
    pub table: String,
    /// `schema.identifier` (with the database in front when declared),
    /// lowercased: the table as the warehouse names it.
    pub relation: String,
    pub description: Option<String>,
}

/// The properties of a project's models and its declared sources, and the
/// files that could not be read, each with why.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DbtProperties {
    pub models: BTreeMap<String, ModelProperties>,
    pub sources: Vec<DeclaredSource>,
    pub problems: Vec<String>,
}

impl DbtProperties {
    /// The relation a `source(name, table)` call reads, when declared.
    pub fn source_relation(&self, source: &str, table: &str) -> Option<&str> {
        self.sources
            .iter()
            .find(|s| s.source.eq_ignore_ascii_case(source) && s.table.eq_ignore_ascii_case(table))
            .map(|s| s.relation.as_str())
    }
}

/// A value written as one string or a list of them (`tags: pii` or
/// `tags: [pii, finance]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            Self::One(s) => vec![s],
            Self::Many(v) => v,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct PropertiesFile {
    #[serde(default)]
    models: Vec<ModelYaml>,
    #[serde(default)]
    sources: Vec<SourceYaml>,
}

#[derive(Debug, Default, Deserialize)]
struct ConfigYaml {
    #[serde(default)]
    materialized: Option<String>,
    #[serde(default)]
    schema: Option<String>,
    #[serde(default)]
    tags: Option<OneOrMany>,
    #[serde(default)]
    meta: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct ModelYaml {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    meta: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    tags: Option<OneOrMany>,
    #[serde(default)]
    config: ConfigYaml,
    #[serde(default)]
    columns: Vec<ColumnYaml>,
}

#[derive(Debug, Deserialize)]
struct ColumnYaml {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    data_type: Option<String>,
    /// `data_tests` since dbt 1.8, `tests` before.
    #[serde(default)]
    tests: Vec<serde_json::Value>,
    #[serde(default)]
    data_tests: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct SourceYaml {
    name: String,
    #[serde(default)]
    schema: Option<String>,
    #[serde(default)]
    database: Option<String>,
    #[serde(default)]
    tables: Vec<SourceTableYaml>,
}

#[derive(Debug, Deserialize)]
struct SourceTableYaml {
    name: String,
    #[serde(default)]
    identifier: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

/// `meta.owner` as text: a string, or a list of strings joined.
pub(crate) fn owner_of(meta: &BTreeMap<String, serde_json::Value>) -> Option<String> {
    match meta.get("owner")? {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        serde_json::Value::Array(items) => {
            let names: Vec<&str> = items.iter().filter_map(|v| v.as_str()).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        _ => None,
    }
}

/// A dbt test as a documented constraint, in a few words.
pub(crate) fn test_text(test: &serde_json::Value) -> Option<String> {
    match test {
        serde_json::Value::String(name) => Some(name.clone()),
        serde_json::Value::Object(map) => {
            let (name, args) = map.iter().next()?;
            let detail = match name.as_str() {
                "accepted_values" => args.get("values").and_then(|v| v.as_array()).map(|values| {
                    values
                        .iter()
                        .map(|v| match v {
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                }),
                "relationships" => {
                    let to = args.get("to").and_then(|v| v.as_str()).map(ref_target);
                    let field = args.get("field").and_then(|v| v.as_str());
                    match (to, field) {
                        (Some(to), Some(field)) => Some(format!("{to}.{field}")),
                        (Some(to), None) => Some(to),
                        _ => None,
                    }
                }
                _ => None,
            };
            Some(match detail {
                Some(detail) => format!("{name}: {detail}"),
                None => name.clone(),
            })
        }
        _ => None,
    }
}

/// `ref('customers')` as `customers`, `source('shop', 'orders')` as
/// `shop.orders`; anything else as written.
fn ref_target(text: &str) -> String {
    let args: Vec<&str> = text
        .split(['\'', '"'])
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s)
        .collect();
    if args.is_empty() {
        text.to_string()
    } else {
        args.join(".")
    }
}

/// Reads the property files of a project (`(path, text)` pairs of its
/// `*.yml`; `dbt_project.yml` is recognised by name, left out, and read by
/// `read_project`). A file that is not valid YAML, or not shaped as dbt
/// properties, is a problem named with its path; the others are read.
pub fn read_properties(files: &[(&str, &str)]) -> DbtProperties {
    let mut out = DbtProperties::default();
    for (path, text) in files {
        if is_project_file(path) {
            continue;
        }
        let parsed: PropertiesFile = match dbt_yaml::from_str(text) {
            Ok(p) => p,
            Err(e) => {
                out.problems.push(format!("{path}: {e}"));
                continue;
            }
        };
        for model in parsed.models {
            let mut tags: Vec<String> = model.tags.map(OneOrMany::into_vec).unwrap_or_default();
            tags.extend(
                model
                    .config
                    .tags
                    .map(OneOrMany::into_vec)
                    .unwrap_or_default(),
            );
            let properties = ModelProperties {
                description: model.description.filter(|d| !d.trim().is_empty()),
                owner: owner_of(&model.config.meta).or_else(|| owner_of(&model.meta)),
                tags,
                materialized: model.config.materialized,
                schema: model.config.schema,
                columns: model
                    .columns
                    .into_iter()
                    .map(|c| ModelColumn {
                        name: c.name.to_lowercase(),
                        description: c.description.filter(|d| !d.trim().is_empty()),
                        data_type: c.data_type,
                        tests: c
                            .tests
                            .iter()
                            .chain(&c.data_tests)
                            .filter_map(test_text)
                            .collect(),
                    })
                    .collect(),
                file: Some(path.to_string()),
            };
            out.models.insert(model.name.to_lowercase(), properties);
        }
        for source in parsed.sources {
            let schema = source.schema.unwrap_or_else(|| source.name.clone());
            for table in source.tables {
                let identifier = table.identifier.unwrap_or_else(|| table.name.clone());
                let relation = [source.database.as_deref(), Some(&schema), Some(&identifier)]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(".")
                    .to_lowercase();
                out.sources.push(DeclaredSource {
                    source: source.name.clone(),
                    table: table.name,
                    relation,
                    description: table.description.filter(|d| !d.trim().is_empty()),
                });
            }
        }
    }
    out
}

/// Whether a file is a project's `dbt_project.yml`.
pub fn is_project_file(path: &str) -> bool {
    std::path::Path::new(path)
        .file_name()
        .is_some_and(|n| n == "dbt_project.yml")
}

/// What `dbt_project.yml` sets for the models of one folder: its
/// `models:` tree (`+materialized`, `+schema`, `+tags`, `+meta`), applied
/// from the project down to the folder, deeper folders winning.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FolderConfig {
    pub materialized: Option<String>,
    pub schema: Option<String>,
    pub tags: Vec<String>,
    pub owner: Option<String>,
}

/// A project's `dbt_project.yml`, read once: the `models:` tree of its
/// folder configs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DbtProject {
    /// The project's own level of the `models:` tree (under its name, or
    /// the first package's), when there is one.
    models: Option<serde_json::Value>,
    /// `vars:`, the project's own (under its name) over the global ones.
    vars: BTreeMap<String, serde_json::Value>,
    /// `macro-paths:` (`macros` when not given).
    macro_paths: Vec<String>,
}

/// Reads `dbt_project.yml`; an error says what is wrong with it.
pub fn read_project(text: &str) -> Result<DbtProject, String> {
    let project: serde_json::Value = dbt_yaml::from_str(text).map_err(|e| e.to_string())?;
    let name = project.get("name").and_then(|n| n.as_str());
    // The first level of `models:` is the project's name (or a package's).
    let models = project
        .get("models")
        .and_then(|m| m.as_object())
        .and_then(|models| {
            name.and_then(|n| models.get(n))
                .or_else(|| models.values().find(|v| v.is_object()))
                .cloned()
        });
    let mut vars = BTreeMap::new();
    if let Some(all) = project.get("vars").and_then(|v| v.as_object()) {
        for (key, value) in all {
            if Some(key.as_str()) != name {
                vars.insert(key.clone(), value.clone());
            }
        }
        if let Some(own) = name.and_then(|n| all.get(n)).and_then(|v| v.as_object()) {
            for (key, value) in own {
                vars.insert(key.clone(), value.clone());
            }
        }
    }
    let macro_paths = match project.get("macro-paths").and_then(|p| p.as_array()) {
        Some(paths) => paths
            .iter()
            .filter_map(|p| p.as_str().map(str::to_string))
            .collect(),
        None => vec!["macros".to_string()],
    };
    Ok(DbtProject {
        models,
        vars,
        macro_paths,
    })
}

impl DbtProject {
    /// The project's `vars:` (its own over the global ones), for `var()`.
    pub fn vars(&self) -> BTreeMap<String, serde_json::Value> {
        self.vars.clone()
    }

    /// The folders its macros are in, relative to the project's root.
    pub fn macro_paths(&self) -> Vec<String> {
        if self.macro_paths.is_empty() {
            vec!["macros".to_string()]
        } else {
            self.macro_paths.clone()
        }
    }

    /// The folder configs for a model at `folders` (its path under the
    /// models folder, without the file: `["staging", "shop"]`).
    pub fn folder(&self, folders: &[&str]) -> FolderConfig {
        let mut config = FolderConfig::default();
        let Some(mut level) = self.models.as_ref() else {
            return config;
        };
        apply(&mut config, level);
        for folder in folders {
            match level.get(*folder) {
                Some(next) if next.is_object() => {
                    apply(&mut config, next);
                    level = next;
                }
                _ => break,
            }
        }
        config
    }
}

/// One level's configs (`+materialized` or `materialized`) over `config`.
fn apply(config: &mut FolderConfig, level: &serde_json::Value) {
    let get = |key: &str| level.get(format!("+{key}")).or_else(|| level.get(key));
    if let Some(m) = get("materialized").and_then(|v| v.as_str()) {
        config.materialized = Some(m.to_string());
    }
    if let Some(s) = get("schema").and_then(|v| v.as_str()) {
        config.schema = Some(s.to_string());
    }
    match get("tags") {
        Some(serde_json::Value::String(t)) => config.tags.push(t.clone()),
        Some(serde_json::Value::Array(ts)) => {
            config
                .tags
                .extend(ts.iter().filter_map(|t| t.as_str().map(str::to_string)));
        }
        _ => {}
    }
    if let Some(meta) = get("meta").and_then(|m| m.as_object()) {
        let meta: BTreeMap<String, serde_json::Value> =
            meta.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        if let Some(owner) = owner_of(&meta) {
            config.owner = Some(owner);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA_YML: &str = r#"
version: 2
models:
  - name: customers
    description: One row per customer, with their lifetime value.
    meta:
      owner: "analytics@example.com"
    tags: [finance]
    config:
      materialized: table
      tags: pii
    columns:
      - name: customer_id
        description: The customer's id.
        data_tests: [unique, not_null]
      - name: status
        tests:
          - accepted_values:
              values: ['active', 'churned']
      - name: region_id
        tests:
          - relationships:
              to: ref('regions')
              field: id
  - name: orders
    config:
      meta: {owner: [ana, ben]}
sources:
  - name: shop
    schema: main
    tables:
      - name: raw_orders
        identifier: orders
        description: Orders as the shop writes them.
      - name: raw_customers
"#;

    #[test]
    fn properties_give_descriptions_owners_tags_columns_and_tests() {
        let p = read_properties(&[("models/schema.yml", SCHEMA_YML)]);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let customers = &p.models["customers"];
        assert_eq!(
            customers.description.as_deref(),
            Some("One row per customer, with their lifetime value.")
        );
        assert_eq!(customers.owner.as_deref(), Some("analytics@example.com"));
        assert_eq!(customers.tags, ["finance", "pii"]);
        assert_eq!(customers.materialized.as_deref(), Some("table"));
        assert_eq!(customers.columns[0].tests, ["unique", "not_null"]);
        assert_eq!(
            customers.columns[1].tests,
            ["accepted_values: active, churned"]
        );
        assert_eq!(customers.columns[2].tests, ["relationships: regions.id"]);
        assert_eq!(p.models["orders"].owner.as_deref(), Some("ana, ben"));
        assert_eq!(p.source_relation("shop", "raw_orders"), Some("main.orders"));
        assert_eq!(
            p.source_relation("shop", "raw_customers"),
            Some("main.raw_customers")
        );
        assert_eq!(p.source_relation("shop", "nope"), None);
    }

    #[test]
    fn a_broken_file_is_a_problem_named_by_its_path_and_the_others_are_read() {
        let p = read_properties(&[
            ("models/broken.yml", "models: [name: x\n  - :"),
            ("models/schema.yml", SCHEMA_YML),
        ]);
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert!(
            p.problems[0].starts_with("models/broken.yml: "),
            "{:?}",
            p.problems
        );
        assert!(p.models.contains_key("customers"));
    }

    #[test]
    fn project_folder_configs_apply_from_the_top_down() {
        let project = r#"
name: shop_analytics
models:
  shop_analytics:
    +materialized: view
    +meta:
      owner: data-team
    marts:
      +materialized: table
      +schema: analytics
      finance:
        +tags: [finance]
"#;
        let project = read_project(project).unwrap();
        let top = project.folder(&[]);
        assert_eq!(top.materialized.as_deref(), Some("view"));
        assert_eq!(top.owner.as_deref(), Some("data-team"));
        let finance = project.folder(&["marts", "finance"]);
        assert_eq!(finance.materialized.as_deref(), Some("table"));
        assert_eq!(finance.schema.as_deref(), Some("analytics"));
        assert_eq!(finance.tags, ["finance"]);
        assert_eq!(finance.owner.as_deref(), Some("data-team"));
        assert!(read_project("models: [").is_err());
        assert_eq!(
            read_project("name: x\n").unwrap().folder(&["a"]),
            FolderConfig::default()
        );
    }
}
