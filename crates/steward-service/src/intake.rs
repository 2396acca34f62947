//! Lineage intake that runs on its own (the `ingest` job): a query-log
//! folder, a models folder, a dbt manifest or OpenLineage events, read
//! again and again on a schedule, where only what is new or changed since
//! the last run is read. Files are remembered by absolute path and the
//! sha256 of their bytes (`ingested_files`), and only once their ingestion
//! is stored: a run that fails remembers nothing and the next one reads the
//! same files again. Reading a file twice is harmless anyway (usage is
//! replaced by query id, lineage by origin), so a changed log is read whole.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};
use steward_store::Filter;
use steward_types::{IngestedFile, Record};

use crate::error::{Result, ServiceError};
use crate::ingestion::{IngestRequest, LineageSource, models_folder};
use crate::lineage::IngestReport;

/// How the files at a path are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IntakeInput {
    /// Query-log files (a file, or every file of a folder and its subfolders).
    QueryLog,
    /// A dbt-style models folder (its `*.sql` files, read together).
    Models,
    /// A dbt `manifest.json`, with the `catalog.json` dbt wrote beside it
    /// (its models' column types), read together.
    DbtManifest,
    /// OpenLineage run events (a file, or every file of a folder).
    Openlineage,
    /// A SQL script (a file, or every `*.sql` file of a folder).
    Sql,
}

impl IntakeInput {
    pub const NAMES: &'static str = "query_log, models, dbt_manifest, openlineage or sql";

    pub fn as_str(self) -> &'static str {
        match self {
            Self::QueryLog => "query_log",
            Self::Models => "models",
            Self::DbtManifest => "dbt_manifest",
            Self::Openlineage => "openlineage",
            Self::Sql => "sql",
        }
    }

    /// What a path most likely holds, when the job does not say: a folder
    /// with `*.sql` files is a models folder, any other folder holds query
    /// logs; a `manifest.json` is dbt's, a `*.sql` file a script, any other
    /// file a query log.
    pub fn guess(path: &Path) -> Self {
        if path.is_dir() {
            let has_sql = std::fs::read_dir(path).is_ok_and(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .any(|e| e.path().extension().is_some_and(|x| x == "sql"))
            });
            return if has_sql {
                Self::Models
            } else {
                Self::QueryLog
            };
        }
        match path.file_name().and_then(|n| n.to_str()) {
            // A catalog alone is refused with the reason (it types a
            // manifest's models): read as dbt's, not as a query log.
            Some("manifest.json" | "catalog.json") => Self::DbtManifest,
            Some(name) if name.ends_with(".sql") => Self::Sql,
            _ => Self::QueryLog,
        }
    }
}

impl std::str::FromStr for IntakeInput {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(
            match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
                "query_log" => Self::QueryLog,
                "models" => Self::Models,
                "dbt_manifest" => Self::DbtManifest,
                "openlineage" => Self::Openlineage,
                "sql" => Self::Sql,
                other => return Err(format!("unknown input `{other}`: {}", Self::NAMES)),
            },
        )
    }
}

impl std::fmt::Display for IntakeInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What to take in.
#[derive(Debug, Clone)]
pub struct IntakeRequest {
    /// A file or folder (relative to the config file's folder).
    pub path: PathBuf,
    /// How to read it; guessed from the path when absent.
    pub input: Option<IntakeInput>,
    /// The query logs' format (`auto` by default).
    pub format: String,
    /// The SQL dialect of the logs, models and scripts.
    pub dialect: String,
}

/// What one intake did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IntakeReport {
    pub path: String,
    pub input: Option<IntakeInput>,
    /// Files found at the path.
    pub files: usize,
    /// Files new or changed since the last intake, read this time.
    pub read: Vec<String>,
    /// Files that could not be read, and why: not remembered, so the next
    /// intake tries them again.
    pub failed: Vec<(String, String)>,
    /// What the ingestion stored; none when nothing was new.
    pub ingested: Option<IngestReport>,
}

/// A file found at the path, with its checksum.
struct Found {
    path: PathBuf,
    checksum: String,
}

fn checksum(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| ServiceError::io(path.display(), &e))?;
    Ok(crate::hex(&Sha256::digest(&bytes)))
}

/// The files at `path` that `input` reads, sorted, hidden ones left out.
fn files_at(path: &Path, input: IntakeInput) -> Result<Vec<PathBuf>> {
    if !path.is_dir() {
        let mut files = vec![path.to_path_buf()];
        if input == IntakeInput::DbtManifest {
            files.extend(crate::ingestion::catalog_beside(path));
        }
        return Ok(files);
    }
    let wanted = |p: &Path| match input {
        IntakeInput::Models | IntakeInput::Sql => p.extension().is_some_and(|x| x == "sql"),
        _ => true,
    };
    let hidden = |p: &Path| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'))
    };
    // A models folder is read as `steward lineage ingest --models` reads it:
    // its own `*.sql` files. Logs and events may sit in dated subfolders.
    let recursive = input != IntakeInput::Models;
    let mut out = Vec::new();
    let mut folders = vec![path.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries =
            std::fs::read_dir(&folder).map_err(|e| ServiceError::io(folder.display(), &e))?;
        for entry in entries {
            let entry = entry.map_err(|e| ServiceError::io(folder.display(), &e))?;
            let p = entry.path();
            if hidden(&p) {
                continue;
            }
            if p.is_dir() {
                if recursive {
                    folders.push(p);
                }
            } else if wanted(&p) {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn read_text(path: &Path) -> std::result::Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::InvalidData => "not UTF-8 text".to_string(),
        _ => e.to_string(),
    })
}

/// A changed file, read.
struct Changed<'a> {
    found: &'a Found,
    text: String,
}

fn is_dbt_catalog(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "catalog.json")
}

/// The lineage sources for the changed files.
fn sources_for(
    request: &IntakeRequest,
    input: IntakeInput,
    root: &Path,
    changed: &[&Changed<'_>],
) -> Result<Vec<LineageSource>> {
    let name = |p: &Path| p.display().to_string();
    let mut out = Vec::new();
    match input {
        // A model's columns resolve against the other models: the folder is
        // read whole whenever one of its files changed.
        IntakeInput::Models => out.push(models_folder(root)?),
        _ => {
            for c in changed {
                let (name, text) = (name(&c.found.path), c.text.clone());
                out.push(match input {
                    IntakeInput::QueryLog => {
                        LineageSource::query_log(&name, text, &request.format)?
                    }
                    IntakeInput::DbtManifest if is_dbt_catalog(&c.found.path) => {
                        LineageSource::DbtCatalog { name, text }
                    }
                    IntakeInput::DbtManifest => LineageSource::DbtManifest { name, text },
                    IntakeInput::Openlineage => LineageSource::OpenLineage { name, text },
                    IntakeInput::Sql | IntakeInput::Models => LineageSource::Script { name, text },
                });
            }
        }
    }
    Ok(out)
}

impl crate::Steward {
    /// Ingests what is new or changed at the request's path since the last
    /// intake, and remembers it. Files that cannot be read are reported and
    /// left for the next intake; the others are stored.
    pub async fn ingest_new_files(
        &self,
        request: &IntakeRequest,
        log: &mut (dyn FnMut(String) + Send),
    ) -> Result<IntakeReport> {
        let root = if request.path.is_relative() {
            self.base_dir().join(&request.path)
        } else {
            request.path.clone()
        };
        if !root.exists() {
            return Err(ServiceError::Invalid(format!(
                "{}: no such file or folder",
                root.display()
            )));
        }
        let root = root
            .canonicalize()
            .map_err(|e| ServiceError::io(root.display(), &e))?;
        let input = request.input.unwrap_or_else(|| IntakeInput::guess(&root));
        if input == IntakeInput::Models && !root.is_dir() {
            return Err(ServiceError::Invalid(format!(
                "{}: a models input is a folder",
                root.display()
            )));
        }
        let mut report = IntakeReport {
            path: root.display().to_string(),
            input: Some(input),
            ..IntakeReport::default()
        };

        let mut found = Vec::new();
        for path in files_at(&root, input)? {
            match checksum(&path) {
                Ok(checksum) => found.push(Found { path, checksum }),
                Err(e) => report
                    .failed
                    .push((path.display().to_string(), e.to_string())),
            }
        }
        report.files = found.len() + report.failed.len();
        let known: BTreeMap<String, Record<IngestedFile>> = {
            let mut session = self.store().read().await?;
            let rows = session.list::<IngestedFile>(&Filter::all()).await?;
            session.commit().await?;
            rows.into_iter().map(|r| (r.path.clone(), r)).collect()
        };
        let is_new = |f: &Found| {
            known
                .get(&f.path.display().to_string())
                .is_none_or(|k| k.checksum != f.checksum)
        };
        // A catalog types the models of its manifest: when either changed,
        // both are read.
        let whole = input == IntakeInput::DbtManifest
            && found.iter().any(|f| is_dbt_catalog(&f.path))
            && found.iter().any(is_new);
        let mut changed: Vec<Changed<'_>> = Vec::new();
        for f in found.iter().filter(|f| whole || is_new(f)) {
            // A models folder is read by the ingestion itself.
            if input == IntakeInput::Models {
                changed.push(Changed {
                    found: f,
                    text: String::new(),
                });
                continue;
            }
            match read_text(&f.path) {
                Ok(text) => changed.push(Changed { found: f, text }),
                Err(why) => report.failed.push((f.path.display().to_string(), why)),
            }
        }
        log(format!(
            "{}: {} file(s) as {input}, {} new or changed",
            root.display(),
            report.files,
            changed.len() + report.failed.len()
        ));
        let changed: Vec<&Changed<'_>> = changed.iter().collect();

        // All changed files in one ingestion; when that cannot read one of
        // them, each on its own, so one bad file does not hold back the rest.
        let mut stored: Vec<&Found> = Vec::new();
        let attempt = if changed.is_empty() {
            Ok(None)
        } else {
            match sources_for(request, input, &root, &changed) {
                Ok(sources) => self
                    .ingest_sources(sources, &request.dialect)
                    .await
                    .map(Some),
                Err(e) => Err(e),
            }
        };
        match attempt {
            Ok(None) => {}
            Ok(Some(ingested)) => {
                stored.extend(changed.iter().map(|c| c.found));
                report.ingested = Some(ingested);
            }
            Err(e @ ServiceError::Invalid(_))
                if input != IntakeInput::Models && changed.len() == 1 =>
            {
                report
                    .failed
                    .push((changed[0].found.path.display().to_string(), e.to_string()));
            }
            Err(e @ ServiceError::Invalid(_)) if input != IntakeInput::Models => {
                log(format!("{e}; reading the files one by one"));
                let mut total: Option<IngestReport> = None;
                for f in &changed {
                    let one = match sources_for(request, input, &root, &[f]) {
                        Ok(sources) => self.ingest_sources(sources, &request.dialect).await,
                        Err(e) => Err(e),
                    };
                    match one {
                        Ok(r) => {
                            stored.push(f.found);
                            total = Some(match total {
                                None => r,
                                Some(t) => merge(t, r),
                            });
                        }
                        Err(e @ (ServiceError::Invalid(_) | ServiceError::Lineage(_))) => report
                            .failed
                            .push((f.found.path.display().to_string(), e.to_string())),
                        Err(e) => return Err(e),
                    }
                }
                report.ingested = total;
            }
            Err(e) => return Err(e),
        }
        for (file, why) in &report.failed {
            log(format!("{file} not read: {why}"));
        }
        if let Some(r) = &report.ingested {
            log(format!(
                "{} input(s): {} table edge(s), {} column edge(s), {} model(s), {} not read",
                r.inputs,
                r.table_edges,
                r.column_edges,
                r.models,
                r.errors.len()
            ));
        }
        self.remember_files(&stored, input).await?;
        report.read = stored
            .iter()
            .map(|f| f.path.display().to_string())
            .collect();
        Ok(report)
    }

    async fn ingest_sources(
        &self,
        sources: Vec<LineageSource>,
        dialect: &str,
    ) -> Result<IngestReport> {
        self.ingest_lineage(
            IngestRequest {
                sources,
                views: false,
                dialect: dialect.to_string(),
            },
            &mut |_| {},
        )
        .await
    }

    async fn remember_files(&self, files: &[&Found], input: IntakeInput) -> Result<()> {
        if files.is_empty() {
            return Ok(());
        }
        let now = self.now();
        let mut session = self.store().begin().await?;
        for f in files {
            let path = f.path.display().to_string();
            let row = IngestedFile {
                path: path.clone(),
                checksum: f.checksum.clone(),
                input: input.as_str().to_string(),
                ingested_at: now,
            };
            match session
                .find_one::<IngestedFile>(Filter::all().eq_text("path", path))
                .await?
            {
                Some(old) => {
                    session.update(old.id, &row).await?;
                }
                None => {
                    session.insert(&row).await?;
                }
            }
        }
        session.commit().await?;
        Ok(())
    }
}

/// Two ingestions' reports as one.
fn merge(mut a: IngestReport, b: IngestReport) -> IngestReport {
    a.inputs += b.inputs;
    a.with_lineage += b.with_lineage;
    a.table_edges += b.table_edges;
    a.column_edges += b.column_edges;
    a.derived = b.derived;
    a.models += b.models;
    a.errors.extend(b.errors);
    a.usage = match (a.usage, b.usage) {
        (Some(x), Some(y)) => Some(crate::usage::UsageReport {
            recorded: x.recorded + y.recorded,
            replaced: x.replaced + y.replaced,
            unparsed: x.unparsed + y.unparsed,
        }),
        (x, y) => x.or(y),
    };
    a.logs.extend(b.logs);
    a
}
