//! `steward check`, `steward findings`, `steward policy` and `steward
//! annotate`: governance as code, its findings, and the table facts
//! (owner, description) policies ask about.

use std::fmt::Write as _;

use chrono::Utc;
use serde::Serialize;
use steward_service::{
    Annotation, CheckReport, FindingAction, FindingDetail, FindingQuery, PolicyValidation, Steward,
    WaiverEnd, parse_statuses, policies_in_effect, validate_policies,
};
use steward_types::{ErrorKind, Finding, HasKind, Id, Record, Severity, Table};

use crate::cli::{AnnotateArgs, CheckArgs, FindingsArgs, FindingsCommand, PolicyCommand};
use crate::commands::{actor, with_steward};
use crate::config::Loaded;
use crate::failure::{Failure, Verdict};
use crate::output::Output;

fn severity(text: &str) -> anyhow::Result<Severity> {
    text.parse().map_err(|e: steward_types::ParseEnumError| {
        Failure::new(ErrorKind::Invalid, e.to_string()).into()
    })
}

pub async fn annotate(loaded: &Loaded, args: &AnnotateArgs, out: &Output) -> anyhow::Result<()> {
    if args.owner.is_none()
        && args.description.is_none()
        && args.tag.is_empty()
        && args.untag.is_empty()
    {
        return Err(Failure::new(
            ErrorKind::Invalid,
            "nothing to change: give --owner, --description, --tag or --untag",
        )
        .into());
    }
    let change = Annotation {
        owner: args.owner.clone(),
        description: args.description.clone(),
        add_tags: args.tag.clone(),
        remove_tags: args.untag.clone(),
    };
    let by = actor(&args.by);
    let table = with_steward(loaded, async |s| {
        s.annotate(&args.table, &change, &by).await
    })
    .await?;
    out.print(&table, |t: &Record<Table>| {
        format!(
            "{}: owner {}, description {}, tags {}\n",
            t.qualified_name(),
            t.owner.as_deref().unwrap_or("-"),
            t.description.as_deref().unwrap_or("-"),
            if t.tags.is_empty() {
                "-".to_string()
            } else {
                t.tags.join(", ")
            }
        )
    })
}

pub async fn run(loaded: &Loaded, args: &CheckArgs, out: &Output) -> anyhow::Result<Verdict> {
    let fail_on = args.fail_on.as_deref().map(severity).transpose()?;
    let report = with_steward(loaded, async |s| {
        s.check(&args.dirs, &args.policies, &mut |event| {
            tracing::info!(
                "policy {} ({}/{}): {} violation(s)",
                event.policy.id,
                event.done,
                event.total,
                event.policy.violations
            );
        })
        .await
    })
    .await?;
    for problem in &report.problems {
        eprintln!("warning: policy skipped: {problem}");
    }
    if args.markdown {
        print!("{}", markdown(&report));
    } else {
        out.print(&report, terminal)?;
    }
    let failing = fail_on.map_or(0, |s| report.failing(s));
    Ok(if failing > 0 {
        eprintln!(
            "{failing} finding(s) at or above {}",
            fail_on.map_or(String::new(), |s| s.to_string())
        );
        Verdict::Findings
    } else if !report.problems.is_empty() {
        Verdict::Partial
    } else {
        Verdict::Clean
    })
}

fn short(text: &str, max: usize) -> String {
    let text = text.replace('\n', " ");
    if text.chars().count() <= max {
        text
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

fn finding_rows(findings: &[Record<Finding>]) -> String {
    let mut text = String::new();
    if findings.is_empty() {
        return text;
    }
    let policy_w = findings
        .iter()
        .map(|f| f.policy_key.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let asset_w = findings
        .iter()
        .map(|f| f.asset.chars().count().min(40))
        .max()
        .unwrap_or(5)
        .max(5);
    let _ = writeln!(
        text,
        "{:>5}  {:<8}  {:<12}  {:<policy_w$}  {:<asset_w$}  MESSAGE",
        "ID", "SEVERITY", "STATUS", "POLICY", "ASSET"
    );
    for f in findings {
        let _ = writeln!(
            text,
            "{:>5}  {:<8}  {:<12}  {:<policy_w$}  {:<asset_w$}  {}",
            f.id.get(),
            f.severity.as_str(),
            f.status.as_str(),
            f.policy_key,
            short(&f.asset, 40),
            short(&f.message, 90)
        );
    }
    text
}

fn counts(findings: &[Record<Finding>]) -> String {
    let mut parts = Vec::new();
    for s in Severity::ALL.iter().rev() {
        let n = findings.iter().filter(|f| f.severity == *s).count();
        if n > 0 {
            parts.push(format!("{n} {s}"));
        }
    }
    if parts.is_empty() {
        "none".to_string()
    } else {
        parts.join(", ")
    }
}

fn terminal(r: &CheckReport) -> String {
    let failed = r.policies.iter().filter(|p| p.error.is_some()).count();
    let mut text = format!(
        "{} policies checked{}: {} finding(s) opened, {} reopened, {} resolved\n\n",
        r.policies.len(),
        if failed > 0 {
            format!(" ({failed} could not run)")
        } else {
            String::new()
        },
        r.opened,
        r.reopened,
        r.resolved
    );
    text.push_str(&finding_rows(&r.findings));
    let _ = writeln!(text, "\nstanding findings: {}", counts(&r.findings));
    text
}

fn markdown(r: &CheckReport) -> String {
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut text = String::from("## Steward check\n\n");
    let _ = writeln!(
        text,
        "{} policies checked: {} finding(s) opened, {} reopened, {} resolved. Standing findings: {}.\n",
        r.policies.len(),
        r.opened,
        r.reopened,
        r.resolved,
        counts(&r.findings)
    );
    if !r.findings.is_empty() {
        text.push_str(
            "| ID | Severity | Status | Policy | Asset | Message |\n|---:|---|---|---|---|---|\n",
        );
        for f in &r.findings {
            let _ = writeln!(
                text,
                "| {} | {} | {} | `{}` | `{}` | {} |",
                f.id,
                f.severity,
                f.status,
                f.policy_key,
                cell(&f.asset),
                cell(&f.message)
            );
        }
    }
    if !r.problems.is_empty() {
        text.push_str("\n### Policies that could not run\n\n");
        for p in &r.problems {
            let _ = writeln!(text, "- `{}`", cell(&p.to_string()));
        }
    }
    text
}

fn finding_id(id: i64) -> Id<Finding> {
    Id::new(id)
}

pub async fn findings(loaded: &Loaded, args: &FindingsArgs, out: &Output) -> anyhow::Result<()> {
    let steward = Steward::open(loaded).await?;
    let result = findings_inner(&steward, args, out).await;
    steward.close().await;
    result
}

async fn findings_inner(
    steward: &Steward,
    args: &FindingsArgs,
    out: &Output,
) -> anyhow::Result<()> {
    let (id, action, act) = match &args.command {
        None => {
            let query = FindingQuery {
                statuses: parse_statuses(&args.status)?,
                min_severity: args.severity.as_deref().map(severity).transpose()?,
                policy: args.policy.clone(),
                owner: args.owner.clone(),
            };
            let found = steward.findings(&query).await?;
            return out.print(&found, |f| {
                if f.is_empty() {
                    "no findings\n".to_string()
                } else {
                    finding_rows(f)
                }
            });
        }
        Some(FindingsCommand::Show { id }) => {
            let detail = steward.finding(finding_id(*id)).await?;
            return out.print(&detail, detail_text);
        }
        Some(FindingsCommand::Ack(a)) => (a.id, FindingAction::Acknowledge, a),
        Some(FindingsCommand::Reopen(a)) => (a.id, FindingAction::Reopen, a),
        Some(FindingsCommand::Waive(w)) => {
            let end = match &w.until {
                Some(text) => WaiverEnd::Until(text.clone()),
                None => WaiverEnd::Days(w.days.unwrap_or(WaiverEnd::DEFAULT_DAYS)),
            };
            let until = end
                .at(Utc::now())
                .map_err(|e| Failure::new(e.kind(), format!("{e} (--until DATE or --days N)")))?;
            (w.act.id, FindingAction::Waive { until }, &w.act)
        }
    };
    let updated = steward
        .act_on_finding(finding_id(id), action, &actor(&act.by), &act.reason)
        .await?;
    out.print(&updated, |f| {
        let until = f
            .waived_until
            .map(|u| format!(" until {}", u.format("%Y-%m-%d %H:%M UTC")))
            .unwrap_or_default();
        format!("finding {}: {}{until}\n", f.id, f.status)
    })
}

fn detail_text(d: &FindingDetail) -> String {
    let f = &d.finding;
    let mut text = format!(
        "finding {}  {}  {}\n  policy   {}\n  asset    {}\n  message  {}\n  seen     {} .. {}\n",
        f.id,
        f.severity,
        f.status,
        f.policy_key,
        f.asset,
        f.message,
        f.first_seen.format("%Y-%m-%d %H:%M"),
        f.last_seen.format("%Y-%m-%d %H:%M"),
    );
    if let Some(until) = f.waived_until {
        let _ = writeln!(
            text,
            "  waived until {}",
            until.format("%Y-%m-%d %H:%M UTC")
        );
    }
    text.push_str("history\n");
    for e in &d.history {
        let reason = e
            .details
            .get("reason")
            .and_then(|r| r.as_str())
            .unwrap_or("");
        let _ = writeln!(
            text,
            "  {}  {:<24} {:<16} {reason}",
            e.at.format("%Y-%m-%d %H:%M"),
            e.action,
            e.actor
        );
    }
    text
}

/// A policy as `steward policy list` shows it.
#[derive(Serialize)]
struct PolicyLine<'a> {
    id: &'a str,
    title: &'a str,
    severity: Severity,
    tags: &'a [String],
    origin: &'a str,
    params: &'a std::collections::BTreeMap<String, steward_policy::ParamValue>,
}

pub async fn policy(
    loaded: &Loaded,
    command: &PolicyCommand,
    out: &Output,
) -> anyhow::Result<Verdict> {
    match command {
        PolicyCommand::List => {
            let (policies, problems) = policies_in_effect(&loaded.policy_config(), &[]);
            for problem in &problems {
                eprintln!("warning: {problem}");
            }
            let lines: Vec<PolicyLine> = policies
                .iter()
                .map(|p| PolicyLine {
                    id: &p.id,
                    title: &p.title,
                    severity: p.severity,
                    tags: &p.tags,
                    origin: &p.origin,
                    params: &p.params,
                })
                .collect();
            out.print(&lines, |lines| {
                let w = lines.iter().map(|l| l.id.len()).max().unwrap_or(2);
                let mut text = String::new();
                for l in lines {
                    let _ = writeln!(
                        text,
                        "{:<8}  {:<w$}  {}  ({})",
                        l.severity.as_str(),
                        l.id,
                        l.title,
                        l.origin
                    );
                }
                text
            })?;
            Ok(Verdict::Clean)
        }
        PolicyCommand::Validate { dir } => {
            let report = validate_policies(&loaded.policy_config(), dir.as_deref()).await?;
            out.print(&report, |r: &PolicyValidation| {
                let mut text = String::new();
                for p in &r.problems {
                    let _ = writeln!(text, "{p}");
                }
                let _ = writeln!(
                    text,
                    "{} policies read, {} problem(s)",
                    r.policies,
                    r.problems.len()
                );
                text
            })?;
            Ok(if report.problems.is_empty() {
                Verdict::Clean
            } else {
                Verdict::Partial
            })
        }
    }
}
