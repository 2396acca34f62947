//! `docs` jobs: documentation drafts for undocumented tables, by the agent
//! on the worker's local model, stored as proposals for a steward. Every
//! other kind is the service's [`Steward::run_job`].

use steward_service::{DOCS_LIMIT, JobOutcome, JobParams, ServiceError, Steward};
use steward_types::{ErrorKind, HasKind, Id, JobKind, QueuedJob};

/// Runs one job of any kind.
pub(crate) async fn run_job(
    steward: &Steward,
    id: Id<QueuedJob>,
    kind: JobKind,
    params: &serde_json::Value,
    log: &mut (dyn FnMut(String) + Send),
) -> steward_service::Result<JobOutcome> {
    if kind != JobKind::Docs {
        return steward.run_job(kind, params, log).await;
    }
    let params = JobParams::parse(kind, params)?;
    if steward.model().is_none() {
        return Err(ServiceError::Unavailable(
            "no local model is loaded in this worker: `steward model pull` one, \
             or run `steward serve` with a model"
                .into(),
        ));
    }
    let limit = params.limit.unwrap_or(DOCS_LIMIT) as usize;
    let tables = steward.tables_to_draft(limit).await?;
    log(format!("{} table(s) to draft", tables.len()));
    let drafted_by = format!("agent:docs (job {id})");
    let mut proposals = 0;
    let mut drafted = 0;
    let mut warnings = Vec::new();
    for table in &tables {
        match steward_agent::draft_docs(steward, table, &drafted_by).await {
            Ok(d) => {
                drafted += 1;
                proposals += d.proposals.len();
                log(format!(
                    "{table}: {} proposal(s) in {:.1} s",
                    d.proposals.len(),
                    d.seconds
                ));
                for skipped in d.skipped {
                    log(format!("{table}: skipped {skipped}"));
                }
            }
            // The model or the store is gone: the rest would fail alike.
            Err(e) if e.kind() == ErrorKind::Unavailable => {
                return Err(ServiceError::Unavailable(e.to_string()));
            }
            // One table the model could not draft does not stop the rest.
            Err(e) => warnings.push(format!("{table}: not drafted: {e}")),
        }
    }
    Ok(JobOutcome {
        summary: serde_json::json!({
            "tables": tables.len(),
            "drafted": drafted,
            "proposals": proposals,
            "not_drafted": warnings.len(),
        }),
        warnings,
        ..JobOutcome::default()
    })
}
