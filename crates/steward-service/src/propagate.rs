//! Sensitivity along lineage: a column computed from a sensitive column
//! inherits a derived classification, with the path as evidence, unless the
//! value went through a function that removes it (a hash, a mask, a count).
//! Derived rows are recomputed on every run; stewards' decisions stand.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::Serialize;
use steward_store::{Filter, Store};
use steward_types::{
    Classification, ClassificationOrigin, Column, Id, LineageEdge, Source, Verdict,
};

use crate::classify::{QUASI_IDENTIFIER, effective};
use crate::error::Result;
use crate::lookup::{live_tables, table_columns};

/// Hops followed from a sensitive column.
const MAX_HOPS: usize = 10;

/// What a propagation run changed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PropagationReport {
    /// Columns that hold a derived label now.
    pub derived: usize,
    /// Derived labels no longer supported by lineage, removed.
    pub removed: usize,
    /// Flows not followed because a function removed the sensitivity.
    pub stopped: usize,
}

type Asset = (String, String);

/// Recomputes the derived classifications from the lineage graph.
pub async fn propagate(store: &Store, stops: &[String]) -> Result<PropagationReport> {
    let stops: BTreeSet<String> = stops.iter().map(|s| s.to_lowercase()).collect();
    let mut session = store.begin().await?;

    // The catalog's columns by `schema.table` and column name.
    let mut columns: BTreeMap<Asset, Id<Column>> = BTreeMap::new();
    let sources = session.list::<Source>(&Filter::all()).await?;
    for (_, table) in live_tables(&mut session, sources).await? {
        for column in table_columns(&mut session, &table).await? {
            let key = (
                table.qualified_name().to_lowercase(),
                column.name.to_lowercase(),
            );
            columns.insert(key, column.id);
        }
    }

    // Column-level edges, by their source.
    let mut downstream: BTreeMap<Asset, Vec<LineageEdge>> = BTreeMap::new();
    for edge in session.list::<LineageEdge>(&Filter::all()).await? {
        if let (Some(from), Some(_)) = (&edge.from.column, &edge.to.column) {
            downstream
                .entry((edge.from.table.clone(), from.clone()))
                .or_default()
                .push(edge.data.clone());
        }
    }

    // Seeds: columns labelled by a detector or a steward (not derived).
    let mut rows_of: BTreeMap<Id<Column>, Vec<steward_types::Record<Classification>>> =
        BTreeMap::new();
    for row in session.list::<Classification>(&Filter::all()).await? {
        rows_of.entry(row.column_id).or_default().push(row);
    }
    let mut report = PropagationReport::default();
    // Target column -> (label, confidence, evidence) the lineage supports.
    let mut wanted: BTreeMap<Id<Column>, (String, f64, String)> = BTreeMap::new();
    for ((table, column), id) in &columns {
        let Some(rows) = rows_of.get(id) else {
            continue;
        };
        let own: Vec<_> = rows
            .iter()
            .filter(|r| r.origin != ClassificationOrigin::Derived)
            .cloned()
            .collect();
        let Some(seed) = effective(&own) else {
            continue;
        };
        if seed.label == QUASI_IDENTIFIER {
            continue;
        }
        let start = (table.clone(), column.clone());
        let mut queue =
            VecDeque::from([(start.clone(), vec![format!("{table}.{column}")], 0usize)]);
        let mut seen = BTreeSet::from([start]);
        while let Some((asset, path, hops)) = queue.pop_front() {
            if hops >= MAX_HOPS {
                continue;
            }
            for edge in downstream.get(&asset).into_iter().flatten() {
                let Some(to_column) = &edge.to.column else {
                    continue;
                };
                let removing: Vec<&String> = edge
                    .functions
                    .iter()
                    .filter(|f| stops.contains(*f))
                    .collect();
                if !removing.is_empty() {
                    report.stopped += 1;
                    continue;
                }
                let next = (edge.to.table.clone(), to_column.clone());
                if !seen.insert(next.clone()) {
                    continue;
                }
                let step = if edge.functions.is_empty() {
                    format!("{}.{to_column} ({})", edge.to.table, edge.kind)
                } else {
                    format!(
                        "{}.{to_column} ({} through {})",
                        edge.to.table,
                        edge.kind,
                        edge.functions.join(", ")
                    )
                };
                let mut next_path = path.clone();
                next_path.push(step);
                if let Some(target) = columns.get(&next) {
                    let confidence =
                        (seed.confidence * 0.9f64.powi(hops as i32 + 1) * 100.0).round() / 100.0;
                    let evidence = format!(
                        "derived from {} through lineage: {}",
                        seed.label,
                        next_path.join(" -> ")
                    );
                    let better = wanted.get(target).is_none_or(|(_, c, _)| *c < confidence);
                    if better {
                        wanted.insert(*target, (seed.label.clone(), confidence, evidence));
                    }
                }
                queue.push_back((next, next_path, hops + 1));
            }
        }
    }

    // Write: derived rows where lineage supports them, none where it no longer does.
    for (column_id, rows) in &rows_of {
        for row in rows
            .iter()
            .filter(|r| r.origin == ClassificationOrigin::Derived)
        {
            let keep = wanted
                .get(column_id)
                .is_some_and(|(label, _, _)| *label == row.label);
            if !keep {
                session.delete(row.id).await?;
                report.removed += 1;
            }
        }
    }
    for (column_id, (label, confidence, evidence)) in wanted {
        let data = Classification {
            column_id,
            label: label.clone(),
            confidence,
            evidence: vec![evidence],
            origin: ClassificationOrigin::Derived,
            verdict: Verdict::Suggested,
            detector_version: None,
            decided_by: None,
            reason: None,
        };
        let existing = rows_of.get(&column_id).and_then(|rows| {
            rows.iter()
                .find(|r| r.origin == ClassificationOrigin::Derived && r.label == label)
        });
        match existing {
            Some(row) if row.data == data => {}
            Some(row) => {
                session.update(row.id, &data).await?;
            }
            None => {
                session.insert(&data).await?;
            }
        }
        report.derived += 1;
    }
    session.commit().await?;
    Ok(report)
}
