//! The Tantivy index: its schema, keeping it in step with the catalog, and
//! the queries stewards and agents run on it.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::analysis::{self, EXACT, PLAIN, QUESTION_WORDS, WORDS};
use crate::doc::{CatalogDoc, DocKind};
use crate::error::{Result, SearchError};

/// Bumped when the schema or the analysis changes: an index of another
/// version is rebuilt.
const SCHEMA_VERSION: &str = "steward-search-4";

/// Field weights: a name outweighs a label, which outweighs prose.
const BOOST_EXACT: f32 = 8.0;
const BOOST_NAME: f32 = 4.0;
const BOOST_LABELS: f32 = 2.0;
const BOOST_DESCRIPTION: f32 = 1.0;
const BOOST_CONTEXT: f32 = 0.5;
/// A term matched only by a typo-tolerant query counts for less.
const FUZZY_DISCOUNT: f32 = 0.5;
/// Dictionary words a misspelt word may stand for.
const TYPO_EXPANSIONS: usize = 4;

/// Facets a search can be narrowed by (`kind=column`).
pub const FACETS: &[&str] = &["kind", "source", "schema", "label", "owner", "tag"];

#[derive(Debug, Clone, Copy)]
struct Fields {
    id: Field,
    version: Field,
    fingerprint: Field,
    name: Field,
    name_exact: Field,
    name_plain: Field,
    labels: Field,
    description: Field,
    context: Field,
    facets: Field,
    stored: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let analyzed = |tokenizer: &str, stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored { o.set_stored() } else { o }
    };
    let words = |stored: bool| analyzed(WORDS, stored);
    // Fields no snippet or phrase reads: term frequencies, no positions.
    let counted = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    let exact = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(EXACT)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        version: b.add_text_field("version", STRING),
        fingerprint: b.add_u64_field("fingerprint", STORED),
        name: b.add_text_field("name", words(false)),
        name_exact: b.add_text_field("name_exact", exact),
        name_plain: b.add_text_field("name_plain", counted(PLAIN)),
        labels: b.add_text_field("labels", counted(WORDS)),
        description: b.add_text_field("description", words(false)),
        context: b.add_text_field("context", counted(WORDS)),
        facets: b.add_facet_field("facets", FacetOptions::default()),
        stored: b.add_text_field("doc", STORED),
    };
    (b.build(), fields)
}

fn register_analyzers(index: &Index) {
    index
        .tokenizers()
        .register(WORDS, analysis::words_analyzer());
    index
        .tokenizers()
        .register(EXACT, analysis::exact_analyzer());
    index
        .tokenizers()
        .register(PLAIN, analysis::plain_analyzer());
}

/// A facet value as a path part: `/` would nest it.
fn facet(kind: &str, value: &str) -> Facet {
    Facet::from_path([kind, &value.to_lowercase().replace('/', "_")])
}

/// What a search returns for one asset.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Hit {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub score: f32,
    /// A piece of the description (or the name) around the matched words.
    pub snippet: String,
    /// Byte ranges of the matched words in `snippet` (`{"start", "end"}`).
    #[schema(value_type = Vec<Object>)]
    pub highlights: Vec<Range<usize>>,
    pub doc: CatalogDoc,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchResults {
    /// Matching assets in all.
    pub total: usize,
    pub hits: Vec<Hit>,
    /// For each facet, its values among all matches and their counts, as
    /// `[value, count]` pairs.
    #[schema(value_type = BTreeMap<String, Vec<Vec<serde_json::Value>>>)]
    pub facets: BTreeMap<String, Vec<(String, u64)>>,
}

/// A passage for an agent: text it can quote, tied to the asset it cites.
#[derive(Debug, Clone, Serialize)]
pub struct Passage {
    pub asset_id: String,
    pub score: f32,
    pub text: String,
}

/// What a sync did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct SyncReport {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// The index was missing, corrupt or of another version and was rebuilt.
    pub rebuilt: bool,
}

/// The index, open for reading and writing.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    threads: usize,
    /// Where it lives; `None` in memory.
    dir: Option<PathBuf>,
    /// The index had to be created afresh when opened.
    fresh: bool,
}

/// How long an update waits for another process's index writer.
const WRITER_WAIT: std::time::Duration = std::time::Duration::from_secs(300);

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .field("threads", &self.threads)
            .finish()
    }
}

impl SearchIndex {
    /// An index in memory (benchmarks, tests).
    pub fn in_memory(threads: usize) -> Result<Self> {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        Self::wrap(index, fields, threads, None, true)
    }

    /// Opens the index in `dir`, or creates it there. A missing, unreadable
    /// or outdated index is replaced by an empty one, `needs_rebuild()`
    /// says so, and the caller fills it from the store: the store is the
    /// truth, the index is derived.
    pub fn open(dir: &Path, threads: usize) -> Result<Self> {
        let (schema, fields) = schema();
        let was_there = dir.exists();
        match Self::open_existing(dir, &schema, fields, threads) {
            Ok(Some(index)) => return Ok(index),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(dir = %dir.display(), error = %e, "search index unreadable; rebuilding it");
            }
        }
        // Another process (a second scan started at the same time) may be
        // making the index too: the new one is made beside it and moved into
        // place in one rename, so nobody sees it half-made or removes it.
        let beside = |what: &str| {
            let name = dir
                .file_name()
                .map_or_else(|| "index".to_string(), |n| n.to_string_lossy().into_owned());
            // Unique to this process and this call.
            static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            dir.with_file_name(format!("{name}.{what}-{}-{call}", std::process::id()))
        };
        let made = beside("new");
        if made.exists() {
            std::fs::remove_dir_all(&made).map_err(|e| SearchError::io(&made, e))?;
        }
        std::fs::create_dir_all(&made).map_err(|e| SearchError::io(&made, e))?;
        drop(Index::create_in_dir(&made, schema.clone())?);
        let mut set_aside = None;
        if was_there {
            // Outdated, unreadable or a leftover: set aside, removed once the
            // new one is in place; unless another process replaced it
            // meanwhile (an index that was not there is never set aside: it
            // can only be another process's new one).
            if let Ok(Some(index)) = Self::open_existing(dir, &schema, fields, threads) {
                let _ = std::fs::remove_dir_all(&made);
                return Ok(index);
            }
            let old = beside("old");
            match std::fs::rename(dir, &old) {
                Ok(()) => set_aside = Some(old),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(SearchError::io(dir, e)),
            }
        }
        let placed = std::fs::rename(&made, dir);
        if let Some(old) = set_aside {
            let _ = std::fs::remove_dir_all(old);
        }
        match placed {
            Ok(()) => {
                let index = Index::open_in_dir(dir)?;
                Self::wrap(index, fields, threads, Some(dir.to_path_buf()), true)
            }
            // Another process put its new index in place first: this one
            // uses it, and fills it like a new one (filling is idempotent).
            Err(_) if dir.join("meta.json").exists() => {
                let _ = std::fs::remove_dir_all(&made);
                let index = Index::open_in_dir(dir)?;
                Self::wrap(index, fields, threads, Some(dir.to_path_buf()), true)
            }
            Err(e) => Err(SearchError::io(dir, e)),
        }
    }

    fn open_existing(
        dir: &Path,
        schema: &Schema,
        fields: Fields,
        threads: usize,
    ) -> Result<Option<Self>> {
        if !dir.join("meta.json").exists() {
            return Ok(None);
        }
        let index = Index::open_in_dir(dir)?;
        if index.schema() != *schema {
            tracing::info!(dir = %dir.display(), "search index has another schema; rebuilding it");
            return Ok(None);
        }
        let opened = Self::wrap(index, fields, threads, Some(dir.to_path_buf()), false)?;
        // Every document carries the version it was written with (counted
        // by a query: term statistics include deleted documents).
        let searcher = opened.reader.searcher();
        let all = searcher.num_docs() as usize;
        let current = searcher.search(
            &TermQuery::new(
                Term::from_field_text(fields.version, SCHEMA_VERSION),
                IndexRecordOption::Basic,
            ),
            &Count,
        )?;
        if all != current {
            tracing::info!(dir = %dir.display(), "search index written by another version; rebuilding it");
            return Ok(None);
        }
        Ok(Some(opened))
    }

    fn wrap(
        index: Index,
        fields: Fields,
        threads: usize,
        dir: Option<PathBuf>,
        fresh: bool,
    ) -> Result<Self> {
        register_analyzers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            index,
            reader,
            fields,
            threads: threads.max(1),
            dir,
            fresh,
        })
    }

    /// Whether the index was created empty on open and must be filled.
    pub fn needs_rebuild(&self) -> bool {
        self.fresh
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The index's one writer. Another process (a second scan or ingest) may
    /// hold it: Tantivy's lock is a file lock that does not wait, so this
    /// waits for it in short pauses, up to `WRITER_WAIT`, instead of skipping
    /// the update. Called on blocking threads only.
    fn writer(&self) -> Result<IndexWriter> {
        // Tantivy wants at least 15 MB per indexing thread.
        let budget = 64_000_000usize.max(self.threads * 20_000_000);
        let started = std::time::Instant::now();
        loop {
            match self.index.writer_with_num_threads(self.threads, budget) {
                Err(tantivy::TantivyError::LockFailure(
                    tantivy::directory::error::LockError::LockBusy,
                    _,
                )) if started.elapsed() < WRITER_WAIT => {
                    std::thread::sleep(std::time::Duration::from_millis(
                        20 + u64::from(started.elapsed().subsec_nanos() % 80),
                    ));
                }
                other => return Ok(other?),
            }
        }
    }

    fn document(&self, doc: &CatalogDoc) -> Result<TantivyDocument> {
        let f = &self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.id, &doc.id);
        d.add_text(f.version, SCHEMA_VERSION);
        d.add_u64(f.fingerprint, doc.fingerprint());
        d.add_text(f.name, &doc.name);
        d.add_text(f.name_exact, &doc.name);
        d.add_text(f.name_exact, doc.short_name());
        d.add_text(f.name_plain, &doc.name);
        for label in &doc.labels {
            d.add_text(f.labels, label);
            d.add_facet(
                f.facets,
                facet("label", label.split(' ').next().unwrap_or(label)),
            );
        }
        if let Some(text) = &doc.description {
            d.add_text(f.description, text);
        }
        let context = [&doc.table, &doc.source, &doc.schema, &doc.data_type]
            .into_iter()
            .flatten()
            .chain(&doc.owners)
            .chain(&doc.tags)
            .chain(&doc.columns)
            .chain(&doc.upstream)
            .chain(&doc.downstream);
        for text in context {
            d.add_text(f.context, text);
        }
        if let Some(kind) = doc.kind {
            d.add_facet(f.facets, facet("kind", kind.as_str()));
        }
        for (name, value) in [("source", &doc.source), ("schema", &doc.schema)] {
            if let Some(v) = value {
                d.add_facet(f.facets, facet(name, v));
            }
        }
        for owner in &doc.owners {
            d.add_facet(f.facets, facet("owner", owner));
        }
        for tag in &doc.tags {
            d.add_facet(f.facets, facet("tag", tag));
        }
        d.add_text(f.stored, serde_json::to_string(doc)?);
        Ok(d)
    }

    /// Replaces the whole index with `docs`.
    pub fn rebuild(&mut self, docs: &[CatalogDoc]) -> Result<SyncReport> {
        let mut writer = self.writer()?;
        writer.delete_all_documents()?;
        for doc in docs {
            writer.add_document(self.document(doc)?)?;
        }
        writer.commit()?;
        self.reader.reload()?;
        self.fresh = false;
        Ok(SyncReport {
            added: docs.len(),
            rebuilt: true,
            ..SyncReport::default()
        })
    }

    /// The fingerprints of the documents in the index, by id.
    fn fingerprints(&self) -> Result<HashMap<String, u64>> {
        let searcher = self.reader.searcher();
        let mut out = HashMap::with_capacity(searcher.num_docs() as usize);
        for segment in searcher.segment_readers() {
            let store = segment.get_store_reader(64)?;
            for doc_id in segment.doc_ids_alive() {
                let d: TantivyDocument = store.get(doc_id)?;
                let id = d.get_first(self.fields.id).and_then(|v| v.as_str());
                let print = d
                    .get_first(self.fields.fingerprint)
                    .and_then(|v| v.as_u64());
                if let (Some(id), Some(print)) = (id, print) {
                    out.insert(id.to_string(), print);
                }
            }
        }
        Ok(out)
    }

    /// Brings the index in step with `docs`, the catalog as it is now:
    /// documents whose content changed are rewritten, new ones added, those
    /// no longer in the catalog removed; the rest is not touched.
    pub fn sync(&mut self, docs: &[CatalogDoc]) -> Result<SyncReport> {
        if self.fresh {
            return self.rebuild(docs);
        }
        let mut existing = self.fingerprints()?;
        let mut report = SyncReport::default();
        let mut writer: Option<IndexWriter> = None;
        for doc in docs {
            match existing.remove(&doc.id) {
                Some(print) if print == doc.fingerprint() => {
                    report.unchanged += 1;
                    continue;
                }
                Some(_) => report.updated += 1,
                None => report.added += 1,
            }
            let w = match &mut writer {
                Some(w) => w,
                None => writer.insert(self.writer()?),
            };
            w.delete_term(Term::from_field_text(self.fields.id, &doc.id));
            w.add_document(self.document(doc)?)?;
        }
        for id in existing.keys() {
            let w = match &mut writer {
                Some(w) => w,
                None => writer.insert(self.writer()?),
            };
            w.delete_term(Term::from_field_text(self.fields.id, id));
            report.removed += 1;
        }
        if let Some(mut w) = writer {
            w.commit()?;
            self.reader.reload()?;
        }
        Ok(report)
    }

    /// The query for free text: each word of the query searched in names,
    /// labels, descriptions and context with their weights, a misspelt word
    /// (one the index does not hold) by edit distance, and the whole text as
    /// an exact name above all.
    fn text_query(&self, text: &str) -> Result<Option<Box<dyn Query>>> {
        let f = self.fields;
        let searcher = self.reader.searcher();
        let mut words = analysis::words_analyzer();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        let exact = analysis::terms(&mut analysis::exact_analyzer(), trimmed);
        // The query is some asset's name: a lookup by name, so its words are
        // looked for in names only (and the many descriptions and contexts
        // that mention them are not scored).
        let mut is_a_name = false;
        for term in exact {
            let term_key = Term::from_field_text(f.name_exact, &term);
            is_a_name |= searcher.doc_freq(&term_key)? > 0;
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.name_exact, &term),
                        IndexRecordOption::WithFreqs,
                    )),
                    BOOST_EXACT,
                )),
            ));
        }
        // Question words go unless they are all there is.
        let kept: String = analysis::split_words(trimmed)
            .into_iter()
            .map(|(a, b)| &trimmed[a..b])
            .filter(|w| !QUESTION_WORDS.contains(&w.to_lowercase().as_str()))
            .collect::<Vec<_>>()
            .join(" ");
        let source = if kept.is_empty() { trimmed } else { &kept };
        let all_fields = [
            (f.name, BOOST_NAME),
            (f.labels, BOOST_LABELS),
            (f.description, BOOST_DESCRIPTION),
            (f.context, BOOST_CONTEXT),
        ];
        let weighted = if is_a_name {
            &all_fields[..1]
        } else {
            &all_fields[..]
        };
        let mut plain = analysis::plain_analyzer();
        for written in analysis::terms(&mut plain, source) {
            // The stem is what names and prose were indexed under.
            let Some(word) = analysis::terms(&mut words, &written).into_iter().next() else {
                continue;
            };
            let mut per_word: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            let mut known = searcher.doc_freq(&Term::from_field_text(f.name_plain, &written))? > 0;
            for &(field, boost) in weighted {
                let term = Term::from_field_text(field, &word);
                known |= searcher.doc_freq(&term)? > 0;
                per_word.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                        boost,
                    )),
                ));
            }
            // Typos: only for words the index does not know, so a correct
            // query pays nothing for the tolerance.
            let chars = written.chars().count();
            if !known && chars >= 4 {
                let distance = if chars >= 8 { 2 } else { 1 };
                // The nearest names in the dictionary, searched as words: the
                // query stays a disjunction of term queries (as Lucene rewrites
                // a fuzzy query), so it keeps its pruning.
                for candidate in self.nearest_terms(&searcher, &written, distance)? {
                    let Some(stem) = analysis::terms(&mut words, &candidate).into_iter().next()
                    else {
                        continue;
                    };
                    per_word.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(
                            Box::new(TermQuery::new(
                                Term::from_field_text(f.name, &stem),
                                IndexRecordOption::WithFreqs,
                            )),
                            BOOST_NAME * FUZZY_DISCOUNT,
                        )),
                    ));
                }
            }
            // One flat disjunction of term queries: Tantivy prunes it with
            // block-max WAND when only the top hits are wanted.
            clauses.extend(per_word);
        }
        Ok(Some(Box::new(BooleanQuery::new(clauses))))
    }

    /// Name words within `distance` edits of `word` (a transposition is one),
    /// the most frequent first, at most `TYPO_EXPANSIONS`.
    fn nearest_terms(
        &self,
        searcher: &tantivy::Searcher,
        word: &str,
        distance: u8,
    ) -> Result<Vec<String>> {
        let fuzzy = FuzzyTermQuery::new(
            Term::from_field_text(self.fields.name_plain, word),
            distance,
            true,
        );
        // Built once: a distance-2 automaton is costly to build.
        let automaton = fuzzy.automaton()?;
        let mut found: HashMap<String, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.name_plain)?;
            let mut stream = inverted.terms().search(&automaton).into_stream()?;
            while stream.advance() {
                let term = String::from_utf8_lossy(stream.key()).into_owned();
                *found.entry(term).or_default() += u64::from(stream.value().doc_freq);
            }
        }
        let mut found: Vec<(String, u64)> = found.into_iter().collect();
        found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(found
            .into_iter()
            .take(TYPO_EXPANSIONS)
            .map(|(t, _)| t)
            .collect())
    }

    fn query(&self, text: &str, filters: &[(String, String)]) -> Result<Box<dyn Query>> {
        let text_query = self.text_query(text)?;
        if filters.is_empty()
            && let Some(q) = text_query
        {
            return Ok(q);
        }
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(q) = text_query {
            must.push((Occur::Must, q));
        }
        for (name, value) in filters {
            if !FACETS.contains(&name.as_str()) {
                return Err(SearchError::Invalid(format!(
                    "unknown facet `{name}` (one of {})",
                    FACETS.join(", ")
                )));
            }
            must.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_facet(self.fields.facets, &facet(name, value)),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if must.is_empty() {
            return Ok(Box::new(AllQuery));
        }
        Ok(Box::new(BooleanQuery::new(must)))
    }

    fn stored_doc(&self, d: &TantivyDocument) -> Result<CatalogDoc> {
        let json = d
            .get_first(self.fields.stored)
            .and_then(|v| v.as_str())
            .unwrap_or("{}");
        Ok(serde_json::from_str(json)?)
    }

    /// The `limit` best assets for `text`, narrowed by facet filters
    /// (`("kind", "column")`), with snippets and facet counts.
    pub fn search(
        &self,
        text: &str,
        filters: &[(String, String)],
        limit: usize,
    ) -> Result<SearchResults> {
        let query = self.query(text, filters)?;
        let searcher = self.reader.searcher();
        let mut facet_collector = FacetCollector::for_field("facets");
        for name in FACETS {
            facet_collector.add_facet(Facet::from_path([*name]));
        }
        let (top, total, facet_counts) = searcher.search(
            &query,
            &(
                TopDocs::with_limit(limit.max(1)).order_by_score(),
                Count,
                facet_collector,
            ),
        )?;
        let hits = self.hits_of(&searcher, &*query, top, limit)?;
        let mut facets = BTreeMap::new();
        for name in FACETS {
            let root = format!("/{name}");
            let mut values: Vec<(String, u64)> = facet_counts
                .get(&root)
                .map(|(f, n)| {
                    let path = f.to_path_string();
                    let value = path.rsplit('/').next().unwrap_or(&path).to_string();
                    (value, n)
                })
                .collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            if !values.is_empty() {
                facets.insert((*name).to_string(), values);
            }
        }
        Ok(SearchResults {
            total,
            hits,
            facets,
        })
    }

    /// The `limit` best assets only, without totals or facet counts: the
    /// query can then skip documents that cannot make the top (block-max
    /// WAND), which is what keeps it fast on a large catalog.
    pub fn hits(&self, text: &str, filters: &[(String, String)], limit: usize) -> Result<Vec<Hit>> {
        let query = self.query(text, filters)?;
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        self.hits_of(&searcher, &*query, top, limit)
    }

    fn hits_of(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        top: Vec<(f32, tantivy::DocAddress)>,
        limit: usize,
    ) -> Result<Vec<Hit>> {
        let description_snippets =
            SnippetGenerator::create(searcher, query, self.fields.description)?;
        let name_snippets = SnippetGenerator::create(searcher, query, self.fields.name)?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top.into_iter().take(limit) {
            let stored: TantivyDocument = searcher.doc(address)?;
            let doc = self.stored_doc(&stored)?;
            // Snippets from the stored document's text: each text is stored once.
            let mut snippet =
                description_snippets.snippet(doc.description.as_deref().unwrap_or(""));
            if snippet.highlighted().is_empty() {
                let by_name = name_snippets.snippet(&doc.name);
                if !by_name.highlighted().is_empty() || snippet.fragment().is_empty() {
                    snippet = by_name;
                }
            }
            hits.push(Hit {
                id: doc.id.clone(),
                kind: doc.kind.map(|k| k.to_string()).unwrap_or_default(),
                name: doc.name.clone(),
                score,
                snippet: snippet.fragment().to_string(),
                highlights: snippet.highlighted().to_vec(),
                doc,
            });
        }
        Ok(hits)
    }

    /// Passages for a question, each tied to the asset it describes: what
    /// the agents answer from and cite. `kinds` narrows to some kinds of
    /// documents (`[Table, Column]` for "where is this data?"; `[Policy,
    /// Finding]` for "what is wrong with it?"); empty means all.
    pub fn retrieve(&self, question: &str, k: usize, kinds: &[DocKind]) -> Result<Vec<Passage>> {
        let mut query = self.query(question, &[])?;
        if !kinds.is_empty() {
            let any_kind: Vec<(Occur, Box<dyn Query>)> = kinds
                .iter()
                .map(|kind| {
                    let term: Box<dyn Query> = Box::new(TermQuery::new(
                        Term::from_facet(self.fields.facets, &facet("kind", kind.as_str())),
                        IndexRecordOption::Basic,
                    ));
                    (Occur::Should, term)
                })
                .collect();
            query = Box::new(BooleanQuery::new(vec![
                (Occur::Must, query),
                (Occur::Must, Box::new(BooleanQuery::new(any_kind))),
            ]));
        }
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(k.max(1)).order_by_score())?;
        Ok(self
            .hits_of(&searcher, &*query, top, k)?
            .into_iter()
            .map(|h| Passage {
                asset_id: h.id,
                score: h.score,
                text: h.doc.passage(),
            })
            .collect())
    }
}
