//! A deterministic sample company warehouse to try Steward on: a data lake
//! (Parquet, CSV, gzipped NDJSON), an operational SQLite database, a query log
//! and the dbt models linking them. The data carries the sensitive fields real
//! companies hold and the look-alikes that fool PII detectors.
//!
//! Same `scale`, same bytes: values come from a fixed-seed SplitMix64 and
//! times from a fixed epoch, never from the clock.

mod clock;
mod derived;
mod finance;
mod hr;
mod lake;
mod log;
mod models;
mod people;
mod raw;
mod rng;
mod sqlite;
mod world;

#[cfg(test)]
mod tests;

use std::fs;
use std::path::{Path, PathBuf};

use datafusion::arrow::error::ArrowError;
use datafusion::parquet::errors::ParquetError;
use steward_types::{ErrorKind, HasKind};

use crate::lake::Sink;
use crate::world::World;

/// Marks a folder as written by `generate`, so a later run may replace it.
const MARKER: &str = ".steward-sample";
/// Bumped when the layout changes, so readers can tell generations apart.
const GENERATOR: u32 = 1;

/// What `generate` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleSummary {
    pub root: PathBuf,
    /// The data lake folder (`raw`, `hr`, `staging`, `mart`).
    pub lake: PathBuf,
    /// The operational SQLite database.
    pub sqlite: PathBuf,
    pub query_log: PathBuf,
    /// The dbt models folder.
    pub models: PathBuf,
    /// Files written, the marker included.
    pub files: usize,
    /// Rows written across the lake, the database and the query log.
    pub rows: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error("scale must be at least 1")]
    InvalidScale,

    #[error(
        "`{}` is not empty and holds no previous sample (no `{MARKER}`); refusing to overwrite it",
        path.display()
    )]
    NotEmpty { path: PathBuf },

    #[error("`{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("`{}`: {source}", path.display())]
    Arrow { path: PathBuf, source: ArrowError },

    #[error("`{}`: {source}", path.display())]
    Parquet { path: PathBuf, source: ParquetError },

    #[error("`{}`: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
}

impl HasKind for SampleError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Io { .. } => ErrorKind::Unavailable,
            Self::InvalidScale => ErrorKind::Invalid,
            Self::NotEmpty { .. } => ErrorKind::Conflict,
            Self::Arrow { .. } | Self::Parquet { .. } | Self::Sqlite { .. } => ErrorKind::Internal,
        }
    }
}

impl SampleError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn arrow(path: &Path, source: ArrowError) -> Self {
        Self::Arrow {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Writes the sample company into `dir` (created if missing). A non-empty
/// `dir` is refused unless it holds a previous generation, which is then
/// replaced entirely.
pub fn generate(dir: &Path, scale: u32) -> Result<SampleSummary, SampleError> {
    if scale == 0 {
        return Err(SampleError::InvalidScale);
    }
    prepare(dir)?;
    let mut sink = Sink::new(dir);
    // The marker goes first: a run that fails halfway can still be replaced.
    sink.text(
        MARKER,
        &format!("{{\"scale\": {scale}, \"generator\": {GENERATOR}}}\n"),
        0,
    )?;

    let world = World::new(scale);
    raw::write(&mut sink, &world)?;
    hr::write(&mut sink, scale)?;
    derived::write(&mut sink, &world)?;

    let sqlite = sink.path("app.db")?;
    let rows = sqlite::write(&sqlite, &world)?;
    sink.count(rows);

    let (log, lines) = log::query_log(scale);
    sink.text("query_log.jsonl", &log, lines)?;
    for (path, text) in models::MODELS.into_iter().chain(models::PROJECT) {
        sink.text(path, text, 0)?;
    }

    Ok(SampleSummary {
        root: dir.to_path_buf(),
        lake: dir.join("lake"),
        sqlite,
        query_log: dir.join("query_log.jsonl"),
        models: dir.join("models"),
        files: sink.files,
        rows: sink.rows,
    })
}

/// Leaves `dir` existing and empty, or refuses.
fn prepare(dir: &Path) -> Result<(), SampleError> {
    let io = |e| SampleError::io(dir, e);
    if !dir.exists() {
        return fs::create_dir_all(dir).map_err(io);
    }
    let mut entries = fs::read_dir(dir).map_err(io)?.peekable();
    if entries.peek().is_none() {
        return Ok(());
    }
    if !is_previous_generation(dir) {
        return Err(SampleError::NotEmpty {
            path: dir.to_path_buf(),
        });
    }
    // Empty the folder rather than remove it, so its permissions and any
    // shell sitting in it survive.
    for entry in entries {
        let path = entry.map_err(io)?.path();
        let removed = if path.is_dir() && !path.is_symlink() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        removed.map_err(|e| SampleError::io(&path, e))?;
    }
    Ok(())
}

/// A marker we wrote: a JSON object naming the generator, not just any file
/// that happens to have the name.
fn is_previous_generation(dir: &Path) -> bool {
    fs::read_to_string(dir.join(MARKER))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .is_some_and(|v| v.get("generator").is_some())
}
