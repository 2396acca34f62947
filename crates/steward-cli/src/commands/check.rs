//! `steward check`, `steward findings`, `steward policy` and `steward
//! annotate`: governance as code, its findings, and the table facts
//! (owner, description) policies ask about.

use std::fmt::Write as _;
use std::process::ExitCode;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use steward_policy::{EvalSettings, Evaluator, Policy, Problem, load_dir};
use steward_service::{
    Annotation, CheckOptions, CheckReport, FindingAction, FindingDetail, FindingQuery,
    act_on_finding, annotate_table, check, finding_detail, list_findings, load_policies,
};
use steward_types::{ErrorKind, Finding, FindingStatus, Id, Record, Severity, Table};

use crate::cli::{AnnotateArgs, CheckArgs, FindingsArgs, FindingsCommand, PolicyCommand};
use crate::commands::{actor, open_store, refresh_index};
use crate::config::Loaded;
use crate::failure::Failure;
use crate::output::Output;

fn severity(text: &str) -> anyhow::Result<Severity> {
    text.parse().map_err(|e: steward_types::ParseEnumError| {
        Failure::new(ErrorKind::Invalid, e.to_string()).into()
    })
}

pub async fn annotate(loaded: &Loaded, args: &AnnotateArgs, out: &Output) -> anyhow::Result<()> {
    let store = open_store(loaded).await?;
    let change = Annotation {
        owner: args.owner.clone(),
        description: args.description.clone(),
        add_tags: args.tag.clone(),
        remove_tags: args.untag.clone(),
    };
    let result = annotate_table(&store, &args.table, &change, &actor(&args.by)).await;
    if result.is_ok() {
        refresh_index(loaded, &store).await;
    }
    store.close().await;
    out.print(&result?, |t: &Record<Table>| {
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

pub async fn run(loaded: &Loaded, args: &CheckArgs, out: &Output) -> anyhow::Result<ExitCode> {
    let fail_on = args.fail_on.as_deref().map(severity).transpose()?;
    let config = loaded.policy_config();
    let mut dirs = config.dirs.clone();
    dirs.extend(args.dirs.iter().cloned());
    let (policies, problems) = load_policies(&config, &dirs);
    let store = open_store(loaded).await?;
    let options = CheckOptions {
        now: Utc::now(),
        only: args.policies.clone(),
    };
    let result = check(
        &store,
        &config,
        &loaded.config.cost,
        policies,
        problems,
        &options,
    )
    .await;
    if result.is_ok() {
        refresh_index(loaded, &store).await;
    }
    store.close().await;
    let report = result?;
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
        ExitCode::from(1)
    } else if !report.problems.is_empty() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
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

fn parse_statuses(values: &[String]) -> anyhow::Result<Vec<FindingStatus>> {
    let mut out = Vec::new();
    for v in values {
        if v == "all" {
            out.extend_from_slice(FindingStatus::ALL);
            continue;
        }
        out.push(v.parse().map_err(|e: steward_types::ParseEnumError| {
            Failure::new(ErrorKind::Invalid, e.to_string())
        })?);
    }
    Ok(out)
}

fn finding_id(id: i64) -> Id<Finding> {
    Id::new(id)
}

/// The end of a waiver: `--until` (a date means the end of that day, UTC),
/// else `--days` from now (90 by default).
fn waiver_end(
    until: Option<&str>,
    days: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<DateTime<Utc>> {
    if let Some(text) = until {
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Ok(t.with_timezone(&Utc));
        }
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            Failure::new(
                ErrorKind::Invalid,
                format!("--until `{text}`: expected YYYY-MM-DD or an RFC 3339 time"),
            )
        })?;
        let end = date
            .and_hms_opt(23, 59, 59)
            .ok_or_else(|| Failure::new(ErrorKind::Invalid, format!("--until `{text}`")))?;
        return Ok(end.and_utc());
    }
    let days = days.unwrap_or(90);
    if days <= 0 {
        return Err(Failure::new(ErrorKind::Invalid, "--days must be at least 1").into());
    }
    Ok(now + Duration::days(days))
}

pub async fn findings(loaded: &Loaded, args: &FindingsArgs, out: &Output) -> anyhow::Result<()> {
    let store = open_store(loaded).await?;
    let result = findings_inner(&store, args, out).await;
    let changed = matches!(
        args.command,
        Some(FindingsCommand::Ack(_) | FindingsCommand::Waive(_) | FindingsCommand::Reopen(_))
    );
    if result.is_ok() && changed {
        refresh_index(loaded, &store).await;
    }
    store.close().await;
    result
}

async fn findings_inner(
    store: &steward_store::Store,
    args: &FindingsArgs,
    out: &Output,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let (id, action, act) = match &args.command {
        None => {
            let query = FindingQuery {
                statuses: parse_statuses(&args.status)?,
                min_severity: args.severity.as_deref().map(severity).transpose()?,
                policy: args.policy.clone(),
            };
            let found = list_findings(store, &query).await?;
            return out.print(&found, |f| {
                if f.is_empty() {
                    "no findings\n".to_string()
                } else {
                    finding_rows(f)
                }
            });
        }
        Some(FindingsCommand::Show { id }) => {
            let detail = finding_detail(store, finding_id(*id)).await?;
            return out.print(&detail, detail_text);
        }
        Some(FindingsCommand::Ack(a)) => (a.id, FindingAction::Acknowledge, a),
        Some(FindingsCommand::Reopen(a)) => (a.id, FindingAction::Reopen, a),
        Some(FindingsCommand::Waive(w)) => (
            w.act.id,
            FindingAction::Waive {
                until: waiver_end(w.until.as_deref(), w.days, now)?,
            },
            &w.act,
        ),
    };
    let updated = act_on_finding(
        store,
        finding_id(id),
        action,
        &actor(&act.by),
        &act.reason,
        now,
    )
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

#[derive(Serialize)]
struct Validation {
    policies: usize,
    problems: Vec<Problem>,
}

pub async fn policy(
    loaded: &Loaded,
    command: &PolicyCommand,
    out: &Output,
) -> anyhow::Result<ExitCode> {
    let config = loaded.policy_config();
    match command {
        PolicyCommand::List => {
            let (policies, problems) = load_policies(&config, &config.dirs);
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
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Validate { dir } => {
            let (policies, mut problems) = match dir {
                Some(dir) => {
                    if !dir.is_dir() {
                        return Err(Failure::new(
                            ErrorKind::NotFound,
                            format!("policy folder `{}` not found", dir.display()),
                        )
                        .into());
                    }
                    load_dir(dir)
                }
                None => load_policies(&config, &config.dirs),
            };
            problems.extend(plan_all(&policies).await?);
            let report = Validation {
                policies: policies.len(),
                problems,
            };
            out.print(&report, |r| {
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
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            })
        }
    }
}

/// Plans every policy against empty system tables: the SQL, the names it
/// uses and its parameters are checked without a catalog.
async fn plan_all(policies: &[Policy]) -> anyhow::Result<Vec<Problem>> {
    let evaluator = Evaluator::new(&Default::default(), EvalSettings::default())
        .map_err(|e| Failure::new(ErrorKind::Internal, e.to_string()))?;
    let mut problems = Vec::new();
    for policy in policies {
        if let Err(problem) = evaluator.validate(policy).await {
            problems.push(problem);
        }
    }
    Ok(problems)
}
