//! `steward docs draft` and `steward proposals`: the documentation agent's
//! drafts, and a steward's decisions on them.

use std::io::IsTerminal;
use std::sync::Arc;

use steward_agent::Drafted;
use steward_service::{ProposalDecision, ProposalView, Steward};
use steward_types::{ErrorKind, HasKind, Id, ProposalStatus};

use crate::cli::{DocsCommand, ProposalsArgs, ProposalsCommand};
use crate::commands::{actor, with_steward};
use crate::config::Loaded;
use crate::failure::Failure;
use crate::output::Output;

pub async fn draft(loaded: &Loaded, command: &DocsCommand, out: &Output) -> anyhow::Result<()> {
    let DocsCommand::Draft(args) = command;
    let model = crate::commands::llm::load(loaded, &args.model)?;
    let model_name = model
        .info()
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "local model".to_string());
    let drafted_by = format!("agent:docs ({model_name})");
    let steward = Steward::open(loaded).await?.with_model(Arc::new(model));
    let result = async {
        let tables = match &args.table {
            Some(t) => vec![t.clone()],
            None => steward.undocumented_tables().await?,
        };
        let show = !out.json() && std::io::stderr().is_terminal();
        let mut drafted = Vec::new();
        for (i, table) in tables.iter().enumerate() {
            if show {
                eprintln!("· drafting {table} ({} of {})", i + 1, tables.len());
            }
            match steward_agent::draft_docs(&steward, table, &drafted_by).await {
                Ok(d) => drafted.push(d),
                // One table the model could not draft does not stop the rest.
                Err(e) if args.table.is_none() && e.kind() != ErrorKind::Unavailable => {
                    eprintln!("{table}: not drafted: {e}");
                }
                Err(e) => return Err(Failure::new(e.kind(), e.to_string()).into()),
            }
        }
        Ok::<_, anyhow::Error>(drafted)
    }
    .await;
    steward.close().await;
    out.print(&result?, human_drafts)
}

fn human_drafts(drafts: &Vec<Drafted>) -> String {
    let mut text = String::new();
    if drafts.is_empty() {
        text.push_str("no table needed a draft\n");
    }
    for d in drafts {
        text.push_str(&format!(
            "{}: {} proposal(s) in {:.1} s\n",
            d.table,
            d.proposals.len(),
            d.seconds
        ));
        for p in &d.proposals {
            text.push_str(&format!(
                "  #{} {}: {}\n",
                p.proposal.id, p.target, p.proposal.text
            ));
        }
        for s in &d.skipped {
            text.push_str(&format!("  skipped {s}\n"));
        }
    }
    if !drafts.is_empty() {
        text.push_str("review them: steward proposals; steward proposals approve|reject ID\n");
    }
    text
}

pub async fn proposals(loaded: &Loaded, args: &ProposalsArgs, out: &Output) -> anyhow::Result<()> {
    match &args.command {
        None => {
            let status = match args.status.to_lowercase().as_str() {
                "all" => None,
                other => Some(other.parse::<ProposalStatus>().map_err(|e| {
                    Failure::new(ErrorKind::Invalid, format!("--status: {e} (or `all`)"))
                })?),
            };
            let list = with_steward(loaded, async |s| s.proposals(status).await).await?;
            out.print(&list, |list| {
                if list.is_empty() {
                    return "no proposals\n".to_string();
                }
                list.iter().map(line).collect()
            })
        }
        Some(ProposalsCommand::Show { id }) => {
            let p = with_steward(loaded, async |s| s.proposal(Id::new(*id)).await).await?;
            out.print(&p, detail)
        }
        Some(ProposalsCommand::Approve(a)) => {
            let by = actor(&a.by);
            let p = with_steward(loaded, async |s| {
                s.decide_proposal(
                    Id::new(a.id),
                    ProposalDecision::Approve,
                    a.reason.clone(),
                    &by,
                )
                .await
            })
            .await?;
            out.print(&p, |p| format!("approved: {}", line(p)))
        }
        Some(ProposalsCommand::Reject(a)) => {
            let by = actor(&a.by);
            let p = with_steward(loaded, async |s| {
                s.decide_proposal(
                    Id::new(a.id),
                    ProposalDecision::Reject,
                    Some(a.reason.clone()),
                    &by,
                )
                .await
            })
            .await?;
            out.print(&p, |p| format!("rejected: {}", line(p)))
        }
    }
}

fn line(p: &ProposalView) -> String {
    format!(
        "#{} [{}] {}.{}: {}\n",
        p.proposal.id, p.proposal.status, p.source, p.target, p.proposal.text
    )
}

fn detail(p: &ProposalView) -> String {
    let mut text = line(p);
    if let Some(current) = &p.proposal.current {
        text.push_str(&format!("  replaces: {current}\n"));
    }
    text.push_str(&format!("  drafted by {}\n", p.proposal.drafted_by));
    for from in &p.proposal.drafted_from {
        text.push_str(&format!("  from: {from}\n"));
    }
    if let Some(by) = &p.proposal.decided_by {
        text.push_str(&format!(
            "  {} by {by}{}{}\n",
            p.proposal.status,
            p.proposal
                .decided_at
                .map(|t| format!(" on {}", t.format("%Y-%m-%d %H:%M UTC")))
                .unwrap_or_default(),
            p.proposal
                .reason
                .as_ref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        ));
    }
    text
}
