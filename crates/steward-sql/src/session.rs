//! One principal's SQL session: a DataFusion context holding what it may
//! read ([`crate::register`]), the `[sql]` limits (memory pool, time, the
//! viewer's row cap), and the checks every statement passes before it runs:
//! a query and nothing else, and no denied column left in its plan. Each
//! query run is kept as usage, with the bytes its scans read.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use datafusion::arrow::array::Array;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::common::config::Dialect;
use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
use datafusion::error::DataFusionError;
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::logical_expr::{Expr, LogicalPlan};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::prelude::{SQLOptions, SessionConfig, SessionContext};
use datafusion::sql::parser::Statement as DfStatement;
use datafusion::sql::sqlparser::ast::Statement;
use steward_service::{Principal, SqlCatalog, SqlQueryRecord, Steward};

use crate::error::SqlError;
use crate::mask::{DENIED, Denied};

/// What a session may use.
#[derive(Debug, Clone)]
pub struct SqlLimits {
    pub timeout: Duration,
    pub memory_limit_mb: usize,
    /// Rows a query returns at most; `None` for no cap.
    pub max_rows: Option<usize>,
    pub threads: usize,
}

/// What a query returned.
#[derive(Debug, Clone)]
pub struct QueryOutput {
    pub batches: Vec<RecordBatch>,
    /// More rows were there than the role may have.
    pub truncated: bool,
    /// `schema.table` of each catalog table it read.
    pub tables: Vec<String>,
    pub bytes_scanned: Option<i64>,
    pub elapsed: Duration,
}

impl QueryOutput {
    pub fn rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// The column names.
    pub fn columns(&self) -> Vec<String> {
        self.batches
            .first()
            .map(|b| {
                b.schema()
                    .fields()
                    .iter()
                    .map(|f| f.name().clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every cell as text (`None` for null), row by row.
    pub fn text_rows(&self) -> Result<Vec<Vec<Option<String>>>, SqlError> {
        let options = FormatOptions::default();
        let mut rows = Vec::with_capacity(self.rows());
        for batch in &self.batches {
            let formatters = batch
                .columns()
                .iter()
                .map(|a| ArrayFormatter::try_new(a.as_ref(), &options))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| SqlError::Internal(e.to_string()))?;
            for i in 0..batch.num_rows() {
                rows.push(
                    batch
                        .columns()
                        .iter()
                        .zip(&formatters)
                        .map(|(a, f)| (!a.is_null(i)).then(|| f.value(i).to_string()))
                        .collect(),
                );
            }
        }
        Ok(rows)
    }
}

/// A principal's session over the governed warehouse.
pub struct GovernedSession {
    ctx: SessionContext,
    steward: Arc<Steward>,
    principal: Principal,
    catalog: Arc<SqlCatalog>,
    limits: SqlLimits,
}

impl std::fmt::Debug for GovernedSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GovernedSession")
            .field("user", &self.principal.user)
            .field("role", &self.principal.role)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// DataFusion's message without its prefixes and backtrace.
fn plain(e: &DataFusionError) -> String {
    let text = e.find_root().to_string();
    let first = text.lines().next().unwrap_or_default();
    for prefix in [
        "Error during planning: ",
        "SQL error: ",
        "Execution error: ",
        "External error: ",
        "Schema error: ",
    ] {
        if let Some(rest) = first.strip_prefix(prefix) {
            return rest.to_string();
        }
    }
    first.to_string()
}

fn classify(e: &DataFusionError) -> SqlError {
    let message = plain(e);
    match e.find_root() {
        DataFusionError::SQL(..) => SqlError::Syntax(message),
        DataFusionError::ResourcesExhausted(_) => SqlError::Memory(format!(
            "the query needs more memory than a query may use ([sql] query_memory_limit_mb): {message}"
        )),
        DataFusionError::Execution(m) if m.contains(" is denied to role ") => {
            SqlError::Denied(message)
        }
        DataFusionError::Plan(_) | DataFusionError::SchemaError(_, _)
            if [
                "not found",
                "No field named",
                "Invalid function",
                "does not exist",
            ]
            .iter()
            .any(|m| message.contains(m)) =>
        {
            SqlError::Undefined(message)
        }
        _ => SqlError::Invalid(message),
    }
}

fn first_words(sql: &str) -> String {
    sql.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

impl GovernedSession {
    /// A session for `principal`, with the limits `[sql]` sets.
    pub async fn open(steward: Arc<Steward>, principal: Principal) -> Result<Self, SqlError> {
        let config = &steward.config().sql;
        let limits = SqlLimits {
            timeout: Duration::from_secs(config.query_timeout_secs.max(1)),
            memory_limit_mb: config.query_memory_limit_mb.max(16),
            max_rows: None,
            threads: steward.config().warehouse.effective_threads(),
        };
        Self::with_limits(steward, principal, limits).await
    }

    /// A session with limits of the caller's choosing (the viewer's row cap
    /// is applied on top).
    pub async fn with_limits(
        steward: Arc<Steward>,
        principal: Principal,
        mut limits: SqlLimits,
    ) -> Result<Self, SqlError> {
        let mut config = SessionConfig::new()
            .with_target_partitions(limits.threads.max(1))
            .with_information_schema(true)
            .with_default_catalog_and_schema("datafusion", "public");
        // What PostgreSQL clients write.
        config.options_mut().sql_parser.dialect = Dialect::PostgreSQL;
        let runtime = RuntimeEnvBuilder::new()
            .with_memory_limit(limits.memory_limit_mb * 1024 * 1024, 1.0)
            .with_disk_manager_builder(
                DiskManagerBuilder::default().with_mode(DiskManagerMode::Disabled),
            )
            .build_arc()
            .map_err(|e| SqlError::Internal(plain(&e)))?;
        let state = SessionStateBuilder::new()
            .with_config(config)
            .with_runtime_env(runtime)
            .with_default_features()
            .build();
        let ctx = SessionContext::new_with_state(state);
        let catalog = crate::register(&ctx, &steward, &principal).await?;
        if let Some(cap) = catalog.max_rows {
            limits.max_rows = Some(limits.max_rows.map_or(cap, |m| m.min(cap)));
        }
        Ok(Self {
            ctx,
            steward,
            principal,
            catalog,
            limits,
        })
    }

    /// The session's DataFusion context (to register more, or to plan).
    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }

    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    pub fn catalog(&self) -> &SqlCatalog {
        &self.catalog
    }

    pub fn limits(&self) -> &SqlLimits {
        &self.limits
    }

    /// Refuses anything but a query, before any table is opened.
    pub fn check_statement(&self, sql: &str) -> Result<DfStatement, SqlError> {
        let state = self.ctx.state();
        let dialect = state.config().options().sql_parser.dialect;
        let statement = state
            .sql_to_statement(sql, &dialect)
            .map_err(|e| SqlError::Syntax(plain(&e)))?;
        check_read_only(&statement)?;
        Ok(statement)
    }

    /// Plans `sql` for a prepared statement (its parameters not yet bound):
    /// a query only; [`Self::check_plan`] checks the rest once bound.
    pub async fn prepare(&self, sql: &str) -> Result<LogicalPlan, SqlError> {
        let statement = self.check_statement(sql)?;
        self.ctx
            .state()
            .statement_to_plan(statement)
            .await
            .map_err(|e| classify(&e))
    }

    /// Plans `sql` as this principal may run it: a query only, optimised,
    /// with no denied column it would read; and the catalog tables it names.
    pub async fn plan(&self, sql: &str) -> Result<(LogicalPlan, Vec<String>), SqlError> {
        let statement = self.check_statement(sql)?;
        let plan = self
            .ctx
            .state()
            .statement_to_plan(statement)
            .await
            .map_err(|e| classify(&e))?;
        self.check_plan(plan)
    }

    /// The checks of [`Self::plan`] on a plan made elsewhere (a prepared
    /// statement's, its parameters bound): a query only, no denied column.
    pub fn check_plan(&self, plan: LogicalPlan) -> Result<(LogicalPlan, Vec<String>), SqlError> {
        SQLOptions::new()
            .with_allow_ddl(false)
            .with_allow_dml(false)
            .with_allow_statements(false)
            .verify_plan(&plan)
            .map_err(|e| SqlError::ReadOnly(plain(&e)))?;
        let tables = self.tables_read(&plan);
        let optimized = self.ctx.state().optimize(&plan).map_err(|e| classify(&e))?;
        refuse_denied(&optimized)?;
        Ok((plan, tables))
    }

    /// `schema.table` of the catalog tables a plan scans.
    fn tables_read(&self, plan: &LogicalPlan) -> Vec<String> {
        let mut found = BTreeSet::new();
        let _ = plan.apply_with_subqueries(|node| {
            // A masked table is a view, which the planner expands in place
            // under an alias of the table's name; a clear one is a scan.
            let named = match node {
                LogicalPlan::TableScan(scan) => Some(&scan.table_name),
                LogicalPlan::SubqueryAlias(alias) => Some(&alias.alias),
                _ => None,
            };
            if let Some(name) = named
                && let Some(source) = name.schema()
                && let Some(tables) = self.catalog.sources.get(source)
                && let Some(t) = tables
                    .iter()
                    .find(|t| t.sql_name.eq_ignore_ascii_case(name.table()))
            {
                found.insert(t.qualified_name());
            }
            Ok(TreeNodeRecursion::Continue)
        });
        found.into_iter().collect()
    }

    /// Runs a query within the session's limits and keeps it as usage.
    pub async fn query(&self, sql: &str) -> Result<QueryOutput, SqlError> {
        let (plan, tables) = self.plan(sql).await?;
        let mut run = self.run(sql, plan, tables.clone(), None).await?;
        let mut batches = Vec::new();
        while let Some(batch) = run.next().await {
            batches.push(batch?);
        }
        Ok(QueryOutput {
            batches,
            truncated: run.truncated(),
            tables,
            bytes_scanned: run.bytes_scanned(),
            elapsed: run.started.elapsed(),
        })
    }

    /// Starts a checked plan ([`Self::plan`], [`Self::check_plan`]) as a
    /// stream of batches, within the row cap and the time limit (or
    /// `timeout` when shorter); the query is kept as usage when the stream
    /// ends or is dropped.
    pub async fn run(
        &self,
        sql: &str,
        plan: LogicalPlan,
        tables: Vec<String>,
        timeout: Option<Duration>,
    ) -> Result<QueryRun, SqlError> {
        let started = Instant::now();
        // A client's own bookkeeping (`SELECT version()`, psql's `\d`
        // reading pg_catalog) is not use of the warehouse.
        let reads_warehouse = reads_warehouse(&plan);
        let usage = reads_warehouse.then(|| Usage {
            steward: Arc::clone(&self.steward),
            user: self.principal.user.clone(),
            sql: sql.to_string(),
            tables,
            at: self.steward.now(),
            started,
        });
        let mut frame = self
            .ctx
            .execute_logical_plan(plan)
            .await
            .map_err(|e| classify(&e))?;
        if let Some(cap) = self.limits.max_rows {
            // One row past the cap tells a cut result from one that fits.
            frame = frame.limit(0, Some(cap + 1)).map_err(|e| classify(&e))?;
        }
        let physical = frame
            .create_physical_plan()
            .await
            .map_err(|e| classify(&e))?;
        let stream =
            datafusion::physical_plan::execute_stream(physical.clone(), self.ctx.task_ctx())
                .map_err(|e| classify(&e))?;
        let limit = timeout.map_or(self.limits.timeout, |t| t.min(self.limits.timeout));
        Ok(QueryRun {
            schema: physical.schema(),
            stream,
            physical,
            deadline: tokio::time::Instant::now() + limit,
            limit,
            rows_left: self.limits.max_rows,
            truncated: false,
            done: false,
            usage,
            bytes: None,
            started,
        })
    }
}

/// What a query run is kept as, once it ends.
struct Usage {
    steward: Arc<Steward>,
    user: String,
    sql: String,
    tables: Vec<String>,
    at: chrono::DateTime<chrono::Utc>,
    started: Instant,
}

impl Usage {
    /// A store that cannot take it is logged, not the caller's failure.
    async fn record(self, bytes_scanned: Option<i64>) {
        let record = SqlQueryRecord {
            user: &self.user,
            sql: &self.sql,
            tables: &self.tables,
            bytes_scanned,
            duration_ms: i64::try_from(self.started.elapsed().as_millis()).unwrap_or(i64::MAX),
            at: self.at,
        };
        if let Err(e) = self.steward.record_sql_query(&record).await {
            tracing::warn!(user = %self.user, "a SQL query could not be kept as usage: {e}");
        }
    }
}

/// A query running: its batches as they come, cut at the row cap, stopped
/// at its deadline, kept as usage when it ends (or when dropped unfinished,
/// as a client that hangs up does).
pub struct QueryRun {
    schema: datafusion::arrow::datatypes::SchemaRef,
    stream: datafusion::execution::SendableRecordBatchStream,
    physical: Arc<dyn ExecutionPlan>,
    deadline: tokio::time::Instant,
    limit: Duration,
    rows_left: Option<usize>,
    truncated: bool,
    done: bool,
    usage: Option<Usage>,
    bytes: Option<i64>,
    started: Instant,
}

impl std::fmt::Debug for QueryRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryRun")
            .field("limit", &self.limit)
            .field("rows_left", &self.rows_left)
            .field("truncated", &self.truncated)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl QueryRun {
    pub fn schema(&self) -> datafusion::arrow::datatypes::SchemaRef {
        self.schema.clone()
    }

    /// The next batch; `None` once the result (or the cap) is reached.
    pub async fn next(&mut self) -> Option<Result<RecordBatch, SqlError>> {
        use futures::StreamExt;
        if self.done {
            return None;
        }
        let next = match tokio::time::timeout_at(self.deadline, self.stream.next()).await {
            Err(_) => Some(Err(SqlError::Timeout(format!(
                "the query ran longer than {} s and was stopped ([sql] query_timeout_secs, or the session's statement_timeout)",
                self.limit.as_secs_f64()
            )))),
            Ok(None) => None,
            Ok(Some(Err(e))) => Some(Err(classify(&e))),
            Ok(Some(Ok(batch))) => match self.rows_left {
                Some(0) if batch.num_rows() > 0 => {
                    self.truncated = true;
                    None
                }
                Some(left) if batch.num_rows() > left => {
                    self.truncated = true;
                    self.rows_left = Some(0);
                    Some(Ok(batch.slice(0, left)))
                }
                Some(left) => {
                    self.rows_left = Some(left - batch.num_rows());
                    Some(Ok(batch))
                }
                None => Some(Ok(batch)),
            },
        };
        if !matches!(next, Some(Ok(_))) || self.truncated {
            self.finish().await;
        }
        next
    }

    async fn finish(&mut self) {
        self.done = true;
        self.bytes = bytes_scanned(self.physical.as_ref());
        if let Some(usage) = self.usage.take() {
            usage.record(self.bytes).await;
        }
    }

    /// More rows were there than the role may have.
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// Bytes the scans read, once the run has ended.
    pub fn bytes_scanned(&self) -> Option<i64> {
        self.bytes
    }

    /// The batches as a stream (for a wire protocol to encode).
    pub fn into_stream(
        self,
    ) -> impl futures::Stream<Item = Result<RecordBatch, SqlError>> + Send + 'static {
        futures::stream::unfold(self, |mut run| async move {
            run.next().await.map(|item| (item, run))
        })
    }
}

impl Drop for QueryRun {
    fn drop(&mut self) {
        if let Some(usage) = self.usage.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            let bytes = bytes_scanned(self.physical.as_ref());
            runtime.spawn(usage.record(bytes));
        }
    }
}

/// A query (or `EXPLAIN` of one), `SHOW` of a setting, and nothing else.
pub fn check_read_only(statement: &DfStatement) -> Result<(), SqlError> {
    let refuse = |what: String| {
        SqlError::ReadOnly(format!(
            "only queries run through Steward's SQL, and `{what}` is not one: it is read-only"
        ))
    };
    match statement {
        DfStatement::Statement(inner) => match inner.as_ref() {
            Statement::Query(_) | Statement::ShowVariable { .. } => Ok(()),
            other => {
                let words = first_words(&other.to_string());
                if words.starts_with("CREATE") {
                    Err(SqlError::ReadOnly(
                        "creating tables or views through Steward's SQL is refused: no role may write"
                            .into(),
                    ))
                } else {
                    Err(refuse(words))
                }
            }
        },
        DfStatement::Explain(explain) => check_read_only(&explain.statement),
        other => Err(refuse(first_words(&other.to_string()))),
    }
}

/// Fails naming the first denied column the plan still reads.
fn refuse_denied(plan: &LogicalPlan) -> Result<(), SqlError> {
    let mut denied: Option<String> = None;
    let _ = plan.apply_with_subqueries(|node| {
        node.apply_expressions(|expr| {
            expr.apply(|e| {
                if let Expr::ScalarFunction(f) = e
                    && f.func.name() == DENIED
                    && let Some(d) =
                        (f.func.inner().as_ref() as &dyn std::any::Any).downcast_ref::<Denied>()
                {
                    denied = Some(d.message.clone());
                    return Ok(TreeNodeRecursion::Stop);
                }
                Ok(TreeNodeRecursion::Continue)
            })
        })
    });
    match denied {
        Some(message) => Err(SqlError::Denied(message)),
        None => Ok(()),
    }
}

/// The schemas clients read to learn about a server, not its data.
const CLIENT_CATALOGS: &[&str] = &["pg_catalog", "information_schema"];

/// Whether a plan reads a table other than the client catalogs'.
fn reads_warehouse(plan: &LogicalPlan) -> bool {
    let mut found = false;
    let _ = plan.apply_with_subqueries(|node| {
        if let LogicalPlan::TableScan(scan) = node
            && !scan
                .table_name
                .schema()
                .is_some_and(|s| CLIENT_CATALOGS.contains(&s))
        {
            found = true;
            return Ok(TreeNodeRecursion::Stop);
        }
        Ok(TreeNodeRecursion::Continue)
    });
    found
}

/// Bytes the scans of a run plan read, where they count them.
fn bytes_scanned(plan: &dyn ExecutionPlan) -> Option<i64> {
    let mut total: Option<usize> = None;
    let mut stack: Vec<&dyn ExecutionPlan> = vec![plan];
    while let Some(node) = stack.pop() {
        if let Some(metrics) = node.metrics()
            && let Some(value) = metrics.sum_by_name("bytes_scanned")
        {
            *total.get_or_insert(0) += value.as_usize();
        }
        stack.extend(node.children().into_iter().map(|c| c.as_ref()));
    }
    total.and_then(|t| i64::try_from(t).ok())
}
