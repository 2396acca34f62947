//! The agents' tools: read-only, each a thin call into `Steward` whose result
//! is compact text for the prompt plus the assets it showed (what an answer
//! may cite). Text that comes from the warehouse or the catalog (descriptions,
//! comments, values, passages) is marked as data and goes through the
//! quarantine before it reaches a prompt.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use chrono::{Datelike, Timelike};
use serde::{Deserialize, Serialize};
use steward_llm::LanguageModel;
use steward_search::DocKind;
use steward_service::{CatalogAssets, Change, Direction, FindingQuery, Steward};
use steward_types::ClassificationOrigin;

use crate::error::Result;
use crate::quarantine::Quarantine;

/// Which way to walk lineage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Way {
    Upstream,
    Downstream,
}

/// One call of a tool, as the model asks for it (one JSON action).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "tool", rename_all = "snake_case")]
pub enum ToolCall {
    /// Tables and columns that match words.
    Search { query: String },
    /// A table's schema, owner, tags, description and masked profile.
    Describe { table: String },
    /// Sensitive columns (of one table, or all; of one label, or all) with
    /// their evidence.
    Sensitive {
        table: Option<String>,
        #[serde(default)]
        label: Option<String>,
    },
    /// What feeds an asset or what it feeds.
    Lineage { asset: String, way: Way },
    /// What breaks downstream if an asset is dropped.
    Impact { asset: String },
    /// Who read a table and when.
    Usage { table: String },
    /// What a table costs (or the costliest tables) and the savings at hand.
    Cost { table: Option<String> },
    /// Open findings (on an asset, or all).
    Findings { asset: Option<String> },
    /// A read-only query over the warehouse tables and the `steward.*`
    /// system tables; sensitive columns come back masked.
    Sql { query: String },
}

impl ToolCall {
    /// The call in a few words, for progress and for the prompt.
    pub fn label(&self) -> String {
        match self {
            Self::Search { query } => format!("search \"{query}\""),
            Self::Describe { table } => format!("describe {table}"),
            Self::Sensitive { table, label } => {
                let mut text = match label {
                    Some(l) => format!("{l} columns"),
                    None => "sensitive columns".to_string(),
                };
                if let Some(t) = table {
                    text.push_str(&format!(" of {t}"));
                }
                text
            }
            Self::Lineage { asset, way } => match way {
                Way::Upstream => format!("lineage upstream of {asset}"),
                Way::Downstream => format!("lineage downstream of {asset}"),
            },
            Self::Impact { asset } => format!("impact of dropping {asset}"),
            Self::Usage { table } => format!("usage of {table}"),
            Self::Cost { table: Some(t) } => format!("cost of {t}"),
            Self::Cost { table: None } => "cost".to_string(),
            Self::Findings { asset: Some(a) } => format!("findings on {a}"),
            Self::Findings { asset: None } => "findings".to_string(),
            Self::Sql { query } => format!("sql {}", shorten(query, 120)),
        }
    }
}

/// What a tool returned.
#[derive(Debug, Clone, Serialize)]
pub struct ToolResult {
    pub call: ToolCall,
    /// Compact text for the prompt: facts in Steward's words, data inside
    /// marked blocks, quarantined text withheld.
    pub text: String,
    /// The assets (`table` or `table.column`) the result showed.
    pub assets: Vec<String>,
}

/// Rows a tool shows at most: small models read short prompts better.
const MAX_ROWS: usize = 12;

/// The name answers cite for a search hit: asset ids are
/// `kind:source:name`, a column's name ends in the column.
fn asset_name(id: &str, catalog: &CatalogAssets) -> String {
    let mut parts = id.splitn(3, ':');
    let (kind, source, name) = (parts.next(), parts.next(), parts.next());
    match (kind, source, name) {
        (Some("table"), Some(source), Some(name)) => catalog.name(source, name),
        (Some("column"), Some(source), Some(name)) => match name.rsplit_once('.') {
            Some((table, column)) => format!("{}.{column}", catalog.name(source, table)),
            None => name.to_string(),
        },
        (_, _, Some(name)) => name.to_string(),
        _ => id.to_string(),
    }
}

/// Runs one call. A call the catalog cannot answer (a table that does not
/// exist) is a result that says so, not a failure of the run. Doubtful text
/// in the result is judged by `model` (withheld or shown as data) when the
/// quarantine judges; returns the prompt tokens that took.
pub async fn run(
    steward: &Steward,
    call: &ToolCall,
    catalog: &CatalogAssets,
    quarantine: &mut Quarantine,
    model: &Arc<dyn LanguageModel>,
) -> Result<(ToolResult, usize)> {
    let mut assets = Vec::new();
    let text = match call_tool(steward, call, catalog, quarantine, &mut assets).await {
        Ok(text) => text,
        Err(e) => format!("no result: {e}"),
    };
    let mut result = ToolResult {
        call: call.clone(),
        text,
        assets,
    };
    let used = quarantine.settle(model, &mut result.text).await?;
    Ok((result, used))
}

async fn call_tool(
    steward: &Steward,
    call: &ToolCall,
    catalog: &CatalogAssets,
    quarantine: &mut Quarantine,
    assets: &mut Vec<String>,
) -> steward_service::Result<String> {
    let mut text = String::new();
    match call {
        ToolCall::Search { query } => {
            let passages = steward
                .retrieve(query, 8, &[DocKind::Table, DocKind::Column])
                .await?;
            if passages.is_empty() {
                text.push_str("nothing matches\n");
            }
            for p in passages {
                let name = asset_name(&p.asset_id, catalog);
                let kind = p.asset_id.split(':').next().unwrap_or("asset");
                let summary = quarantine.data(&name, &shorten(&p.text, 160));
                let _ = writeln!(text, "{kind} {name}: {summary}");
                assets.push(name);
            }
        }
        ToolCall::Describe { table } => {
            let d = steward.table(table).await?;
            let name = catalog.name(&d.source.name, &d.table.qualified_name());
            let _ = writeln!(
                text,
                "table {name} ({}, source {}), {} rows, owner {}, tags {}",
                d.table.kind,
                d.source.name,
                d.table
                    .row_count
                    .map_or("unknown".to_string(), |n| n.to_string()),
                d.table.owner.as_deref().unwrap_or("none"),
                if d.table.tags.is_empty() {
                    "none".to_string()
                } else {
                    d.table.tags.join(", ")
                }
            );
            if let Some(description) = &d.table.description {
                let _ = writeln!(text, "description: {}", quarantine.data(&name, description));
            }
            assets.push(name.clone());
            for c in d.columns.iter().take(40) {
                let column = format!("{name}.{}", c.column.name);
                let mut line = format!("column {column} {}", c.column.data_type);
                if let Some(label) = &c.sensitivity {
                    let _ = write!(line, ", sensitive: {}", label.label);
                }
                if let Some(comment) = &c.column.comment {
                    let _ = write!(line, ", comment: {}", quarantine.data(&column, comment));
                }
                if c.column.value_warning.is_some() {
                    // The values themselves were never kept; say what the
                    // scan found, and set the column aside like any other
                    // text aimed at assistants.
                    quarantine.withhold(&column, "instructions in its sampled values");
                    let _ = write!(line, ", values: {}", crate::quarantine::WITHHELD);
                }
                if let Some(description) = &c.column.description {
                    let _ = write!(
                        line,
                        ", description: {}",
                        quarantine.data(&column, description)
                    );
                }
                if let Some(p) = &c.profile {
                    let _ = write!(line, ", {} nulls of {}", p.null_count, p.row_count);
                    // Stored profiles are masked where values are personal.
                    let top: Vec<&str> = p
                        .top_values
                        .iter()
                        .take(3)
                        .map(|v| v.value.as_str())
                        .collect();
                    if !top.is_empty() {
                        let _ = write!(
                            line,
                            ", frequent values: {}",
                            quarantine.data(&column, &top.join(" | "))
                        );
                    }
                }
                let _ = writeln!(text, "{line}");
                assets.push(column);
            }
        }
        ToolCall::Sensitive { table, label } => {
            let columns = steward.sensitive_columns(None, label.as_deref()).await?;
            let wanted = table.as_deref().map(str::to_lowercase);
            let mut shown = 0;
            for c in columns.iter().filter(|c| {
                wanted.as_deref().is_none_or(|t| {
                    c.table.eq_ignore_ascii_case(t)
                        || catalog.name(&c.source, &c.table).eq_ignore_ascii_case(t)
                })
            }) {
                if shown == MAX_ROWS * 2 {
                    let _ = writeln!(text, "... and more");
                    break;
                }
                let column = format!("{}.{}", catalog.name(&c.source, &c.table), c.column);
                let who = match (c.origin, &c.decided_by) {
                    (ClassificationOrigin::Steward, Some(by)) => format!("decided by steward {by}"),
                    (origin, _) => format!("{origin}, confidence {:.0}%", c.confidence * 100.0),
                };
                let why = c
                    .evidence
                    .first()
                    .map_or(String::new(), |e| format!("; {e}"));
                let _ = writeln!(text, "{column}: {} ({who}{why})", c.label);
                assets.push(column);
                shown += 1;
            }
            if shown == 0 {
                let _ = writeln!(text, "no sensitive columns found");
            }
        }
        ToolCall::Lineage { asset, way } => {
            let direction = match way {
                Way::Upstream => Direction::Upstream,
                Way::Downstream => Direction::Downstream,
            };
            let graph = match steward.lineage(asset, direction, 4).await {
                Ok(graph) => graph,
                // An asset the catalog holds, with no lineage recorded: a fact.
                Err(steward_service::ServiceError::NotFound(why)) => match catalog.resolve(asset) {
                    Some(name) => {
                        let _ = writeln!(text, "no lineage is recorded for {name}");
                        assets.push(name);
                        return Ok(text);
                    }
                    None => return Err(steward_service::ServiceError::NotFound(why)),
                },
                Err(e) => return Err(e),
            };
            let mut nodes: Vec<(&String, &i64)> =
                graph.nodes.iter().filter(|(_, d)| **d != 0).collect();
            nodes.sort_by_key(|(n, d)| (d.abs(), (*n).clone()));
            assets.push(graph.root.clone());
            if nodes.is_empty() {
                let _ = writeln!(text, "no lineage recorded for {}", graph.root);
            } else {
                let direct: Vec<&str> = nodes
                    .iter()
                    .filter(|(_, d)| d.abs() == 1)
                    .map(|(n, _)| n.as_str())
                    .collect();
                let _ = writeln!(
                    text,
                    "{} {}: {}",
                    match way {
                        Way::Upstream => "directly upstream of",
                        Way::Downstream => "directly downstream of",
                    },
                    graph.root,
                    direct.join(", ")
                );
            }
            for (node, distance) in nodes.into_iter().take(MAX_ROWS * 2) {
                let _ = writeln!(
                    text,
                    "{} {node} ({} hop{})",
                    if *distance < 0 { "from" } else { "to" },
                    distance.abs(),
                    if distance.abs() == 1 { "" } else { "s" }
                );
                assets.push(node.clone());
            }
        }
        ToolCall::Impact { asset } => {
            let impact = steward.impact(asset, Change::Drop, 4).await?;
            assets.push(impact.root.clone());
            let named: Vec<&str> = impact
                .assets
                .iter()
                .take(MAX_ROWS)
                .map(|a| a.asset.as_str())
                .collect();
            let _ = writeln!(
                text,
                "dropping {} breaks {} downstream asset(s): {}",
                impact.root,
                impact.assets.len(),
                named.join(", ")
            );
            for a in impact.assets.iter().take(MAX_ROWS * 2) {
                let _ = writeln!(text, "{} ({} hops): {}", a.asset, a.hops, a.because);
                assets.push(a.asset.clone());
            }
        }
        ToolCall::Usage { table } => {
            let detail = steward.table(table).await?;
            let qualified = detail.table.qualified_name();
            let name = catalog.name(&detail.source.name, &qualified);
            let reads = steward.usage(Some(&qualified), 500).await?;
            assets.push(name.clone());
            let mut users: BTreeMap<String, usize> = BTreeMap::new();
            let mut off_hours = 0;
            for r in &reads {
                *users
                    .entry(r.user_name.clone().unwrap_or_else(|| "unknown".into()))
                    .or_default() += 1;
                let at = r.executed_at;
                if at.hour() < 7 || at.hour() >= 20 || at.weekday().num_days_from_monday() >= 5 {
                    off_hours += 1;
                }
            }
            let mut by_count: Vec<(String, usize)> = users.into_iter().collect();
            by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let _ = writeln!(
                text,
                "{name}: read by {} logged quer{} from {} user(s){}",
                reads.len(),
                if reads.len() == 1 { "y" } else { "ies" },
                by_count.len(),
                reads.first().map_or(String::new(), |r| format!(
                    ", last on {}",
                    r.executed_at.format("%Y-%m-%d %H:%M UTC")
                ))
            );
            for (user, n) in by_count.iter().take(MAX_ROWS) {
                let _ = writeln!(
                    text,
                    "user {user}: {n} quer{}",
                    if *n == 1 { "y" } else { "ies" }
                );
            }
            let _ = writeln!(
                text,
                "{off_hours} read(s) at night (20:00-07:00 UTC) or at weekends"
            );
        }
        ToolCall::Cost { table } => {
            let report = steward.cost().await?;
            let currency = &report.currency;
            let rows: Vec<_> = match table {
                Some(t) => report
                    .tables
                    .iter()
                    .filter(|c| {
                        c.table.eq_ignore_ascii_case(t)
                            || catalog.name(&c.source, &c.table).eq_ignore_ascii_case(t)
                    })
                    .collect(),
                None => {
                    let mut all: Vec<_> = report.tables.iter().collect();
                    all.sort_by(|a, b| {
                        (b.storage_cost + b.compute_cost)
                            .total_cmp(&(a.storage_cost + a.compute_cost))
                    });
                    all.into_iter().take(MAX_ROWS / 2).collect()
                }
            };
            if rows.is_empty() {
                let _ = writeln!(text, "no cost known for that table");
            }
            for c in rows {
                let _ = writeln!(
                    text,
                    "{}: storage {:.2} {currency} a month ({} bytes), compute {:.2} {currency} over the log ({} reads)",
                    catalog.name(&c.source, &c.table),
                    c.storage_cost,
                    c.storage_bytes,
                    c.compute_cost,
                    c.reads
                );
                assets.push(catalog.name(&c.source, &c.table));
            }
            for s in report
                .savings
                .iter()
                .filter(|s| {
                    table
                        .as_deref()
                        .is_none_or(|t| s.table.eq_ignore_ascii_case(t))
                })
                .take(MAX_ROWS / 2)
            {
                let amount = s.monthly.map_or_else(
                    || "an unknown amount".to_string(),
                    |m| format!("{m:.2} {currency}"),
                );
                let _ = writeln!(
                    text,
                    "saving on {}: {amount} a month, {}",
                    s.table, s.reason
                );
                assets.push(s.table.clone());
            }
        }
        ToolCall::Findings { asset } => {
            let findings = steward.findings(&FindingQuery::default()).await?;
            let wanted = asset.as_deref().map(str::to_lowercase);
            let mut shown = 0;
            for f in findings.iter().filter(|f| {
                wanted.as_deref().is_none_or(|w| {
                    let a = f.asset.to_lowercase();
                    a == w || a.starts_with(&format!("{w}."))
                })
            }) {
                if shown == MAX_ROWS {
                    let _ = writeln!(text, "... and more");
                    break;
                }
                let _ = writeln!(
                    text,
                    "[{}] {} on {}: {}",
                    f.severity,
                    f.policy_key,
                    f.asset,
                    quarantine.data(&f.asset, &f.message)
                );
                assets.push(f.asset.clone());
                shown += 1;
            }
            if shown == 0 {
                let _ = writeln!(text, "no open findings");
            }
        }
        ToolCall::Sql { query } => {
            let result = steward.query(query).await?;
            text = query_text(query, &result, catalog, quarantine, assets);
        }
    }
    Ok(text)
}

/// A query's rows as the prompt carries them: each row's values are data.
fn query_text(
    query: &str,
    steward_result: &steward_service::QueryResult,
    catalog: &CatalogAssets,
    quarantine: &mut Quarantine,
    assets: &mut Vec<String>,
) -> String {
    let mut text = String::new();
    let names: Vec<String> = steward_result
        .tables
        .iter()
        .map(|t| catalog.name(&t.source, &t.table))
        .collect();
    let rows = &steward_result.rows;
    let _ = writeln!(
        text,
        "read {}; {} row{}{}",
        names
            .iter()
            .chain(&steward_result.system_tables)
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
        rows.rows.len(),
        if rows.rows.len() == 1 { "" } else { "s" },
        if rows.truncated {
            " (cut at the row limit)"
        } else {
            ""
        }
    );
    for m in &steward_result.masked {
        let _ = writeln!(
            text,
            "masked: {}.{} ({})",
            catalog.name(&m.source, &m.table),
            m.column,
            m.label
        );
    }
    let where_from = names
        .first()
        .cloned()
        .unwrap_or_else(|| "the catalog".into());
    let _ = writeln!(text, "columns: {}", rows.columns.join(" | "));
    for row in rows.rows.iter().take(MAX_ROWS * 2) {
        let values: Vec<&str> = row.iter().map(|v| v.as_deref().unwrap_or("NULL")).collect();
        let _ = writeln!(
            text,
            "{}",
            quarantine.data(&where_from, &values.join(" | "))
        );
    }
    if rows.rows.len() > MAX_ROWS * 2 {
        let _ = writeln!(text, "... and {} more rows", rows.rows.len() - MAX_ROWS * 2);
    }
    // The columns of the tables read that the query names (in its select
    // list, filters, groups or joins) or that come back under their own name.
    let named: Vec<String> = query
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .chain(rows.columns.iter().map(|c| c.to_lowercase()))
        .collect();
    for name in &names {
        assets.push(name.clone());
        if let Some(columns) = catalog.tables.get(name) {
            for c in columns {
                let asset = format!("{name}.{c}");
                if named.contains(&c.to_lowercase()) && !assets.contains(&asset) {
                    assets.push(asset);
                }
            }
        }
    }
    text
}

/// At most `max` characters, cut at a word.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(at) => format!("{}…", &cut[..at]),
        None => format!("{cut}…"),
    }
}
