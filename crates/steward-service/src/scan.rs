//! `scan`: connect to sources, inspect and profile their tables, and write what
//! was found into the catalog, one transaction per table. One bad table never
//! stops the others, and a failed table keeps what the catalog held for it.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use steward_lineage::normalize_sql;
use steward_pii::{Classifier, PiiConfig, SecondOpinion, TableDecision};
use steward_store::{Filter, Session, Store};
use steward_types::{
    ChangeEvent, ChangeKind, Classification, ClassificationOrigin, Column, ColumnProfile, Id,
    JobRun, Record, Source, Table, TableKind, Verdict, redact_quoted_values,
};
use steward_warehouse::{SourceConnection, TableProfile, TableRef, TableSnapshot, WarehouseConfig};

use crate::classify::{Rejections, classify_table, store_detector_results};
use crate::error::{Result, ServiceError};
use crate::guard::{Exposure, masked_profile};
use crate::runs::{finish_run, heartbeat, now, start_run};
use crate::sources::{find_source, list_sources, source_dialect};

/// A second opinion on the columns the rules leave ambiguous (the agents'
/// model), shared by every table of a scan.
#[derive(Clone)]
pub struct SharedOpinion(pub Arc<dyn SecondOpinion>);

impl std::fmt::Debug for SharedOpinion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedOpinion")
    }
}

#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Only tables whose `schema.name` (or `name`) matches this glob.
    pub tables: Option<String>,
    /// Skip profiling: schema inspection only.
    pub no_profile: bool,
    /// Profile a sample of this many rows when a table is larger.
    pub sample_rows: Option<u64>,
    /// Skip sensitive-data classification.
    pub no_classify: bool,
    /// The classifier's thresholds.
    pub pii: PiiConfig,
    /// Asked about ambiguous columns, when set (`[agent] second_opinion`).
    pub second_opinion: Option<SharedOpinion>,
}

/// What happened to one table.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum TableOutcome {
    Scanned {
        columns: usize,
        rows_profiled: Option<i64>,
        changes: usize,
        /// Columns the detector labelled sensitive.
        sensitive: usize,
    },
    Failed {
        reason: String,
    },
    Dropped,
}

/// Progress, reported as it happens.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ScanEvent {
    SourceStarted {
        source: String,
        tables: usize,
    },
    Table {
        source: String,
        table: String,
        #[serde(flatten)]
        outcome: TableOutcome,
    },
    SourceFailed {
        source: String,
        reason: String,
    },
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SourceReport {
    pub source: String,
    pub error: Option<String>,
    pub scanned: usize,
    pub failed: usize,
    pub dropped: usize,
    pub changes: usize,
    pub sensitive: usize,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScanReport {
    pub sources: Vec<SourceReport>,
    /// True when any source or table could not be scanned.
    pub partial: bool,
    #[schema(value_type = i64)]
    pub job_run: Id<JobRun>,
}

/// `N table(s) and M source(s) could not be scanned`, when any could not.
fn failure_summary(sources: &[SourceReport]) -> Option<String> {
    let failed: usize = sources.iter().map(|s| s.failed).sum();
    let down = sources.iter().filter(|s| s.error.is_some()).count();
    (failed > 0 || down > 0)
        .then(|| format!("{failed} table(s) and {down} source(s) could not be scanned"))
}

impl ScanReport {
    /// What failed, in words, when the scan was partial.
    pub fn failure_summary(&self) -> Option<String> {
        failure_summary(&self.sources)
    }
}

/// Scans one source (by name) or all of them.
pub async fn scan(
    store: &Store,
    config: &WarehouseConfig,
    source: Option<&str>,
    options: &ScanOptions,
    on_event: &mut (dyn FnMut(ScanEvent) + Send),
) -> Result<ScanReport> {
    let pattern = match &options.tables {
        Some(glob) => Some(
            glob::Pattern::new(glob)
                .map_err(|e| ServiceError::Invalid(format!("bad table pattern `{glob}`: {e}")))?,
        ),
        None => None,
    };
    let sources = match source {
        Some(name) => vec![find_source(store, name).await?],
        None => list_sources(store).await?,
    };
    if sources.is_empty() {
        return Err(ServiceError::Invalid(
            "no sources to scan; register one first".into(),
        ));
    }

    let mut job = start_run(store, "scan").await?;

    steward_pii::warm_up();
    let mut classifier = Classifier::new(options.pii.options());
    if let Some(SharedOpinion(opinion)) = &options.second_opinion {
        classifier = classifier.with_second_opinion(Box::new(Arc::clone(opinion)));
    }
    let classifier = Arc::new(classifier);
    let mut reports = Vec::new();
    for source in sources {
        let scanner = Scanner {
            store,
            config,
            options,
            classifier: &classifier,
            pattern: pattern.as_ref(),
        };
        let report = scan_source(scanner, &source, &mut job, on_event).await?;
        reports.push(report);
    }

    let failures = failure_summary(&reports);
    let partial = failures.is_some();
    finish_run(
        store,
        &job,
        failures.map(|f| format!("partial scan: {f}")),
        serde_json::to_value(&reports).unwrap_or_default(),
    )
    .await?;
    Ok(ScanReport {
        sources: reports,
        partial,
        job_run: job.id,
    })
}

/// What every source of one scan is scanned with.
#[derive(Clone, Copy)]
struct Scanner<'a> {
    store: &'a Store,
    config: &'a WarehouseConfig,
    options: &'a ScanOptions,
    classifier: &'a Arc<Classifier>,
    pattern: Option<&'a glob::Pattern>,
}

async fn scan_source(
    scanner: Scanner<'_>,
    source: &Record<Source>,
    job: &mut Record<JobRun>,
    on_event: &mut (dyn FnMut(ScanEvent) + Send),
) -> Result<SourceReport> {
    let Scanner {
        store,
        config,
        options,
        classifier,
        pattern,
    } = scanner;
    let mut report = SourceReport {
        source: source.name.clone(),
        error: None,
        scanned: 0,
        failed: 0,
        dropped: 0,
        changes: 0,
        sensitive: 0,
    };
    let connected = match SourceConnection::open(source, config).await {
        Ok(mut connection) => match connection.discover().await {
            Ok(tables) => Ok((connection, tables)),
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    let (connection, tables) = match connected {
        Ok(found) => found,
        Err(e) => {
            let reason = e.to_string();
            on_event(ScanEvent::SourceFailed {
                source: source.name.clone(),
                reason: reason.clone(),
            });
            record_source(store, source, Some(reason.clone())).await?;
            report.error = Some(reason);
            return Ok(report);
        }
    };
    let selected: Vec<TableRef> = tables
        .into_iter()
        .filter(|t| pattern.is_none_or(|p| p.matches(&t.display_name())))
        .collect();
    on_event(ScanEvent::SourceStarted {
        source: source.name.clone(),
        tables: selected.len(),
    });

    let first_scan = source.scanned_at.is_none();
    // Labels stewards rejected here, so that a scan holds the same label on
    // a column like it for review instead of giving it again.
    let rejections = {
        let mut session = store.read().await?;
        let rejections = Rejections::of_source(&mut session, source.id).await?;
        session.commit().await?;
        rejections
    };
    let profile_options = connection.profile_options(options.sample_rows);
    for table in &selected {
        let found = match connection.inspect(table).await {
            Ok(snapshot) if options.no_profile => Ok((snapshot, None)),
            Ok(snapshot) => match connection.profile(&snapshot, &profile_options).await {
                Ok(profile) => Ok((snapshot, Some(profile))),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        let outcome = match found {
            Ok((snapshot, mut profile)) => {
                // Before classification takes the sampled values away.
                let warnings = profile.as_ref().map(value_warnings).unwrap_or_default();
                let decision = match profile.as_mut() {
                    Some(profile) if !options.no_classify => {
                        classify_table(classifier, &snapshot, profile).await
                    }
                    _ => None,
                };
                let written = write_table(
                    store,
                    source,
                    &snapshot,
                    profile.as_ref(),
                    decision.as_ref(),
                    &warnings,
                    &Before {
                        first_scan,
                        rejections: &rejections,
                    },
                )
                .await?;
                report.scanned += 1;
                report.changes += written.changes;
                report.sensitive += written.sensitive;
                TableOutcome::Scanned {
                    columns: snapshot.columns.len(),
                    rows_profiled: profile.as_ref().map(|p| p.rows_profiled),
                    changes: written.changes,
                    sensitive: written.sensitive,
                }
            }
            Err(e) => {
                let reason = redact_quoted_values(&e.to_string());
                tracing::warn!(source = %source.name, table = %table.display_name(), %reason, "table not scanned");
                record_table_error(store, source.id, table, &reason).await?;
                report.failed += 1;
                TableOutcome::Failed { reason }
            }
        };
        on_event(ScanEvent::Table {
            source: source.name.clone(),
            table: table.display_name(),
            outcome,
        });
        heartbeat(store, job).await?;
    }

    // Tables the catalog knows that the source no longer has (within the selection).
    let present: HashSet<(Option<String>, String)> = selected
        .iter()
        .map(|t| (t.schema.clone(), t.name.clone()))
        .collect();
    let mut session = store.begin().await?;
    let known = session
        .list::<Table>(
            &Filter::all()
                .eq_id("source_id", source.id)
                .is_null("dropped_at"),
        )
        .await?;
    let mut dropped = Vec::new();
    for table in known {
        let name = table.qualified_name();
        // A dbt model not materialised here is known from its project, not
        // from the source: not finding it is no news.
        let gone = table.kind != TableKind::Model
            && !present.contains(&(table.schema.clone(), table.name.clone()));
        if gone && pattern.is_none_or(|p| p.matches(&name)) {
            let mut data = table.data.clone();
            data.dropped_at = Some(now());
            session.update(table.id, &data).await?;
            session
                .insert(&change(
                    source.id,
                    Some(table.id),
                    &name,
                    None,
                    ChangeKind::TableDropped,
                    None,
                    None,
                ))
                .await?;
            dropped.push(name);
        }
    }
    session.commit().await?;
    for name in dropped {
        report.dropped += 1;
        report.changes += 1;
        on_event(ScanEvent::Table {
            source: source.name.clone(),
            table: name,
            outcome: TableOutcome::Dropped,
        });
    }
    record_source(store, source, None).await?;
    Ok(report)
}

async fn record_source(
    store: &Store,
    source: &Record<Source>,
    error: Option<String>,
) -> Result<()> {
    let mut data = source.data.clone();
    data.scanned_at = Some(now());
    data.scan_error = error;
    let mut session = store.begin().await?;
    session.update(source.id, &data).await?;
    session.commit().await?;
    Ok(())
}

/// Finds a table's record for writing it: two scans of one source at once
/// (several processes, or a PostgreSQL catalog shared by a team) would
/// otherwise both find none and both insert it, so the table is locked first.
async fn find_table(
    session: &mut Session,
    source_id: Id<Source>,
    table: &TableRef,
) -> Result<Option<Record<Table>>> {
    session
        .lock(&format!(
            "steward:table:{source_id}:{}",
            table.display_name()
        ))
        .await?;
    let filter = Filter::all()
        .eq_id("source_id", source_id)
        .eq_text("name", &table.name);
    let filter = match &table.schema {
        Some(schema) => filter.eq_text("schema_name", schema),
        None => filter.is_null("schema_name"),
    };
    Ok(session.find_one::<Table>(filter).await?)
}

/// Records why a table could not be scanned, leaving what was stored for it.
async fn record_table_error(
    store: &Store,
    source_id: Id<Source>,
    table: &TableRef,
    reason: &str,
) -> Result<()> {
    let mut session = store.begin().await?;
    match find_table(&mut session, source_id, table).await? {
        Some(existing) => {
            let mut data = existing.data.clone();
            data.scan_error = Some(reason.to_string());
            session.update(existing.id, &data).await?;
        }
        None => {
            session
                .insert(&Table {
                    scan_error: Some(reason.to_string()),
                    ..Table::named(
                        source_id,
                        table.schema.clone(),
                        table.name.clone(),
                        table.kind,
                    )
                })
                .await?;
        }
    }
    session.commit().await?;
    Ok(())
}

fn change(
    source_id: Id<Source>,
    table_id: Option<Id<Table>>,
    table_name: &str,
    column: Option<&str>,
    kind: ChangeKind,
    before: Option<String>,
    after: Option<String>,
) -> ChangeEvent {
    ChangeEvent {
        source_id,
        table_id,
        table_name: table_name.to_string(),
        column: column.map(str::to_string),
        kind,
        before,
        after,
        detected_at: now(),
    }
}

/// Marks a column the table no longer has as removed. Its row stays, so a
/// steward's decision on it is never lost; the detector's and lineage's labels
/// described values that are gone and go with them.
async fn mark_column_removed(
    session: &mut Session,
    column: &Record<Column>,
    at: DateTime<Utc>,
) -> Result<()> {
    let mut data = column.data.clone();
    data.removed_at = Some(at);
    session.update(column.id, &data).await?;
    let labels = session
        .list::<Classification>(&Filter::all().eq_id("column_id", column.id))
        .await?;
    for label in labels {
        if label.origin != ClassificationOrigin::Steward {
            session.delete(label.id).await?;
        }
    }
    Ok(())
}

/// What writing one table found.
struct Written {
    changes: usize,
    sensitive: usize,
}

/// How much of each column's values may be stored: from the classifier, and
/// from a steward's decision, which wins.
async fn exposures(
    session: &mut Session,
    column_ids: &BTreeMap<String, (Id<Column>, String)>,
    profile: &TableProfile,
    decision: Option<&TableDecision>,
) -> Result<BTreeMap<String, Exposure>> {
    let mut out = BTreeMap::new();
    for stats in &profile.columns {
        let Some((id, _)) = column_ids.get(&stats.name) else {
            continue;
        };
        let steward = session
            .find_one::<Classification>(
                Filter::all()
                    .eq_id("column_id", *id)
                    .eq_text("origin", ClassificationOrigin::Steward.as_str()),
            )
            .await?;
        let column = decision.and_then(|d| d.columns.iter().find(|c| c.name == stats.name));
        let exposure = match steward.as_ref().map(|s| s.verdict) {
            Some(Verdict::Confirmed) => Exposure::Sensitive,
            rejected => Exposure::of(
                column,
                stats.distinct_approx,
                rejected == Some(Verdict::Rejected),
            ),
        };
        out.insert(stats.name.clone(), exposure);
    }
    Ok(out)
}

/// Writes one table's scan result, its columns, drift, profiles and
/// classifications, as one transaction.
/// Columns whose sampled values hold text aimed at AI assistants: how many
/// and by which rule, per column (the values are not kept).
fn value_warnings(profile: &TableProfile) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for column in &profile.columns {
        let found: Vec<&'static str> = column
            .samples
            .iter()
            .filter_map(|v| steward_policy::instructions_in(v).map(|i| i.rule))
            .collect();
        if let Some(rule) = found.first() {
            out.insert(
                column.name.clone(),
                format!(
                    "{} of {} sampled values hold text aimed at AI assistants ({rule})",
                    found.len(),
                    column.samples.len()
                ),
            );
        }
    }
    out
}

/// What the catalog knew of the source when its scan began.
#[derive(Clone, Copy)]
struct Before<'a> {
    /// No earlier scan: new tables are not drift.
    first_scan: bool,
    /// Labels stewards rejected in the source.
    rejections: &'a Rejections,
}

async fn write_table(
    store: &Store,
    source: &Record<Source>,
    snapshot: &TableSnapshot,
    profile: Option<&TableProfile>,
    decision: Option<&TableDecision>,
    warnings: &BTreeMap<String, String>,
    before: &Before<'_>,
) -> Result<Written> {
    let Before {
        first_scan,
        rejections,
    } = *before;
    let source_id = source.id;
    let scanned_at = now();
    let name = snapshot.table.display_name();
    let mut session = store.begin().await?;
    let existing = find_table(&mut session, source_id, &snapshot.table).await?;

    let data = Table {
        source_id,
        schema: snapshot.table.schema.clone(),
        name: snapshot.table.name.clone(),
        kind: snapshot.table.kind,
        // What a steward wrote stays unless the source itself now describes the table.
        description: snapshot
            .description
            .clone()
            .or_else(|| existing.as_ref().and_then(|t| t.description.clone())),
        owner: existing.as_ref().and_then(|t| t.owner.clone()),
        tags: existing
            .as_ref()
            .map(|t| t.tags.clone())
            .unwrap_or_default(),
        // A definition's literals may be personal data: kept as its shape.
        view_sql: snapshot
            .view_sql
            .as_deref()
            .map(|sql| normalize_sql(sql, source_dialect(source.kind))),
        format: snapshot.format.clone(),
        row_count: profile
            .filter(|p| p.sampling.fraction >= 1.0)
            .map(|p| p.rows_profiled)
            .or(snapshot.row_count),
        size_bytes: snapshot.size_bytes,
        file_count: snapshot.file_count,
        partition_columns: snapshot.partition_columns.clone(),
        last_modified: snapshot.last_modified,
        scanned_at: Some(scanned_at),
        scan_error: None,
        dropped_at: None,
        grouping: snapshot.grouping.clone(),
    };
    let mut changes = Vec::new();
    let table_id = match &existing {
        Some(record) => {
            if record.dropped_at.is_some() {
                changes.push((None, ChangeKind::TableAdded, None, None));
            }
            session.update(record.id, &data).await?.id
        }
        None => {
            if !first_scan {
                changes.push((None, ChangeKind::TableAdded, None, None));
            }
            session.insert(&data).await?.id
        }
    };

    let stored: BTreeMap<String, Record<Column>> = session
        .list::<Column>(&Filter::all().eq_id("table_id", table_id))
        .await?
        .into_iter()
        .map(|c| (c.name.clone(), c))
        .collect();
    // A table whose earlier scans all failed has no columns yet: not drift.
    let had_schema = stored.values().any(|c| c.removed_at.is_none());
    let mut column_ids = BTreeMap::new();
    for (position, column) in snapshot.columns.iter().enumerate() {
        let wanted = Column {
            table_id,
            name: column.name.clone(),
            position: position as i64,
            data_type: column.data_type.clone(),
            nullable: column.nullable,
            comment: column.comment.clone(),
            // A steward's description outlives every scan.
            description: stored.get(&column.name).and_then(|c| c.description.clone()),
            value_warning: warnings.get(&column.name).cloned(),
            primary_key: column.primary_key,
            removed_at: None,
        };
        let id = match stored.get(&column.name) {
            // A column back after a scan found it gone: drift, and the row
            // (with a steward's decision on it) is revived.
            Some(before) if before.removed_at.is_some() => {
                changes.push((
                    Some(column.name.clone()),
                    ChangeKind::ColumnAdded,
                    None,
                    Some(wanted.data_type.clone()),
                ));
                session.update(before.id, &wanted).await?;
                before.id
            }
            Some(before) => {
                if before.data_type != wanted.data_type {
                    changes.push((
                        Some(column.name.clone()),
                        ChangeKind::TypeChanged,
                        Some(before.data_type.clone()),
                        Some(wanted.data_type.clone()),
                    ));
                }
                if before.nullable != wanted.nullable {
                    changes.push((
                        Some(column.name.clone()),
                        ChangeKind::NullabilityChanged,
                        Some(before.nullable.to_string()),
                        Some(wanted.nullable.to_string()),
                    ));
                }
                if before.data != wanted {
                    session.update(before.id, &wanted).await?;
                }
                before.id
            }
            None => {
                if had_schema {
                    changes.push((
                        Some(column.name.clone()),
                        ChangeKind::ColumnAdded,
                        None,
                        Some(wanted.data_type.clone()),
                    ));
                }
                session.insert(&wanted).await?.id
            }
        };
        column_ids.insert(column.name.clone(), (id, column.data_type.clone()));
    }
    for (name, before) in &stored {
        if !column_ids.contains_key(name) && before.removed_at.is_none() {
            changes.push((
                Some(name.clone()),
                ChangeKind::ColumnRemoved,
                Some(before.data_type.clone()),
                None,
            ));
            mark_column_removed(&mut session, before, scanned_at).await?;
        }
    }

    if let Some(profile) = profile {
        let exposures = exposures(&mut session, &column_ids, profile, decision).await?;
        for stats in &profile.columns {
            if let Some((column_id, data_type)) = column_ids.get(&stats.name) {
                let exposure = exposures
                    .get(&stats.name)
                    .copied()
                    .unwrap_or(Exposure::Unknown);
                let stored: ColumnProfile =
                    masked_profile(*column_id, data_type, stats, profile, scanned_at, exposure);
                session.insert(&stored).await?;
            }
        }
    }
    let sensitive = match decision {
        Some(decision) => {
            store_detector_results(&mut session, &name, &column_ids, decision, rejections).await?
        }
        None => 0,
    };

    let count = changes.len();
    for (column, kind, before, after) in changes {
        session
            .insert(&change(
                source_id,
                Some(table_id),
                &name,
                column.as_deref(),
                kind,
                before,
                after,
            ))
            .await?;
    }
    session.commit().await?;
    Ok(Written {
        changes: count,
        sensitive,
    })
}
