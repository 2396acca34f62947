use std::collections::BTreeMap;

use steward_service::{Registered, SourceRequest};
use steward_types::{Record, Source};

use crate::cli::{SourceAddArgs, SourceRemoveArgs};
use crate::commands::with_steward;
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
    let request = SourceRequest {
        name: args.name.clone(),
        url: absolute_url(&args.url)?,
        options: args.options.iter().cloned().collect::<BTreeMap<_, _>>(),
        description: args.description.clone(),
        check: !args.no_check,
        exists_ok: args.exists_ok,
    };
    let registered = with_steward(loaded, async |s| s.register_source(&request).await).await?;
    let Registered { source, existed } = registered;
    out.print(&source, |s| {
        if existed {
            format!("source `{}` is already registered ({})", s.name, s.url)
        } else {
            format!("added source `{}` ({}, {})", s.name, s.kind, s.url)
        }
    })
}

pub async fn list(loaded: &Loaded, out: &Output) -> anyhow::Result<()> {
    let sources = with_steward(loaded, async |s| s.sources().await).await?;
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
    let removed = with_steward(loaded, async |s| s.remove_source(&args.name).await).await?;
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
