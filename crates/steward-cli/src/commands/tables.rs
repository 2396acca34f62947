use steward_service::TableSummary;

use crate::cli::TablesArgs;
use crate::commands::with_steward;
use crate::config::Loaded;
use crate::output::Output;

pub async fn run(loaded: &Loaded, args: &TablesArgs, out: &Output) -> anyhow::Result<()> {
    let tables = with_steward(loaded, async |s| s.tables(args.source.as_deref()).await).await?;
    out.print(&tables, |tables: &Vec<TableSummary>| {
        if tables.is_empty() {
            return "no tables yet; run `steward scan`".to_string();
        }
        let mut text = format!(
            "{:<12} {:<36} {:<8} {:>7} {:>12} {:>10}  {}\n",
            "SOURCE", "TABLE", "KIND", "COLUMNS", "ROWS", "SIZE", "STATE"
        );
        for t in tables {
            let state = match (&t.table.dropped_at, &t.table.scan_error) {
                (Some(_), _) => "dropped".to_string(),
                (None, Some(e)) => format!("error: {e}"),
                (None, None) => "ok".to_string(),
            };
            text.push_str(&format!(
                "{:<12} {:<36} {:<8} {:>7} {:>12} {:>10}  {}\n",
                t.source,
                t.table.qualified_name(),
                t.table.kind.as_str(),
                t.columns,
                t.table.row_count.map_or("-".to_string(), |n| n.to_string()),
                t.table.size_bytes.map_or("-".to_string(), human_bytes),
                state
            ));
            if let Some(why) = &t.table.grouping {
                text.push_str(&format!("{:<12} {:<36} grouped: {why}\n", "", ""));
            }
        }
        text
    })
}

pub fn human_bytes(bytes: i64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < units.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", units[unit])
    }
}
