use std::collections::BTreeMap;

use steward_service::{add_source, find_source, list_sources, new_source, remove_source};
use steward_types::{Record, Source};
use steward_warehouse::SourceConnection;

use crate::cli::{SourceAddArgs, SourceRemoveArgs};
use crate::commands::{open_store, refresh_index};
use crate::config::Loaded;
use crate::output::Output;

/// Local paths are stored absolute, so scans work from any folder.
fn absolute_url(url: &str) -> anyhow::Result<String> {
    let cwd = std::env::current_dir()?;
    if let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        if !rest.starts_with('/') && !rest.is_empty() {
            return Ok(format!("sqlite://{}", cwd.join(rest).display()));
        }
        return Ok(url.to_string());
    }
    if let Some(rest) = url.strip_prefix("file://") {
        return Ok(format!("file://{}", cwd.join(rest).display()));
    }
    if url.contains("://") || url.starts_with('/') {
        return Ok(url.to_string());
    }
    Ok(cwd.join(url).display().to_string())
}

pub async fn add(loaded: &Loaded, args: &SourceAddArgs, out: &Output) -> anyhow::Result<()> {
    let store = open_store(loaded).await?;
    let url = absolute_url(&args.url)?;
    let options: BTreeMap<String, String> = args.options.iter().cloned().collect();
    let source = new_source(&args.name, &url, options, args.description.clone())?;
    if args.exists_ok
        && let Ok(existing) = find_source(&store, &args.name).await
        && existing.url == source.url
    {
        store.close().await;
        return out.print(&existing, |s| {
            format!("source `{}` is already registered ({})", s.name, s.url)
        });
    }
    if !args.no_check {
        // Try the source before registering it, so a typo fails now rather than
        // at the first scheduled scan.
        SourceConnection::open(&source, &loaded.config.warehouse)
            .await?
            .discover()
            .await?;
    }
    let source = add_source(&store, &source).await?;
    store.close().await;
    out.print(&source, |s| {
        format!("added source `{}` ({}, {})", s.name, s.kind, s.url)
    })
}

pub async fn list(loaded: &Loaded, out: &Output) -> anyhow::Result<()> {
    let store = open_store(loaded).await?;
    let sources = list_sources(&store).await?;
    store.close().await;
    out.print(&sources, |sources: &Vec<Record<Source>>| {
        if sources.is_empty() {
            return "no sources; add one with `steward source add NAME URL`".to_string();
        }
        let mut text = format!(
            "{:<16} {:<9} {:<20} {}\n",
            "NAME", "KIND", "LAST SCAN", "URL"
        );
        for s in sources {
            let scanned = match (&s.scanned_at, &s.scan_error) {
                (_, Some(_)) => "failed".to_string(),
                (Some(at), None) => at.format("%Y-%m-%d %H:%M").to_string(),
                (None, None) => "never".to_string(),
            };
            text.push_str(&format!(
                "{:<16} {:<9} {:<20} {}\n",
                s.name, s.kind, scanned, s.url
            ));
        }
        text
    })
}

pub async fn remove(loaded: &Loaded, args: &SourceRemoveArgs, out: &Output) -> anyhow::Result<()> {
    let store = open_store(loaded).await?;
    let removed = remove_source(&store, &args.name).await?;
    refresh_index(loaded, &store).await;
    store.close().await;
    out.print(&removed, |s| {
        format!(
            "removed source `{}` and what the catalog knew of it",
            s.name
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_become_absolute() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            absolute_url("lake").unwrap(),
            cwd.join("lake").display().to_string()
        );
        assert_eq!(absolute_url("/data/lake").unwrap(), "/data/lake");
        assert_eq!(
            absolute_url("sqlite://app.db").unwrap(),
            format!("sqlite://{}", cwd.join("app.db").display())
        );
        assert_eq!(
            absolute_url("sqlite:///abs/app.db").unwrap(),
            "sqlite:///abs/app.db"
        );
        assert_eq!(absolute_url("s3://bucket/x").unwrap(), "s3://bucket/x");
        assert_eq!(
            absolute_url("postgres://u@h/d").unwrap(),
            "postgres://u@h/d"
        );
    }
}
