use serde::Serialize;

use crate::cli::DemoDataArgs;
use crate::output::Output;

#[derive(Debug, Serialize)]
struct Written {
    root: String,
    lake: String,
    sqlite: String,
    query_log: String,
    models: String,
    files: usize,
    rows: u64,
}

pub fn run(args: &DemoDataArgs, out: &Output) -> anyhow::Result<()> {
    let dir = std::env::current_dir()?.join(&args.dir);
    let summary = steward_sample::generate(&dir, args.scale)?;
    let written = Written {
        root: summary.root.display().to_string(),
        lake: summary.lake.display().to_string(),
        sqlite: summary.sqlite.display().to_string(),
        query_log: summary.query_log.display().to_string(),
        models: summary.models.display().to_string(),
        files: summary.files,
        rows: summary.rows,
    };
    out.print(&written, |w| {
        format!(
            "wrote a sample warehouse to {} ({} files, {} rows)\n  lake       {}\n  app db     {}\n  query log  {}\n  dbt models {}\nnext: `steward source add lake {}` and `steward source add app sqlite://{}`\n",
            w.root, w.files, w.rows, w.lake, w.sqlite, w.query_log, w.models, w.lake, w.sqlite
        )
    })
}
