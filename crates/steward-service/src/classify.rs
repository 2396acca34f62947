//! Sensitive-data classification: the scan's detector results, a steward's
//! decisions, and the list of sensitive columns.
//!
//! A column may hold two kinds of classification rows: the detector's (origin
//! `detector`, verdict `suggested`), rewritten by every scan, and a steward's
//! (origin `steward`, verdict `confirmed` or `rejected`), which no scan
//! touches. A steward's decision, where there is one, is what the column is.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use steward_pii::{Classifier, ColumnSample, DETECTOR_VERSION, Label, TableDecision};
use steward_store::{Filter, Session, Store};
use steward_types::{
    AuditEvent, Classification, ClassificationOrigin, Column, Id, Record, Source, Verdict,
};
use steward_warehouse::{TableProfile, TableSnapshot};

use crate::error::{Result, ServiceError};
use crate::lookup::{live_tables, present_columns, resolve, table_columns};

/// The label stored on each column of a quasi-identifier combination.
pub const QUASI_IDENTIFIER: &str = "QUASI_IDENTIFIER";

/// Classifies a profiled table on a blocking thread (the rules are CPU work),
/// taking the sample values out of the profile: they are not needed after.
pub(crate) async fn classify_table(
    classifier: &Arc<Classifier>,
    snapshot: &TableSnapshot,
    profile: &mut TableProfile,
) -> Option<TableDecision> {
    let columns: Vec<(String, String, Vec<String>)> = profile
        .columns
        .iter_mut()
        .map(|stats| {
            let data_type = snapshot
                .columns
                .iter()
                .find(|c| c.name == stats.name)
                .map(|c| c.data_type.clone())
                .unwrap_or_default();
            (
                stats.name.clone(),
                data_type,
                std::mem::take(&mut stats.samples),
            )
        })
        .collect();
    let classifier = Arc::clone(classifier);
    let table = snapshot.table.display_name();
    let decided = tokio::task::spawn_blocking(move || {
        let samples: Vec<ColumnSample<'_>> = columns
            .iter()
            .map(|(name, data_type, values)| ColumnSample {
                name,
                data_type: Some(data_type),
                values,
            })
            .collect();
        classifier.classify_table(&table, &samples)
    })
    .await;
    match decided {
        Ok(decision) => Some(decision),
        Err(e) => {
            tracing::warn!(table = %snapshot.table.display_name(), error = %e, "classification failed");
            None
        }
    }
}

/// What the detector says of one column, as Steward keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnVerdict {
    pub column: String,
    /// The label it stands by; `None` when no label reached `accept`.
    pub label: Option<String>,
    pub confidence: f64,
    pub evidence: Vec<String>,
    /// The evidence of each quasi-identifier combination the column is in.
    pub quasi_identifiers: Vec<String>,
    /// The label is the second opinion's (stored with origin `agent`).
    pub by_second_opinion: bool,
}

/// The confidence a column of a quasi-identifier combination is stored with.
const QUASI_IDENTIFIER_CONFIDENCE: f64 = 0.8;

/// The detector's decision on a table, column by column: the mapping the
/// scan stores and the PII benchmark scores.
pub fn column_verdicts(decision: &TableDecision) -> Vec<ColumnVerdict> {
    let mut verdicts: Vec<ColumnVerdict> = decision
        .columns
        .iter()
        .map(|c| ColumnVerdict {
            column: c.name.clone(),
            label: c.label.map(|l| l.to_string()),
            confidence: c.confidence,
            evidence: c.evidence.clone(),
            quasi_identifiers: Vec::new(),
            by_second_opinion: c.by_second_opinion,
        })
        .collect();
    for qi in &decision.quasi_identifiers {
        for &i in &qi.columns {
            if let Some(v) = verdicts.get_mut(i) {
                v.quasi_identifiers.push(qi.evidence.clone());
            }
        }
    }
    verdicts
}

/// A label a steward rejected on one column of a source, which a scan does
/// not silently put again on a column like it.
#[derive(Debug, Clone)]
pub(crate) struct Rejection {
    label: String,
    /// `table.column`, as the evidence names it.
    column: String,
    shape: String,
    /// The kind of values it holds (`value_kind`).
    kind: String,
}

/// The labels stewards rejected on the columns of one source.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rejections(Vec<Rejection>);

/// The kind of values a type holds, whatever the source's spelling of it:
/// a CSV's `Utf8`, a Parquet file's `Utf8View` and a database's `LargeUtf8`
/// all hold text.
fn value_kind(data_type: &str) -> String {
    let t = data_type.to_ascii_lowercase();
    let kind = if t.contains("utf8") || t.contains("char") || t.contains("text") || t == "string" {
        "text"
    } else if t.starts_with("int") || t.starts_with("uint") {
        "integer"
    } else if t.starts_with("float") || t.starts_with("decimal") || t == "double" {
        "number"
    } else if t.starts_with("date") {
        "date"
    } else if t.starts_with("timestamp") {
        "timestamp"
    } else {
        return t;
    };
    kind.to_string()
}

/// A column name with digits, separators and case set aside: `Job_Title2`,
/// `jobtitle` and `JOB-TITLE` are one pattern.
fn name_shape(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

impl Rejections {
    /// The stewards' rejections on the source's live columns.
    pub(crate) async fn of_source(session: &mut Session, source: Id<Source>) -> Result<Self> {
        let rejected = session
            .list::<Classification>(
                &Filter::all()
                    .eq_text("origin", ClassificationOrigin::Steward.as_str())
                    .eq_text("verdict", Verdict::Rejected.as_str()),
            )
            .await?;
        if rejected.is_empty() {
            return Ok(Self::default());
        }
        let columns = session
            .list::<Column>(&Filter::all().in_ids("id", rejected.iter().map(|c| c.column_id)))
            .await?;
        if columns.is_empty() {
            return Ok(Self::default());
        }
        let tables: BTreeMap<i64, Record<steward_types::Table>> = session
            .list::<steward_types::Table>(
                &Filter::all()
                    .in_ids("id", columns.iter().map(|c| c.table_id))
                    .eq_id("source_id", source),
            )
            .await?
            .into_iter()
            .map(|t| (t.id.get(), t))
            .collect();
        let mut out = Vec::new();
        for classification in rejected {
            let Some(column) = columns.iter().find(|c| c.id == classification.column_id) else {
                continue;
            };
            let Some(table) = tables.get(&column.table_id.get()) else {
                continue;
            };
            out.push(Rejection {
                label: classification.label.clone(),
                column: format!("{}.{}", table.qualified_name(), column.name),
                shape: name_shape(&column.name),
                kind: value_kind(&column.data_type),
            });
        }
        Ok(Self(out))
    }

    /// A rejection of `label` on another column like `table.column`.
    fn similar(&self, label: &str, qualified: &str, name: &str, data_type: &str) -> Option<&str> {
        let shape = name_shape(name);
        let kind = value_kind(data_type);
        self.0
            .iter()
            .find(|r| {
                r.label == label
                    && r.column != qualified
                    && !shape.is_empty()
                    && r.shape == shape
                    && r.kind == kind
            })
            .map(|r| r.column.as_str())
    }
}

/// Writes the detector's classifications of one table inside the scan's
/// session (and the second opinion's, origin `agent`): updated where the
/// label is unchanged, added where new, removed where no longer found.
/// Stewards' rows are left alone, and stand above both. A label a steward
/// rejected on a column like this one in the same source is held for review
/// (verdict `review`) rather than given again as if nothing had happened.
pub(crate) async fn store_detector_results(
    session: &mut Session,
    table: &str,
    column_ids: &BTreeMap<String, (Id<Column>, String)>,
    decision: &TableDecision,
    rejections: &Rejections,
) -> Result<usize> {
    // Per column: (label, confidence, evidence, origin, verdict) the scan stands by.
    type Labels = Vec<(String, f64, Vec<String>, ClassificationOrigin, Verdict)>;
    let mut wanted: BTreeMap<Id<Column>, Labels> = BTreeMap::new();
    for verdict in column_verdicts(decision) {
        let Some((id, data_type)) = column_ids.get(&verdict.column) else {
            continue;
        };
        let entry = wanted.entry(*id).or_default();
        if let Some(label) = verdict.label {
            let origin = if verdict.by_second_opinion {
                ClassificationOrigin::Agent
            } else {
                ClassificationOrigin::Detector
            };
            let mut evidence = verdict.evidence;
            let qualified = format!("{table}.{}", verdict.column);
            let held = rejections.similar(&label, &qualified, &verdict.column, data_type);
            let standing = match held {
                Some(rejected_on) => {
                    evidence.push(format!(
                        "held for review: a steward rejected {label} on {rejected_on}, a column like this one"
                    ));
                    Verdict::Review
                }
                None => Verdict::Suggested,
            };
            entry.push((label, verdict.confidence, evidence, origin, standing));
        }
        for evidence in verdict.quasi_identifiers {
            entry.push((
                QUASI_IDENTIFIER.to_string(),
                QUASI_IDENTIFIER_CONFIDENCE,
                vec![evidence],
                ClassificationOrigin::Detector,
                Verdict::Suggested,
            ));
        }
    }
    let mut labelled = 0;
    for (column_id, labels) in wanted {
        let mut existing = Vec::new();
        for origin in [ClassificationOrigin::Detector, ClassificationOrigin::Agent] {
            existing.extend(
                session
                    .list::<Classification>(
                        &Filter::all()
                            .eq_id("column_id", column_id)
                            .eq_text("origin", origin.as_str()),
                    )
                    .await?,
            );
        }
        for (label, confidence, evidence, origin, verdict) in &labels {
            let row = Classification {
                column_id,
                label: label.clone(),
                confidence: *confidence,
                evidence: evidence.clone(),
                origin: *origin,
                verdict: *verdict,
                detector_version: Some(DETECTOR_VERSION.to_string()),
                decided_by: None,
                reason: None,
            };
            match existing
                .iter()
                .find(|e| e.label == *label && e.origin == *origin)
            {
                Some(old) if old.data == row => {}
                Some(old) => {
                    session.update(old.id, &row).await?;
                }
                None => {
                    session.insert(&row).await?;
                }
            }
            if label != QUASI_IDENTIFIER {
                labelled += 1;
            }
        }
        for old in existing {
            if !labels
                .iter()
                .any(|(l, _, _, o, _)| *l == old.label && *o == old.origin)
            {
                session.delete(old.id).await?;
            }
        }
    }
    Ok(labelled)
}

/// What a steward decides about a column.
#[derive(Debug, Clone, PartialEq)]
pub enum StewardDecision {
    /// The column holds this label.
    Label(Label),
    /// The column is not sensitive (whatever the detector says).
    Reject,
}

/// The outcome of `steward classify`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClassifyOutcome {
    pub column: String,
    pub classification: Record<Classification>,
    /// What the detector had suggested, for the record.
    pub detector_label: Option<String>,
}

/// Splits `schema.table.column` (or `source.schema.table.column`, `table.column`)
/// into the table part and the column.
fn split_column(target: &str) -> Result<(&str, &str)> {
    match target.rsplit_once('.') {
        Some((table, column)) if !table.is_empty() && !column.is_empty() => Ok((table, column)),
        _ => Err(ServiceError::Invalid(format!(
            "`{target}` is not TABLE.COLUMN (for example raw.customers.email)"
        ))),
    }
}

/// Records a steward's decision on a column. It replaces the steward's earlier
/// decision on that column, never the detector's row, and no scan overwrites it.
pub async fn classify_column(
    store: &Store,
    target: &str,
    decision: StewardDecision,
    reason: Option<String>,
    decided_by: &str,
) -> Result<ClassifyOutcome> {
    let (table_name, column_name) = split_column(target)?;
    let (_, table) = resolve(store, table_name).await?;
    let mut session = store.begin().await?;
    let column = session
        .find_one::<Column>(
            present_columns()
                .eq_id("table_id", table.id)
                .eq_text("name", column_name),
        )
        .await?
        .ok_or_else(|| {
            ServiceError::NotFound(format!(
                "column `{column_name}` in table `{}`",
                table.qualified_name()
            ))
        })?;
    let rows = session
        .list::<Classification>(&Filter::all().eq_id("column_id", column.id))
        .await?;
    let detector = rows
        .iter()
        .find(|r| r.origin == ClassificationOrigin::Detector && r.label != QUASI_IDENTIFIER);
    let (label, verdict) = match &decision {
        StewardDecision::Label(label) => (label.to_string(), Verdict::Confirmed),
        StewardDecision::Reject => {
            if reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                return Err(ServiceError::Invalid(
                    "a rejection needs a reason, kept for the next steward".into(),
                ));
            }
            (
                detector.map_or_else(|| "NONE".to_string(), |d| d.label.clone()),
                Verdict::Rejected,
            )
        }
    };
    let row = Classification {
        column_id: column.id,
        label,
        confidence: 1.0,
        evidence: Vec::new(),
        origin: ClassificationOrigin::Steward,
        verdict,
        detector_version: None,
        decided_by: Some(decided_by.to_string()),
        reason: reason.clone(),
    };
    let previous = rows
        .iter()
        .find(|r| r.origin == ClassificationOrigin::Steward);
    let saved = match previous {
        Some(old) => session.update(old.id, &row).await?,
        None => session.insert(&row).await?,
    };
    let qualified = format!("{}.{}", table.qualified_name(), column.name);
    session
        .insert(&AuditEvent {
            at: chrono::Utc::now(),
            actor: decided_by.to_string(),
            action: match decision {
                StewardDecision::Label(_) => "classification.confirm".into(),
                StewardDecision::Reject => "classification.reject".into(),
            },
            target: qualified.clone(),
            details: serde_json::json!({
                "label": saved.label,
                "reason": reason,
                "previous": previous.map(|p| p.label.clone()),
            }),
        })
        .await?;
    session.commit().await?;
    Ok(ClassifyOutcome {
        column: qualified,
        classification: saved,
        detector_label: detector.map(|d| d.label.clone()),
    })
}

/// One line of `steward pii`: a column and what it is.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SensitiveColumn {
    pub source: String,
    pub table: String,
    pub column: String,
    pub label: String,
    pub confidence: f64,
    pub origin: ClassificationOrigin,
    pub verdict: Verdict,
    pub evidence: Vec<String>,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
}

/// The classification that stands for a column: a steward's decision, else
/// the detector's suggestion. `None` when the column is not sensitive.
pub fn effective(rows: &[Record<Classification>]) -> Option<&Record<Classification>> {
    let labels = rows.iter().filter(|r| r.label != QUASI_IDENTIFIER);
    let mut steward = None;
    let mut detector = None;
    for row in labels {
        match row.origin {
            ClassificationOrigin::Steward => steward = Some(row),
            _ => detector = detector.or(Some(row)),
        }
    }
    match steward {
        Some(s) if s.verdict == Verdict::Rejected => None,
        Some(s) => Some(s),
        None => detector,
    }
}

/// The sensitive columns of the catalog (of one source, when given), with the
/// quasi-identifier combinations, sorted by table and column.
pub async fn sensitive_columns(
    store: &Store,
    source: Option<&str>,
) -> Result<Vec<SensitiveColumn>> {
    // Resolve the source before the session: each opens its own transaction.
    let named = match source {
        Some(name) => Some(crate::sources::find_source(store, name).await?),
        None => None,
    };
    let mut session = store.read().await?;
    let sources: Vec<Record<Source>> = match named {
        Some(source) => vec![source],
        None => session.list::<Source>(&Filter::all()).await?,
    };
    let mut out = Vec::new();
    for (source, table) in live_tables(&mut session, sources).await? {
        let columns = table_columns(&mut session, &table).await?;
        for column in columns {
            let rows = session
                .list::<Classification>(&Filter::all().eq_id("column_id", column.id))
                .await?;
            let standing = effective(&rows)
                .into_iter()
                .chain(rows.iter().filter(|r| r.label == QUASI_IDENTIFIER));
            for row in standing {
                out.push(SensitiveColumn {
                    source: source.name.clone(),
                    table: table.qualified_name(),
                    column: column.name.clone(),
                    label: row.label.clone(),
                    confidence: row.confidence,
                    origin: row.origin,
                    verdict: row.verdict,
                    evidence: row.evidence.clone(),
                    decided_by: row.decided_by.clone(),
                    reason: row.reason.clone(),
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.source, &a.table, &a.column).cmp(&(&b.source, &b.table, &b.column)));
    Ok(out)
}
