//! `steward bench pii`: classifies every column of a PII corpus the way a scan
//! does (name and the first K non-null values, table by table) and writes the
//! predictions in the format the corpus scorer reads. Only classification is
//! timed: reading the files is not.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::Context;
use serde::Serialize;
use steward_agent::ModelOpinion;
use steward_pii::{AmbiguousColumn, Classifier, ColumnSample, Opinion, SecondOpinion};

use steward_types::ErrorKind;

use crate::cli::BenchPiiArgs;
use crate::config::Loaded;
use crate::failure::Failure;
use crate::output::Output;

/// One corpus table: its columns' names and first K non-null values.
struct CorpusTable {
    key: String,
    columns: Vec<(String, Vec<String>)>,
}

#[derive(Debug, Serialize)]
struct PiiBench {
    tool: &'static str,
    sample_k: usize,
    /// Median seconds of one classification pass over the corpus.
    seconds: f64,
    values_scanned: usize,
    values_per_second: f64,
    passes: usize,
    /// Columns put to the local model, and how many it labelled.
    #[serde(skip_serializing_if = "Option::is_none")]
    second_opinion: Option<OpinionCounts>,
    predictions: BTreeMap<String, BTreeMap<String, String>>,
    /// Why each column was labelled or not, with the confidence.
    evidence: BTreeMap<String, BTreeMap<String, Explanation>>,
    /// Files that could not be read, with the reason.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    errors: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
struct Explanation {
    confidence: f64,
    evidence: Vec<String>,
}

#[derive(Debug, Default, Serialize)]
struct OpinionCounts {
    asked: usize,
    labelled: usize,
}

/// Counts what the second opinion is asked and what it labels.
struct Counting {
    inner: ModelOpinion,
    asked: AtomicUsize,
    labelled: AtomicUsize,
}

impl SecondOpinion for Counting {
    fn judge(&self, question: &AmbiguousColumn<'_>) -> Option<Opinion> {
        self.asked.fetch_add(1, Ordering::Relaxed);
        let opinion = self.inner.judge(question);
        if opinion.as_ref().is_some_and(|o| o.label.is_some()) {
            self.labelled.fetch_add(1, Ordering::Relaxed);
        }
        opinion
    }
}

type Predictions = BTreeMap<String, BTreeMap<String, String>>;
type Evidence = BTreeMap<String, BTreeMap<String, Explanation>>;

fn read_table(path: &Path, key: String, k: usize) -> anyhow::Result<CorpusTable> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let headers = reader
        .headers()
        .with_context(|| format!("{}: cannot read the header row", path.display()))?
        .clone();
    let mut columns: Vec<(String, Vec<String>)> = headers
        .iter()
        .map(|h| (h.to_string(), Vec::new()))
        .collect();
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{}: line {}", path.display(), i + 2))?;
        for (column, field) in columns.iter_mut().zip(record.iter()) {
            if !field.is_empty() && column.1.len() < k {
                column.1.push(field.to_string());
            }
        }
        if columns.iter().all(|c| c.1.len() >= k) {
            break;
        }
    }
    Ok(CorpusTable { key, columns })
}

fn corpus_files(corpus: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let dir = corpus.join("tables");
    let listing = std::fs::read_dir(&dir).map_err(|e| {
        Failure::new(
            ErrorKind::Invalid,
            format!(
                "cannot list {}: {e} (a corpus holds tables/*.csv)",
                dir.display()
            ),
        )
    })?;
    let mut files: Vec<PathBuf> = listing
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Failure::new(
            ErrorKind::Invalid,
            format!("no .csv files in {}", dir.display()),
        )
        .into());
    }
    Ok(files)
}

fn classify_all(classifier: &Classifier, tables: &[CorpusTable]) -> (Predictions, Evidence) {
    let mut predictions = BTreeMap::new();
    let mut evidence = BTreeMap::new();
    for table in tables {
        let samples: Vec<ColumnSample<'_>> = table
            .columns
            .iter()
            .map(|(name, values)| ColumnSample {
                name,
                data_type: None,
                values,
            })
            .collect();
        let decision = classifier.classify_table(&table.key, &samples);
        // Scored as the scan stores it.
        let verdicts = steward_service::column_verdicts(&decision);
        let labels = verdicts
            .iter()
            .map(|v| {
                (
                    v.column.clone(),
                    v.label.clone().unwrap_or_else(|| "NONE".to_string()),
                )
            })
            .collect();
        predictions.insert(table.key.clone(), labels);
        let why: BTreeMap<String, Explanation> = verdicts
            .into_iter()
            .map(|v| {
                let mut evidence = v.evidence;
                evidence.extend(
                    v.quasi_identifiers
                        .into_iter()
                        .map(|e| format!("quasi-identifier: {e}")),
                );
                (
                    v.column,
                    Explanation {
                        confidence: v.confidence,
                        evidence,
                    },
                )
            })
            .collect();
        evidence.insert(table.key.clone(), why);
    }
    (predictions, evidence)
}

pub fn run(loaded: &Loaded, args: &BenchPiiArgs, out: &Output) -> anyhow::Result<()> {
    let mut tables = Vec::new();
    let mut errors = BTreeMap::new();
    for path in corpus_files(&args.corpus)? {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let key = format!("tables/{name}");
        match read_table(&path, key.clone(), args.sample_k) {
            Ok(table) => tables.push(table),
            Err(e) => {
                errors.insert(key, format!("{e:#}"));
            }
        }
    }
    let values_scanned = tables
        .iter()
        .flat_map(|t| &t.columns)
        .map(|c| c.1.len())
        .sum();

    let mut classifier = Classifier::default();
    let mut counting = None;
    if args.second_opinion {
        let model = crate::commands::llm::load(loaded, &args.model)?;
        let opinion = Arc::new(Counting {
            inner: ModelOpinion::new(Arc::new(model)),
            asked: AtomicUsize::new(0),
            labelled: AtomicUsize::new(0),
        });
        classifier = classifier.with_second_opinion(Box::new(Arc::clone(&opinion)));
        counting = Some(opinion);
    }
    // The word lists load once per process, like a model: not per column.
    steward_pii::warm_up();
    // The model's answers would only repeat: one pass with it.
    let passes = if args.second_opinion {
        1
    } else {
        args.repeat.max(1)
    };
    let mut times = Vec::with_capacity(passes);
    let mut predictions = BTreeMap::new();
    let mut evidence = BTreeMap::new();
    for _ in 0..passes {
        let started = Instant::now();
        (predictions, evidence) = classify_all(&classifier, &tables);
        times.push(started.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let seconds = times[times.len() / 2];
    let report = PiiBench {
        tool: "steward",
        sample_k: args.sample_k,
        seconds,
        values_scanned,
        values_per_second: values_scanned as f64 / seconds.max(1e-9),
        passes,
        second_opinion: counting.map(|c| OpinionCounts {
            asked: c.asked.load(Ordering::Relaxed),
            labelled: c.labelled.load(Ordering::Relaxed),
        }),
        predictions,
        evidence,
        errors,
    };
    std::fs::write(&args.out, serde_json::to_string_pretty(&report)?)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    #[derive(Serialize)]
    struct Summary<'a> {
        out: String,
        tables: usize,
        columns: usize,
        sensitive: usize,
        seconds: f64,
        values_scanned: usize,
        values_per_second: f64,
        errors: &'a BTreeMap<String, String>,
    }
    let columns = report.predictions.values().map(BTreeMap::len).sum();
    let sensitive = report
        .predictions
        .values()
        .flat_map(|t| t.values())
        .filter(|l| *l != "NONE")
        .count();
    let summary = Summary {
        out: args.out.display().to_string(),
        tables: report.predictions.len(),
        columns,
        sensitive,
        seconds,
        values_scanned,
        values_per_second: report.values_per_second,
        errors: &report.errors,
    };
    out.print(&summary, |s| {
        let mut text = format!(
            "{} tables, {} columns, {} labelled sensitive; {} values in {:.4}s ({:.0} values/s, median of {passes})\nwrote {}\n",
            s.tables, s.columns, s.sensitive, s.values_scanned, s.seconds, s.values_per_second, s.out
        );
        for (file, error) in s.errors {
            text.push_str(&format!("skipped {file}: {error}\n"));
        }
        text
    })
}
