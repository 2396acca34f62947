//! Documentation proposals: descriptions an agent drafted for a table or a
//! column, kept until a steward approves (the description is written) or
//! rejects them (kept, with the reason). Nothing is applied without a
//! steward, and every decision is in the audit trail.

use chrono::{DateTime, Utc};
use serde::Serialize;
use steward_store::{Filter, Store};
use steward_types::{AuditEvent, Column, Id, Proposal, ProposalStatus, Record, Table};

use crate::error::{Result, ServiceError};
use crate::lookup::{present_columns, resolve};

/// A description to propose.
#[derive(Debug, Clone)]
pub struct ProposalRequest {
    /// The table, as `steward show` takes it.
    pub table: String,
    /// The column described; `None` for the table.
    pub column: Option<String>,
    pub text: String,
    pub drafted_from: Vec<String>,
    pub drafted_by: String,
}

/// A proposal with the asset it describes, by name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProposalView {
    #[serde(flatten)]
    pub proposal: Record<Proposal>,
    pub source: String,
    /// `schema.table` or `schema.table.column`.
    pub target: String,
}

/// What a steward decides about a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposalDecision {
    Approve,
    Reject,
}

/// The longest description kept.
const MAX_TEXT: usize = 2000;

/// Records a draft; a pending draft for the same asset is replaced.
pub(crate) async fn propose(store: &Store, request: &ProposalRequest) -> Result<ProposalView> {
    let text = request.text.trim();
    if text.is_empty() {
        return Err(ServiceError::Invalid(
            "the proposed description is empty".into(),
        ));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(ServiceError::Invalid(format!(
            "the proposed description is longer than {MAX_TEXT} characters"
        )));
    }
    if let Some(found) = steward_policy::instructions_in(text) {
        return Err(ServiceError::Invalid(format!(
            "the proposed description carries text aimed at AI assistants ({}); not kept",
            found.rule
        )));
    }
    let (source, table) = resolve(store, &request.table).await?;
    let mut session = store.begin().await?;
    let current = match &request.column {
        None => table.description.clone(),
        Some(name) => column_of(&mut session, &table, name)
            .await?
            .description
            .clone(),
    };
    let pending = session
        .list::<Proposal>(
            &Filter::all()
                .eq_id("table_id", table.id)
                .eq_text("status", ProposalStatus::Pending.as_str()),
        )
        .await?
        .into_iter()
        .find(|p| p.column == request.column);
    let data = Proposal {
        table_id: table.id,
        column: request.column.clone(),
        text: text.to_string(),
        current,
        drafted_from: request.drafted_from.clone(),
        drafted_by: request.drafted_by.clone(),
        status: ProposalStatus::Pending,
        decided_by: None,
        decided_at: None,
        reason: None,
    };
    let saved = match pending {
        Some(old) => session.update(old.id, &data).await?,
        None => session.insert(&data).await?,
    };
    session.commit().await?;
    Ok(view(saved, &source.name, &table))
}

async fn column_of(
    session: &mut steward_store::Session,
    table: &Record<Table>,
    name: &str,
) -> Result<Record<Column>> {
    session
        .find_one::<Column>(
            present_columns()
                .eq_id("table_id", table.id)
                .eq_text("name", name),
        )
        .await?
        .ok_or_else(|| {
            ServiceError::NotFound(format!(
                "column `{name}` in table `{}`",
                table.qualified_name()
            ))
        })
}

fn view(proposal: Record<Proposal>, source: &str, table: &Table) -> ProposalView {
    let qualified = table.qualified_name();
    let target = match &proposal.column {
        Some(c) => format!("{qualified}.{c}"),
        None => qualified,
    };
    ProposalView {
        proposal,
        source: source.to_string(),
        target,
    }
}

/// Proposals of one status (or all), newest first.
pub(crate) async fn list(
    store: &Store,
    status: Option<ProposalStatus>,
) -> Result<Vec<ProposalView>> {
    let mut session = store.read().await?;
    let mut filter = Filter::all();
    if let Some(status) = status {
        filter = filter.eq_text("status", status.as_str());
    }
    let proposals = session.list::<Proposal>(&filter.newest_first()).await?;
    let mut out = Vec::with_capacity(proposals.len());
    for p in proposals {
        let table = session.get::<Table>(p.table_id).await?;
        let source = session
            .get::<steward_types::Source>(table.source_id)
            .await?
            .name
            .clone();
        out.push(view(p, &source, &table));
    }
    Ok(out)
}

pub(crate) async fn show(store: &Store, id: Id<Proposal>) -> Result<ProposalView> {
    let mut session = store.read().await?;
    let proposal = session.get::<Proposal>(id).await?;
    let table = session.get::<Table>(proposal.table_id).await?;
    let source = session
        .get::<steward_types::Source>(table.source_id)
        .await?
        .name
        .clone();
    Ok(view(proposal, &source, &table))
}

/// A steward's decision: approving writes the description, rejecting keeps
/// the draft with the reason. Either is audited; a decided proposal stays
/// decided.
pub(crate) async fn decide(
    store: &Store,
    id: Id<Proposal>,
    decision: ProposalDecision,
    reason: Option<String>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<ProposalView> {
    let reason = reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    if decision == ProposalDecision::Reject && reason.is_none() {
        return Err(ServiceError::Invalid(
            "a rejection needs a reason, kept for the next draft".into(),
        ));
    }
    let mut session = store.begin().await?;
    let proposal = session.get::<Proposal>(id).await?;
    if proposal.status != ProposalStatus::Pending {
        return Err(ServiceError::Refused(format!(
            "proposal #{id} was already {} by {}",
            proposal.status,
            proposal.decided_by.as_deref().unwrap_or("someone")
        )));
    }
    let table = session.get::<Table>(proposal.table_id).await?;
    let source = session
        .get::<steward_types::Source>(table.source_id)
        .await?
        .name
        .clone();
    let mut previous = None;
    if decision == ProposalDecision::Approve {
        match &proposal.column {
            None => {
                let mut data = table.data.clone();
                previous = data.description.replace(proposal.text.clone());
                session.update(table.id, &data).await?;
            }
            Some(name) => {
                let column = column_of(&mut session, &table, name).await?;
                let mut data = column.data.clone();
                previous = data.description.replace(proposal.text.clone());
                session.update(column.id, &data).await?;
            }
        }
    }
    let mut data = proposal.data.clone();
    data.status = match decision {
        ProposalDecision::Approve => ProposalStatus::Approved,
        ProposalDecision::Reject => ProposalStatus::Rejected,
    };
    data.decided_by = Some(by.to_string());
    data.decided_at = Some(now);
    data.reason = reason.clone();
    let saved = session.update(proposal.id, &data).await?;
    let shown = view(saved, &source, &table);
    session
        .insert(&AuditEvent {
            at: now,
            actor: by.to_string(),
            action: match decision {
                ProposalDecision::Approve => "proposal.approve".into(),
                ProposalDecision::Reject => "proposal.reject".into(),
            },
            target: format!("{source}.{}", shown.target),
            details: serde_json::json!({
                "proposal": id.get(),
                "text": proposal.text,
                "previous": previous,
                "reason": reason,
                "drafted_by": proposal.drafted_by,
            }),
        })
        .await?;
    session.commit().await?;
    Ok(shown)
}
