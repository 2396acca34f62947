//! A script end to end: tables written and then read by a later statement
//! are intermediate (temp tables, staging steps) and collapse, so column
//! edges run from the first source to the last target.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{ColumnEdge, ColumnRef, EdgeKind, Lineage};

/// Where an intermediate column's value came from: the source column, how,
/// and through which functions.
type Origin = (ColumnRef, EdgeKind, BTreeSet<String>);

/// Which tables of a run of statements are steps in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scratch {
    /// A script run once: a table written and then read later is a step
    /// (temp and staging tables), as is one the script drops.
    WrittenThenRead,
    /// A stored procedure's body: only tables it drops are steps. The
    /// procedure is a catalog object run again and again; what it writes
    /// stays, so each table it writes is an output even when a later
    /// statement of the body reads it.
    DroppedOnly,
}

/// Combines statement lineages, in script order.
pub fn collapse(statements: Vec<Lineage>) -> Lineage {
    collapse_with(statements, Scratch::WrittenThenRead)
}

/// Combines statement lineages, in order, with `scratch` saying which
/// tables are steps in between.
pub fn collapse_with(mut statements: Vec<Lineage>, scratch: Scratch) -> Lineage {
    apply_renames(&mut statements);
    if statements.len() == 1 {
        return statements.into_iter().next().unwrap_or_default();
    }
    // Intermediate: written by one statement, read by a later one, or
    // dropped by the end of the script (a temp table).
    let mut intermediate = BTreeSet::new();
    for (i, s) in statements.iter().enumerate() {
        for t in &s.targets {
            if statements[i + 1..]
                .iter()
                .any(|later| later.dropped.contains(t))
            {
                intermediate.insert(t.clone());
            }
        }
    }
    for (i, s) in statements.iter().enumerate() {
        if scratch == Scratch::DroppedOnly {
            break;
        }
        // A table filled with constants (`INSERT ... VALUES`) is where data
        // starts, not a step in between.
        let from_constants = s.sources.is_empty() && s.dropped.is_empty();
        for t in &s.targets {
            let read_at = statements[i + 1..]
                .iter()
                .position(|later| later.sources.contains(t))
                .map(|j| i + 1 + j);
            let Some(read_at) = read_at else { continue };
            // Written again after that read: the script's result after all.
            let rewritten = statements[read_at + 1..]
                .iter()
                .any(|later| later.targets.contains(t) && later.dropped.is_empty());
            if !from_constants && !rewritten {
                intermediate.insert(t.clone());
            }
        }
    }
    let mut out = Lineage::default();
    // What each intermediate column was last made of, as the script runs.
    let mut made_of: BTreeMap<ColumnRef, BTreeSet<Origin>> = BTreeMap::new();
    let mut star_of: BTreeMap<String, BTreeSet<Origin>> = BTreeMap::new();
    for s in statements {
        out.warnings.extend(s.warnings);
        for source in &s.sources {
            if !intermediate.contains(source) {
                out.sources.insert(source.clone());
            }
        }
        for target in &s.targets {
            if !intermediate.contains(target) {
                out.targets.insert(target.clone());
            }
        }
        // Rewrite each edge's source through the intermediate tables before
        // recording what this statement writes.
        let mut written: BTreeMap<ColumnRef, BTreeSet<Origin>> = BTreeMap::new();
        let mut final_edges = Vec::new();
        for edge in &s.edges {
            let origins: BTreeSet<Origin> = if intermediate.contains(&edge.source.table) {
                made_of
                    .get(&edge.source)
                    .cloned()
                    .or_else(|| star_of.get(&edge.source.table).cloned())
                    .unwrap_or_default()
            } else {
                [(edge.source.clone(), edge.kind, BTreeSet::new())].into()
            };
            let origins: BTreeSet<Origin> = origins
                .into_iter()
                .map(|(c, k, mut functions)| {
                    // A star flowing through keeps the column name.
                    let c = if c.column == "*" && edge.source.column != "*" {
                        ColumnRef::new(c.table, edge.source.column.clone())
                    } else {
                        c
                    };
                    functions.extend(edge.functions.iter().cloned());
                    (c, k.combine(edge.kind), functions)
                })
                .collect();
            match &edge.target_table {
                Some(t) if intermediate.contains(t) => {
                    written
                        .entry(ColumnRef::new(t.clone(), edge.target_column.clone()))
                        .or_default()
                        .extend(origins);
                }
                _ => final_edges.push((edge, origins)),
            }
        }
        for (column, origins) in written {
            if column.column == "*" {
                star_of.insert(column.table.clone(), origins.clone());
            }
            made_of.insert(column, origins);
        }
        for (edge, origins) in final_edges {
            for (source, kind, functions) in origins {
                out.edges.insert(ColumnEdge {
                    source,
                    target_table: edge.target_table.clone(),
                    target_column: edge.target_column.clone(),
                    kind,
                    functions,
                });
            }
        }
    }
    out.warnings.sort();
    out.warnings.dedup();
    out
}

/// `ALTER TABLE a RENAME TO b`: what earlier statements wrote to `a` ends up
/// in `b`.
fn apply_renames(statements: &mut [Lineage]) {
    for i in 0..statements.len() {
        let renames = statements[i].renamed.clone();
        for (old, new) in renames {
            let mut written_before = false;
            for earlier in statements[..i].iter_mut() {
                if earlier.targets.remove(&old) {
                    earlier.targets.insert(new.clone());
                    written_before = true;
                }
                earlier.edges = std::mem::take(&mut earlier.edges)
                    .into_iter()
                    .map(|mut e| {
                        if e.target_table.as_deref() == Some(old.as_str()) {
                            e.target_table = Some(new.clone());
                        }
                        e
                    })
                    .collect();
            }
            // Renaming a table the script wrote only moves that result.
            if written_before {
                statements[i].sources.remove(&old);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(src: (&str, &str), tgt: (&str, &str)) -> ColumnEdge {
        ColumnEdge {
            source: ColumnRef::new(src.0, src.1),
            target_table: Some(tgt.0.into()),
            target_column: tgt.1.into(),
            kind: EdgeKind::Direct,
            functions: BTreeSet::new(),
        }
    }

    #[test]
    fn intermediate_tables_collapse() {
        let first = Lineage {
            sources: ["raw.a".into()].into(),
            targets: ["tmp".into()].into(),
            edges: [edge(("raw.a", "x"), ("tmp", "y"))].into(),
            ..Lineage::default()
        };
        let second = Lineage {
            sources: ["tmp".into(), "raw.b".into()].into(),
            targets: ["mart.c".into()].into(),
            edges: [
                edge(("tmp", "y"), ("mart.c", "z")),
                edge(("raw.b", "w"), ("mart.c", "w")),
            ]
            .into(),
            ..Lineage::default()
        };
        let script = collapse(vec![first, second]);
        assert_eq!(script.sources, ["raw.a".to_string(), "raw.b".into()].into());
        assert_eq!(script.targets, ["mart.c".to_string()].into());
        assert_eq!(
            script.edges,
            [
                edge(("raw.a", "x"), ("mart.c", "z")),
                edge(("raw.b", "w"), ("mart.c", "w"))
            ]
            .into()
        );
    }
}
