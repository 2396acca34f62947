//! `steward query SQL`: a read-only query, its sensitive columns masked.

use steward_service::QueryResult;

use crate::cli::QueryArgs;
use crate::commands::with_steward;
use crate::config::Loaded;
use crate::output::Output;

pub async fn run(loaded: &Loaded, args: &QueryArgs, out: &Output) -> anyhow::Result<()> {
    let result = with_steward(loaded, async |s| s.query(&args.sql).await).await?;
    out.print(&result, human)
}

fn human(r: &QueryResult) -> String {
    let rows = &r.rows;
    let mut text = grid(&rows.columns, &rows.rows);
    text.push_str(&format!(
        "({} row{}{})\n",
        rows.rows.len(),
        if rows.rows.len() == 1 { "" } else { "s" },
        if rows.truncated {
            "; more matched, cut at agent.query_max_rows"
        } else {
            ""
        }
    ));
    for m in &r.masked {
        text.push_str(&format!(
            "masked: {}.{}.{} ({})\n",
            m.source, m.table, m.column, m.label
        ));
    }
    text
}

/// Rows under their column names, in aligned columns (nulls as NULL).
pub(crate) fn grid(columns: &[String], rows: &[Vec<Option<String>>]) -> String {
    let cell = |v: &Option<String>| v.clone().unwrap_or_else(|| "NULL".to_string());
    let mut widths: Vec<usize> = columns.iter().map(|c| c.chars().count()).collect();
    for row in rows {
        for (w, v) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell(v).chars().count());
        }
    }
    let line = |values: Vec<String>| -> String {
        values
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut text = String::new();
    text.push_str(&line(columns.to_vec()));
    text.push('\n');
    for row in rows {
        text.push_str(&line(row.iter().map(cell).collect()));
        text.push('\n');
    }
    text
}
