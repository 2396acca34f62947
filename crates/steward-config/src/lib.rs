//! `steward.toml`, overridden by `STEWARD__SECTION__KEY` env vars, then by flags.
//! Each crate owns its section's type; this crate only composes them and
//! resolves paths, so that every surface (CLI, server, jobs) reads one
//! configuration the same way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use steward_cost::CostConfig;
use steward_llm::LlmConfig;
use steward_pii::PiiConfig;
use steward_policy::PolicyConfig;
use steward_search::SearchConfig;
use steward_store::StoreConfig;
use steward_types::{ErrorKind, HasKind, JobKind, MissedRuns, Secret};
use steward_warehouse::WarehouseConfig;

/// The file looked for in the working directory when `--config` is not given.
pub const DEFAULT_FILE: &str = "steward.toml";
pub const ENV_PREFIX: &str = "STEWARD__";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StewardConfig {
    /// Where the catalog database and derived data live; relative to the config file.
    pub data_dir: PathBuf,
    pub store: StoreConfig,
    pub warehouse: WarehouseConfig,
    pub pii: PiiConfig,
    /// `[lineage]`: the conventions lineage follows where SQL leaves a choice.
    pub lineage: steward_lineage::Conventions,
    pub search: SearchConfig,
    pub policy: PolicyConfig,
    pub cost: CostConfig,
    pub llm: LlmConfig,
    pub agent: AgentConfig,
    pub server: ServerConfig,
    pub jobs: JobsConfig,
    pub sql: SqlConfig,
    pub log: LogConfig,
}

impl Default for StewardConfig {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from(".steward"),
            store: StoreConfig::default(),
            warehouse: WarehouseConfig::default(),
            pii: PiiConfig::default(),
            lineage: steward_lineage::Conventions::default(),
            search: SearchConfig::default(),
            policy: PolicyConfig::default(),
            cost: CostConfig::default(),
            llm: LlmConfig::default(),
            agent: AgentConfig::default(),
            server: ServerConfig::default(),
            jobs: JobsConfig::default(),
            sql: SqlConfig::default(),
            log: LogConfig::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// A tracing filter: `warn`, `info`, `steward_store=debug,info`. `-v` flags win.
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            level: "warn".to_string(),
        }
    }
}

/// The `[agent]` section: what the agents on the local model may do. Kept
/// here because the service applies it and the agents sit above the service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgentConfig {
    /// Scans ask the local model about the columns the rules leave
    /// ambiguous; its label is stored with origin `agent`, below a steward's.
    pub second_opinion: bool,
    /// Rows the agents' read-only SQL returns at most.
    pub query_max_rows: usize,
    /// Seconds one of their queries may run.
    pub query_timeout_secs: u64,
    /// Memory one of their queries may use; nothing spills to disk.
    pub query_memory_limit_mb: usize,
}

impl Default for AgentConfig {
    fn default() -> Self {
        Self {
            second_opinion: false,
            query_max_rows: 50,
            query_timeout_secs: 10,
            query_memory_limit_mb: 256,
        }
    }
}

/// `steward serve`: where it listens and how long what it grants lasts. Here
/// because the service applies the session lifetime and the server sits
/// above the service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// The address to listen on; loopback unless said otherwise.
    pub listen: String,
    /// Hours a browser session lasts after login.
    pub session_hours: u32,
    /// The largest request body accepted, in MiB.
    pub max_body_mb: usize,
    /// Seconds a request may take before it is answered 503.
    pub request_timeout_secs: u64,
    /// Failed logins allowed per user name and per client in a minute.
    pub login_attempts_per_minute: u32,
    /// Mark the session cookie `Secure` (browsers then send it over HTTPS
    /// only): set it when a TLS-terminating proxy serves Steward.
    pub secure_cookies: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".to_string(),
            session_hours: 12,
            max_body_mb: 16,
            request_timeout_secs: 60,
            login_attempts_per_minute: 10,
            secure_cookies: false,
        }
    }
}

/// What SQL through Steward shows of a sensitive column to a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaskAction {
    /// The value itself.
    Allow,
    /// `‹masked LABEL›` (nulls stay null), as the catalog shows it.
    Mask,
    /// A keyed hash of the value (hex): equal values hash alike, so joins
    /// and `COUNT(DISTINCT …)` on it still work, and the key never leaves.
    Hash,
    /// Null.
    Null,
    /// The query fails, naming the column.
    Deny,
}

/// `[sql]`: the governed warehouse through SQL (the DataFusion catalog of
/// `steward-sql`, `steward sql query`): who sees what, and the limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SqlConfig {
    /// Per role, per sensitivity label (or `*` for every other label), what
    /// a query sees: `allow`, `mask`, `hash`, `null` or `deny`. A role or
    /// label not listed is masked.
    pub masking: BTreeMap<steward_types::Role, BTreeMap<String, MaskAction>>,
    /// Per table (`source.schema.table`), per role, a SQL predicate the
    /// role's rows must meet (`region = 'EU'`); other roles see every row.
    pub row_filters: BTreeMap<String, BTreeMap<steward_types::Role, String>>,
    /// The key of `hash` masks; a random one kept in the data folder
    /// (`sql-hash.key`) when absent.
    pub hash_key: Option<Secret>,
    /// Seconds one query may run.
    pub query_timeout_secs: u64,
    /// Memory one query may use; nothing spills to disk.
    pub query_memory_limit_mb: usize,
    /// Rows a viewer's query returns at most (the rest is cut, with a notice).
    pub viewer_max_rows: usize,
    /// Where the PostgreSQL-wire endpoint listens (`127.0.0.1:5433`):
    /// `steward serve` opens it beside the HTTP server when set;
    /// `steward sql serve` uses it as its default.
    pub listen: Option<String>,
    /// How clients log in: `scram` (SCRAM-SHA-256 with the user's password)
    /// or `password` (the password or an API token in the clear, which
    /// needs TLS unless the endpoint listens on loopback only).
    pub auth: SqlAuth,
    /// PEM certificate chain and PKCS#8 key: TLS is offered when both are set.
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// Sessions open at once; a client past that is refused (53300).
    pub max_sessions: usize,
}

/// How SQL clients log in (`[sql] auth`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqlAuth {
    /// SCRAM-SHA-256 with the user's password: it never crosses the wire.
    #[default]
    Scram,
    /// The password, or an API token, sent as is: over TLS.
    Password,
}

impl Default for SqlConfig {
    fn default() -> Self {
        let mask_all = || BTreeMap::from([("*".to_string(), MaskAction::Mask)]);
        Self {
            masking: BTreeMap::from([
                (steward_types::Role::Viewer, mask_all()),
                (steward_types::Role::Steward, mask_all()),
                (steward_types::Role::Admin, mask_all()),
            ]),
            row_filters: BTreeMap::new(),
            hash_key: None,
            query_timeout_secs: 300,
            query_memory_limit_mb: 1024,
            viewer_max_rows: 100_000,
            listen: None,
            auth: SqlAuth::Scram,
            tls_cert: None,
            tls_key: None,
            max_sessions: 32,
        }
    }
}

impl SqlConfig {
    /// What `role` sees of a column labelled `label`.
    pub fn action(&self, role: steward_types::Role, label: &str) -> MaskAction {
        self.masking
            .get(&role)
            .and_then(|m| m.get(label).or_else(|| m.get("*")))
            .copied()
            .unwrap_or(MaskAction::Mask)
    }
}

/// `[jobs]`: how governance jobs are queued and run, and their schedules
/// (`[[jobs.schedule]]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobsConfig {
    /// `steward serve` also runs the scheduler and one worker.
    pub embedded_worker: bool,
    /// Jobs one worker runs at once.
    pub concurrency: usize,
    /// Seconds a worker's claim on a job lasts unless renewed; it renews
    /// every third of that, so a killed worker's job runs again this long
    /// after its last renewal.
    pub lease_secs: u64,
    /// Milliseconds an idle worker waits before looking for work again.
    pub poll_ms: u64,
    /// Attempts of a job before it fails for good.
    pub max_attempts: u32,
    /// Seconds before the first retry of a failed attempt; doubled for each
    /// further one, up to `backoff_max_secs`.
    pub backoff_secs: u64,
    pub backoff_max_secs: u64,
    /// A run's time limit, in seconds, for kinds `timeouts` does not name.
    pub timeout_secs: u64,
    /// Time limits by kind (`scan = 7200`).
    pub timeouts: BTreeMap<JobKind, u64>,
    /// A schedule's time this many seconds past counts as missed (nothing
    /// ran then): its `missed` policy applies.
    pub missed_after_secs: u64,
    pub schedule: Vec<ScheduleConfig>,
    /// Where news of jobs is posted (`[[jobs.webhook]]`).
    pub webhook: Vec<WebhookConfig>,
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self {
            embedded_worker: true,
            concurrency: 1,
            lease_secs: 60,
            poll_ms: 1000,
            max_attempts: 3,
            backoff_secs: 30,
            backoff_max_secs: 3600,
            timeout_secs: 3600,
            timeouts: Default::default(),
            missed_after_secs: 300,
            schedule: Vec::new(),
            webhook: Vec::new(),
        }
    }
}

impl JobsConfig {
    /// The time limit of a run of `kind`, in seconds.
    pub fn timeout_of(&self, kind: JobKind) -> u64 {
        self.timeouts
            .get(&kind)
            .copied()
            .unwrap_or(self.timeout_secs)
    }
}

/// One `[[jobs.schedule]]`: a job kind with its parameters on a cron schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleConfig {
    pub name: String,
    pub kind: JobKind,
    /// 5 fields (minute hour day month weekday), or 6 with seconds first.
    pub cron: String,
    /// An IANA time zone (`Europe/Paris`); UTC when absent.
    pub timezone: Option<String>,
    /// `catch_up` (the default) or `skip`.
    pub missed: Option<MissedRuns>,
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// `scan`: the source (every source when absent) and a table pattern.
    pub source: Option<String>,
    pub tables: Option<String>,
    /// `backup`: the file to write; `{time}` is replaced by the run's time.
    /// `ingest`: the file or folder to read (relative to this file).
    pub path: Option<String>,
    /// `ingest`: `query_log`, `models`, `dbt_manifest`, `openlineage` or
    /// `sql` (guessed from the path when absent), the query logs' format
    /// (`auto`) and the SQL dialect (`generic`).
    pub input: Option<String>,
    pub format: Option<String>,
    pub dialect: Option<String>,
    /// `docs`: tables drafted at most per run (10).
    pub limit: Option<u32>,
}

fn enabled() -> bool {
    true
}

/// What a webhook is told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// A job failed on its last attempt (once per job, not per attempt).
    JobFailed,
    /// A policy check opened a finding at or above `min_severity`.
    Finding,
    /// A scan found a column sensitive that was not before.
    SensitiveColumn,
}

/// The body a webhook receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookFormat {
    /// `{"event": ..., "text": ..., "details": {...}}`.
    #[default]
    Json,
    /// Slack's incoming-webhook body, `{"text": ...}` (Mattermost and
    /// others take it too).
    Slack,
}

/// One `[[jobs.webhook]]`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    pub name: String,
    /// The URL to post to. Its path is often its key (Slack's are), so it is
    /// shown as its scheme and host only; prefer `url_env`.
    #[serde(default, serialize_with = "host_only")]
    pub url: Option<Secret>,
    /// The environment variable that holds the URL.
    #[serde(default)]
    pub url_env: Option<String>,
    #[serde(default)]
    pub format: WebhookFormat,
    /// What it is told about [default: all three].
    #[serde(default = "every_notice")]
    pub events: Vec<NoticeKind>,
    /// Findings below this severity are not sent [default: high].
    #[serde(default)]
    pub min_severity: Option<steward_types::Severity>,
}

fn every_notice() -> Vec<NoticeKind> {
    vec![
        NoticeKind::JobFailed,
        NoticeKind::Finding,
        NoticeKind::SensitiveColumn,
    ]
}

/// `https://hooks.example.com/…`: the scheme and host of a URL whose path
/// may be its key, for display and logs.
pub fn webhook_host(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
            let host = host.rsplit('@').next().unwrap_or_default();
            format!("{scheme}://{host}/…")
        }
        None => "…".to_string(),
    }
}

fn host_only<S: serde::Serializer>(url: &Option<Secret>, serializer: S) -> Result<S::Ok, S::Error> {
    match url {
        Some(url) => serializer.serialize_some(&webhook_host(url.expose())),
        None => serializer.serialize_none(),
    }
}

// By hand: a URL's path may be its key, so only its host is shown.
impl std::fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("name", &self.name)
            .field("url", &self.url.as_ref().map(|u| webhook_host(u.expose())))
            .field("url_env", &self.url_env)
            .field("format", &self.format)
            .field("events", &self.events)
            .field("min_severity", &self.min_severity)
            .finish()
    }
}

impl WebhookConfig {
    /// The URL to post to: `url`, else the variable `url_env` names.
    pub fn target(&self) -> Result<Secret, String> {
        if let Some(url) = &self.url {
            return Ok(url.clone());
        }
        let var = self
            .url_env
            .as_deref()
            .ok_or_else(|| format!("[[jobs.webhook]] `{}`: set `url` or `url_env`", self.name))?;
        std::env::var(var).map(Secret::new).map_err(|_| {
            format!(
                "[[jobs.webhook]] `{}`: the environment variable {var} is not set",
                self.name
            )
        })
    }
}

/// The configuration in effect, and where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: StewardConfig,
    /// The config file read, if one exists.
    pub file: Option<PathBuf>,
    /// The folder relative paths are resolved against: the config file's, else the working dir.
    pub base_dir: PathBuf,
}

/// What the command line says about configuration.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--config`: the file to read (or, for `init`, to write).
    pub file: Option<PathBuf>,
    /// `--data-dir`, relative to the working directory.
    pub data_dir: Option<PathBuf>,
    /// `init --store-url`.
    pub store_url: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file `{}` not found", .0.display())]
    NotFound(PathBuf),
    #[error("cannot read config file `{}`: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Already formatted: `steward.toml:3:19: key `store.max_connections`: ...`.
    #[error("invalid configuration: {0}")]
    Invalid(String),
    #[error("cannot determine the working directory: {0}")]
    WorkingDir(#[source] std::io::Error),
}

impl HasKind for ConfigError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::Unreadable { .. } | Self::WorkingDir(_) => ErrorKind::Unavailable,
            Self::Invalid(_) => ErrorKind::Invalid,
        }
    }
}

/// The config file to use: `--config`, else `./steward.toml`.
pub fn config_path(overrides: &Overrides, cwd: &Path) -> PathBuf {
    match &overrides.file {
        Some(file) => cwd.join(file),
        None => cwd.join(DEFAULT_FILE),
    }
}

/// Loads the configuration. `require_file`: a `--config` that does not exist is an
/// error (except for `init`, which creates it).
pub fn load(overrides: &Overrides, require_file: bool) -> Result<Loaded, ConfigError> {
    let cwd = std::env::current_dir().map_err(ConfigError::WorkingDir)?;
    let path = config_path(overrides, &cwd);
    let file_text = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if require_file && overrides.file.is_some() {
                return Err(ConfigError::NotFound(path));
            }
            None
        }
        Err(source) => return Err(ConfigError::Unreadable { path, source }),
    };

    let mut figment = Figment::new();
    if file_text.is_some() {
        figment = figment.merge(Toml::file_exact(&path));
    }
    figment = figment.merge(Env::prefixed(ENV_PREFIX).split("__"));
    if let Some(dir) = &overrides.data_dir {
        figment = figment.merge(Serialized::default("data_dir", cwd.join(dir)));
    }
    if let Some(url) = &overrides.store_url {
        figment = figment.merge(Serialized::default("store.url", url));
    }

    let mut config: StewardConfig = figment
        .extract()
        .map_err(|e| ConfigError::Invalid(describe(e, &path, file_text.as_deref())))?;
    validate(&config).map_err(ConfigError::Invalid)?;

    let base_dir = match (&file_text, path.parent()) {
        (Some(_), Some(parent)) => parent.to_path_buf(),
        _ => cwd,
    };
    config.data_dir = base_dir.join(&config.data_dir);
    // Like the data folder, the SQL endpoint's certificate and key are
    // found from the config file's folder.
    for path in [&mut config.sql.tls_cert, &mut config.sql.tls_key]
        .into_iter()
        .flatten()
    {
        *path = base_dir.join(&*path);
    }
    Ok(Loaded {
        config,
        file: file_text.map(|_| path),
        base_dir,
    })
}

/// Rules serde cannot express.
fn validate(config: &StewardConfig) -> Result<(), String> {
    if config.data_dir.as_os_str().is_empty() {
        return Err("key `data_dir`: must not be empty".to_string());
    }
    if config.store.max_connections == 0 {
        return Err("key `store.max_connections`: must be at least 1".to_string());
    }
    if config.warehouse.threads == 0 {
        return Err("key `warehouse.threads`: must be at least 1".to_string());
    }
    if config.search.threads == 0 {
        return Err("key `search.threads`: must be at least 1".to_string());
    }
    if config.warehouse.top_k == 0 {
        return Err("key `warehouse.top_k`: must be at least 1".to_string());
    }
    if config.agent.query_max_rows == 0 || config.agent.query_timeout_secs == 0 {
        return Err(
            "keys `agent.query_max_rows` and `agent.query_timeout_secs`: must be at least 1"
                .to_string(),
        );
    }
    let jobs = &config.jobs;
    if jobs.concurrency == 0 || jobs.lease_secs < 3 || jobs.poll_ms == 0 || jobs.max_attempts == 0 {
        return Err(
            "keys `jobs.concurrency`, `jobs.poll_ms` and `jobs.max_attempts` must be at least 1, `jobs.lease_secs` at least 3"
                .to_string(),
        );
    }
    for hook in &jobs.webhook {
        if hook.url.is_some() == hook.url_env.is_some() {
            return Err(format!(
                "[[jobs.webhook]] `{}`: set one of `url` and `url_env`",
                hook.name
            ));
        }
        if let Some(url) = &hook.url
            && !(url.expose().starts_with("https://") || url.expose().starts_with("http://"))
        {
            return Err(format!(
                "[[jobs.webhook]] `{}`: the url must start with https:// or http://",
                hook.name
            ));
        }
    }
    let mut names = std::collections::BTreeSet::new();
    for schedule in &jobs.schedule {
        if !names.insert(schedule.name.trim()) {
            return Err(format!(
                "[[jobs.schedule]]: the name `{}` is used twice",
                schedule.name
            ));
        }
    }
    if config.sql.viewer_max_rows == 0 {
        return Err("[sql]: viewer_max_rows is at least 1".to_string());
    }
    if config.sql.max_sessions == 0 {
        return Err("[sql]: max_sessions is at least 1".to_string());
    }
    if config.sql.tls_cert.is_some() != config.sql.tls_key.is_some() {
        return Err("[sql]: tls_cert and tls_key go together: set both, or neither".to_string());
    }
    config.pii.validate()?;
    if let Err(e) = tracing_subscriber::EnvFilter::try_new(&config.log.level) {
        return Err(format!(
            "key `log.level`: `{}` is not a log filter: {e}",
            config.log.level
        ));
    }
    Ok(())
}

/// Turns figment's error into one line per problem that names the file, line
/// and key when the file is at fault, or the env var when one is.
fn describe(error: figment::Error, path: &Path, file_text: Option<&str>) -> String {
    let file_name = path.display().to_string();
    let mut lines = Vec::new();
    for e in error {
        let key = e.path.join(".");
        let from_file = e.metadata.as_ref().is_some_and(
            |m| matches!(&m.source, Some(figment::Source::File(file)) if file == path),
        );
        let line = match (from_file, file_text) {
            (true, Some(text)) => match file_position(text) {
                Some((line, column, message)) if key.is_empty() => {
                    format!("{file_name}:{line}:{column}: {message}")
                }
                Some((line, column, message)) => {
                    format!("{file_name}:{line}:{column}: key `{key}`: {message}")
                }
                None => format!("{file_name}: key `{key}`: {}", e.kind),
            },
            _ => {
                let from_env = e
                    .metadata
                    .as_ref()
                    .is_some_and(|m| m.name.contains("environment"));
                if from_env {
                    let var = format!("{ENV_PREFIX}{}", e.path.join("__").to_uppercase());
                    format!("environment variable {var} (key `{key}`): {}", e.kind)
                } else {
                    format!("key `{key}`: {}", e.kind)
                }
            }
        };
        lines.push(line);
    }
    lines.join("; ")
}

/// Where in the file the first problem is, found by deserializing the file alone
/// with the `toml` crate, which keeps spans.
fn file_position(text: &str) -> Option<(usize, usize, String)> {
    let error = toml::from_str::<StewardConfig>(text).err()?;
    let span = error.span()?;
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Some((line, column, error.message().trim().to_string()))
}

impl Loaded {
    /// The catalog store URL: the configured one, else `catalog.db` in the data dir.
    /// A relative SQLite path is relative to the config file's folder.
    pub fn store_url(&self) -> String {
        match &self.config.store.url {
            Some(url) => {
                let url = url.expose();
                match url
                    .strip_prefix("sqlite://")
                    .or_else(|| url.strip_prefix("sqlite:"))
                {
                    Some(rest)
                        if !rest.starts_with('/') && !rest.starts_with(':') && !rest.is_empty() =>
                    {
                        format!("sqlite://{}", self.base_dir.join(rest).display())
                    }
                    _ => url.to_string(),
                }
            }
            None => format!("sqlite://{}", self.catalog_file().display()),
        }
    }

    /// The policy section with its folders resolved against the config
    /// file's folder and threads capped at the machine's cores.
    pub fn policy_config(&self) -> PolicyConfig {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut config = self.config.policy.clone();
        config.dirs = config.dirs.iter().map(|d| self.base_dir.join(d)).collect();
        config.threads = config.threads.clamp(1, cores);
        config
    }

    /// Where the search index lives: derived data, in the data dir.
    pub fn index_dir(&self) -> PathBuf {
        self.config.data_dir.join("search")
    }

    /// The SQLite file the default store lives in.
    pub fn catalog_file(&self) -> PathBuf {
        self.config.data_dir.join("catalog.db")
    }

    /// The configuration as shown to people: secrets masked.
    pub fn shown(&self) -> StewardConfig {
        // `Secret` serializes masked, so serializing the config is already safe;
        // the resolved store URL is shown masked too.
        let mut config = self.config.clone();
        config.store.url = Some(Secret::new(self.store_url()));
        config
    }
}

/// The `steward.toml` that `steward init` writes: every key with its default and a
/// comment, so the file documents itself.
pub fn template(store_url: Option<&str>, data_dir: &str) -> String {
    let d = StewardConfig::default();
    let url_line = match store_url {
        Some(url) => format!("url = {}", toml_string(url)),
        None => "# url = \"postgres://steward@db.internal/steward\"".to_string(),
    };
    format!(
        r#"# Steward configuration. Any key can be overridden by an environment variable
# STEWARD__SECTION__KEY (for example STEWARD__STORE__URL), and some by flags.

# Where Steward keeps its catalog database and derived data, relative to this file.
data_dir = {data_dir}

[store]
# The catalog store. Unset: a SQLite file in the data dir. For a team, PostgreSQL;
# keep passwords out of this file and set STEWARD__STORE__URL instead.
{url_line}
# PostgreSQL only: the schema Steward's tables live in.
# schema = "steward"
max_connections = {max_connections}
connect_timeout_secs = {connect_timeout_secs}
# SQLite: one attempt at the write lock waits this long; a command waits up to
# lock_wait_secs in all while other processes write the catalog.
busy_timeout_ms = {busy_timeout_ms}
lock_wait_secs = {lock_wait_secs}
# Apply pending migrations whenever the store is opened.
auto_migrate = {auto_migrate}

[warehouse]
# DataFusion threads for scans and profiles. Default: the machine's cores.
# threads = 2
# DataFusion's memory limit; a query needing more fails instead of exhausting RAM.
memory_limit_mb = {memory_limit_mb}
# Tables known to hold more rows are profiled from a sample of this many.
sample_rows = {sample_rows}
# Most frequent values kept per column (stored masked where values are personal).
top_k = {top_k}
# Rows read to infer the schema of CSV and JSON files.
schema_infer_rows = {schema_infer_rows}
# Non-null values read per column to classify sensitive data (kept in memory only).
sample_values = {sample_values}

[pii]
# Columns whose best label is at least this likely are labelled sensitive.
accept = {accept}
# Between this and `accept` a column is ambiguous (reported for review).
ask_from = {ask_from}

[lineage]
# What `count(*)` feeds from: "table" (an edge from the table's `*`, so the
# table's impact analysis finds the count) or "none" (only the columns it
# filters or groups on).
count_star = "table"

[search]
# Threads that build the search index. Default: the machine's cores.
# threads = 2

[agent]
# Ask the local model ([llm]) about columns the PII rules leave ambiguous.
second_opinion = {second_opinion}
# The agents' read-only SQL over the warehouse and the catalog: rows returned at
# most, seconds and memory one query may take. Sensitive columns are masked.
query_max_rows = {query_max_rows}
query_timeout_secs = {query_timeout_secs}
query_memory_limit_mb = {query_memory_limit_mb}

[log]
# A tracing filter: error, warn, info, debug, trace, or per crate (steward_store=debug).
level = {level}
"#,
        data_dir = toml_string(data_dir),
        max_connections = d.store.max_connections,
        second_opinion = d.agent.second_opinion,
        query_max_rows = d.agent.query_max_rows,
        query_timeout_secs = d.agent.query_timeout_secs,
        query_memory_limit_mb = d.agent.query_memory_limit_mb,
        connect_timeout_secs = d.store.connect_timeout_secs,
        busy_timeout_ms = d.store.busy_timeout_ms,
        lock_wait_secs = d.store.lock_wait_secs,
        auto_migrate = d.store.auto_migrate,
        level = toml_string(&d.log.level),
        memory_limit_mb = d.warehouse.memory_limit_mb,
        sample_rows = d.warehouse.sample_rows,
        top_k = d.warehouse.top_k,
        schema_infer_rows = d.warehouse.schema_infer_rows,
        sample_values = d.warehouse.sample_values,
        accept = d.pii.accept,
        ask_from = d.pii.ask_from,
    )
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_parses_to_the_defaults() {
        let parsed: StewardConfig = toml::from_str(&template(None, ".steward")).unwrap();
        assert_eq!(parsed, StewardConfig::default());
        let with_url: StewardConfig =
            toml::from_str(&template(Some("postgres://a@b/c"), ".steward")).unwrap();
        assert_eq!(with_url.store.url.unwrap().expose(), "postgres://a@b/c");
    }

    #[test]
    fn file_errors_point_at_line_and_column() {
        let text = "data_dir = \"x\"\n[store]\nmax_connections = \"many\"\n";
        let (line, column, message) = file_position(text).unwrap();
        assert_eq!((line, column), (3, 19));
        assert!(
            message.contains("invalid type: string \"many\""),
            "{message}"
        );

        let (line, _, message) = file_position("[store]\nurll = \"x\"\n").unwrap();
        assert_eq!(line, 2);
        assert!(message.contains("unknown field `urll`"), "{message}");

        let (line, _, _) = file_position("data_dir = \n").unwrap();
        assert_eq!(line, 1);
        assert!(file_position(&template(None, ".steward")).is_none());
    }

    #[test]
    fn validation_names_the_key() {
        let mut config = StewardConfig::default();
        config.store.max_connections = 0;
        assert_eq!(
            validate(&config).unwrap_err(),
            "key `store.max_connections`: must be at least 1"
        );
        let mut config = StewardConfig::default();
        config.log.level = "loud=[".to_string();
        assert!(
            validate(&config)
                .unwrap_err()
                .starts_with("key `log.level`")
        );
    }

    #[test]
    fn relative_sqlite_urls_follow_the_config_file() {
        let loaded = |url: Option<&str>| Loaded {
            config: StewardConfig {
                data_dir: PathBuf::from("/srv/steward/.steward"),
                store: StoreConfig {
                    url: url.map(Secret::from),
                    ..StoreConfig::default()
                },
                ..StewardConfig::default()
            },
            file: None,
            base_dir: PathBuf::from("/srv/steward"),
        };
        assert_eq!(
            loaded(None).store_url(),
            "sqlite:///srv/steward/.steward/catalog.db"
        );
        assert_eq!(
            loaded(Some("sqlite://cat.db")).store_url(),
            "sqlite:///srv/steward/cat.db"
        );
        assert_eq!(
            loaded(Some("sqlite:///abs/cat.db")).store_url(),
            "sqlite:///abs/cat.db"
        );
        assert_eq!(
            loaded(Some("postgres://u:p@h/d")).store_url(),
            "postgres://u:p@h/d"
        );
        let shown = loaded(Some("postgres://u:p@h/d")).shown();
        assert_eq!(
            toml::to_string(&shown.store)
                .unwrap()
                .lines()
                .next()
                .unwrap(),
            "url = \"postgres://u:***@h/d\""
        );
    }
}
