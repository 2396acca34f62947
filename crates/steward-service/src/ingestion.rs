//! Lineage ingestion as one use case: query logs, model folders, scripts,
//! dbt manifests and OpenLineage events, given as *text and names* (a CLI
//! reads files, the server an upload, a job a folder), read into lineage
//! inputs and usage, then stored in one order: usage, parsed lineage, lineage
//! that arrives worked out, derived labels. Each input has an `origin_ref`
//! (`query_log:ID`, `model:FILE`, `dbt:UNIQUE_ID`, `sql:NAME`,
//! `openlineage:RUN`) so that ingesting it again replaces its edges instead
//! of adding a second copy. A model's code, as its file was written, is kept
//! too (`steward.models`), for the policies to read. The run is recorded in the run history, beating
//! between batches, so that a killed ingestion is marked interrupted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use steward_lineage::{Lineage, LogFormat, SkippedRecord, read_query_log};
use steward_store::{Filter, Store};
use steward_types::{JobRun, LineageOrigin, ModelColumnDocs, ModelDefinition, ModelDocs, Record};

use crate::error::{Result, ServiceError};
use crate::lineage::{
    IngestReport, KnownInput, SqlInput, analyse_inputs, render_model, store_inputs, view_inputs,
};
use crate::propagate::propagate;
use crate::runs::{finish_run, start_run};
use crate::usage::{LoggedQuery, record_logged};

/// One file of a models folder.
#[derive(Debug, Clone)]
pub struct ModelFile {
    /// The file's path or name (`models/orders.sql`); its stem names the model.
    pub path: String,
    pub text: String,
}

/// Something to read lineage from, as text with the name it goes by.
#[derive(Debug, Clone)]
pub enum LineageSource {
    /// A query log in one of the formats `steward_lineage::LogFormat` names.
    QueryLog {
        name: String,
        text: String,
        format: LogFormat,
    },
    /// The files of a dbt project's models folder: `*.sql` models, `*.yml`
    /// property files and `dbt_project.yml`; and the project's macro files.
    Models {
        folder: String,
        files: Vec<ModelFile>,
        macros: Vec<ModelFile>,
    },
    /// A SQL script.
    Script { name: String, text: String },
    /// A dbt `manifest.json`.
    DbtManifest { name: String, text: String },
    /// A dbt `catalog.json` (`dbt docs generate`): the columns and types the
    /// warehouse built for the models of the same ingestion.
    DbtCatalog { name: String, text: String },
    /// OpenLineage run events (JSON lines or an array).
    OpenLineage { name: String, text: String },
}

impl LineageSource {
    /// A query log named `name` in `format` (`auto`, `jsonl`, `snowflake`,
    /// `bigquery`, `postgres-csvlog`, `pg-stat-statements`).
    pub fn query_log(name: &str, text: String, format: &str) -> Result<Self> {
        let format = format
            .parse()
            .map_err(|e: String| ServiceError::Invalid(format!("{name}: format: {e}")))?;
        Ok(Self::QueryLog {
            name: name.to_string(),
            text,
            format,
        })
    }

    /// The name it goes by in reports.
    pub fn name(&self) -> &str {
        match self {
            Self::QueryLog { name, .. }
            | Self::Script { name, .. }
            | Self::DbtManifest { name, .. }
            | Self::DbtCatalog { name, .. }
            | Self::OpenLineage { name, .. } => name,
            Self::Models { folder, .. } => folder,
        }
    }
}

/// dbt writes `catalog.json` (`dbt docs generate`) beside `manifest.json`
/// in its target folder: that catalog, when there is one.
pub fn catalog_beside(manifest: &Path) -> Option<PathBuf> {
    let catalog = manifest.with_file_name("catalog.json");
    (manifest.file_name().is_some_and(|n| n == "manifest.json") && catalog.is_file())
        .then_some(catalog)
}

/// The files under `dir`, its subfolders too, whose extension is one of
/// `extensions`: dbt's output (`target`), installed packages, hidden folders
/// and the folders in `skipped` left out.
fn files_under(dir: &Path, extensions: &[&str], skipped: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let listing = std::fs::read_dir(&folder)
            .map_err(|e| ServiceError::io(format_args!("folder {}", folder.display()), &e))?;
        for entry in listing.filter_map(|e| e.ok()) {
            let path = entry.path();
            if path.is_dir() {
                let left_out = path.file_name().is_some_and(|n| {
                    n == "target" || n == "dbt_packages" || n.to_string_lossy().starts_with('.')
                }) || skipped.iter().any(|s| same_path(s, &path));
                if !left_out {
                    pending.push(path);
                }
            } else if path
                .extension()
                .is_some_and(|x| extensions.iter().any(|e| x == *e))
            {
                paths.push(path);
            }
        }
    }
    paths.sort();
    Ok(paths)
}

fn same_path(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn read_files(paths: Vec<PathBuf>) -> Result<Vec<ModelFile>> {
    paths
        .into_iter()
        .map(|path| {
            let text =
                std::fs::read_to_string(&path).map_err(|e| ServiceError::io(path.display(), &e))?;
            Ok(ModelFile {
                path: path.display().to_string(),
                text,
            })
        })
        .collect()
}

/// Reads a dbt project (for a surface that has a folder). DIR is the
/// project's root (it holds `dbt_project.yml` and `models/`) or its models
/// folder (`dbt_project.yml` in it or the folder above). Read: the `*.sql`
/// models and `*.yml` property files under the models folder, subfolders
/// too; `dbt_project.yml`; the macros under the project's macro paths
/// (`macros/` unless it says otherwise).
pub fn models_folder(dir: &Path) -> Result<LineageSource> {
    let (models, project) = if dir.join("dbt_project.yml").is_file() && dir.join("models").is_dir()
    {
        (dir.join("models"), Some(dir.join("dbt_project.yml")))
    } else {
        let project = [dir.join("dbt_project.yml"), dir.join("../dbt_project.yml")]
            .into_iter()
            .find(|p| p.is_file());
        (dir.to_path_buf(), project)
    };
    let root = project
        .as_deref()
        .and_then(Path::parent)
        .unwrap_or(dir)
        .to_path_buf();
    let project = project
        .map(|path| read_files(vec![path]))
        .transpose()?
        .and_then(|mut read| read.pop());
    // A project file that cannot be parsed is reported with the models.
    let macro_paths = project
        .as_ref()
        .and_then(|p| steward_lineage::read_project(&p.text).ok())
        .map_or_else(|| vec!["macros".to_string()], |p| p.macro_paths());
    let macro_dirs: Vec<PathBuf> = macro_paths
        .iter()
        .map(|p| root.join(p))
        .filter(|p| p.is_dir())
        .collect();
    let mut paths = files_under(&models, &["sql", "yml", "yaml"], &macro_dirs)?;
    if let Some(project) = &project {
        paths.retain(|p| !same_path(p, Path::new(&project.path)));
    }
    let mut files = read_files(paths)?;
    files.extend(project);
    files.sort_by(|a, b| Path::new(&a.path).cmp(Path::new(&b.path)));
    let mut macros = Vec::new();
    for folder in &macro_dirs {
        macros.extend(files_under(folder, &["sql"], &[])?);
    }
    Ok(LineageSource::Models {
        folder: models.display().to_string(),
        files,
        macros: read_files(macros)?,
    })
}

/// What to ingest.
#[derive(Debug, Clone)]
pub struct IngestRequest {
    pub sources: Vec<LineageSource>,
    /// Also the definitions of the views the scans found.
    pub views: bool,
    /// The SQL dialect of the logs, models and scripts.
    pub dialect: String,
}

/// How one query log was read: every record accounted for.
#[derive(Debug, Clone, Serialize)]
pub struct LogReport {
    pub name: String,
    /// The format read (the one `auto` picked).
    pub format: LogFormat,
    pub records: usize,
    /// Statements with a time: usage and lineage.
    pub usage: usize,
    /// Statements without a time: lineage only.
    pub lineage_only: usize,
    /// Records that are not statements, with their lines and why.
    pub skipped: Vec<SkippedRecord>,
}

/// Progress of an ingestion.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum IngestEvent {
    /// An input was read: `inputs` pieces of SQL or lineage from it.
    Read { name: String, inputs: usize },
    /// Inputs stored so far, of all.
    Stored { done: usize, total: usize },
}

/// Lineage inputs and usage read from the sources, before anything is stored.
#[derive(Default)]
struct Read {
    inputs: Vec<SqlInput>,
    known: Vec<KnownInput>,
    usage: Vec<LoggedQuery>,
    logs: Vec<LogReport>,
    models: Vec<ModelDefinition>,
    /// Files that could not be read (a broken property file), with why:
    /// reported, the rest read.
    problems: Vec<(String, String)>,
    /// dbt catalogs' relations, for the models' column types.
    catalogs: Vec<steward_lineage::DbtCatalogEntry>,
    /// Models that took their columns' types from a catalog.
    typed: usize,
}

/// The relation of a dbt catalog that is this model's: the same unique id
/// (a manifest's model), else the one relation of the model's schema and
/// name (a models folder's; a model named without a schema matches by name
/// when only one relation has it).
fn catalog_entry<'a>(
    model: &ModelDefinition,
    entries: &'a [steward_lineage::DbtCatalogEntry],
) -> Option<&'a steward_lineage::DbtCatalogEntry> {
    if let Some(id) = model.origin_ref.strip_prefix("dbt:")
        && let Some(entry) = entries.iter().find(|e| e.unique_id == id)
    {
        return Some(entry);
    }
    let (schema, name) = crate::models::schema_and_name(&model.model);
    let mut matching = entries.iter().filter(|e| {
        let (s, n) = crate::models::schema_and_name(&e.relation);
        n.eq_ignore_ascii_case(&name)
            && schema
                .as_ref()
                .is_none_or(|schema| s.is_some_and(|s| s.eq_ignore_ascii_case(schema)))
    });
    match (matching.next(), matching.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

/// The warehouse's columns for a model, from its catalog relation, in the
/// warehouse's order: each with its type, and with what the project
/// documents of it (a description before the warehouse's comment, tests);
/// columns the project documents and the warehouse has not built stay, last.
fn with_catalog_columns(
    documented: &[ModelColumnDocs],
    entry: &steward_lineage::DbtCatalogEntry,
) -> Vec<ModelColumnDocs> {
    let mut columns: Vec<ModelColumnDocs> = entry
        .columns
        .iter()
        .map(|built| {
            let docs = documented
                .iter()
                .find(|d| d.name.eq_ignore_ascii_case(&built.name));
            ModelColumnDocs {
                name: built.name.clone(),
                description: docs
                    .and_then(|d| d.description.clone())
                    .or_else(|| built.comment.clone()),
                data_type: Some(built.data_type.clone()),
                tests: docs.map(|d| d.tests.clone()).unwrap_or_default(),
            }
        })
        .collect();
    for docs in documented {
        if !columns
            .iter()
            .any(|c| c.name.eq_ignore_ascii_case(&docs.name))
        {
            columns.push(docs.clone());
        }
    }
    columns
}

/// Gives the models read their columns' types from the dbt catalogs given
/// with them. A catalog describes models: given without any, it is refused
/// rather than read for nothing.
fn apply_catalogs(read: &mut Read) -> Result<()> {
    if read.catalogs.is_empty() {
        return Ok(());
    }
    if read.models.is_empty() {
        return Err(ServiceError::Invalid(
            "a dbt catalog gives the column types of models: give it with the dbt manifest or \
             the models folder it describes"
                .to_string(),
        ));
    }
    for model in &mut read.models {
        if let Some(entry) = catalog_entry(model, &read.catalogs) {
            model.docs.columns = with_catalog_columns(&model.docs.columns, entry);
            read.typed += 1;
        }
    }
    Ok(())
}

/// A model's code as it is kept, with its checksum.
fn definition(origin_ref: String, model: String, path: String, text: String) -> ModelDefinition {
    use sha2::{Digest, Sha256};
    let checksum = crate::hex(&Sha256::digest(text.as_bytes()));
    ModelDefinition {
        origin_ref,
        model,
        path,
        text,
        checksum,
        materialized: None,
        compiled_sql: None,
        docs: ModelDocs::default(),
    }
}

/// What the catalog keeps of a model's documented columns.
fn column_docs(columns: &[steward_lineage::ModelColumn]) -> Vec<ModelColumnDocs> {
    columns
        .iter()
        .map(|c| ModelColumnDocs {
            name: c.name.clone(),
            description: c.description.clone(),
            data_type: c.data_type.clone(),
            tests: c.tests.clone(),
        })
        .collect()
}

/// What the catalog keeps of a model's documentation.
fn docs_of(properties: &steward_lineage::ModelProperties) -> ModelDocs {
    ModelDocs {
        description: properties.description.clone(),
        owner: properties.owner.clone(),
        tags: properties.tags.clone(),
        columns: column_docs(&properties.columns),
    }
}

fn is_sql(path: &str) -> bool {
    Path::new(path).extension().is_some_and(|x| x == "sql")
}

/// A model file's folders under the models folder (`staging/shop` for
/// `models/staging/shop/orders.sql`), for the project's folder configs.
fn model_folders(folder: &str, path: &str) -> Vec<String> {
    let relative = Path::new(path)
        .strip_prefix(folder)
        .unwrap_or(Path::new(path));
    relative
        .parent()
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().to_string())
                .filter(|c| !c.is_empty() && c != ".")
                .collect()
        })
        .unwrap_or_default()
}

/// A dbt project's models: rendered to SQL for lineage, and kept with what
/// the project says of each (`config(...)` over property files over
/// `dbt_project.yml`, as dbt applies them).
fn read_models(
    folder: &str,
    files: &[ModelFile],
    macros: &[ModelFile],
    dialect: &str,
    read: &mut Read,
) {
    let stem = |path: &str| {
        Path::new(path)
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string()
    };
    // Property files: every `*.yml` but the project file, which
    // `read_properties` leaves out.
    let yml: Vec<(&str, &str)> = files
        .iter()
        .filter(|f| !is_sql(&f.path))
        .map(|f| (f.path.as_str(), f.text.as_str()))
        .collect();
    let properties = steward_lineage::read_properties(&yml);
    for problem in &properties.problems {
        let (file, why) = problem.split_once(": ").unwrap_or((problem, ""));
        read.problems.push((file.to_string(), why.to_string()));
    }
    let project = match files
        .iter()
        .find(|f| steward_lineage::is_project_file(&f.path))
    {
        Some(p) => steward_lineage::read_project(&p.text).unwrap_or_else(|e| {
            read.problems.push((p.path.clone(), e));
            steward_lineage::DbtProject::default()
        }),
        None => steward_lineage::DbtProject::default(),
    };
    let models: Vec<&ModelFile> = files.iter().filter(|f| is_sql(&f.path)).collect();
    // Each model's settings, with dbt's precedence.
    let mut settings = BTreeMap::new();
    for file in &models {
        let folders = model_folders(folder, &file.path);
        let folders: Vec<&str> = folders.iter().map(String::as_str).collect();
        let defaults = project.folder(&folders);
        let name = stem(&file.path).to_lowercase();
        let own = crate::lineage::inline_config(&file.text);
        let documented = properties.models.get(&name);
        let mut tags = defaults.tags.clone();
        tags.extend(documented.iter().flat_map(|d| d.tags.iter().cloned()));
        tags.extend(own.tags.iter().cloned());
        let mut seen = std::collections::BTreeSet::new();
        tags.retain(|t| seen.insert(t.to_lowercase()));
        let schema = own
            .schema
            .clone()
            .or_else(|| documented.and_then(|d| d.schema.clone()))
            .or(defaults.schema.clone());
        let materialized = own
            .materialized
            .clone()
            .or_else(|| documented.and_then(|d| d.materialized.clone()))
            .or(defaults.materialized.clone());
        let docs = ModelDocs {
            description: documented.and_then(|d| d.description.clone()),
            owner: own
                .owner
                .clone()
                .or_else(|| documented.and_then(|d| d.owner.clone()))
                .or(defaults.owner.clone()),
            tags,
            columns: documented
                .map(|d| column_docs(&d.columns))
                .unwrap_or_default(),
        };
        settings.insert(name, (schema, materialized, docs));
    }
    let schemas: BTreeMap<String, String> = settings
        .iter()
        .filter_map(|(name, (schema, _, _))| schema.clone().map(|s| (name.clone(), s)))
        .collect();
    let macro_files: Vec<(String, String)> = macros
        .iter()
        .map(|m| (m.path.clone(), m.text.clone()))
        .collect();
    let vars = project.vars();
    let context = |macros| steward_lineage::DbtContext {
        schemas: &schemas,
        properties: &properties,
        vars: &vars,
        macros,
    };
    // A macro file that is not valid Jinja is reported; the models are
    // rendered without the macros then.
    let renderer = steward_lineage::DbtRenderer::new(context(&macro_files)).unwrap_or_else(|e| {
        let (file, why) = e.split_once(": ").unwrap_or((&e, ""));
        read.problems.push((file.to_string(), why.to_string()));
        steward_lineage::DbtRenderer::without_macros(context(&[]))
    });
    for file in models {
        let name = stem(&file.path).to_lowercase();
        // A model that cannot be rendered is reported; the others are read.
        let rendered = match render_model(&name, &file.text, &schemas, &renderer) {
            Ok(rendered) => rendered,
            Err(e) => {
                read.problems.push((file.path.clone(), e.to_string()));
                continue;
            }
        };
        let origin_ref = format!("model:{}", file.path);
        read.inputs.push(SqlInput {
            origin: LineageOrigin::Dbt,
            origin_ref: origin_ref.clone(),
            sql: rendered.create_table_as(),
            dialect: dialect.to_string(),
        });
        let mut kept = definition(
            origin_ref,
            rendered.target,
            file.path.clone(),
            file.text.clone(),
        );
        if let Some((_, materialized, docs)) = settings.remove(&name) {
            kept.materialized = materialized;
            kept.docs = docs;
        }
        kept.compiled_sql = Some(rendered.compiled);
        read.models.push(kept);
    }
}

fn invalid(name: &str, e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Invalid(format!("{name}: {e}"))
}

fn read_source(
    source: &LineageSource,
    dialect: &str,
    read: &mut Read,
    events: &mut Vec<IngestEvent>,
) -> Result<()> {
    let before = read.inputs.len() + read.known.len();
    match source {
        LineageSource::QueryLog { name, text, format } => {
            let log = read_query_log(text, *format).map_err(|e| invalid(name, e))?;
            let mut report = LogReport {
                name: name.clone(),
                format: log.format,
                records: log.records,
                usage: 0,
                lineage_only: 0,
                skipped: log.skipped,
            };
            for s in log.statements {
                match s.executed_at {
                    Some(executed_at) => {
                        report.usage += 1;
                        read.usage.push(LoggedQuery {
                            query_id: s.query_id.clone(),
                            user: s.user,
                            sql: s.sql.clone(),
                            bytes_scanned: s.bytes_scanned,
                            duration_ms: s.duration_ms,
                            executed_at,
                            database: s.database,
                        });
                    }
                    None => report.lineage_only += 1,
                }
                read.inputs.push(SqlInput {
                    origin: LineageOrigin::QueryLog,
                    origin_ref: format!("query_log:{}", s.query_id),
                    sql: s.sql,
                    dialect: dialect.to_string(),
                });
            }
            read.logs.push(report);
        }
        LineageSource::Models {
            folder,
            files,
            macros,
        } => read_models(folder, files, macros, dialect, read),
        LineageSource::Script { name, text } => read.inputs.push(SqlInput {
            origin: LineageOrigin::Steward,
            origin_ref: format!("sql:{name}"),
            sql: text.clone(),
            dialect: dialect.to_string(),
        }),
        LineageSource::DbtManifest { name, text } => {
            let models = steward_lineage::dbt_manifest(text).map_err(|e| invalid(name, e))?;
            for model in models {
                let origin_ref = format!("dbt:{}", model.unique_id);
                if let Some(code) = model.code {
                    let mut kept = definition(
                        origin_ref.clone(),
                        model.target.clone(),
                        model.path.unwrap_or_else(|| model.unique_id.clone()),
                        code,
                    );
                    kept.materialized = model.properties.materialized.clone();
                    kept.compiled_sql = model.compiled.clone();
                    kept.docs = docs_of(&model.properties);
                    read.models.push(kept);
                }
                match model.sql {
                    Some(sql) => read.inputs.push(SqlInput {
                        origin: LineageOrigin::Dbt,
                        origin_ref,
                        sql,
                        dialect: dialect.to_string(),
                    }),
                    // Not compiled: what `depends_on` says, as table lineage.
                    None => read.known.push(KnownInput {
                        origin: LineageOrigin::Dbt,
                        origin_ref,
                        lineage: Lineage {
                            sources: model.depends_on.into_iter().collect(),
                            targets: [model.target].into(),
                            warnings: vec!["dbt manifest not compiled: table lineage only".into()],
                            ..Lineage::default()
                        },
                    }),
                }
            }
        }
        LineageSource::DbtCatalog { name, text } => {
            let entries = steward_lineage::dbt_catalog(text).map_err(|e| invalid(name, e))?;
            read.catalogs.extend(entries);
        }
        LineageSource::OpenLineage { name, text } => {
            let events = steward_lineage::openlineage_events(text).map_err(|e| invalid(name, e))?;
            for (reference, lineage) in events {
                read.known.push(KnownInput {
                    origin: LineageOrigin::OpenLineage,
                    origin_ref: format!("openlineage:{reference}"),
                    lineage,
                });
            }
        }
    }
    events.push(IngestEvent::Read {
        name: source.name().to_string(),
        inputs: read.inputs.len() + read.known.len() - before,
    });
    Ok(())
}

/// Ingests the sources: every source is read before anything is stored (one
/// that cannot be read at all fails the request and stores nothing); then
/// usage, lineage and derived labels are stored, and the run recorded. An
/// input whose SQL cannot be read is reported in `errors` and the others
/// are stored.
pub(crate) async fn ingest_lineage(
    store: &Store,
    propagation_stops: &[String],
    conventions: steward_lineage::Conventions,
    request: IngestRequest,
    on_event: &mut (dyn FnMut(IngestEvent) + Send),
) -> Result<IngestReport> {
    if !steward_lineage::parse::known_dialect(&request.dialect) {
        return Err(ServiceError::Invalid(format!(
            "unknown dialect `{}`",
            request.dialect
        )));
    }
    // Reading logs, manifests and events is CPU work: off the async tasks.
    // Each source's text is dropped once read.
    let IngestRequest {
        sources,
        views,
        dialect,
    } = request;
    let reading_dialect = dialect.clone();
    let (mut read, events) = tokio::task::spawn_blocking(move || {
        let mut read = Read::default();
        let mut events = Vec::new();
        for source in sources {
            read_source(&source, &reading_dialect, &mut read, &mut events)?;
        }
        apply_catalogs(&mut read)?;
        Ok::<_, ServiceError>((read, events))
    })
    .await
    .map_err(|e| ServiceError::stopped("reading the lineage sources", e))??;
    for event in events {
        on_event(event);
    }
    if views {
        read.inputs.extend(view_inputs(store).await?);
    }
    if read.inputs.is_empty() && read.known.is_empty() && read.models.is_empty() {
        return Err(ServiceError::Invalid(
            "nothing to ingest: no query log, models, script, dbt manifest or OpenLineage \
             events were given, and the scans found no views"
                .to_string(),
        ));
    }
    let inputs = read.inputs.len() + read.known.len();
    let typed = read.typed;
    let mut run = start_run(store, "lineage ingest").await?;
    let outcome = store_read(
        store,
        propagation_stops,
        conventions,
        &dialect,
        read,
        &mut run,
        on_event,
    )
    .await
    .map(|mut report| {
        report.assets.typed = typed;
        report
    });
    let failed = match &outcome {
        Err(e) => Some(e.to_string()),
        Ok(r) if !r.errors.is_empty() || r.malformed_records() > 0 => Some(format!(
            "partial ingestion: {} input(s) could not be read, {} malformed record(s) skipped",
            r.errors.len(),
            r.malformed_records()
        )),
        Ok(_) => None,
    };
    let stats = match &outcome {
        Ok(r) => serde_json::json!({
            "inputs": r.inputs,
            "table_edges": r.table_edges,
            "column_edges": r.column_edges,
            "models": r.models,
            "not_read": r.errors.iter().map(|(i, _)| i.clone()).collect::<Vec<_>>(),
            "usage": r.usage.as_ref().map_or(0, |u| u.recorded),
        }),
        Err(_) => serde_json::json!({ "inputs": inputs }),
    };
    finish_run(store, &run, failed, stats).await?;
    outcome
}

async fn store_read(
    store: &Store,
    propagation_stops: &[String],
    conventions: steward_lineage::Conventions,
    dialect: &str,
    read: Read,
    run: &mut Record<JobRun>,
    on_event: &mut (dyn FnMut(IngestEvent) + Send),
) -> Result<IngestReport> {
    let total = read.inputs.len() + read.known.len();
    let usage = if read.usage.is_empty() {
        None
    } else {
        Some(record_logged(store, read.usage, dialect).await?)
    };
    let mut report = IngestReport {
        inputs: total,
        usage,
        logs: read.logs,
        ..IngestReport::default()
    };
    report.models = store_models(store, &read.models).await?;
    let (known, errors) = analyse_inputs(store, read.inputs, conventions).await?;
    report.errors = errors;
    report.errors.extend(read.problems);
    let mut progress = crate::lineage::Progress {
        run: Some(run),
        on_event,
        done: 0,
        total,
    };
    store_inputs(store, &known, &mut report, &mut progress).await?;
    store_inputs(store, &read.known, &mut report, &mut progress).await?;
    report.assets = crate::models::catalog_models(store, &read.models, &known).await?;
    // New lineage may carry sensitivity further: recompute derived labels.
    report.derived = propagate(store, propagation_stops).await?.derived;
    Ok(report)
}

/// Keeps each model's code, replacing what an earlier ingestion kept for the
/// same model file; all in one transaction.
async fn store_models(store: &Store, models: &[ModelDefinition]) -> Result<usize> {
    if models.is_empty() {
        return Ok(0);
    }
    let mut session = store.begin().await?;
    session.lock("steward:model_definitions").await?;
    for model in models {
        let kept = session
            .find_one::<ModelDefinition>(Filter::all().eq_text("origin_ref", &model.origin_ref))
            .await?;
        match kept {
            Some(kept) if kept.data == *model => {}
            Some(kept) => {
                session.update(kept.id, model).await?;
            }
            None => {
                session.insert(model).await?;
            }
        }
    }
    session.commit().await?;
    Ok(models.len())
}
