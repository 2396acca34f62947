//! `steward bench search`: on a generated catalog (default 100k tables and
//! 1M columns), the index build rate on the configured threads, its size on
//! disk, and the latency of 200 fixed queries (exact names, prose, typos,
//! facet filters); with `--questions FILE`, recall@5 of retrieval on the
//! catalog this Steward holds (the sample warehouse, say).

use std::time::Instant;

use anyhow::Context;
use serde::{Deserialize, Serialize};
use steward_search::{CatalogDoc, DocKind, SearchIndex};
use steward_service::searchable_label;
use steward_types::ClassificationOrigin;

use crate::cli::BenchSearchArgs;
use crate::commands::{read_jsonl, with_steward};
use crate::config::Loaded;
use crate::output::Output;

/// splitmix64: the same catalog and queries on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SCHEMAS: &[&str] = &[
    "raw",
    "staging",
    "mart",
    "finance",
    "hr",
    "sales",
    "marketing",
    "ops",
    "support",
    "risk",
    "logistics",
    "product",
    "billing",
    "crm",
    "web",
    "mobile",
    "legal",
    "procurement",
];
const ENTITIES: &[&str] = &[
    "customer",
    "order",
    "payment",
    "invoice",
    "shipment",
    "employee",
    "supplier",
    "product",
    "refund",
    "subscription",
    "ticket",
    "campaign",
    "lead",
    "account",
    "contract",
    "claim",
    "session",
    "device",
    "store",
    "warehouse",
    "delivery",
    "review",
    "coupon",
    "partner",
    "transaction",
    "ledger",
    "budget",
    "forecast",
    "policy",
    "vendor",
    "return",
    "cart",
];
const QUALIFIERS: &[&str] = &[
    "daily", "weekly", "monthly", "events", "history", "snapshot", "summary", "facts", "dim",
    "latest", "archive", "enriched", "clean", "agg", "audit", "backlog",
];
/// Column names, with the label a classifier would give the sensitive ones.
const ATTRIBUTES: &[(&str, &str)] = &[
    ("id", ""),
    ("created_at", ""),
    ("updated_at", ""),
    ("status", ""),
    ("amount", ""),
    ("currency", ""),
    ("email", "EMAIL_ADDRESS"),
    ("phone_number", "PHONE_NUMBER"),
    ("full_name", "PERSON"),
    ("birth_date", "DATE_OF_BIRTH"),
    ("street_address", "STREET_ADDRESS"),
    ("postal_code", "POSTAL_CODE"),
    ("card_number", "CREDIT_CARD"),
    ("iban", "IBAN_CODE"),
    ("ip_address", "IP_ADDRESS"),
    ("country", ""),
    ("region", ""),
    ("quantity", ""),
    ("discount", ""),
    ("tax_rate", ""),
    ("channel", ""),
    ("priority", ""),
    ("score", ""),
    ("notes", ""),
    ("owner_team", ""),
    ("external_ref", ""),
    ("valid_from", ""),
    ("valid_to", ""),
    ("is_deleted", ""),
    ("source_system", ""),
];
const TYPES: &[&str] = &[
    "VARCHAR",
    "BIGINT",
    "DECIMAL(18,2)",
    "TIMESTAMP",
    "DATE",
    "BOOLEAN",
];
const PROSE: &[&str] = &[
    "one row per {e}, loaded nightly from the {s} system",
    "{e} records as the {s} team keeps them, deduplicated",
    "every {e} with its latest state; used by the {s} dashboards",
    "{q} view of {e} activity for {s} reporting",
    "raw {e} feed, append only, partitioned by day",
];
const OWNERS: &[&str] = &[
    "data-platform",
    "finance",
    "growth",
    "people-ops",
    "risk",
    "support",
];

fn prose(rng: &mut Rng, entity: &str, schema: &str, qualifier: &str) -> String {
    rng.pick(PROSE)
        .replace("{e}", entity)
        .replace("{s}", schema)
        .replace("{q}", qualifier)
}

/// A catalog of `tables` tables of `columns` columns each.
fn generated_catalog(tables: usize, columns: usize) -> Vec<CatalogDoc> {
    let mut rng = Rng(42);
    let mut docs = Vec::with_capacity(tables * (columns + 1));
    for t in 0..tables {
        let schema = rng.pick(SCHEMAS);
        let entity = rng.pick(ENTITIES);
        let qualifier = rng.pick(QUALIFIERS);
        let table = format!("{schema}.{entity}_{qualifier}_{t:06}");
        let owner = rng.pick(OWNERS).to_string();
        let mut names = Vec::with_capacity(columns);
        let mut table_labels = Vec::new();
        for c in 0..columns {
            let (attribute, label) = if c == 0 {
                ("id", "")
            } else {
                ATTRIBUTES[rng.below(ATTRIBUTES.len())]
            };
            let name = if c == 0 || rng.below(3) > 0 {
                attribute.to_string()
            } else {
                format!("{entity}_{attribute}")
            };
            if names.contains(&name) {
                continue;
            }
            names.push(name.clone());
            if !label.is_empty() {
                table_labels.push(label.to_string());
            }
            docs.push(CatalogDoc {
                id: format!("column:bench:{table}.{name}"),
                kind: Some(DocKind::Column),
                name: format!("{table}.{name}"),
                source: Some("bench".into()),
                schema: Some(schema.into()),
                table: Some(table.clone()),
                data_type: Some(rng.pick(TYPES).into()),
                description: (rng.below(4) == 0)
                    .then(|| format!("the {entity}'s {}", attribute.replace('_', " "))),
                // Held as the catalog's own documents hold a detector's label.
                labels: if label.is_empty() {
                    Vec::new()
                } else {
                    vec![searchable_label(label, ClassificationOrigin::Detector)]
                },
                owners: vec![owner.clone()],
                ..CatalogDoc::default()
            });
        }
        docs.push(CatalogDoc {
            id: format!("table:bench:{table}"),
            kind: Some(DocKind::Table),
            name: table.clone(),
            source: Some("bench".into()),
            schema: Some(schema.into()),
            data_type: Some("table".into()),
            description: Some(prose(&mut rng, entity, schema, qualifier)),
            labels: table_labels,
            owners: vec![owner],
            columns: names,
            ..CatalogDoc::default()
        });
    }
    docs
}

/// One query of the fixed set.
#[derive(Debug, Clone, Serialize)]
struct BenchQuery {
    kind: &'static str,
    text: String,
    filters: Vec<(String, String)>,
}

/// 200 queries: 50 exact names, 50 prose, 50 with a typo, 50 with facets.
fn fixed_queries(docs: &[CatalogDoc]) -> Vec<BenchQuery> {
    let mut rng = Rng(7);
    let mut out = Vec::with_capacity(200);
    for _ in 0..50 {
        let doc = &docs[rng.below(docs.len())];
        out.push(BenchQuery {
            kind: "exact",
            text: doc.name.clone(),
            filters: Vec::new(),
        });
    }
    for _ in 0..50 {
        let text = match rng.below(3) {
            0 => format!("{} {}", rng.pick(ENTITIES), rng.pick(QUALIFIERS)),
            1 => format!(
                "where do we keep {} {}",
                rng.pick(ENTITIES),
                ATTRIBUTES[rng.below(ATTRIBUTES.len())].0.replace('_', " ")
            ),
            _ => format!(
                "{} loaded nightly for {}",
                rng.pick(ENTITIES),
                rng.pick(SCHEMAS)
            ),
        };
        out.push(BenchQuery {
            kind: "prose",
            text,
            filters: Vec::new(),
        });
    }
    for _ in 0..50 {
        let mut word: Vec<char> = rng.pick(ENTITIES).chars().collect();
        let at = 1 + rng.below(word.len() - 1);
        match rng.below(3) {
            0 => {
                word.remove(at);
            }
            1 => word.swap(at - 1, at),
            _ => word.insert(at, 'x'),
        }
        let attribute = ATTRIBUTES[rng.below(ATTRIBUTES.len())].0.replace('_', " ");
        out.push(BenchQuery {
            kind: "typo",
            text: format!("{} {attribute}", word.into_iter().collect::<String>()),
            filters: Vec::new(),
        });
    }
    let labels = [
        "email_address",
        "person",
        "credit_card",
        "phone_number",
        "iban_code",
    ];
    for i in 0..50 {
        let filters = match i % 3 {
            0 => vec![("kind".to_string(), "column".to_string())],
            1 => vec![(
                "label".to_string(),
                labels[rng.below(labels.len())].to_string(),
            )],
            _ => vec![
                ("schema".to_string(), rng.pick(SCHEMAS).to_string()),
                ("kind".to_string(), "table".to_string()),
            ],
        };
        out.push(BenchQuery {
            kind: "facet",
            text: rng.pick(ENTITIES).to_string(),
            filters,
        });
    }
    out
}

/// The generated catalog and the queries as JSON lines, for a peer to run
/// the same work (scripts/bench/fts5_search.py).
fn dump_corpus(
    dir: &std::path::Path,
    docs: &[CatalogDoc],
    queries: &[BenchQuery],
) -> anyhow::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join("docs.jsonl"))?);
    for d in docs {
        serde_json::to_writer(&mut out, d)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join("queries.jsonl"))?);
    for q in queries {
        serde_json::to_writer(&mut out, q)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn dir_size(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

#[derive(Debug, Serialize)]
struct LatencyReport {
    documents: usize,
    threads: usize,
    build_seconds: f64,
    documents_per_second: f64,
    index_bytes: u64,
    queries: usize,
    passes: usize,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    /// With totals and facet counts (`steward search`), one pass.
    counted_p50_ms: f64,
    counted_p99_ms: f64,
    by_kind: Vec<(String, f64, f64)>,
    empty_results: usize,
}

#[derive(Debug, Deserialize)]
struct Question {
    question: String,
    answers: Vec<String>,
}

#[derive(Debug, Serialize)]
struct RecallReport {
    questions: usize,
    k: usize,
    recall_at_k: f64,
    /// Questions with at least one answer missing from the top k.
    misses: Vec<(String, Vec<String>, Vec<String>)>,
}

pub async fn run(loaded: &Loaded, args: &BenchSearchArgs, out: &Output) -> anyhow::Result<()> {
    if let Some(path) = &args.questions {
        return recall(loaded, path, args.k, out).await;
    }
    let threads = args.threads.unwrap_or(1).max(1);
    let started = Instant::now();
    let docs = generated_catalog(args.tables, args.columns);
    eprintln!(
        "generated {} documents in {:.1}s",
        docs.len(),
        started.elapsed().as_secs_f64()
    );
    let dir = tempfile::tempdir().context("cannot make a scratch folder for the index")?;
    let path = dir.path().join("search");
    let mut index = SearchIndex::open(&path, threads)?;
    let started = Instant::now();
    index.rebuild(&docs)?;
    let build_seconds = started.elapsed().as_secs_f64();
    let queries = fixed_queries(&docs);
    if let Some(dump) = &args.dump {
        dump_corpus(dump, &docs, &queries)?;
    }
    // A first pass warms the caches, as a serving index is warm.
    for q in &queries {
        index.hits(&q.text, &q.filters, 10)?;
    }
    let passes = args.passes.max(1);
    let mut all = Vec::with_capacity(queries.len() * passes);
    let mut kinds: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
    let mut empty = 0;
    for pass in 0..passes {
        for q in &queries {
            let t = Instant::now();
            let hits = index.hits(&q.text, &q.filters, 10)?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            all.push(ms);
            kinds.entry(q.kind).or_default().push(ms);
            if pass == 0 && hits.is_empty() {
                empty += 1;
            }
        }
    }
    all.sort_by(f64::total_cmp);
    // The same queries with totals and facet counts, which visit every match.
    let mut counted = Vec::with_capacity(queries.len());
    for q in &queries {
        let t = Instant::now();
        index.search(&q.text, &q.filters, 10)?;
        counted.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    counted.sort_by(f64::total_cmp);
    let report = LatencyReport {
        documents: docs.len(),
        threads,
        build_seconds,
        documents_per_second: docs.len() as f64 / build_seconds,
        index_bytes: dir_size(&path),
        queries: queries.len(),
        passes,
        p50_ms: percentile(&all, 50.0),
        p99_ms: percentile(&all, 99.0),
        max_ms: all.last().copied().unwrap_or(0.0),
        counted_p50_ms: percentile(&counted, 50.0),
        counted_p99_ms: percentile(&counted, 99.0),
        by_kind: kinds
            .into_iter()
            .map(|(k, mut v)| {
                v.sort_by(f64::total_cmp);
                (k.to_string(), percentile(&v, 50.0), percentile(&v, 99.0))
            })
            .collect(),
        empty_results: empty,
    };
    out.print(&report, |r: &LatencyReport| {
        let mut text = format!(
            "{} documents indexed in {:.1}s on {} thread(s): {:.0} documents/s, {:.0} MB on disk\n\
             {} queries x {} passes, top 10: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {} without results\n\
             with totals and facet counts: p50 {:.2} ms, p99 {:.2} ms\n",
            r.documents,
            r.build_seconds,
            r.threads,
            r.documents_per_second,
            r.index_bytes as f64 / 1e6,
            r.queries,
            r.passes,
            r.p50_ms,
            r.p99_ms,
            r.max_ms,
            r.empty_results,
            r.counted_p50_ms,
            r.counted_p99_ms
        );
        for (kind, p50, p99) in &r.by_kind {
            text.push_str(&format!("  {kind:<6} p50 {p50:.2} ms, p99 {p99:.2} ms\n"));
        }
        text
    })
}

async fn recall(
    loaded: &Loaded,
    path: &std::path::Path,
    k: usize,
    out: &Output,
) -> anyhow::Result<()> {
    let questions: Vec<Question> = read_jsonl(path)?.into_iter().map(|(_, q)| q).collect();
    let retrieved = with_steward(loaded, async |s| {
        let mut out = Vec::with_capacity(questions.len());
        for q in &questions {
            // The questions ask where data is: the answers are tables and columns.
            out.push(
                s.retrieve(&q.question, k, &[DocKind::Table, DocKind::Column])
                    .await?,
            );
        }
        Ok(out)
    })
    .await?;
    let mut total = 0.0;
    let mut misses = Vec::new();
    for (q, passages) in questions.iter().zip(retrieved) {
        // Asset ids are `kind:source:name`: the name is after the second colon.
        let found: Vec<String> = passages
            .iter()
            .map(|p| {
                p.asset_id
                    .splitn(3, ':')
                    .nth(2)
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        let hit = q.answers.iter().filter(|a| found.contains(a)).count();
        total += hit as f64 / q.answers.len().max(1) as f64;
        if hit < q.answers.len() {
            misses.push((q.question.clone(), q.answers.clone(), found));
        }
    }
    let report = RecallReport {
        questions: questions.len(),
        k,
        recall_at_k: total / questions.len().max(1) as f64,
        misses,
    };
    out.print(&report, |r: &RecallReport| {
        let mut text = format!(
            "{} questions: recall@{} {:.3}\n",
            r.questions, r.k, r.recall_at_k
        );
        for (question, answers, found) in &r.misses {
            text.push_str(&format!(
                "  missed: {question}\n    expected {}\n    top {}: {}\n",
                answers.join(", "),
                r.k,
                found.join(", ")
            ));
        }
        text
    })
}
