//! `steward search QUERY` and `steward index rebuild|sync`.

use steward_search::{SearchResults, SyncReport};
use steward_types::ErrorKind;

use crate::cli::{IndexCommand, SearchArgs};
use crate::commands::with_steward;
use crate::config::Loaded;
use crate::failure::Failure;
use crate::output::Output;

fn facet_filters(facets: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    facets
        .iter()
        .map(|f| match f.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() && !value.trim().is_empty() => {
                Ok((name.trim().to_lowercase(), value.trim().to_string()))
            }
            _ => Err(Failure::new(
                ErrorKind::Invalid,
                format!("--facet `{f}`: expected NAME=VALUE, like kind=column"),
            )
            .into()),
        })
        .collect()
}

pub async fn run(loaded: &Loaded, args: &SearchArgs, out: &Output) -> anyhow::Result<()> {
    let filters = facet_filters(&args.facet)?;
    if args.query.trim().is_empty() && filters.is_empty() {
        return Err(Failure::new(
            ErrorKind::Invalid,
            "give words to search for (`steward search customer email`) or a --facet",
        )
        .into());
    }
    let results = with_steward(loaded, async |s| {
        s.search(&args.query, filters, args.limit).await
    })
    .await?;
    out.print(&results, human)
}

/// Matched words in brackets: `Order [total] in euros`.
fn marked(snippet: &str, highlights: &[std::ops::Range<usize>]) -> String {
    let mut text = String::new();
    let mut at = 0;
    for r in highlights {
        if r.start < at || r.end > snippet.len() {
            continue;
        }
        text.push_str(&snippet[at..r.start]);
        text.push('[');
        text.push_str(&snippet[r.clone()]);
        text.push(']');
        at = r.end;
    }
    text.push_str(&snippet[at..]);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn human(r: &SearchResults) -> String {
    if r.hits.is_empty() {
        return "nothing found\n".to_string();
    }
    let width = r
        .hits
        .iter()
        .map(|h| h.name.chars().count())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for h in &r.hits {
        let mut extra = Vec::new();
        if let Some(t) = &h.doc.data_type {
            extra.push(t.clone());
        }
        if let Some(s) = &h.doc.source {
            extra.push(format!("source {s}"));
        }
        if !h.doc.labels.is_empty() {
            let labels: Vec<&str> = h
                .doc
                .labels
                .iter()
                .filter_map(|l| l.split_whitespace().next())
                .collect();
            extra.push(labels.join(", "));
        }
        text.push_str(&format!(
            "{:<6}  {:<width$}  {}\n",
            h.kind,
            h.name,
            extra.join(" · ")
        ));
        let snippet = marked(&h.snippet, &h.highlights);
        if !snippet.is_empty() && snippet != h.name {
            text.push_str(&format!("        {snippet}\n"));
        }
    }
    let shown = r.hits.len();
    text.push_str(&format!("{shown} of {} match(es)", r.total));
    if let Some(kinds) = r.facets.get("kind") {
        let counts: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
        text.push_str(&format!(" ({})", counts.join(", ")));
    }
    text.push('\n');
    text
}

pub async fn index(loaded: &Loaded, command: &IndexCommand, out: &Output) -> anyhow::Result<()> {
    let (report, dir) = with_steward(loaded, async |s| {
        let report = match command {
            IndexCommand::Rebuild => s.rebuild_index().await,
            IndexCommand::Sync => s.sync_index().await,
        }?;
        Ok((report, s.index_dir().display().to_string()))
    })
    .await?;
    out.print(&report, |r: &SyncReport| {
        if r.rebuilt {
            format!("search index rebuilt: {} document(s) in {dir}\n", r.added)
        } else {
            format!(
                "search index: {} added, {} updated, {} removed, {} unchanged\n",
                r.added, r.updated, r.removed, r.unchanged
            )
        }
    })
}
