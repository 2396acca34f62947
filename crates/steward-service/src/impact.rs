//! Impact analysis: what a change to a table or column does downstream.
//! Dropping breaks everything that reads it, and every query, model and job
//! on the way. Retyping a column depends on how each step uses it: a copy
//! carries the new type on, a count does not care, anything computed from it
//! has to be checked.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::Serialize;
use steward_store::Store;
use steward_types::{AssetRef, EdgeKind, LineageEdge};

use crate::error::{Result, ServiceError};
use crate::lineage::{Direction, asset_name, edges_at, resolve_asset};

/// The change a steward is about to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Drop,
    Retype,
}

/// What the change does to one downstream asset, mildest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Only counted, or reached only through such a step.
    Unaffected,
    /// Computed from the column: the expression may fail on the new type or
    /// give other results; someone has to look.
    Review,
    /// A copy: the asset takes the new type, and its readers see it.
    TypeChanges,
    /// Its source is gone: the query that fills it fails.
    Breaks,
}

impl Effect {
    pub fn label(self) -> &'static str {
        match self {
            Effect::Unaffected => "unaffected",
            Effect::Review => "review",
            Effect::TypeChanges => "changes type",
            Effect::Breaks => "breaks",
        }
    }
}

/// One downstream asset and what happens to it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Affected {
    pub asset: String,
    pub hops: usize,
    pub effect: Effect,
    /// The step that decided the effect, in words.
    pub because: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Impact {
    pub root: String,
    pub change: Change,
    /// Most affected first, then nearest.
    pub assets: Vec<Affected>,
    /// Queries, models and jobs to fix or check: those that read the root
    /// or an affected asset, unless the change leaves their step unaffected.
    pub inputs: BTreeSet<String>,
}

impl Impact {
    pub fn count(&self, effect: Effect) -> usize {
        self.assets.iter().filter(|a| a.effect == effect).count()
    }
}

/// Aggregates whose result does not depend on the value's type.
const TYPE_BLIND: &[&str] = &["count", "approx_count_distinct", "count_distinct"];
/// Aggregates and functions whose result has the value's type.
const TYPE_KEEPING: &[&str] = &[
    "min",
    "max",
    "any_value",
    "first",
    "last",
    "coalesce",
    "nullif",
];

/// What retyping an edge's source does to its target, given what the change
/// already did to the source.
fn retyped(source: Effect, edge: &LineageEdge) -> (Effect, String) {
    let functions = edge.functions.join(", ");
    let only = |set: &[&str]| {
        !edge.functions.is_empty() && edge.functions.iter().all(|f| set.contains(&f.as_str()))
    };
    if only(TYPE_BLIND) {
        return (Effect::Unaffected, format!("only counted ({functions})"));
    }
    let effect = match edge.kind {
        EdgeKind::Direct if edge.functions.is_empty() => (source, "copied as is".to_string()),
        EdgeKind::Direct | EdgeKind::Aggregation | EdgeKind::Transformation
            if only(TYPE_KEEPING) =>
        {
            (source, format!("passed through {functions}"))
        }
        EdgeKind::Filter => (Effect::Review, "filters or joins on it".to_string()),
        _ if functions.is_empty() => (Effect::Review, "computed from it".to_string()),
        _ => (Effect::Review, format!("computed with {functions}")),
    };
    // Below a step to review, nothing is certain either.
    (effect.0.min(source), effect.1)
}

/// What dropping or retyping `name` (a table, or a column for a retype) does
/// downstream, up to `depth` hops.
pub async fn impact(store: &Store, name: &str, change: Change, depth: usize) -> Result<Impact> {
    let root = resolve_asset(store, name).await?;
    if change == Change::Retype && root.column.is_none() {
        return Err(ServiceError::Invalid(format!(
            "retyping applies to a column: name one of `{}`'s columns",
            root.table
        )));
    }
    let start = match change {
        Change::Drop => Effect::Breaks,
        Change::Retype => Effect::TypeChanges,
    };
    let mut session = store.read().await?;
    let mut found: BTreeMap<AssetRef, Affected> = BTreeMap::new();
    let mut inputs = BTreeSet::new();
    let mut walked_any = false;
    let mut queue = VecDeque::from([(root.clone(), start, 0usize)]);
    while let Some((asset, effect, hops)) = queue.pop_front() {
        if hops >= depth || effect == Effect::Unaffected {
            continue;
        }
        for edge in session
            .list::<LineageEdge>(&edges_at(&asset, Direction::Downstream))
            .await?
        {
            walked_any = true;
            let (next_effect, because) = match change {
                Change::Drop => (Effect::Breaks, format!("reads {}", asset_name(&asset))),
                Change::Retype => {
                    let (next, because) = retyped(effect, &edge);
                    if hops == 0 {
                        (next, because)
                    } else {
                        (next, format!("{because} from {}", asset_name(&asset)))
                    }
                }
            };
            if next_effect != Effect::Unaffected
                && let Some(reference) = &edge.origin_ref
            {
                inputs.insert(reference.clone());
            }
            let next = edge.to.clone();
            if next == root {
                continue;
            }
            // Reached again by a path that does more harm: that path counts.
            let worse = found
                .get(&next)
                .is_none_or(|seen| next_effect > seen.effect);
            if worse {
                found.insert(
                    next.clone(),
                    Affected {
                        asset: asset_name(&next),
                        hops: hops + 1,
                        effect: next_effect,
                        because,
                    },
                );
                queue.push_back((next, next_effect, hops + 1));
            }
        }
    }
    if !walked_any {
        return Err(ServiceError::NotFound(format!(
            "anything downstream of `{name}` in the lineage graph"
        )));
    }
    let mut assets: Vec<Affected> = found.into_values().collect();
    assets.sort_by(|a, b| {
        b.effect
            .cmp(&a.effect)
            .then(a.hops.cmp(&b.hops))
            .then(a.asset.cmp(&b.asset))
    });
    Ok(Impact {
        root: asset_name(&root),
        change,
        assets,
        inputs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use steward_types::LineageOrigin;

    fn edge(kind: EdgeKind, functions: &[&str]) -> LineageEdge {
        let asset = |c: &str| AssetRef {
            table: "t".into(),
            column: Some(c.into()),
        };
        LineageEdge {
            from: asset("a"),
            to: asset("b"),
            kind,
            confidence: 1.0,
            reason: None,
            origin: LineageOrigin::QueryLog,
            origin_ref: None,
            functions: functions.iter().map(|f| f.to_string()).collect(),
        }
    }

    #[test]
    fn a_retype_follows_copies_stops_at_counts_and_flags_computations() {
        let t = Effect::TypeChanges;
        assert_eq!(
            retyped(t, &edge(EdgeKind::Direct, &[])).0,
            Effect::TypeChanges
        );
        assert_eq!(
            retyped(t, &edge(EdgeKind::Aggregation, &["max"])).0,
            Effect::TypeChanges
        );
        assert_eq!(
            retyped(t, &edge(EdgeKind::Aggregation, &["count"])).0,
            Effect::Unaffected
        );
        assert_eq!(
            retyped(t, &edge(EdgeKind::Aggregation, &["sum"])).0,
            Effect::Review
        );
        let (effect, because) = retyped(t, &edge(EdgeKind::Transformation, &["sha256"]));
        assert_eq!(
            (effect, because.as_str()),
            (Effect::Review, "computed with sha256")
        );
        assert_eq!(
            retyped(Effect::Review, &edge(EdgeKind::Direct, &[])).0,
            Effect::Review,
            "a copy of something to review is to review"
        );
    }
}
