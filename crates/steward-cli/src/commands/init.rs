//! `steward init`: writes `steward.toml` and the data dir, and sets up the catalog
//! store. Safe to run again. On any failure it removes what it made, so a failed
//! init leaves no half-made data dir behind.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use steward_service::create_catalog;
use steward_store::Backend;
use steward_types::{ErrorKind, Secret};

use crate::config::{self, Loaded, Overrides};
use crate::failure::Failure;
use crate::output::Output;

#[derive(Debug, Serialize)]
struct InitReport {
    config_file: PathBuf,
    config_created: bool,
    data_dir: PathBuf,
    data_dir_created: bool,
    store: String,
    backend: Backend,
    schema_version: i64,
    /// Migrations applied by this run.
    applied: Vec<i64>,
}

/// What this run created, removed again if the run fails.
#[derive(Debug, Default)]
struct Made {
    dirs: Vec<PathBuf>,
    files: Vec<PathBuf>,
}

impl Made {
    fn undo(&self) {
        for file in &self.files {
            let _ = std::fs::remove_file(file);
        }
        for dir in self.dirs.iter().rev() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

pub async fn run(loaded: &Loaded, overrides: &Overrides, out: &Output) -> anyhow::Result<()> {
    let cwd = std::env::current_dir()?;
    let config_file = config::config_path(overrides, &cwd);
    let mut made = Made::default();
    match init(loaded, overrides, &config_file, &mut made).await {
        Ok(report) => out.print(&report, human),
        Err(error) => {
            made.undo();
            Err(error)
        }
    }
}

async fn init(
    loaded: &Loaded,
    overrides: &Overrides,
    config_file: &Path,
    made: &mut Made,
) -> anyhow::Result<InitReport> {
    let config_exists = loaded.file.is_some();
    if let (true, Some(url)) = (config_exists, &overrides.store_url) {
        let configured = loaded.config.store.url.as_ref().map(Secret::expose);
        if configured != Some(url.as_str()) {
            return Err(Failure::new(
                ErrorKind::Conflict,
                format!(
                    "`{}` already exists with another store; change `store.url` there instead of passing --store-url",
                    config_file.display()
                ),
            )
            .into());
        }
    }

    let data_dir = &loaded.config.data_dir;
    let data_dir_created = create_data_dir(data_dir, made)?;
    mark_data_dir(data_dir, made)?;

    let url = loaded.store_url();
    if url.starts_with("sqlite:") {
        let file = loaded.catalog_file();
        if loaded.config.store.url.is_none() && !file.exists() {
            for suffix in ["", "-wal", "-shm"] {
                made.files
                    .push(PathBuf::from(format!("{}{suffix}", file.display())));
            }
        }
    }
    let catalog = create_catalog(loaded).await?;

    if !config_exists {
        let data_dir_entry = relative_to(data_dir, config_file.parent().unwrap_or(Path::new(".")));
        let text = config::template(overrides.store_url.as_deref(), &data_dir_entry);
        write_config(
            config_file,
            &text,
            overrides.store_url.as_deref().is_some_and(has_password),
        )?;
        made.files.push(config_file.to_path_buf());
    }

    Ok(InitReport {
        config_file: config_file.to_path_buf(),
        config_created: !config_exists,
        data_dir: data_dir.clone(),
        data_dir_created,
        store: catalog.store,
        backend: catalog.backend,
        schema_version: catalog.schema.current,
        applied: catalog.applied,
    })
}

fn human(r: &InitReport) -> String {
    let state = |created: bool| if created { "created" } else { "kept" };
    let headline = if r.config_created || r.data_dir_created || !r.applied.is_empty() {
        "initialised Steward"
    } else {
        "already initialised; nothing changed"
    };
    format!(
        "{headline}\n  config    {} ({})\n  data dir  {} ({})\n  store     {} ({}, schema version {})\nnext: `steward status`, `steward config show`; for `steward serve`, the first admin: `steward user add NAME --role admin`\n",
        r.config_file.display(),
        state(r.config_created),
        r.data_dir.display(),
        state(r.data_dir_created),
        r.store,
        r.backend.as_str(),
        r.schema_version,
    )
}

/// Creates the data dir and any missing parents, remembering the topmost one it
/// made so a failed init can remove exactly that.
fn create_data_dir(dir: &Path, made: &mut Made) -> anyhow::Result<bool> {
    if dir.is_dir() {
        return Ok(false);
    }
    if dir.exists() {
        return Err(Failure::new(
            ErrorKind::Invalid,
            format!("data dir `{}` exists and is not a directory", dir.display()),
        )
        .into());
    }
    let mut topmost = dir.to_path_buf();
    while let Some(parent) = topmost.parent() {
        if parent.as_os_str().is_empty() || parent.exists() {
            break;
        }
        topmost = parent.to_path_buf();
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        Failure::new(
            ErrorKind::Unavailable,
            format!("cannot create data dir `{}`: {e}", dir.display()),
        )
    })?;
    made.dirs.push(topmost);
    Ok(true)
}

/// Writes `.gitignore` into the data dir (its contents are local state, never to
/// be committed). This is also the check that the data dir is writable.
fn mark_data_dir(dir: &Path, made: &mut Made) -> anyhow::Result<()> {
    let ignore = dir.join(".gitignore");
    if ignore.exists() {
        return Ok(());
    }
    std::fs::write(&ignore, "# Steward's local state: never commit it.\n*\n").map_err(|e| {
        Failure::new(
            ErrorKind::Unavailable,
            format!("data dir `{}` is not writable: {e}", dir.display()),
        )
    })?;
    made.files.push(ignore);
    Ok(())
}

/// Writes the file whole or not at all: a temp file beside it, then a rename.
fn write_config(path: &Path, text: &str, secret: bool) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let fail = |e: std::io::Error| {
        Failure::new(
            ErrorKind::Unavailable,
            format!("cannot write config file `{}`: {e}", path.display()),
        )
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    tmp.write_all(text.as_bytes()).map_err(fail)?;
    // A file holding a password is readable by its owner only.
    let mode = if secret { 0o600 } else { 0o644 };
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode)).map_err(fail)?;
    tmp.persist_noclobber(path).map_err(|e| fail(e.error))?;
    Ok(())
}

fn has_password(url: &str) -> bool {
    steward_types::redact_url(url) != url
}

/// `dir` as the config file should spell it: relative to the file's folder when
/// inside it, absolute otherwise.
fn relative_to(dir: &Path, base: &Path) -> String {
    match dir.strip_prefix(base) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
        _ => dir.display().to_string(),
    }
}
