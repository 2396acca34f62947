//! Steward's use cases. Each composes the catalog store with an engine: the
//! engines never call each other or the store, only this crate does.
//! `Steward` (in `context`) is the front door every surface goes through.

mod access;
mod annotate;
mod check;
mod classify;
mod context;
mod cost;
mod error;
mod executor;
mod guard;
mod impact;
mod ingestion;
mod intake;
mod jobs;
mod lineage;
mod lookup;
mod maintenance;
mod models;
mod propagate;
mod proposals;
mod query;
mod runs;
mod scan;
mod scram;
mod search;
mod sources;
mod sql;
mod upgrade;
mod usage;

pub use access::{
    ApiChange, MIN_PASSWORD_LEN, NewSession, NewToken, Principal, ScramLogin, TokenRequest,
    TokenView, UserView, generate_password,
};
pub use annotate::{Annotation, annotate_table};
pub use check::{
    CheckEvent, CheckOptions, CheckReport, FindingAction, FindingDetail, FindingQuery, PolicyRun,
    act_on_finding, check, finding_detail, list_findings, load_policies, snapshot,
};
pub use classify::{
    ClassifyOutcome, ColumnVerdict, QUASI_IDENTIFIER, SensitiveColumn, StewardDecision,
    classify_column, column_verdicts, effective, sensitive_columns,
};
pub use context::{
    BulkError, BulkOutcome, CatalogCounts, CatalogStatus, Clock, MAX_BULK, PolicyValidation,
    Registered, SourceRequest, Steward, WaiverEnd, label_decision, parse_label_filter,
    parse_statuses, policies_in_effect, validate_policies, validate_policy_text,
};
pub use cost::cost_report;
pub use error::{Result, ServiceError};
pub use guard::{Exposure, masked_profile};
pub use impact::{Affected, Change, Effect, Impact, impact};
pub use ingestion::{
    IngestEvent, IngestRequest, LineageSource, LogReport, ModelFile, catalog_beside, models_folder,
};
pub use intake::{IntakeInput, IntakeReport, IntakeRequest};
pub use jobs::{
    DOCS_LIMIT, Fired, JobNotice, JobOutcome, JobParams, JobQuery, RUN_NOW_PRIORITY, RunRequest,
    SCHEDULED_PRIORITY, ScheduleRequest, add_schedule, cancel_job, enqueue, fire_due, job, jobs,
    next_due, parse_cron, parse_timezone, remove_schedule, schedules, set_schedule_enabled,
    sync_config_schedules,
};
pub use lineage::{
    Direction, Graph, IngestReport, InlineConfig, KnownInput, MAX_WALK_DEPTH, RenderedModel,
    SqlInput, graph, ingest, ingest_known, inline_config, model_schema, render_model, view_inputs,
    walk_depth,
};
pub use lookup::{
    CatalogAssets, ColumnDetail, RemovedColumnDecision, TableDetail, TableSummary, list_tables,
    table_detail,
};
pub use maintenance::{SchemaReport, create_catalog, migrate_catalog};
pub use models::ModelAssets;
pub use propagate::{PropagationReport, propagate};
pub use proposals::{ProposalDecision, ProposalRequest, ProposalView};
pub use query::{MaskedColumn, QueriedTable, QueryResult};
pub use runs::{finish_run, heartbeat, mark_interrupted_runs, start_run, this_process};
pub use scan::{
    ScanEvent, ScanOptions, ScanReport, SharedOpinion, SourceReport, TableOutcome, scan,
};
pub use search::{
    IndexSettings, catalog_docs, rebuild_index, retrieve, search, searchable_label, sync_index,
};
pub use sources::{add_source, find_source, kind_of_url, list_sources, new_source, remove_source};
pub use sql::{ColumnRule, SYSTEM_SCHEMA, SqlCatalog, SqlQueryRecord, SqlTable};
/// The cost report and the policies, for the surfaces that show them.
pub use steward_cost::CostReport;
pub use steward_policy::{Policy, Problem as PolicyProblem};
/// What a search returns, for the surfaces that show it.
pub use steward_search::{Hit, SearchResults};
/// How a worker leaves a job it held (`Steward::settle_job`).
pub use steward_store::Settlement as JobSettlement;
pub use usage::{LoggedQuery, UsageReport, record_usage};

/// Bytes as lowercase hex (checksums, secret hashes).
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}
