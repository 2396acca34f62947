//! The front door: `Steward`, one value holding the catalog store and the
//! configuration, with one method per use case. Every surface (the CLI, the
//! server, the agents, the jobs, the SQL plugin) is "parse, call, render"
//! over it, so a use case is written once. After a use case that changes
//! the catalog, the context brings the search index in step itself: no
//! surface can forget to.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use steward_config::{Loaded, StewardConfig};
use steward_llm::LanguageModel;
use steward_policy::{EvalSettings, Evaluator, Policy, Problem, load_dir};
use steward_search::{DocKind, Passage, SearchResults, SyncReport};
use steward_store::{Filter, OpenMode, SchemaStatus, Session, Store};
use steward_types::{
    AuditEvent, ChangeEvent, Classification, Column, ColumnProfile, Finding, FindingStatus,
    HasKind, Id, JobRun, LineageEdge, ParseEnumError, PolicyRef, Record, Severity, Source, Table,
    UsageRecord,
};
use steward_warehouse::SourceConnection;

use crate::error::{Result, ServiceError};
use crate::executor::CpuRuntime;
use crate::ingestion::{IngestEvent, IngestRequest};
use crate::search::IndexSettings;
use crate::{
    Annotation, Change, CheckEvent, CheckOptions, CheckReport, ClassifyOutcome, Direction,
    FindingAction, FindingDetail, FindingQuery, Graph, Impact, IngestReport, PropagationReport,
    QUASI_IDENTIFIER, ScanEvent, ScanOptions, ScanReport, SensitiveColumn, StewardDecision,
    TableDetail, TableSummary,
};

/// Steward's use cases over one catalog.
pub struct Steward {
    store: Store,
    config: StewardConfig,
    index: IndexSettings,
    /// Where DataFusion's work (profiles, checks, cost plans) runs.
    cpu: CpuRuntime,
    /// The moment use cases stamp (tests travel in time).
    clock: Clock,
    /// The local model, for the use cases that ask it (the agents).
    model: Option<Arc<dyn LanguageModel>>,
    /// Asked about ambiguous columns by scans (`[agent] second_opinion`).
    second_opinion: Option<crate::SharedOpinion>,
    /// The folder relative paths in jobs' parameters are resolved against
    /// (the config file's).
    base_dir: PathBuf,
}

impl std::fmt::Debug for Steward {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Steward")
            .field("store", &self.store)
            .field("index", &self.index)
            .field("model", &self.model.is_some())
            .finish_non_exhaustive()
    }
}

/// Now, as the use cases see it.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self(Arc::new(Utc::now))
    }

    /// A clock that always says `at`.
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Self(Arc::new(move || at))
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clock({})", self.now())
    }
}

/// How many of each thing the catalog holds.
#[derive(Debug, Clone, Serialize)]
pub struct CatalogStatus {
    /// The store's URL, password masked.
    pub store: String,
    pub schema: SchemaStatus,
    pub counts: CatalogCounts,
}

#[derive(Debug, Clone, Serialize)]
pub struct CatalogCounts {
    pub sources: i64,
    pub tables: i64,
    pub columns: i64,
    pub column_profiles: i64,
    pub classifications: i64,
    pub lineage_edges: i64,
    pub change_events: i64,
    pub policies: i64,
    pub open_findings: i64,
    pub job_runs: i64,
    pub usage_records: i64,
    pub audit_events: i64,
}

/// The most findings one bulk action takes.
pub const MAX_BULK: usize = 500;

/// What a bulk action did to one finding.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BulkOutcome {
    #[schema(value_type = i64)]
    pub id: Id<Finding>,
    /// The finding after the action, when it took.
    pub finding: Option<Record<Finding>>,
    /// Why it did not, when it did not.
    pub error: Option<BulkError>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BulkError {
    #[schema(value_type = String)]
    pub kind: steward_types::ErrorKind,
    pub detail: String,
}

/// A source to register.
#[derive(Debug, Clone, Default)]
pub struct SourceRequest {
    pub name: String,
    /// Absolute: a surface resolves a relative path against its own folder.
    pub url: String,
    pub options: BTreeMap<String, String>,
    pub description: Option<String>,
    /// Connect and list the tables before registering, so that a typo fails
    /// now rather than at the first scan.
    pub check: bool,
    /// A source already registered under the name with the same URL is not
    /// an error: it is returned as is.
    pub exists_ok: bool,
}

/// What registering did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Registered {
    pub source: Record<Source>,
    /// It was registered already (with `exists_ok`).
    pub existed: bool,
}

/// Policies as read from their folders.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PolicyValidation {
    pub policies: usize,
    pub problems: Vec<Problem>,
}

/// When a waiver ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaiverEnd {
    /// This many days from now.
    Days(i64),
    /// An RFC 3339 time, or a date (`2027-03-31`) meaning the end of that
    /// day, UTC.
    Until(String),
}

impl WaiverEnd {
    /// A waiver lasts 90 days unless told otherwise.
    pub const DEFAULT_DAYS: i64 = 90;

    /// The moment the waiver ends.
    pub fn at(&self, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
        match self {
            Self::Days(days) if *days <= 0 => Err(ServiceError::Invalid(
                "a waiver lasts at least 1 day".to_string(),
            )),
            Self::Days(days) => Ok(now + Duration::days(*days)),
            Self::Until(text) => {
                if let Ok(t) = DateTime::parse_from_rfc3339(text) {
                    return Ok(t.with_timezone(&Utc));
                }
                let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                    ServiceError::Invalid(format!(
                        "waiver end `{text}`: expected YYYY-MM-DD or an RFC 3339 time"
                    ))
                })?;
                date.and_hms_opt(23, 59, 59)
                    .map(|end| end.and_utc())
                    .ok_or_else(|| ServiceError::Invalid(format!("waiver end `{text}`")))
            }
        }
    }
}

/// Finding statuses as people write them: a status name, or `all`.
pub fn parse_statuses(values: &[String]) -> Result<Vec<FindingStatus>> {
    let mut out = Vec::new();
    for v in values {
        if v == "all" {
            out.extend_from_slice(FindingStatus::ALL);
            continue;
        }
        out.push(
            v.parse()
                .map_err(|e: ParseEnumError| ServiceError::Invalid(e.to_string()))?,
        );
    }
    Ok(out)
}

/// A sensitivity label as people write it: a label name, or
/// `QUASI_IDENTIFIER`.
pub fn parse_label_filter(text: &str) -> Result<String> {
    if text.eq_ignore_ascii_case(QUASI_IDENTIFIER) {
        return Ok(QUASI_IDENTIFIER.to_string());
    }
    text.parse::<steward_pii::Label>()
        .map(|l| l.to_string())
        .map_err(ServiceError::Invalid)
}

/// A steward's decision that a column holds `label` (`EMAIL_ADDRESS`, ...),
/// the label checked against the labels the detectors know.
pub fn label_decision(label: &str) -> Result<StewardDecision> {
    label
        .parse::<steward_pii::Label>()
        .map(StewardDecision::Label)
        .map_err(ServiceError::Invalid)
}

/// The policies in effect (built-ins, the configured folders, then `extra`
/// folders), and the problems met reading them. Needs no catalog.
pub fn policies_in_effect(
    config: &steward_policy::PolicyConfig,
    extra: &[PathBuf],
) -> (Vec<Policy>, Vec<Problem>) {
    let mut dirs = config.dirs.clone();
    dirs.extend(extra.iter().cloned());
    crate::check::load_policies(config, &dirs)
}

/// Reads and plans every policy (of `dir`, else those in effect) against
/// empty system tables: SQL, names and parameters are checked without a
/// catalog.
pub async fn validate_policies(
    config: &steward_policy::PolicyConfig,
    dir: Option<&Path>,
) -> Result<PolicyValidation> {
    let (policies, problems) = match dir {
        Some(dir) if !dir.is_dir() => {
            return Err(ServiceError::NotFound(format!(
                "policy folder `{}`",
                dir.display()
            )));
        }
        Some(dir) => load_dir(dir),
        None => policies_in_effect(config, &[]),
    };
    plan_policies(policies, problems).await
}

/// Reads and plans one policy file's text (an upload, say), as
/// [`validate_policies`] does for a folder; `name` is the file it is
/// reported as.
pub async fn validate_policy_text(name: &str, text: &str) -> Result<PolicyValidation> {
    let name = name.trim();
    if name.is_empty() || name.contains(['/', '\\']) || !name.ends_with(".toml") {
        return Err(ServiceError::Invalid(format!(
            "policy file name `{name}`: a plain file name ending in `.toml`"
        )));
    }
    match steward_policy::parse(name, text) {
        Ok(policy) => plan_policies(vec![policy], Vec::new()).await,
        Err(problem) => Ok(PolicyValidation {
            policies: 0,
            problems: vec![problem],
        }),
    }
}

/// Plans each policy against empty system tables, adding what fails to
/// `problems`.
async fn plan_policies(
    policies: Vec<Policy>,
    mut problems: Vec<Problem>,
) -> Result<PolicyValidation> {
    let evaluator = Evaluator::new(&Default::default(), EvalSettings::default())?;
    for policy in &policies {
        if let Err(problem) = evaluator.validate(policy).await {
            problems.push(problem);
        }
    }
    Ok(PolicyValidation {
        policies: policies.len(),
        problems,
    })
}

async fn count<T: steward_store::Entity>(s: &mut Session, filter: &Filter) -> Result<i64> {
    Ok(s.count::<T>(filter).await?)
}

impl Steward {
    /// Opens the catalog the configuration names (applying pending schema
    /// migrations when `store.auto_migrate` allows) and brings stored data
    /// up to date.
    pub async fn open(loaded: &Loaded) -> Result<Self> {
        let store = Store::open(
            &loaded.store_url(),
            &loaded.config.store,
            OpenMode::Existing,
        )
        .await?;
        Self::with_store(store, loaded).await
    }

    /// A context over a store already open (a new catalog, a test's).
    pub async fn with_store(store: Store, loaded: &Loaded) -> Result<Self> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut config = loaded.config.clone();
        config.policy = loaded.policy_config();
        config.warehouse.threads = config.warehouse.threads.clamp(1, cores);
        let index = IndexSettings {
            dir: loaded.index_dir(),
            threads: config.search.threads.clamp(1, cores),
        };
        let cpu = match CpuRuntime::new(config.warehouse.threads) {
            Ok(cpu) => cpu,
            Err(e) => {
                store.close().await;
                return Err(e);
            }
        };
        if let Err(e) = crate::upgrade::upgrade_stored_data(&store).await {
            store.close().await;
            return Err(e);
        }
        Ok(Self {
            store,
            config,
            index,
            cpu,
            clock: Clock::system(),
            model: None,
            second_opinion: None,
            base_dir: loaded.base_dir.clone(),
        })
    }

    /// The same context with another clock.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The same context with a local model for the use cases that ask one.
    pub fn with_model(mut self, model: Arc<dyn LanguageModel>) -> Self {
        self.model = Some(model);
        self
    }

    /// Scans ask `opinion` about the columns the rules leave ambiguous.
    pub fn with_second_opinion(mut self, opinion: Arc<dyn steward_pii::SecondOpinion>) -> Self {
        self.second_opinion = Some(crate::SharedOpinion(opinion));
        self
    }

    /// The local model, when one was given.
    /// What the loaded model's runtime has done (for metrics).
    pub fn model_stats(&self) -> Option<steward_llm::RuntimeStats> {
        self.model.as_ref().and_then(|m| m.stats())
    }

    pub fn model(&self) -> Option<&Arc<dyn LanguageModel>> {
        self.model.as_ref()
    }

    /// Now, by this context's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The folder relative paths are resolved against: the config file's.
    pub fn base_dir(&self) -> &Path {
        &self.base_dir
    }

    /// The configuration in effect (paths resolved, threads capped).
    pub fn config(&self) -> &StewardConfig {
        &self.config
    }

    /// The catalog store, for maintenance (migrations, benchmarks) and
    /// tests; use cases go through the methods.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Closes the store's connections.
    pub async fn close(self) {
        self.store.close().await;
    }

    /// Brings the search index in step after a change. The index is derived
    /// data: a failure is logged, never the use case's failure.
    async fn refresh_index(&self) {
        if let Err(e) = crate::search::sync_index(&self.store, &self.index).await {
            tracing::warn!(
                "the search index was not updated ({e}); rebuilding the index brings it back"
            );
        }
    }

    /// Runs `work` and, when it succeeded, brings the index in step.
    async fn changing<T>(&self, work: impl Future<Output = Result<T>>) -> Result<T> {
        let out = work.await?;
        self.refresh_index().await;
        Ok(out)
    }

    // --- The catalog ---------------------------------------------------

    /// Whether the store answers and its schema is current (what a
    /// readiness probe asks); cheap, unlike `status`.
    pub async fn ready(&self) -> Result<()> {
        let schema = self.store.schema_status().await?;
        if schema.pending.is_empty() && schema.current >= schema.latest {
            Ok(())
        } else {
            Err(ServiceError::Unavailable(format!(
                "the catalog store's schema is at {} of {}: run `steward migrate`",
                schema.current, schema.latest
            )))
        }
    }

    /// How many of each thing the catalog holds.
    pub async fn status(&self) -> Result<CatalogStatus> {
        let schema = self.store.schema_status().await?;
        let mut s = self.store.read().await?;
        let all = Filter::all();
        let counts = CatalogCounts {
            sources: count::<Source>(&mut s, &all).await?,
            tables: count::<Table>(&mut s, &all).await?,
            columns: count::<Column>(&mut s, &all).await?,
            column_profiles: count::<ColumnProfile>(&mut s, &all).await?,
            classifications: count::<Classification>(&mut s, &all).await?,
            lineage_edges: count::<LineageEdge>(&mut s, &all).await?,
            change_events: count::<ChangeEvent>(&mut s, &all).await?,
            policies: count::<PolicyRef>(&mut s, &all).await?,
            open_findings: count::<Finding>(
                &mut s,
                &Filter::all().eq_text("status", FindingStatus::Open.as_str()),
            )
            .await?,
            job_runs: count::<JobRun>(&mut s, &all).await?,
            usage_records: count::<UsageRecord>(&mut s, &all).await?,
            audit_events: count::<AuditEvent>(&mut s, &all).await?,
        };
        Ok(CatalogStatus {
            store: self.store.display_url().to_string(),
            schema,
            counts,
        })
    }

    // --- Sources -------------------------------------------------------

    /// Registers a source (after trying it, when asked).
    pub async fn register_source(&self, request: &SourceRequest) -> Result<Registered> {
        let source = crate::sources::new_source(
            &request.name,
            &request.url,
            request.options.clone(),
            request.description.clone(),
        )?;
        if request.exists_ok
            && let Ok(existing) = crate::sources::find_source(&self.store, &request.name).await
            && existing.url == source.url
        {
            return Ok(Registered {
                source: existing,
                existed: true,
            });
        }
        if request.check {
            SourceConnection::open(&source, &self.config.warehouse)
                .await?
                .discover()
                .await?;
        }
        let source = crate::sources::add_source(&self.store, &source).await?;
        Ok(Registered {
            source,
            existed: false,
        })
    }

    pub async fn sources(&self) -> Result<Vec<Record<Source>>> {
        crate::sources::list_sources(&self.store).await
    }

    /// A registered source, by name.
    pub async fn source(&self, name: &str) -> Result<Record<Source>> {
        crate::sources::find_source(&self.store, name).await
    }

    /// Removes a source and what the catalog knew of it.
    pub async fn remove_source(&self, name: &str) -> Result<Record<Source>> {
        self.changing(crate::sources::remove_source(&self.store, name))
            .await
    }

    // --- Scans and tables ----------------------------------------------

    /// The options of a scan with the configured classifier thresholds.
    pub fn scan_options(&self) -> ScanOptions {
        ScanOptions {
            pii: self.config.pii.clone(),
            second_opinion: self.second_opinion.clone(),
            ..ScanOptions::default()
        }
    }

    /// Scans one source, or all, reporting progress as it goes.
    pub async fn scan(
        &self,
        source: Option<&str>,
        options: &ScanOptions,
        on_event: &mut (dyn FnMut(ScanEvent) + Send),
    ) -> Result<ScanReport> {
        let (sender, events) = tokio::sync::mpsc::unbounded_channel();
        let (store, config) = (self.store.clone(), self.config.warehouse.clone());
        let (source, options) = (source.map(str::to_string), options.clone());
        let work = async move {
            crate::scan::scan(&store, &config, source.as_deref(), &options, &mut |event| {
                let _ = sender.send(event);
            })
            .await
        };
        let report = self
            .cpu
            .run_with_events("the scan", work, events, on_event)
            .await;
        // A failed scan may have stored some tables.
        self.refresh_index().await;
        report
    }

    pub async fn tables(&self, source: Option<&str>) -> Result<Vec<TableSummary>> {
        crate::lookup::list_tables(&self.store, source).await
    }

    pub async fn table(&self, name: &str) -> Result<TableDetail> {
        crate::lookup::table_detail(&self.store, name).await
    }

    /// The names of every live table and column: what an answer may cite.
    pub async fn assets(&self) -> Result<crate::lookup::CatalogAssets> {
        crate::lookup::catalog_assets(&self.store).await
    }

    /// Logged queries that read `table` (all when `None`), newest first.
    pub async fn usage(
        &self,
        table: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Record<UsageRecord>>> {
        crate::usage::usage_of(&self.store, table, limit).await
    }

    /// A steward sets a table's owner, description or tags.
    pub async fn annotate(
        &self,
        table: &str,
        change: &Annotation,
        actor: &str,
    ) -> Result<Record<Table>> {
        self.changing(crate::annotate::annotate_table(
            &self.store,
            table,
            change,
            actor,
        ))
        .await
    }

    // --- Sensitive data ------------------------------------------------

    /// Sensitive columns, of one source or all, of one label or all.
    pub async fn sensitive_columns(
        &self,
        source: Option<&str>,
        label: Option<&str>,
    ) -> Result<Vec<SensitiveColumn>> {
        let wanted = label.map(parse_label_filter).transpose()?;
        let columns = crate::classify::sensitive_columns(&self.store, source).await?;
        Ok(columns
            .into_iter()
            .filter(|c| wanted.as_ref().is_none_or(|w| *w == c.label))
            .collect())
    }

    /// A steward's decision on a column.
    pub async fn classify(
        &self,
        column: &str,
        decision: StewardDecision,
        reason: Option<String>,
        decided_by: &str,
    ) -> Result<ClassifyOutcome> {
        self.changing(crate::classify::classify_column(
            &self.store,
            column,
            decision,
            reason,
            decided_by,
        ))
        .await
    }

    // --- Users, sessions and tokens ----------------------------------

    /// Adds a user; `password` may be `None` for an account that only holds
    /// tokens.
    pub async fn add_user(
        &self,
        actor: &str,
        name: &str,
        role: steward_types::Role,
        password: Option<&str>,
    ) -> Result<crate::UserView> {
        crate::access::add_user(&self.store, actor, name, role, password).await
    }

    pub async fn users(&self) -> Result<Vec<crate::UserView>> {
        crate::access::users(&self.store, self.now()).await
    }

    /// Removes a user with their sessions and tokens; never the last admin.
    pub async fn remove_user(&self, actor: &str, name: &str) -> Result<()> {
        crate::access::remove_user(&self.store, actor, name).await
    }

    /// Sets a user's password and ends their sessions.
    pub async fn set_password(&self, actor: &str, name: &str, password: &str) -> Result<()> {
        crate::access::set_password(&self.store, actor, name, password).await
    }

    /// Changes a user's role (their tokens are lowered with it).
    pub async fn set_role(&self, actor: &str, name: &str, role: steward_types::Role) -> Result<()> {
        crate::access::set_role(&self.store, actor, name, role).await
    }

    /// Makes an API token; its secret is in the result and nowhere else.
    pub async fn create_token(
        &self,
        actor: &str,
        request: &crate::TokenRequest,
    ) -> Result<crate::NewToken> {
        crate::access::create_token(&self.store, actor, request, self.now()).await
    }

    /// The tokens of one user, or of everyone.
    pub async fn tokens(&self, user: Option<&str>) -> Result<Vec<crate::TokenView>> {
        crate::access::tokens(&self.store, user).await
    }

    pub async fn revoke_token(&self, actor: &str, prefix: &str) -> Result<crate::TokenView> {
        crate::access::revoke_token(&self.store, actor, prefix, self.now()).await
    }

    /// Checks a user name and password and opens a browser session lasting
    /// `[server] session_hours`.
    pub async fn login(
        &self,
        name: &str,
        password: &str,
        client: Option<&str>,
    ) -> Result<crate::NewSession> {
        let lifetime = Duration::hours(i64::from(self.config.server.session_hours));
        crate::access::login(&self.store, name, password, client, lifetime, self.now()).await
    }

    pub async fn logout(&self, session_secret: &str) -> Result<()> {
        crate::access::logout(&self.store, session_secret).await
    }

    /// Who a session cookie's secret stands for.
    pub async fn session_principal(&self, session_secret: &str) -> Result<crate::Principal> {
        crate::access::session_principal(&self.store, session_secret, self.now()).await
    }

    /// Who an API token stands for.
    pub async fn token_principal(&self, token: &str) -> Result<crate::Principal> {
        crate::access::token_principal(&self.store, token, self.now()).await
    }

    /// The SQL endpoint's SCRAM-SHA-256 login, first step: the client's
    /// first message for user `name`, and the server's answer to send.
    pub async fn sql_scram_start(
        &self,
        name: &str,
        client_first: &[u8],
    ) -> Result<(crate::ScramLogin, String)> {
        crate::access::scram_start(&self.store, name, client_first).await
    }

    /// The SQL endpoint's SCRAM-SHA-256 login, last step: who logged in,
    /// and the server's last message.
    pub fn sql_scram_finish(
        &self,
        login: crate::ScramLogin,
        client_final: &[u8],
    ) -> Result<(crate::Principal, String)> {
        crate::access::scram_finish(login, client_final)
    }

    /// The SQL endpoint's password login (over TLS): a user's password, or
    /// one of their API tokens.
    pub async fn sql_password_login(&self, name: &str, secret: &str) -> Result<crate::Principal> {
        crate::access::sql_password_login(&self.store, name, secret, self.now()).await
    }

    // --- Lineage -------------------------------------------------------

    /// Ingests query logs, models, scripts, manifests and events.
    pub async fn ingest_lineage(
        &self,
        request: IngestRequest,
        on_event: &mut (dyn FnMut(IngestEvent) + Send),
    ) -> Result<IngestReport> {
        let report = crate::ingestion::ingest_lineage(
            &self.store,
            &self.config.pii.propagation_stops,
            self.config.lineage,
            request,
            on_event,
        )
        .await;
        // Even a failed ingestion may have stored some batches.
        self.refresh_index().await;
        report
    }

    /// Recomputes the labels sensitive columns pass on through lineage.
    pub async fn propagate(&self) -> Result<PropagationReport> {
        self.changing(crate::propagate::propagate(
            &self.store,
            &self.config.pii.propagation_stops,
        ))
        .await
    }

    pub async fn lineage(&self, asset: &str, direction: Direction, depth: usize) -> Result<Graph> {
        crate::lineage::graph(&self.store, asset, direction, depth).await
    }

    pub async fn impact(&self, asset: &str, change: Change, depth: usize) -> Result<Impact> {
        crate::impact::impact(&self.store, asset, change, depth).await
    }

    // --- Policies and findings -----------------------------------------

    /// The policies in effect (built-ins, configured folders, `extra`
    /// folders), and the problems met reading them.
    pub fn policies(&self, extra: &[PathBuf]) -> (Vec<Policy>, Vec<Problem>) {
        policies_in_effect(&self.config.policy, extra)
    }

    /// See [`validate_policies`].
    pub async fn validate_policies(&self, dir: Option<&Path>) -> Result<PolicyValidation> {
        validate_policies(&self.config.policy, dir).await
    }

    /// See [`validate_policy_text`].
    pub async fn validate_policy_text(&self, name: &str, text: &str) -> Result<PolicyValidation> {
        validate_policy_text(name, text).await
    }

    /// One policy in effect, by id.
    pub fn policy(&self, id: &str) -> Result<Policy> {
        self.policies(&[])
            .0
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| ServiceError::NotFound(format!("policy `{id}`")))
    }

    /// Evaluates the policies in effect (and those of `extra` folders),
    /// keeping their violations as findings.
    pub async fn check(
        &self,
        extra: &[PathBuf],
        only: &[String],
        on_event: &mut (dyn FnMut(CheckEvent) + Send),
    ) -> Result<CheckReport> {
        let (policies, problems) = self.policies(extra);
        let options = CheckOptions {
            now: self.now(),
            only: only.to_vec(),
        };
        let store = self.store.clone();
        let (policy, cost) = (self.config.policy.clone(), self.config.cost.clone());
        let (sender, events) = tokio::sync::mpsc::unbounded_channel();
        let work = async move {
            crate::check::check(
                &store,
                &policy,
                &cost,
                policies,
                problems,
                &options,
                &mut |event| {
                    let _ = sender.send(event);
                },
            )
            .await
        };
        self.changing(
            self.cpu
                .run_with_events("the policy check", work, events, on_event),
        )
        .await
    }

    // --- Documentation proposals ---------------------------------------

    /// Records an agent's draft description, pending a steward.
    pub async fn propose(&self, request: &crate::ProposalRequest) -> Result<crate::ProposalView> {
        crate::proposals::propose(&self.store, request).await
    }

    /// Proposals of one status (all when `None`), newest first.
    pub async fn proposals(
        &self,
        status: Option<steward_types::ProposalStatus>,
    ) -> Result<Vec<crate::ProposalView>> {
        crate::proposals::list(&self.store, status).await
    }

    pub async fn proposal(&self, id: Id<steward_types::Proposal>) -> Result<crate::ProposalView> {
        crate::proposals::show(&self.store, id).await
    }

    /// A steward approves (the description is written) or rejects a proposal.
    pub async fn decide_proposal(
        &self,
        id: Id<steward_types::Proposal>,
        decision: crate::ProposalDecision,
        reason: Option<String>,
        by: &str,
    ) -> Result<crate::ProposalView> {
        self.changing(crate::proposals::decide(
            &self.store,
            id,
            decision,
            reason,
            by,
            self.now(),
        ))
        .await
    }

    /// Live tables with no description, as `source.schema.table`.
    pub async fn undocumented_tables(&self) -> Result<Vec<String>> {
        Ok(self.undocumented().await?.map(draft_name).collect())
    }

    /// Live tables with no description.
    async fn undocumented(&self) -> Result<impl Iterator<Item = TableSummary>> {
        Ok(crate::lookup::list_tables(&self.store, None)
            .await?
            .into_iter()
            .filter(|t| t.table.dropped_at.is_none() && t.table.description.is_none()))
    }

    /// Undocumented tables a scheduled `docs` job should draft, at most
    /// `limit`: those with no draft of their own description waiting for a
    /// steward, nor one a steward rejected (a rejected table is drafted
    /// again only when asked, with `steward docs draft TABLE`).
    pub async fn tables_to_draft(&self, limit: usize) -> Result<Vec<String>> {
        let undocumented = self.undocumented().await?;
        let mut session = self.store.read().await?;
        let proposals = session
            .list::<steward_types::Proposal>(&Filter::all())
            .await?;
        session.commit().await?;
        let decided: std::collections::HashSet<_> = proposals
            .iter()
            .filter(|p| {
                p.column.is_none()
                    && matches!(
                        p.status,
                        steward_types::ProposalStatus::Pending
                            | steward_types::ProposalStatus::Rejected
                    )
            })
            .map(|p| p.table_id)
            .collect();
        Ok(undocumented
            .filter(|t| !decided.contains(&t.table.id))
            .take(limit)
            .map(draft_name)
            .collect())
    }

    // --- Looking at the data -------------------------------------------

    /// Runs `sql` if it is a query (DDL, DML and statements are refused),
    /// over the warehouse tables and the `steward.*` system tables it names,
    /// with every sensitive column masked and `[agent]`'s row, time and
    /// memory limits.
    pub async fn query(&self, sql: &str) -> Result<crate::QueryResult> {
        let store = self.store.clone();
        let config = self.config.clone();
        let sql = sql.to_string();
        self.cpu
            .run("the query", async move {
                crate::query::query(&store, &config, &sql).await
            })
            .await
    }

    /// Findings open or acknowledged, counted by severity (every severity,
    /// mildest first), without reading them.
    pub async fn open_findings_by_severity(&self) -> Result<Vec<(Severity, i64)>> {
        let mut session = self.store.read().await?;
        let mut out = Vec::new();
        for &severity in Severity::ALL {
            let mut n = 0;
            for status in [FindingStatus::Open, FindingStatus::Acknowledged] {
                let filter = Filter::all()
                    .eq_text("severity", severity.as_str())
                    .eq_text("status", status.as_str());
                n += session.count::<Finding>(&filter).await?;
            }
            out.push((severity, n));
        }
        session.commit().await?;
        Ok(out)
    }

    pub async fn findings(&self, query: &FindingQuery) -> Result<Vec<Record<Finding>>> {
        crate::check::list_findings(&self.store, query).await
    }

    pub async fn finding(&self, id: Id<Finding>) -> Result<FindingDetail> {
        crate::check::finding_detail(&self.store, id).await
    }

    /// A steward acknowledges, waives or reopens a finding, with a reason.
    pub async fn act_on_finding(
        &self,
        id: Id<Finding>,
        action: FindingAction,
        actor: &str,
        reason: &str,
    ) -> Result<Record<Finding>> {
        self.changing(crate::check::act_on_finding(
            &self.store,
            id,
            action,
            actor,
            reason,
            self.now(),
        ))
        .await
    }

    /// The same action on several findings; each succeeds or fails on its
    /// own, so one finding that cannot take it does not stop the others.
    pub async fn act_on_findings(
        &self,
        ids: &[Id<Finding>],
        action: FindingAction,
        actor: &str,
        reason: &str,
    ) -> Result<Vec<BulkOutcome>> {
        if ids.is_empty() || ids.len() > MAX_BULK {
            return Err(ServiceError::Invalid(format!(
                "ids: between 1 and {MAX_BULK} findings at once, not {}",
                ids.len()
            )));
        }
        let mut outcomes = Vec::with_capacity(ids.len());
        for &id in ids {
            let done = crate::check::act_on_finding(
                &self.store,
                id,
                action.clone(),
                actor,
                reason,
                self.now(),
            )
            .await;
            outcomes.push(match done {
                Ok(finding) => BulkOutcome {
                    id,
                    finding: Some(finding),
                    error: None,
                },
                Err(e) => BulkOutcome {
                    id,
                    finding: None,
                    error: Some(BulkError {
                        kind: e.kind(),
                        detail: e.to_string(),
                    }),
                },
            });
        }
        self.refresh_index().await;
        Ok(outcomes)
    }

    /// Records a change made through the API: who, what, on which path,
    /// and from which address.
    pub async fn audit_api_change(&self, change: &crate::ApiChange) -> Result<()> {
        crate::access::audit_api_change(&self.store, change, self.now()).await
    }

    // --- Cost ----------------------------------------------------------

    pub async fn cost(&self) -> Result<steward_cost::CostReport> {
        let (store, config) = (self.store.clone(), self.config.cost.clone());
        self.cpu
            .run("the cost report", async move {
                crate::cost::cost_report(&store, &config).await
            })
            .await
    }

    // --- Search --------------------------------------------------------

    pub async fn search(
        &self,
        query: &str,
        filters: Vec<(String, String)>,
        limit: usize,
    ) -> Result<SearchResults> {
        crate::search::search(&self.store, &self.index, query, filters, limit).await
    }

    /// Passages for a question, tied to asset ids (what the agents read).
    pub async fn retrieve(
        &self,
        question: &str,
        k: usize,
        kinds: &[DocKind],
    ) -> Result<Vec<Passage>> {
        crate::search::retrieve(&self.store, &self.index, question, k, kinds).await
    }

    pub async fn sync_index(&self) -> Result<SyncReport> {
        crate::search::sync_index(&self.store, &self.index).await
    }

    pub async fn rebuild_index(&self) -> Result<SyncReport> {
        crate::search::rebuild_index(&self.store, &self.index).await
    }

    /// Where the index lives.
    pub fn index_dir(&self) -> &Path {
        &self.index.dir
    }
}

/// A table as the documentation agent takes it: `source.schema.table`.
fn draft_name(t: TableSummary) -> String {
    format!("{}.{}", t.source, t.table.qualified_name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waivers_end_where_people_expect() {
        let now = "2026-05-01T12:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            WaiverEnd::Until("2026-06-30".into()).at(now).unwrap(),
            "2026-06-30T23:59:59Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(
            WaiverEnd::Days(WaiverEnd::DEFAULT_DAYS).at(now).unwrap(),
            now + Duration::days(90)
        );
        assert!(WaiverEnd::Days(0).at(now).is_err());
        assert!(
            WaiverEnd::Until("next week".into())
                .at(now)
                .unwrap_err()
                .to_string()
                .contains("YYYY-MM-DD")
        );
    }

    #[test]
    fn statuses_and_labels_as_people_write_them() {
        assert_eq!(
            parse_statuses(&["all".into()]).unwrap(),
            FindingStatus::ALL.to_vec()
        );
        assert!(parse_statuses(&["shut".into()]).is_err());
        assert_eq!(
            parse_label_filter("quasi_identifier").unwrap(),
            QUASI_IDENTIFIER
        );
        assert!(parse_label_filter("NOT_A_LABEL").is_err());
    }
}
