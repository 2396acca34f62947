use steward_service::{QUASI_IDENTIFIER, TableDetail};
use steward_types::ClassificationOrigin;

use crate::cli::ShowArgs;
use crate::commands::tables::human_bytes;
use crate::commands::with_steward;
use crate::config::Loaded;
use crate::output::Output;

pub async fn run(loaded: &Loaded, args: &ShowArgs, out: &Output) -> anyhow::Result<()> {
    let detail = with_steward(loaded, async |s| s.table(&args.table).await).await?;
    out.print(&detail, human)
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref()
        .map_or_else(|| "-".to_string(), ToString::to_string)
}

fn human(d: &TableDetail) -> String {
    let t = &d.table;
    let mut text = format!("{}.{} ({})\n", d.source.name, t.qualified_name(), t.kind);
    if let Some(description) = &t.description {
        text.push_str(&format!("  {description}\n"));
    }
    text.push_str(&format!(
        "  rows {}  size {}  files {}  format {}  owner {}\n",
        opt(&t.row_count),
        t.size_bytes.map_or("-".to_string(), human_bytes),
        opt(&t.file_count),
        opt(&t.format),
        opt(&t.owner)
    ));
    if !t.partition_columns.is_empty() {
        text.push_str(&format!(
            "  partitioned by {}\n",
            t.partition_columns.join(", ")
        ));
    }
    if let Some(at) = &t.scanned_at {
        text.push_str(&format!(
            "  last scanned {}\n",
            at.format("%Y-%m-%d %H:%M:%S UTC")
        ));
    }
    if let Some(error) = &t.scan_error {
        text.push_str(&format!("  last scan failed: {error}\n"));
    }
    if let Some(dropped) = &t.dropped_at {
        text.push_str(&format!(
            "  dropped from the source at {}\n",
            dropped.format("%Y-%m-%d %H:%M:%S UTC")
        ));
    }
    match &d.model {
        Some(model) => {
            text.push_str(&format!(
                "  dbt model {} ({})\n",
                model.path,
                model
                    .materialized
                    .as_deref()
                    .unwrap_or("materialisation not said")
            ));
            if let Some(sql) = &model.compiled_sql {
                text.push_str(&format!(
                    "  compiled: {}\n",
                    sql.split_whitespace().collect::<Vec<_>>().join(" ")
                ));
            }
        }
        None => {
            if let Some(sql) = &t.view_sql {
                text.push_str(&format!(
                    "  view: {}\n",
                    sql.split_whitespace().collect::<Vec<_>>().join(" ")
                ));
            }
        }
    }
    text.push_str(&format!(
        "\n  {:<24} {:<26} {:>5} {:>8} {:>9} {:<20} {:<20} {}\n",
        "COLUMN", "TYPE", "NULL", "NULLS%", "DISTINCT", "MIN", "MAX", "TOP VALUES"
    ));
    for c in &d.columns {
        let name = if c.column.primary_key {
            format!("{} (pk)", c.column.name)
        } else {
            c.column.name.clone()
        };
        let (nulls, distinct, min, max, top) = match &c.profile {
            Some(p) => (
                if p.row_count > 0 {
                    format!("{:.1}", 100.0 * p.null_count as f64 / p.row_count as f64)
                } else {
                    "-".into()
                },
                opt(&p.distinct_approx),
                short(&opt(&p.min)),
                short(&opt(&p.max)),
                p.top_values
                    .iter()
                    .take(3)
                    .map(|v| format!("{} ({})", short(&v.value), v.count))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            None => (
                "-".into(),
                "-".into(),
                "-".into(),
                "-".into(),
                String::new(),
            ),
        };
        text.push_str(&format!(
            "  {:<24} {:<26} {:>5} {:>8} {:>9} {:<20} {:<20} {}\n",
            name,
            short(&c.column.data_type),
            if c.column.nullable { "yes" } else { "no" },
            nulls,
            distinct,
            min,
            max,
            top
        ));
        if let Some(description) = &c.column.description {
            text.push_str(&format!("    {description}\n"));
        }
        if let Some(comment) = &c.column.comment {
            text.push_str(&format!("    {comment}\n"));
        }
        let tests = d
            .model
            .iter()
            .flat_map(|m| &m.docs.columns)
            .find(|doc| doc.name.eq_ignore_ascii_case(&c.column.name) && !doc.tests.is_empty());
        if let Some(doc) = tests {
            text.push_str(&format!("    dbt tests: {}\n", doc.tests.join("; ")));
        }
    }
    let sensitive: Vec<_> = d
        .columns
        .iter()
        .filter(|c| {
            c.sensitivity.is_some()
                || c.classifications
                    .iter()
                    .any(|r| r.label == QUASI_IDENTIFIER)
        })
        .collect();
    if !sensitive.is_empty() {
        text.push_str("\n  sensitive data\n");
        for c in sensitive {
            if let Some(label) = &c.sensitivity {
                let who = match (label.origin, &label.decided_by) {
                    (ClassificationOrigin::Steward, Some(by)) => format!("confirmed by {by}"),
                    (origin, _) => format!("{origin}, {:.0}%", label.confidence * 100.0),
                };
                text.push_str(&format!(
                    "  {:<24} {:<20} {who}\n",
                    c.column.name, label.label
                ));
                for reason in label.evidence.iter().chain(label.reason.iter()) {
                    text.push_str(&format!("    {reason}\n"));
                }
            }
            for qi in c
                .classifications
                .iter()
                .filter(|r| r.label == QUASI_IDENTIFIER)
            {
                text.push_str(&format!("  {:<24} {}\n", c.column.name, qi.label));
                for reason in &qi.evidence {
                    text.push_str(&format!("    {reason}\n"));
                }
            }
        }
    }
    if !d.removed_with_decisions.is_empty() {
        text.push_str(
            "\n  stewards' decisions on removed columns (kept; they stand if the column returns)\n",
        );
        for kept in &d.removed_with_decisions {
            let removed = kept
                .column
                .removed_at
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default();
            text.push_str(&format!(
                "  {:<24} {:<20} {} by {}, column removed {removed}\n",
                kept.column.name,
                kept.decision.label,
                kept.decision.verdict,
                kept.decision.decided_by.as_deref().unwrap_or("a steward"),
            ));
        }
    }
    if let Some(p) = d.columns.iter().find_map(|c| c.profile.as_ref()) {
        text.push_str(&format!(
            "\n  profiled {} ({}, {:.1}% of rows)\n",
            p.profiled_at.format("%Y-%m-%d %H:%M:%S UTC"),
            p.sampling.method,
            p.sampling.fraction * 100.0
        ));
    }
    if !d.changes.is_empty() {
        text.push_str("\n  schema changes (newest first)\n");
        for change in &d.changes {
            let what = match (&change.column, &change.before, &change.after) {
                (Some(col), Some(before), Some(after)) => format!("{col}: {before} -> {after}"),
                (Some(col), None, Some(after)) => format!("{col} ({after})"),
                (Some(col), Some(before), None) => format!("{col} (was {before})"),
                (Some(col), None, None) => col.clone(),
                (None, ..) => String::new(),
            };
            text.push_str(&format!(
                "  {} {:<20} {}\n",
                change.detected_at.format("%Y-%m-%d %H:%M"),
                change.kind.as_str(),
                what
            ));
        }
    }
    text
}

fn short(s: &str) -> String {
    if s.chars().count() > 20 {
        format!("{}…", s.chars().take(19).collect::<String>())
    } else {
        s.to_string()
    }
}
