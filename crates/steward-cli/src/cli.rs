use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};

/// Steward: local-first data governance. Inspects a warehouse, learns what is in
/// it, checks it against policies and answers stewards' questions with evidence.
#[derive(Debug, Parser)]
#[command(
    name = "steward",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Config file [default: ./steward.toml]
    #[arg(long, global = true, env = "STEWARD_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Data directory, overriding `data_dir` in the config
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print machine-readable JSON on stdout
    #[arg(long, global = true)]
    pub json: bool,
    /// More log output on stderr (-v info, -vv debug, -vvv trace)
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create steward.toml and the data dir, and set up the catalog store
    Init(InitArgs),
    /// Apply pending catalog store migrations
    Migrate(MigrateArgs),
    /// Inspect the configuration
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Summarise the catalog: store, schema version and what it holds
    Status,
    /// Register, list and remove the warehouses Steward scans
    #[command(subcommand)]
    Source(SourceCommand),
    /// Inspect and profile sources' tables into the catalog
    Scan(ScanArgs),
    /// List the tables in the catalog
    Tables(TablesArgs),
    /// A table's page: schema, sensitive data, profile and schema changes
    Show(ShowArgs),
    /// List the sensitive columns of the catalog, with the evidence
    Pii(PiiArgs),
    /// Record a steward's decision on a column's label; no re-scan overwrites it
    Classify(ClassifyArgs),
    /// Walk the lineage of a table or column, or ingest lineage (`lineage ingest`)
    Lineage(LineageArgs),
    /// Search the catalog: tables and columns by name, description,
    /// sensitivity, owner and lineage, typos forgiven
    Search(SearchArgs),
    /// Ask the local model a governance question about the catalog; the
    /// answer cites the tables and columns it rests on, each checked
    Ask(AskArgs),
    /// Run a read-only SQL query over the warehouse tables and the catalog's
    /// system tables (steward.tables, ...); sensitive columns come back masked
    Query(QueryArgs),
    /// SQL over the governed warehouse as a role sees it: a schema per
    /// source, sensitive columns masked, hashed, nulled or denied as
    /// [sql.masking] says, each query kept as usage
    #[command(subcommand)]
    Sql(SqlCommand),
    /// Maintain the search index (it follows the catalog by itself)
    #[command(subcommand)]
    Index(IndexCommand),
    /// Set a table's owner, description or tags (kept across re-scans)
    Annotate(AnnotateArgs),
    /// Run the governance policies and record their findings; exit 1 when a
    /// finding is at or above --fail-on
    Check(CheckArgs),
    /// List findings, or acknowledge, waive or reopen one
    Findings(FindingsArgs),
    /// Draft table and column descriptions with the local model, as
    /// proposals a steward approves or rejects
    #[command(subcommand)]
    Docs(DocsCommand),
    /// Documentation proposals: list, show, approve (the description is
    /// written) or reject
    Proposals(ProposalsArgs),
    /// What storage and queries cost, by table, user or team, and the savings
    /// at hand
    Cost(CostArgs),
    /// List or validate policies (built-in and configured folders)
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Serve the HTTP API (and its docs at /docs) until Ctrl-C or SIGTERM
    Serve(ServeArgs),
    /// Serve the catalog's read-only tools to an AI assistant over the Model
    /// Context Protocol on stdin and stdout (`steward serve` has them at /mcp)
    Mcp(McpArgs),
    /// Scheduled governance jobs: schedules (cron), runs asked for now, the
    /// queue and its history
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Run queued jobs until Ctrl-C or SIGTERM (several workers may share a
    /// PostgreSQL catalog); `steward serve` runs one too
    Worker(WorkerArgs),
    /// Users of `steward serve`: add, list, remove, set a password or role,
    /// make and revoke API tokens
    #[command(subcommand)]
    User(UserCommand),
    /// Local models: fetch the presets, list them
    #[command(subcommand)]
    Model(ModelCommand),
    /// The local LLM: chat, one-shot (JSON-constrained) generation, benchmark
    #[command(subcommand)]
    Llm(LlmCommand),
    /// Write a realistic sample company warehouse to try Steward on
    DemoData(DemoDataArgs),
    /// Benchmarks (see docs/benchmarks.md)
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// The schedules, each with its next time, and the jobs queued or running
    List,
    /// Define a schedule: a kind of job on a cron expression in a time zone
    Add(JobsAddArgs),
    /// Remove a schedule (one defined in steward.toml is removed there)
    Remove { name: String },
    /// Turn a schedule on; it is next due from now
    Enable { name: String },
    /// Turn a schedule off; queued runs of it still run
    Disable { name: String },
    /// Queue a job now, ahead of scheduled ones (a worker or `steward serve` runs it)
    Run(JobsRunArgs),
    /// Jobs run and running, newest first
    History(JobsHistoryArgs),
    /// One job: its attempts, timings, log and what it changed
    Show { id: i64 },
    /// Cancel a job that has not started
    Cancel { id: i64 },
}

/// What a job works on.
#[derive(Debug, Args)]
pub struct JobTarget {
    /// scan: the source (every source, one job each, when absent)
    #[arg(long)]
    pub source: Option<String>,
    /// scan: only tables whose schema.table matches this glob
    #[arg(long)]
    pub tables: Option<String>,
    /// backup: the file to write; `{time}` in it becomes the run's UTC time.
    /// ingest: the file or folder to read (only what is new or changed)
    #[arg(long)]
    pub path: Option<String>,
    /// ingest: query_log, models, dbt_manifest, openlineage or sql [default: guessed from the path]
    #[arg(long)]
    pub input: Option<String>,
    /// ingest: the query logs' format [default: auto]
    #[arg(long)]
    pub format: Option<String>,
    /// ingest: the SQL dialect [default: generic]
    #[arg(long)]
    pub dialect: Option<String>,
    /// docs: tables drafted at most per run [default: 10]
    #[arg(long)]
    pub limit: Option<u32>,
}

#[derive(Debug, Args)]
pub struct JobsAddArgs {
    /// A name without spaces, e.g. nightly-scan
    pub name: String,
    /// scan, check, propagate, reindex, backup, ingest, docs, cost_snapshot or noop
    #[arg(long)]
    pub kind: steward_types::JobKind,
    /// 5 fields (minute hour day month weekday) or 6 with seconds first, e.g. "0 2 * * *"
    #[arg(long)]
    pub cron: String,
    /// An IANA time zone, e.g. Europe/Paris [default: UTC]
    #[arg(long = "tz")]
    pub timezone: Option<String>,
    /// After downtime: catch_up (run once for the missed times) or skip
    #[arg(long)]
    pub missed: Option<steward_types::MissedRuns>,
    /// Define it turned off
    #[arg(long)]
    pub disabled: bool,
    #[command(flatten)]
    pub target: JobTarget,
}

#[derive(Debug, Args)]
pub struct JobsRunArgs {
    /// scan, check, propagate, reindex, backup, ingest, docs, cost_snapshot or noop
    pub kind: steward_types::JobKind,
    #[command(flatten)]
    pub target: JobTarget,
    /// Wait until the jobs end and exit 1 when one failed
    #[arg(long)]
    pub wait: bool,
    /// Who asked for it, as the history records it [default: $USER]
    #[arg(long)]
    pub by: Option<String>,
}

#[derive(Debug, Args)]
pub struct JobsHistoryArgs {
    /// Only jobs with this status: queued, running, succeeded, failed, cancelled
    #[arg(long)]
    pub status: Option<steward_types::QueueStatus>,
    /// Only jobs of this kind
    #[arg(long)]
    pub kind: Option<steward_types::JobKind>,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Run the jobs due now, one after another, then exit
    #[arg(long)]
    pub once: bool,
    /// Only these kinds, comma-separated (e.g. scan,check)
    #[arg(long, value_delimiter = ',')]
    pub kinds: Vec<steward_types::JobKind>,
    /// Also run the scheduler (one is enough per catalog; `steward serve` runs one)
    #[arg(long)]
    pub schedule: bool,
    /// Load no model: `docs` jobs then fail (the configured model is loaded
    /// when this worker may run them and it is in the model cache)
    #[arg(long, conflicts_with = "model")]
    pub no_model: bool,
    #[command(flatten)]
    pub model: ModelArg,
}

#[derive(Debug, Args)]
pub struct McpArgs {
    /// Serve without a model: the `ask` tool then answers that none is loaded
    #[arg(long, conflicts_with = "model")]
    pub no_model: bool,
    #[command(flatten)]
    pub model: ModelArg,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on [default: `[server] listen`, 127.0.0.1:8080]
    #[arg(long)]
    pub listen: Option<String>,
    /// Serve without a model: `POST /api/v1/ask` then answers 503 (the
    /// configured model is loaded when it is in the model cache)
    #[arg(long, conflicts_with = "model")]
    pub no_model: bool,
    #[command(flatten)]
    pub model: ModelArg,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. The password is read from stdin with --password-stdin;
    /// without it one is generated and printed once
    Add(UserAddArgs),
    /// List users with their role and live tokens
    List,
    /// Remove a user with their sessions and tokens (never the last admin)
    Remove(UserNameArgs),
    /// Set a user's password from stdin (their sessions end)
    Passwd(UserNameArgs),
    /// Change a user's role (their tokens are lowered with it)
    Role(UserRoleArgs),
    /// Make an API token for a user; it is printed once and never again
    Token(UserTokenArgs),
    /// List API tokens (their prefixes, never the secrets)
    Tokens {
        /// Only this user's
        user: Option<String>,
    },
    /// Revoke an API token by its prefix (`stw_ab12cd34`)
    Revoke {
        prefix: String,
        /// Who makes the change [default: $USER]
        #[arg(long, env = "STEWARD_USER")]
        by: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// Letters, digits and . _ @ -
    pub name: String,
    #[arg(long, value_parser = parse_role, default_value = "viewer")]
    pub role: steward_types::Role,
    /// Read the password from stdin (one line)
    #[arg(long)]
    pub password_stdin: bool,
    /// An account for tokens only: no password, cannot log in
    #[arg(long, conflicts_with = "password_stdin")]
    pub no_password: bool,
    /// Succeed without change when the user exists (its password is kept)
    #[arg(long)]
    pub exists_ok: bool,
    /// Who makes the change [default: $USER]
    #[arg(long, env = "STEWARD_USER")]
    pub by: Option<String>,
}

#[derive(Debug, Args)]
pub struct UserNameArgs {
    pub name: String,
    /// Who makes the change [default: $USER]
    #[arg(long, env = "STEWARD_USER")]
    pub by: Option<String>,
}

#[derive(Debug, Args)]
pub struct UserRoleArgs {
    pub name: String,
    #[arg(value_parser = parse_role)]
    pub role: steward_types::Role,
    /// Who makes the change [default: $USER]
    #[arg(long, env = "STEWARD_USER")]
    pub by: Option<String>,
}

#[derive(Debug, Args)]
pub struct UserTokenArgs {
    /// The user the token acts as
    pub name: String,
    /// What the token is for (`ci`, `airflow lineage`)
    #[arg(long)]
    pub label: String,
    /// At most the user's role [default: the user's role]
    #[arg(long, value_parser = parse_role)]
    pub role: Option<steward_types::Role>,
    /// Days until it expires [default: never]
    #[arg(long)]
    pub expires_days: Option<u32>,
    /// Who makes the change [default: $USER]
    #[arg(long, env = "STEWARD_USER")]
    pub by: Option<String>,
}

fn parse_role(s: &str) -> Result<steward_types::Role, String> {
    s.parse()
        .map_err(|e: steward_types::ParseEnumError| e.to_string())
}

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Fetch a preset, assemble it and check its sha256 into the model folder
    Pull {
        /// smollm2-135m, qwen2.5-coder-0.5b or qwen2.5-coder-1.5b
        preset: String,
    },
    /// The presets, and which are here
    List,
}

#[derive(Debug, Args)]
pub struct AskArgs {
    /// The question, in words (`which columns hold e-mail addresses?`)
    pub question: String,
    #[command(flatten)]
    pub agent: AgentArgs,
}

/// How the Ask agent runs (`steward ask`, `steward bench agent`).
#[derive(Debug, Args)]
pub struct AgentArgs {
    /// Answers drafted at once and voted on (1 to 8); the agreement is the
    /// confidence
    #[arg(long, default_value_t = 1)]
    pub samples: usize,
    /// Tool calls the model may ask for after the plan's
    #[arg(long, default_value_t = 0)]
    pub extra_steps: usize,
    #[command(flatten)]
    pub model: ModelArg,
}

#[derive(Debug, Default, Args)]
pub struct ModelArg {
    /// A preset or a GGUF file [default: llm.model in steward.toml]
    #[arg(long, value_name = "PRESET|PATH")]
    pub model: Option<String>,
    /// Threads [default: llm.threads, the machine's cores]
    #[arg(long)]
    pub threads: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum LlmCommand {
    /// Talk with the model; each turn streams, the history is kept (/reset
    /// forgets it; the oldest turns go when it outgrows the context); Ctrl-C
    /// stops a reply; /quit, an empty line or end of input ends
    Chat(LlmChatArgs),
    /// One reply to a prompt (an argument or standard input), optionally
    /// JSON matching a JSON Schema
    Generate(LlmGenerateArgs),
    /// Prompt and generation tokens/s at 1 and 2 threads, cold and cached
    /// time to first token, and batched throughput
    Bench(LlmBenchArgs),
}

#[derive(Debug, Args)]
pub struct LlmChatArgs {
    #[command(flatten)]
    pub model: ModelArg,
    /// The system prompt
    #[arg(
        long,
        default_value = "You are Steward, a data governance assistant. Be brief."
    )]
    pub system: String,
    #[arg(long, default_value_t = 256)]
    pub max_tokens: usize,
}

#[derive(Debug, Args)]
pub struct LlmGenerateArgs {
    #[command(flatten)]
    pub model: ModelArg,
    /// The prompt [default: standard input]
    pub prompt: Option<String>,
    /// The reply must be JSON matching this JSON Schema file
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
    /// A system prompt
    #[arg(long)]
    pub system: Option<String>,
    #[arg(long, default_value_t = 256)]
    pub max_tokens: usize,
    /// 0 is greedy: the same prompt, the same reply
    #[arg(long, default_value_t = 0.0)]
    pub temperature: f32,
}

#[derive(Debug, Args)]
pub struct LlmBenchArgs {
    #[command(flatten)]
    pub model: ModelArg,
    /// Prompt tokens for the prompt-processing measure
    #[arg(long, default_value_t = 512)]
    pub prompt_tokens: usize,
    /// Tokens generated for the generation measure
    #[arg(long, default_value_t = 128)]
    pub gen_tokens: usize,
    /// Runs of each measure; the median is reported
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
}

#[derive(Debug, Args)]
pub struct AnnotateArgs {
    /// The table: raw.customers, or source.schema.table
    pub table: String,
    /// Who answers for the table (a team or a person); "" clears it
    #[arg(long)]
    pub owner: Option<String>,
    /// What the table holds; "" clears it
    #[arg(long)]
    pub description: Option<String>,
    /// Add a tag (gold, finance, deprecated), repeatable
    #[arg(long)]
    pub tag: Vec<String>,
    /// Remove a tag, repeatable
    #[arg(long)]
    pub untag: Vec<String>,
    /// Who makes the change [default: $USER]
    #[arg(long, env = "STEWARD_USER")]
    pub by: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CostBy {
    Table,
    User,
    Team,
}

#[derive(Debug, Args)]
pub struct CostArgs {
    /// Break compute and storage down by
    #[arg(long, value_enum, default_value_t = CostBy::Table)]
    pub by: CostBy,
    /// Rows to show (with --history: the latest snapshots)
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// The cost over time instead: the snapshots `cost_snapshot` jobs took
    #[arg(long)]
    pub history: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Only this policy, repeatable
    #[arg(long = "policy", value_name = "ID")]
    pub policies: Vec<String>,
    /// Also this folder of policy files, repeatable (after those in steward.toml)
    #[arg(long = "policies", value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Exit 1 when an open or acknowledged finding is at or above this
    /// severity: info, low, medium, high, critical
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
    /// Print the report as Markdown (for a pull request)
    #[arg(long, conflicts_with = "json")]
    pub markdown: bool,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct FindingsArgs {
    #[command(subcommand)]
    pub command: Option<FindingsCommand>,
    /// Only these statuses, repeatable: open, acknowledged, waived, resolved,
    /// or all [default: open and acknowledged]
    #[arg(long)]
    pub status: Vec<String>,
    /// Only findings at or above this severity
    #[arg(long)]
    pub severity: Option<String>,
    /// Only this policy's findings
    #[arg(long, value_name = "ID")]
    pub policy: Option<String>,
    /// Only findings on tables (or their columns) this owner owns
    #[arg(long, value_name = "OWNER")]
    pub owner: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum DocsCommand {
    /// Draft descriptions for a table (or every table without one); each
    /// is stored as a pending proposal, nothing is applied
    Draft(DocsDraftArgs),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["table", "all_undocumented"])))]
pub struct DocsDraftArgs {
    /// The table, as `steward show` takes it
    pub table: Option<String>,
    /// Every table that has no description
    #[arg(long)]
    pub all_undocumented: bool,
    #[command(flatten)]
    pub model: ModelArg,
}

#[derive(Debug, Args)]
pub struct ProposalsArgs {
    #[command(subcommand)]
    pub command: Option<ProposalsCommand>,
    /// Only this status: pending, approved, rejected or all [default: pending]
    #[arg(long, default_value = "pending")]
    pub status: String,
}

#[derive(Debug, Subcommand)]
pub enum ProposalsCommand {
    /// A proposal with what it was drafted from
    Show { id: i64 },
    /// Write the proposed description into the catalog
    Approve(ProposalDecideArgs),
    /// Keep the proposal unapplied, with the reason
    Reject(ProposalRejectArgs),
}

#[derive(Debug, Args)]
pub struct ProposalDecideArgs {
    pub id: i64,
    /// Why; kept in the audit trail
    #[arg(long)]
    pub reason: Option<String>,
    /// Who decides [default: $USER]
    #[arg(long, env = "STEWARD_USER")]
    pub by: Option<String>,
}

#[derive(Debug, Args)]
pub struct ProposalRejectArgs {
    pub id: i64,
    /// Why; kept with the proposal and in the audit trail
    #[arg(long)]
    pub reason: String,
    /// Who decides [default: $USER]
    #[arg(long, env = "STEWARD_USER")]
    pub by: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum FindingsCommand {
    /// A finding with its history
    Show { id: i64 },
    /// Mark a finding as seen and being worked on
    Ack(FindingActArgs),
    /// Accept a finding until a date; it reopens then if still violated
    Waive(FindingWaiveArgs),
    /// Reopen an acknowledged, waived or resolved finding
    Reopen(FindingActArgs),
}

#[derive(Debug, Args)]
pub struct FindingActArgs {
    pub id: i64,
    /// Why; kept in the finding's history
    #[arg(long)]
    pub reason: String,
    /// Who acts [default: $USER]
    #[arg(long, env = "STEWARD_USER")]
    pub by: Option<String>,
}

#[derive(Debug, Args)]
pub struct FindingWaiveArgs {
    #[command(flatten)]
    pub act: FindingActArgs,
    /// The last day of the waiver (YYYY-MM-DD, or an RFC 3339 time)
    #[arg(long, conflicts_with = "days")]
    pub until: Option<String>,
    /// Days the waiver lasts [default: 90]
    #[arg(long)]
    pub days: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// The policies in effect, with their severity and origin
    List,
    /// Check policy files (TOML, fields, SQL planned against the system
    /// tables) and report every problem with file, line and column
    Validate {
        /// A folder of policy files [default: the built-ins and configured folders]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words, a name (`raw.customers.email`) or a question
    #[arg(default_value = "")]
    pub query: String,
    /// Narrow to a facet value, repeatable: kind=column, label=email_address,
    /// source=lake, schema=raw, owner=finance, tag=gold
    #[arg(long, value_name = "NAME=VALUE")]
    pub facet: Vec<String>,
    /// Results to show
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// One SELECT; tables as the catalog names them (`raw.orders`,
    /// `steward.findings`). DDL, DML and SET are refused
    pub sql: String,
}

#[derive(Debug, Subcommand)]
pub enum SqlCommand {
    /// Run one query as a role would (`SELECT * FROM lake.customers`)
    Query(SqlQueryArgs),
    /// Serve the governed warehouse over the PostgreSQL wire protocol (psql,
    /// BI tools, notebooks), logging in Steward's users
    Serve(SqlServeArgs),
}

#[derive(Debug, Args)]
pub struct SqlServeArgs {
    /// Address to listen on [default: [sql] listen, else 127.0.0.1:5433]
    #[arg(long)]
    pub listen: Option<String>,
}

#[derive(Debug, Args)]
pub struct SqlQueryArgs {
    /// One query; tables as `source.table`, and the `steward.*` system tables
    pub sql: String,
    /// See what this role sees: viewer, steward or admin
    #[arg(long, default_value = "viewer")]
    pub role: steward_types::Role,
    /// Who ran it, as usage records it [default: $USER]
    #[arg(long)]
    pub by: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Rebuild the search index from the catalog store
    Rebuild,
    /// Bring the search index in step with the catalog (only what changed)
    Sync,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Profile every table of a file lake (all rows, top-k included) without a
    /// catalog, and report time and peak memory
    Profile(BenchProfileArgs),
    /// Classify the columns of a PII corpus (`DIR/tables/*.csv`) and write the
    /// predictions for its scorer
    Pii(BenchPiiArgs),
    /// Lineage for every case of a JSONL corpus (`id`, `sql`, `dialect`,
    /// `schema`), written one line a case for its scorer
    Lineage(BenchLineageArgs),
    /// Search on a generated catalog (build rate, size, query latency), or
    /// recall@k of retrieval on this catalog with --questions
    Search(BenchSearchArgs),
    /// The Ask agent on every question of a JSONL file (`id`, `question`;
    /// other fields ignored) against this catalog, one JSON line an answer
    Agent(BenchAgentArgs),
    /// The job queue on this catalog: JOBS no-op jobs drained by WORKERS
    /// workers (jobs/s, each run exactly once), then how late scheduled
    /// jobs start under that load (p50/p99)
    Queue(BenchQueueArgs),
    /// The governed SQL path against plain DataFusion on the same Parquet
    /// file (a source of this catalog, scanned): each query RUNS times by
    /// each, medians and their ratio
    Sql(BenchSqlArgs),
}

#[derive(Debug, Args)]
pub struct BenchSqlArgs {
    /// The source holding the table, as this catalog knows it
    #[arg(long)]
    pub source: String,
    /// The table's name under the source (e.g. lineitem)
    #[arg(long)]
    pub table: String,
    /// The Parquet file (or folder) plain DataFusion reads
    #[arg(long, value_name = "PATH")]
    pub parquet: PathBuf,
    /// Queries as JSON lines: `name` and `sql`, naming the table `{table}`
    #[arg(long, value_name = "FILE")]
    pub queries: PathBuf,
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// The role the governed path runs as
    #[arg(long, default_value = "admin")]
    pub role: steward_types::Role,
}

#[derive(Debug, Args)]
pub struct BenchQueueArgs {
    #[arg(long, default_value_t = 10_000)]
    pub jobs: usize,
    #[arg(long, default_value_t = 1)]
    pub workers: usize,
    /// Seconds of an every-second schedule run beside a stream of no-op
    /// jobs, to measure how late scheduled jobs start (0: skip)
    #[arg(long, default_value_t = 30)]
    pub schedule_secs: u64,
}

#[derive(Debug, Args)]
pub struct BenchAgentArgs {
    /// Questions: JSON lines with `id` and `question`
    #[arg(long, value_name = "FILE")]
    pub questions: PathBuf,
    /// Where the answers go, one JSON line each
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[command(flatten)]
    pub agent: AgentArgs,
}

#[derive(Debug, Args)]
pub struct BenchSearchArgs {
    /// Tables in the generated catalog
    #[arg(long, default_value_t = 100_000)]
    pub tables: usize,
    /// Columns per generated table
    #[arg(long, default_value_t = 10)]
    pub columns: usize,
    /// Indexing threads [default: 1]
    #[arg(long)]
    pub threads: Option<usize>,
    /// Timed passes over the 200 queries (after one warm-up pass)
    #[arg(long, default_value_t = 3)]
    pub passes: usize,
    /// Instead: questions (JSONL `question`, `answers`: asset names) asked
    /// of this catalog's index; reports recall@k
    #[arg(long, value_name = "FILE")]
    pub questions: Option<PathBuf>,
    /// Passages retrieved per question
    #[arg(long, default_value_t = 5)]
    pub k: usize,
    /// Also write the generated catalog and queries here (docs.jsonl,
    /// queries.jsonl), for a peer to run the same work
    #[arg(long, value_name = "DIR")]
    pub dump: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BenchLineageArgs {
    /// The cases, one JSON object a line
    #[arg(long)]
    pub cases: PathBuf,
    /// Where to write the predictions (JSONL)
    #[arg(long)]
    pub out: PathBuf,
    /// Analyse the cases this many times and report the median time
    #[arg(long, default_value_t = 5)]
    pub repeat: usize,
    /// How a file or directory source or target is written: `name`, a plain
    /// string (`s3://bucket/dir`), or `object`, `{"path": "s3://bucket/dir"}`.
    /// Corpora differ; the analysis is the same
    #[arg(long, value_enum, default_value_t = PathStyle::Name)]
    pub path_style: PathStyle,
    /// What `count(*)` feeds from: `table` (an edge from the table's `*`,
    /// the default, as `[lineage] count_star`) or `none`. Corpora differ
    #[arg(long, default_value = "table")]
    pub count_star: steward_lineage::CountStar,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PathStyle {
    Name,
    Object,
}

#[derive(Debug, Args)]
pub struct BenchPiiArgs {
    /// The corpus folder: `tables/*.csv` with a header row, empty field = NULL
    #[arg(long)]
    pub corpus: PathBuf,
    /// Where to write the predictions (JSON)
    #[arg(long)]
    pub out: PathBuf,
    /// Non-null values looked at per column
    #[arg(long, default_value_t = 30)]
    pub sample_k: usize,
    /// Classify the corpus this many times and report the median time
    #[arg(long, default_value_t = 5)]
    pub repeat: usize,
    /// Ask the local model about the columns the rules leave ambiguous, as
    /// a scan with `agent.second_opinion` does (one pass)
    #[arg(long)]
    pub second_opinion: bool,
    #[command(flatten)]
    pub model: ModelArg,
}

#[derive(Debug, Args)]
pub struct BenchProfileArgs {
    /// A folder of Parquet/CSV/NDJSON files (a lake or one table's folder)
    pub path: PathBuf,
    /// DataFusion threads [default: warehouse.threads]
    #[arg(long)]
    pub threads: Option<usize>,
}

#[derive(Debug, Args)]
pub struct DemoDataArgs {
    /// Folder to write (created; a previous sample there is replaced)
    pub dir: PathBuf,
    /// Size multiplier: scale 1 is about 1,000 customers and 5,000 orders
    #[arg(long, default_value_t = 1)]
    pub scale: u32,
}

#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    /// Register a source. Passwords never go in the URL: a database source reads
    /// its password from STEWARD_SOURCE_<NAME>_PASSWORD (or --option password_env=VAR)
    Add(SourceAddArgs),
    /// List registered sources
    List,
    /// Remove a source and everything the catalog learned from it
    Remove(SourceRemoveArgs),
}

#[derive(Debug, Args)]
pub struct SourceAddArgs {
    /// A name for the source (letters, digits, `_`, `-`)
    pub name: String,
    /// A folder or s3://bucket/prefix of Parquet/CSV/NDJSON files, or
    /// postgres://USER@HOST/DB, mysql://USER@HOST/DB, sqlite:///PATH
    pub url: String,
    /// Source options, repeatable: sslmode=disable, password_env=VAR,
    /// endpoint=http://127.0.0.1:9000, region=eu-west-1
    #[arg(long = "option", short = 'o', value_name = "KEY=VALUE", value_parser = parse_option)]
    pub options: Vec<(String, String)>,
    /// What the source is, for people
    #[arg(long)]
    pub description: Option<String>,
    /// Register without trying to connect
    #[arg(long)]
    pub no_check: bool,
    /// Succeed without change when a source of this name and URL is registered
    #[arg(long)]
    pub exists_ok: bool,
}

fn parse_option(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("`{s}` is not KEY=VALUE")),
    }
}

#[derive(Debug, Args)]
pub struct SourceRemoveArgs {
    pub name: String,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Scan only this source [default: all]
    pub source: Option<String>,
    /// Only tables whose `schema.table` matches this glob, e.g. 'raw.*'
    #[arg(long, value_name = "GLOB")]
    pub tables: Option<String>,
    /// Inspect schemas only
    #[arg(long)]
    pub no_profile: bool,
    /// Profile a sample of N rows of larger tables [default: warehouse.sample_rows]
    #[arg(long, value_name = "N")]
    pub sample_rows: Option<u64>,
    /// Do not classify sensitive data
    #[arg(long)]
    pub no_classify: bool,
    /// Ask the local model about columns the rules leave ambiguous
    /// [default: agent.second_opinion]
    #[arg(long, conflicts_with = "no_classify")]
    pub second_opinion: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("decision").required(true).args(["label", "reject"])))]
pub struct ClassifyArgs {
    /// The column, as TABLE.COLUMN (raw.customers.email, or source.schema.table.column)
    pub column: String,
    /// Confirm the column holds this label (EMAIL_ADDRESS, PHONE_NUMBER, ...)
    #[arg(long)]
    pub label: Option<String>,
    /// Declare the column not sensitive, whatever the detector says
    #[arg(long)]
    pub reject: bool,
    /// Why (required with --reject); kept with the decision
    #[arg(long)]
    pub reason: Option<String>,
    /// Who decides [default: $USER]
    #[arg(long, env = "STEWARD_USER")]
    pub by: Option<String>,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct LineageArgs {
    #[command(subcommand)]
    pub command: Option<LineageCommand>,
    /// A table or a column: `mart.customer_360` or `mart.customer_360.email`
    pub asset: Option<String>,
    /// Only what feeds the asset
    #[arg(long, conflicts_with = "downstream")]
    pub upstream: bool,
    /// Only what the asset feeds
    #[arg(long)]
    pub downstream: bool,
    /// Hops to follow
    #[arg(long, default_value_t = 3)]
    pub depth: usize,
    /// Print the graph in Graphviz dot
    #[arg(long, conflicts_with = "json")]
    pub dot: bool,
    /// What breaks if the asset is dropped or retyped: everything downstream,
    /// and the queries, models and jobs that read it on the way
    #[arg(long, conflicts_with_all = ["upstream", "downstream", "dot"])]
    pub impact: bool,
    /// With --impact: the change to assess. `drop` breaks everything
    /// downstream; `retype` (a column) follows copies, stops at counts and
    /// flags what computes with it for review
    #[arg(long, value_enum, default_value_t = ChangeArg::Drop, requires = "impact")]
    pub change: ChangeArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ChangeArg {
    Drop,
    Retype,
}

#[derive(Debug, Subcommand)]
pub enum LineageCommand {
    /// Read lineage into the catalog: query logs, dbt-style model files, dbt
    /// manifests, OpenLineage events, SQL scripts. Re-ingesting the same input
    /// replaces its edges
    Ingest(LineageIngestArgs),
    /// Recompute the labels sensitive columns pass on through lineage
    /// (`ingest` does this too)
    Propagate,
}

#[derive(Debug, Args)]
pub struct LineageIngestArgs {
    /// A query log: JSON lines, or an export of Snowflake, BigQuery or
    /// PostgreSQL (see --format)
    #[arg(long, value_name = "FILE")]
    pub query_log: Vec<PathBuf>,
    /// The query logs' format: auto (told from the first line), jsonl,
    /// snowflake, bigquery, postgres-csvlog or pg-stat-statements
    #[arg(long, default_value = "auto")]
    pub format: String,
    /// A folder of dbt-style models (`*.sql` with `{{ source() }}`, `{{ ref() }}`)
    #[arg(long, value_name = "DIR")]
    pub models: Vec<PathBuf>,
    /// A SQL script
    #[arg(long = "sql", value_name = "FILE")]
    pub sql: Vec<PathBuf>,
    /// A dbt `manifest.json`: compiled SQL, or `depends_on` when not compiled
    #[arg(long, value_name = "FILE")]
    pub dbt_manifest: Vec<PathBuf>,
    /// A dbt `catalog.json` (`dbt docs generate`): the columns and types of
    /// the models given with it [default: the `catalog.json` beside each
    /// --dbt-manifest, when dbt wrote one]
    #[arg(long, value_name = "FILE")]
    pub dbt_catalog: Vec<PathBuf>,
    /// OpenLineage run events (JSON lines or an array), column-lineage facet included
    #[arg(long, value_name = "FILE")]
    pub openlineage: Vec<PathBuf>,
    /// The definitions of the views the scans found
    #[arg(long)]
    pub views: bool,
    /// SQL dialect: generic, postgres, mysql, sqlite, snowflake, bigquery, hive,
    /// sparksql, databricks, redshift, tsql, ...
    #[arg(long, default_value = "generic")]
    pub dialect: String,
}

#[derive(Debug, Args)]
pub struct PiiArgs {
    /// Only this source's columns
    #[arg(long)]
    pub source: Option<String>,
    /// Only this label (EMAIL_ADDRESS, QUASI_IDENTIFIER, ...)
    #[arg(long)]
    pub label: Option<String>,
}

#[derive(Debug, Args)]
pub struct TablesArgs {
    /// Only this source's tables
    #[arg(long)]
    pub source: Option<String>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// `source.schema.table`, `schema.table` or `table`
    pub table: String,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Catalog store URL to write into the new config (default: SQLite in the data dir)
    #[arg(long, value_name = "URL")]
    pub store_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Only report where the schema stands; change nothing
    #[arg(long)]
    pub status: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the configuration in effect, secrets masked
    Show,
}
