//! Governance checks: policies evaluated over a snapshot of the catalog, their
//! violations kept as findings with a lifecycle. A finding is keyed by its
//! fingerprint (policy + asset + key), so re-runs update instead of
//! duplicating; it resolves itself when no longer violated, reopens when
//! violated again or when its waiver expires. A policy that fails to read,
//! plan or run is reported and its findings are left exactly as they were.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use steward_cost::CostConfig;
use steward_policy::{
    CatalogSnapshot, EvalSettings, Evaluator, Policy, PolicyConfig, Problem, apply_params,
    builtin_policies, load_dir, merge,
};
use steward_store::{Filter, Session, Store};
use steward_types::{
    AuditEvent, ChangeEvent, Classification, Column, ColumnProfile, Finding, FindingStatus, Id,
    JobRun, JobStatus, LineageEdge, ModelDefinition, NamedPatterns, PolicyRef, Record, Severity,
    Source, Table, UsageRecord, schema_key,
};

use crate::classify::effective;
use crate::cost::{latest_profiles, price_catalog, table_stats};
use crate::error::{Result, ServiceError};
use crate::lookup::present_columns;

/// Who the check itself acts as in the findings' history.
const CHECK_ACTOR: &str = "steward check";

/// The policies in effect: built-ins (unless turned off), then each configured
/// folder (later ones replace earlier ones with the same id), then `extra`,
/// with configured parameters applied; and every problem met on the way.
pub fn load_policies(config: &PolicyConfig, dirs: &[PathBuf]) -> (Vec<Policy>, Vec<Problem>) {
    let mut groups = Vec::new();
    let mut problems = Vec::new();
    if config.builtin {
        let (policies, p) = builtin_policies();
        groups.push(policies);
        problems.extend(p);
    }
    for dir in dirs {
        let (policies, p) = load_dir(dir);
        groups.push(policies);
        problems.extend(p);
    }
    let (mut policies, p) = merge(groups);
    problems.extend(p);
    problems.extend(apply_params(&mut policies, &config.params));
    (policies, problems)
}

/// Reads the catalog as the system tables show it, in one transaction, with
/// what it costs.
pub async fn snapshot(
    store: &Store,
    config: &PolicyConfig,
    cost: &CostConfig,
) -> Result<CatalogSnapshot> {
    let mut session = store.read().await?;
    let all = Filter::all();
    let sources = session.list::<Source>(&all).await?;
    let tables = session.list::<Table>(&all).await?;
    let columns = session.list::<Column>(&present_columns()).await?;
    let profiles = latest_profiles(session.list::<ColumnProfile>(&all).await?);
    let classifications = session.list::<Classification>(&all).await?;
    let mut by_column: BTreeMap<Id<Column>, Vec<Record<Classification>>> = BTreeMap::new();
    for row in &classifications {
        by_column
            .entry(row.column_id)
            .or_default()
            .push(row.clone());
    }
    let standing = by_column
        .values()
        .filter_map(|rows| effective(rows).map(|r| r.id))
        .collect();
    let lineage = session.list::<LineageEdge>(&all).await?;
    let models = session.list::<ModelDefinition>(&all).await?;
    let usage = session.list::<UsageRecord>(&all).await?;
    let findings = session.list::<Finding>(&all).await?;
    let changes = session.list::<ChangeEvent>(&all).await?;
    session.commit().await?;

    let zones = zones_of(&sources, &tables, &config.zones)?;
    let queries: Vec<UsageRecord> = usage.iter().map(|r| r.data.clone()).collect();
    let costs = price_catalog(
        &table_stats(&sources, &tables, &columns, &profiles),
        &queries,
        cost,
    )
    .await?
    .tables;
    Ok(CatalogSnapshot {
        sources,
        tables,
        columns,
        profiles,
        classifications,
        standing,
        lineage,
        models,
        usage,
        costs,
        findings,
        changes,
        zones,
    })
}

/// Each table's zone: the first zone (by name) with a pattern matching its
/// `source.schema`.
fn zones_of(
    sources: &[Record<Source>],
    tables: &[Record<Table>],
    zones: &BTreeMap<String, Vec<String>>,
) -> Result<BTreeMap<Id<Table>, String>> {
    let patterns = NamedPatterns::compile(zones, "policy.zones").map_err(ServiceError::Invalid)?;
    let names: BTreeMap<Id<Source>, &str> =
        sources.iter().map(|s| (s.id, s.name.as_str())).collect();
    let mut out = BTreeMap::new();
    for table in tables {
        let source = names.get(&table.source_id).copied().unwrap_or("");
        if let Some(zone) = patterns.name_of(&schema_key(source, table.schema.as_deref())) {
            out.insert(table.id, zone.to_string());
        }
    }
    Ok(out)
}

/// How a check runs.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The moment findings are stamped with and waivers expire against.
    pub now: DateTime<Utc>,
    /// Only these policy ids, when not empty.
    pub only: Vec<String>,
}

/// One policy's part in a check.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PolicyRun {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub origin: String,
    pub violations: usize,
    /// Why it did not run; its findings were left as they were.
    pub error: Option<String>,
}

/// Progress of a check: a policy evaluated, of all.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckEvent {
    pub done: usize,
    pub total: usize,
    pub policy: PolicyRun,
}

/// What a check did.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct CheckReport {
    pub policies: Vec<PolicyRun>,
    /// Policy files that could not be read or policies that could not run.
    pub problems: Vec<Problem>,
    pub opened: usize,
    pub reopened: usize,
    pub resolved: usize,
    /// The findings of the policies checked that stand after the run (open,
    /// acknowledged, waived), most severe first.
    pub findings: Vec<Record<Finding>>,
}

impl CheckReport {
    /// Findings at or above `severity` that are neither waived nor resolved:
    /// what `--fail-on` gates on.
    pub fn failing(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity >= severity && is_active(f.status))
            .count()
    }
}

fn is_active(status: FindingStatus) -> bool {
    matches!(status, FindingStatus::Open | FindingStatus::Acknowledged)
}

/// Runs the policies and records their findings.
pub async fn check(
    store: &Store,
    config: &PolicyConfig,
    cost: &CostConfig,
    policies: Vec<Policy>,
    mut problems: Vec<Problem>,
    options: &CheckOptions,
    on_event: &mut (dyn FnMut(CheckEvent) + Send),
) -> Result<CheckReport> {
    let policies: Vec<Policy> = if options.only.is_empty() {
        policies
    } else {
        for id in &options.only {
            if !policies.iter().any(|p| &p.id == id) {
                return Err(ServiceError::NotFound(format!("policy `{id}`")));
            }
        }
        policies
            .into_iter()
            .filter(|p| options.only.contains(&p.id))
            .collect()
    };
    let snapshot = snapshot(store, config, cost).await?;
    let evaluator = Evaluator::new(
        &snapshot,
        EvalSettings {
            threads: config.threads.max(1),
            max_rows: config.max_rows,
            timeout: Duration::from_secs(config.timeout_seconds.max(1)),
            now: options.now,
            memory_limit_mb: config.memory_limit_mb,
        },
    )?;

    let mut runs = Vec::new();
    let mut results = Vec::new();
    for (done, policy) in policies.iter().enumerate() {
        let outcome = evaluator.evaluate(policy).await;
        let run = PolicyRun {
            id: policy.id.clone(),
            title: policy.title.clone(),
            severity: policy.severity,
            origin: policy.origin.clone(),
            violations: outcome.as_ref().map_or(0, Vec::len),
            error: outcome.as_ref().err().map(|p| p.to_string()),
        };
        on_event(CheckEvent {
            done: done + 1,
            total: policies.len(),
            policy: run.clone(),
        });
        runs.push(run);
        match outcome {
            Ok(violations) => results.push((policy, violations)),
            Err(problem) => {
                tracing::warn!(policy = %policy.id, problem = %problem, "policy skipped");
                problems.push(problem);
            }
        }
    }

    let mut report = CheckReport {
        policies: runs,
        ..Default::default()
    };
    let now = options.now;
    let mut session = store.begin().await?;
    for policy in &policies {
        remember_policy(&mut session, policy).await?;
    }
    for (policy, violations) in results {
        let existing = session
            .list::<Finding>(&Filter::all().eq_text("policy_key", policy.id.clone()))
            .await?;
        let mut by_fingerprint: BTreeMap<String, Record<Finding>> = existing
            .into_iter()
            .map(|f| (f.fingerprint.clone(), f))
            .collect();
        let mut seen = BTreeSet::new();
        for v in violations {
            seen.insert(v.fingerprint.clone());
            match by_fingerprint.remove(&v.fingerprint) {
                None => {
                    let finding = Finding {
                        policy_key: policy.id.clone(),
                        fingerprint: v.fingerprint.clone(),
                        asset: v.asset,
                        message: v.message,
                        severity: policy.severity,
                        status: FindingStatus::Open,
                        actor: None,
                        reason: None,
                        waived_until: None,
                        first_seen: now,
                        last_seen: now,
                        resolved_at: None,
                    };
                    let row = session.insert(&finding).await?;
                    history(&mut session, &row, "finding.opened", CHECK_ACTOR, None, now).await?;
                    report.opened += 1;
                }
                Some(row) => {
                    let mut f = row.data.clone();
                    f.asset = v.asset;
                    f.message = v.message;
                    f.severity = policy.severity;
                    f.last_seen = now;
                    let event = match f.status {
                        FindingStatus::Resolved => Some(("finding.reopened", "violated again")),
                        FindingStatus::Waived if f.waived_until.is_none_or(|u| u <= now) => {
                            Some(("finding.waiver_expired", "the waiver expired"))
                        }
                        _ => None,
                    };
                    if let Some((_, reason)) = event {
                        f.status = FindingStatus::Open;
                        f.resolved_at = None;
                        f.waived_until = None;
                        f.actor = Some(CHECK_ACTOR.to_string());
                        f.reason = Some(reason.to_string());
                        report.reopened += 1;
                    }
                    let updated = session.update(row.id, &f).await?;
                    if let Some((action, reason)) = event {
                        history(
                            &mut session,
                            &updated,
                            action,
                            CHECK_ACTOR,
                            Some(reason),
                            now,
                        )
                        .await?;
                    }
                }
            }
        }
        // What is no longer violated resolves itself.
        for (_, row) in by_fingerprint {
            if row.status == FindingStatus::Resolved {
                continue;
            }
            let mut f = row.data.clone();
            f.status = FindingStatus::Resolved;
            f.resolved_at = Some(now);
            f.actor = Some(CHECK_ACTOR.to_string());
            f.reason = Some("no longer violated".to_string());
            f.waived_until = None;
            let updated = session.update(row.id, &f).await?;
            history(
                &mut session,
                &updated,
                "finding.resolved",
                CHECK_ACTOR,
                Some("no longer violated"),
                now,
            )
            .await?;
            report.resolved += 1;
        }
    }
    let stats = serde_json::json!({
        "policies": report.policies.len(),
        "failed": problems.len(),
        "opened": report.opened,
        "reopened": report.reopened,
        "resolved": report.resolved,
    });
    session
        .insert(&JobRun {
            job: "check".to_string(),
            status: JobStatus::Succeeded,
            started_at: Some(now),
            finished_at: Some(Utc::now()),
            error: None,
            stats,
            owner: None,
            heartbeat_at: None,
        })
        .await?;
    let mut standing: Vec<Record<Finding>> = session
        .list::<Finding>(&Filter::all())
        .await?
        .into_iter()
        .filter(|f| f.status != FindingStatus::Resolved)
        .filter(|f| policies.iter().any(|p| p.id == f.policy_key))
        .collect();
    session.commit().await?;
    sort_findings(&mut standing);
    report.findings = standing;
    report.problems = problems;
    Ok(report)
}

/// Keeps the catalog's record of a policy (its file and checksum) current.
async fn remember_policy(session: &mut Session, policy: &Policy) -> Result<()> {
    let data = PolicyRef {
        key: policy.id.clone(),
        title: policy.title.clone(),
        severity: policy.severity,
        tags: policy.tags.clone(),
        path: policy.origin.clone(),
        checksum: policy.checksum.clone(),
        description: policy.description.clone(),
        remediation: policy.remediation.clone(),
    };
    match session
        .find_one::<PolicyRef>(Filter::all().eq_text("key", policy.id.clone()))
        .await?
    {
        Some(row) if row.data == data => {}
        Some(row) => {
            session.update(row.id, &data).await?;
        }
        None => {
            session.insert(&data).await?;
        }
    }
    Ok(())
}

async fn history(
    session: &mut Session,
    finding: &Record<Finding>,
    action: &str,
    actor: &str,
    reason: Option<&str>,
    at: DateTime<Utc>,
) -> Result<()> {
    session
        .insert(&AuditEvent {
            at,
            actor: actor.to_string(),
            action: action.to_string(),
            target: finding_target(finding),
            details: serde_json::json!({
                "finding": finding.id,
                "policy": finding.policy_key,
                "asset": finding.asset,
                "status": finding.status,
                "reason": reason,
                "waived_until": finding.waived_until,
            }),
        })
        .await?;
    Ok(())
}

fn finding_target(finding: &Finding) -> String {
    format!("finding:{}", finding.fingerprint)
}

fn sort_findings(findings: &mut [Record<Finding>]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.policy_key.cmp(&b.policy_key))
            .then_with(|| a.asset.cmp(&b.asset))
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// Which findings to list.
#[derive(Debug, Clone, Default)]
pub struct FindingQuery {
    /// These statuses; empty means open and acknowledged.
    pub statuses: Vec<FindingStatus>,
    /// At or above this severity.
    pub min_severity: Option<Severity>,
    pub policy: Option<String>,
    /// Only findings on tables (or their columns) this owner owns, by the
    /// owner's name in any case.
    pub owner: Option<String>,
}

/// Findings, most severe first.
pub async fn list_findings(store: &Store, query: &FindingQuery) -> Result<Vec<Record<Finding>>> {
    let statuses = if query.statuses.is_empty() {
        vec![FindingStatus::Open, FindingStatus::Acknowledged]
    } else {
        query.statuses.clone()
    };
    let mut session = store.read().await?;
    let mut filter = Filter::all();
    if let Some(policy) = &query.policy {
        filter = filter.eq_text("policy_key", policy.clone());
    }
    let mut findings: Vec<Record<Finding>> = session
        .list::<Finding>(&filter)
        .await?
        .into_iter()
        .filter(|f| statuses.contains(&f.status))
        .filter(|f| query.min_severity.is_none_or(|s| f.severity >= s))
        .collect();
    if let Some(owner) = &query.owner {
        // Findings name tables and columns as the policies' system tables
        // do: `schema.table` and `schema.table.column`, lowercased.
        let owned: std::collections::HashSet<String> = session
            .list::<Table>(&Filter::all().is_null("dropped_at").is_not_null("owner"))
            .await?
            .into_iter()
            .filter(|t| {
                t.owner
                    .as_deref()
                    .is_some_and(|o| o.eq_ignore_ascii_case(owner.trim()))
            })
            .map(|t| t.qualified_name().to_lowercase())
            .collect();
        findings.retain(|f| {
            let asset = f.asset.to_lowercase();
            owned.contains(&asset)
                || asset
                    .rsplit_once('.')
                    .is_some_and(|(table, _column)| owned.contains(table))
        });
    }
    session.commit().await?;
    sort_findings(&mut findings);
    Ok(findings)
}

/// What a steward does to a finding.
#[derive(Debug, Clone, PartialEq)]
pub enum FindingAction {
    /// Seen; being worked on.
    Acknowledge,
    /// Accepted as is until `until`, when it reopens if still violated.
    Waive {
        until: DateTime<Utc>,
    },
    Reopen,
}

/// A finding with its history, oldest event first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FindingDetail {
    pub finding: Record<Finding>,
    pub history: Vec<Record<AuditEvent>>,
}

pub async fn finding_detail(store: &Store, id: Id<Finding>) -> Result<FindingDetail> {
    let mut session = store.read().await?;
    let finding = session
        .find(id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("finding {id}")))?;
    let mut history = session
        .list::<AuditEvent>(&Filter::all().eq_text("target", finding_target(&finding)))
        .await?;
    session.commit().await?;
    history.sort_by_key(|e| (e.at, e.id));
    Ok(FindingDetail { finding, history })
}

/// Changes a finding's status on a steward's word; the reason is required
/// and kept in its history.
pub async fn act_on_finding(
    store: &Store,
    id: Id<Finding>,
    action: FindingAction,
    actor: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Record<Finding>> {
    if reason.trim().is_empty() {
        return Err(ServiceError::Invalid("a reason is required".to_string()));
    }
    let mut session = store.begin().await?;
    let row = session
        .find(id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("finding {id}")))?;
    let mut f = row.data.clone();
    let (allowed, status, verb) = match &action {
        FindingAction::Acknowledge => (
            f.status == FindingStatus::Open,
            FindingStatus::Acknowledged,
            "finding.acknowledged",
        ),
        FindingAction::Waive { until } => {
            if *until <= now {
                return Err(ServiceError::Invalid(format!(
                    "a waiver must end in the future (given {until})"
                )));
            }
            (
                matches!(f.status, FindingStatus::Open | FindingStatus::Acknowledged),
                FindingStatus::Waived,
                "finding.waived",
            )
        }
        FindingAction::Reopen => (
            f.status != FindingStatus::Open,
            FindingStatus::Open,
            "finding.reopened",
        ),
    };
    if !allowed {
        return Err(ServiceError::Refused(format!(
            "finding {id} is {}; it cannot be {}",
            f.status,
            match action {
                FindingAction::Acknowledge => "acknowledged",
                FindingAction::Waive { .. } => "waived",
                FindingAction::Reopen => "reopened",
            }
        )));
    }
    f.status = status;
    f.actor = Some(actor.to_string());
    f.reason = Some(reason.to_string());
    f.waived_until = match action {
        FindingAction::Waive { until } => Some(until),
        _ => None,
    };
    if status == FindingStatus::Open {
        f.resolved_at = None;
    }
    let updated = session.update(row.id, &f).await?;
    history(&mut session, &updated, verb, actor, Some(reason), now).await?;
    session.commit().await?;
    Ok(updated)
}
