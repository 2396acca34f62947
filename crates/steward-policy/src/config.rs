//! The `[policy]` section of steward.toml.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::file::{ParamValue, Policy, Problem};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyConfig {
    /// Run the built-in pack.
    pub builtin: bool,
    /// Folders of the organisation's own policy files, relative to the config
    /// file; a policy with a built-in's id replaces it.
    pub dirs: Vec<PathBuf>,
    /// Parameter values by policy id, e.g. `[policy.params.stale-large-table]
    /// days = 30`: tune a policy without copying it.
    pub params: BTreeMap<String, BTreeMap<String, ParamValue>>,
    /// Zones by name, each a list of `source.schema` glob patterns, e.g.
    /// `public = ["lake.exports", "lake.share_*"]`; checks see a table's zone
    /// in `steward.tables.zone`.
    pub zones: BTreeMap<String, Vec<String>>,
    /// DataFusion threads for checks. Default: the machine's cores.
    pub threads: usize,
    /// A check returning more rows fails (it is reported, not stored).
    pub max_rows: usize,
    /// A check running longer is stopped and reported.
    pub timeout_seconds: u64,
    /// Memory a check's joins, sorts and groupings may take; a check needing
    /// more fails and is reported, the others run.
    pub memory_limit_mb: usize,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        Self {
            builtin: true,
            dirs: Vec::new(),
            params: BTreeMap::new(),
            zones: BTreeMap::new(),
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            max_rows: 10_000,
            timeout_seconds: 60,
            memory_limit_mb: 512,
        }
    }
}

/// Applies configured parameter values. A value for a policy or parameter
/// that does not exist is a problem (a typo would otherwise go unnoticed),
/// and so is a value of another type than the policy's default.
pub fn apply_params(
    policies: &mut [Policy],
    params: &BTreeMap<String, BTreeMap<String, ParamValue>>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (id, values) in params {
        let Some(policy) = policies.iter_mut().find(|p| &p.id == id) else {
            problems.push(Problem::new(
                "steward.toml",
                None,
                format!("[policy.params.{id}]: no policy has the id `{id}`"),
            ));
            continue;
        };
        for (name, value) in values {
            match policy.params.get(name) {
                None => problems.push(Problem::new(
                    "steward.toml",
                    None,
                    format!(
                        "[policy.params.{id}]: policy `{id}` has no parameter `{name}` (it has: {})",
                        policy.params.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                )),
                Some(default) if !same_type(default, value) => problems.push(Problem::new(
                    "steward.toml",
                    None,
                    format!("[policy.params.{id}]: `{name}` = {value} is not of the type of its default ({default})"),
                )),
                Some(_) => {
                    policy.params.insert(name.clone(), value.clone());
                }
            }
        }
    }
    problems
}

fn same_type(a: &ParamValue, b: &ParamValue) -> bool {
    matches!(
        (a, b),
        (ParamValue::Bool(_), ParamValue::Bool(_))
            | (ParamValue::Int(_), ParamValue::Int(_))
            | (
                ParamValue::Float(_) | ParamValue::Int(_),
                ParamValue::Float(_)
            )
            | (ParamValue::Float(_), ParamValue::Int(_))
            | (ParamValue::Text(_), ParamValue::Text(_))
    )
}
