//! Read-only SQL over governed tables: a DataFusion session that plans only
//! queries (no DDL, DML or statements), sees each table through a projection
//! that masks its sensitive columns, and stops at a row, time and memory
//! limit. What the agents use to look at the data itself.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use datafusion::arrow::array::Array;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::catalog::memory::{MemoryCatalogProvider, MemorySchemaProvider};
use datafusion::catalog::{CatalogProvider, TableProvider};
use datafusion::common::{Column, ScalarValue, TableReference};
use datafusion::error::DataFusionError;
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::logical_expr::{Expr, lit, when};
use datafusion::prelude::{SQLOptions, SessionConfig, SessionContext};
use datafusion::sql::parser::Statement as DfStatement;
use datafusion::sql::sqlparser::ast::Statement;

use crate::connect::SourceConnection;
use crate::error::{Result, WarehouseError};
use crate::model::TableRef;

/// How far a read-only query may go.
#[derive(Debug, Clone)]
pub struct QueryLimits {
    /// Rows returned at most; more are cut and the result says so.
    pub max_rows: usize,
    /// Wall time the query may take.
    pub timeout: Duration,
    /// DataFusion's memory pool; nothing spills to disk.
    pub memory_limit_mb: usize,
    pub threads: usize,
    /// Characters of one value shown at most.
    pub max_value_chars: usize,
}

impl Default for QueryLimits {
    fn default() -> Self {
        Self {
            max_rows: 50,
            timeout: Duration::from_secs(10),
            memory_limit_mb: 256,
            threads: 1,
            max_value_chars: 200,
        }
    }
}

/// What a query returned, every value as text.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct QueryRows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
    /// More rows matched than `max_rows`.
    pub truncated: bool,
}

/// A table a query names, as written (unquoted names lower-cased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedTable {
    pub catalog: Option<String>,
    pub schema: Option<String>,
    pub table: String,
}

impl NamedTable {
    /// `catalog.schema.table`, as far as it was written.
    pub fn dotted(&self) -> String {
        [
            self.catalog.as_deref(),
            self.schema.as_deref(),
            Some(&self.table),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(".")
    }

    fn reference(&self) -> TableReference {
        match (&self.catalog, &self.schema) {
            (Some(c), Some(s)) => TableReference::full(c.as_str(), s.as_str(), self.table.as_str()),
            (_, Some(s)) => TableReference::partial(s.as_str(), self.table.as_str()),
            _ => TableReference::bare(self.table.as_str()),
        }
    }
}

/// A session for one read-only query: register the tables it names, then
/// run it.
pub struct ReadOnlyQuery {
    ctx: SessionContext,
    limits: QueryLimits,
    statement: DfStatement,
}

impl std::fmt::Debug for ReadOnlyQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadOnlyQuery")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

fn refused(reason: impl std::fmt::Display) -> WarehouseError {
    WarehouseError::Query {
        reason: reason.to_string(),
    }
}

impl ReadOnlyQuery {
    /// Parses `sql`; anything but one query (a `SELECT`, `WITH`, `VALUES`)
    /// is refused here, before any table is opened.
    pub fn parse(sql: &str, limits: QueryLimits) -> Result<Self> {
        let config = SessionConfig::new()
            .with_target_partitions(limits.threads.max(1))
            .with_information_schema(false)
            .with_batch_size(1024);
        let runtime = RuntimeEnvBuilder::new()
            .with_memory_limit(limits.memory_limit_mb.max(16) * 1024 * 1024, 1.0)
            .with_disk_manager_builder(
                DiskManagerBuilder::default().with_mode(DiskManagerMode::Disabled),
            )
            .build_arc()
            .map_err(|e| refused(e.to_string()))?;
        let state = SessionStateBuilder::new()
            .with_config(config)
            .with_runtime_env(runtime)
            .with_default_features()
            .build();
        let dialect = state.config().options().sql_parser.dialect;
        let statement = state
            .sql_to_statement(sql, &dialect)
            .map_err(|e| refused(plain(&e)))?;
        match &statement {
            DfStatement::Statement(inner) if matches!(**inner, Statement::Query(_)) => {}
            other => {
                return Err(refused(format!(
                    "only a read-only query (SELECT) may run here, not `{}`",
                    first_words(&other.to_string())
                )));
            }
        }
        Ok(Self {
            ctx: SessionContext::new_with_state(state),
            limits,
            statement,
        })
    }

    /// The tables the query names (not its CTEs), as written.
    pub fn tables(&self) -> Result<Vec<NamedTable>> {
        let references = self
            .ctx
            .state()
            .resolve_table_references(&self.statement)
            .map_err(|e| refused(plain(&e)))?;
        Ok(references
            .into_iter()
            .map(|r| NamedTable {
                catalog: r.catalog().map(str::to_string),
                schema: r.schema().map(str::to_string),
                table: r.table().to_string(),
            })
            .collect())
    }

    /// The session, for registering more tables (the catalog's system
    /// tables) before the query runs.
    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }

    /// Makes `table` of `connection` readable under `reference`, with the
    /// columns in `masked` (name to label) replaced by `‹masked LABEL›`
    /// (nulls stay null): every operator above sees only the mask, so no
    /// aggregate or filter can read a value back.
    pub async fn add_table(
        &self,
        name: &NamedTable,
        connection: &SourceConnection,
        table: &TableRef,
        masked: &BTreeMap<String, String>,
    ) -> Result<()> {
        let provider = connection.table_provider(table).await?;
        connection.share_stores(&self.ctx);
        let provider = if masked.is_empty() {
            provider
        } else {
            let fail = |e: DataFusionError| WarehouseError::table(table, plain(&e));
            let frame = self.ctx.read_table(provider).map_err(fail)?;
            let mut columns: Vec<Expr> = Vec::new();
            for field in frame.schema().fields() {
                let column = Expr::Column(Column::new_unqualified(field.name()));
                columns.push(match masked.get(field.name()) {
                    None => column,
                    Some(label) => masked_value(column, label)
                        .map_err(fail)?
                        .alias(field.name()),
                });
            }
            frame.select(columns).map_err(fail)?.into_view()
        };
        self.register(&name.reference(), provider)
    }

    fn register(&self, reference: &TableReference, provider: Arc<dyn TableProvider>) -> Result<()> {
        let fail = |e: DataFusionError| refused(plain(&e));
        let default_catalog = self
            .ctx
            .copied_config()
            .options()
            .catalog
            .default_catalog
            .clone();
        let catalog_name = reference.catalog().unwrap_or(&default_catalog);
        let catalog = match self.ctx.catalog(catalog_name) {
            Some(c) => c,
            None => {
                let c: Arc<dyn CatalogProvider> = Arc::new(MemoryCatalogProvider::new());
                self.ctx.register_catalog(catalog_name, Arc::clone(&c));
                c
            }
        };
        if let Some(schema) = reference.schema()
            && catalog.schema(schema).is_none()
        {
            catalog
                .register_schema(schema, Arc::new(MemorySchemaProvider::new()))
                .map_err(fail)?;
        }
        self.ctx
            .register_table(reference.clone(), provider)
            .map_err(fail)?;
        Ok(())
    }

    /// Runs the query within its limits.
    pub async fn run(self) -> Result<QueryRows> {
        let options = SQLOptions::new()
            .with_allow_ddl(false)
            .with_allow_dml(false)
            .with_allow_statements(false);
        let state = self.ctx.state();
        let plan = state
            .statement_to_plan(self.statement)
            .await
            .map_err(|e| refused(plain(&e)))?;
        options.verify_plan(&plan).map_err(|e| refused(plain(&e)))?;
        let limits = self.limits;
        let frame = self
            .ctx
            .execute_logical_plan(plan)
            .await
            .and_then(|f| f.limit(0, Some(limits.max_rows + 1)))
            .map_err(|e| refused(plain(&e)))?;
        let batches = tokio::time::timeout(limits.timeout, frame.collect())
            .await
            .map_err(|_| {
                refused(format!(
                    "the query ran longer than {} s and was stopped",
                    limits.timeout.as_secs_f64()
                ))
            })?
            .map_err(|e| match e.find_root() {
                DataFusionError::ResourcesExhausted(_) => refused(format!(
                    "the query needs more than {} MB of memory; narrow it",
                    limits.memory_limit_mb
                )),
                _ => refused(plain(&e)),
            })?;
        let mut out = QueryRows::default();
        if let Some(first) = batches.first() {
            out.columns = first
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect();
        }
        let options = FormatOptions::default();
        'batches: for batch in &batches {
            let formatters = batch
                .columns()
                .iter()
                .map(|a| ArrayFormatter::try_new(a.as_ref(), &options))
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| refused(e.to_string()))?;
            for row in 0..batch.num_rows() {
                if out.rows.len() == limits.max_rows {
                    out.truncated = true;
                    break 'batches;
                }
                out.rows.push(
                    batch
                        .columns()
                        .iter()
                        .zip(&formatters)
                        .map(|(array, f)| {
                            (!array.is_null(row))
                                .then(|| shorten(&f.value(row).to_string(), limits.max_value_chars))
                        })
                        .collect(),
                );
            }
        }
        Ok(out)
    }
}

/// What a masked column shows in place of `column`: `‹masked LABEL›`, and
/// null where the value is null.
pub fn masked_value(column: Expr, label: &str) -> datafusion::error::Result<Expr> {
    when(column.is_null(), lit(ScalarValue::Utf8(None))).otherwise(lit(format!("‹masked {label}›")))
}

/// DataFusion's message without its backtrace-style prefixes.
fn plain(e: &DataFusionError) -> String {
    let text = e.find_root().to_string();
    text.lines().next().unwrap_or_default().to_string()
}

fn first_words(sql: &str) -> String {
    sql.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_queries_are_planned() {
        for sql in [
            "SELECT 1",
            "WITH t AS (SELECT 1 AS a) SELECT a FROM t",
            "VALUES (1), (2)",
        ] {
            assert!(
                ReadOnlyQuery::parse(sql, QueryLimits::default()).is_ok(),
                "{sql}"
            );
        }
        for sql in [
            "DROP TABLE raw.customers",
            "DELETE FROM raw.customers",
            "INSERT INTO raw.customers VALUES (1)",
            "UPDATE raw.customers SET email = 'x'",
            "CREATE TABLE t AS SELECT 1",
            "CREATE EXTERNAL TABLE t STORED AS CSV LOCATION '/etc/passwd'",
            "COPY (SELECT 1) TO '/tmp/out.csv'",
            "SET datafusion.execution.batch_size = 1",
            "EXPLAIN SELECT 1",
            "SELECT 1; DROP TABLE raw.customers",
        ] {
            let err = ReadOnlyQuery::parse(sql, QueryLimits::default()).unwrap_err();
            assert!(matches!(err, WarehouseError::Query { .. }), "{sql}: {err}");
        }
    }

    #[tokio::test]
    async fn rows_are_cut_at_the_limit() {
        let limits = QueryLimits {
            max_rows: 3,
            ..QueryLimits::default()
        };
        let query = ReadOnlyQuery::parse(
            "SELECT v, v * 2 AS twice FROM (VALUES (1), (2), (3), (4), (NULL)) AS t(v)",
            limits,
        )
        .unwrap();
        let rows = query.run().await.unwrap();
        assert_eq!(rows.columns, vec!["v", "twice"]);
        assert_eq!(rows.rows.len(), 3);
        assert!(rows.truncated);
        assert_eq!(
            rows.rows[0],
            vec![Some("1".to_string()), Some("2".to_string())]
        );
    }

    #[tokio::test]
    async fn a_slow_query_is_stopped() {
        let limits = QueryLimits {
            timeout: Duration::from_millis(50),
            ..QueryLimits::default()
        };
        let query = ReadOnlyQuery::parse(
            "SELECT count(*) FROM generate_series(1, 2000000000) a",
            limits,
        )
        .unwrap();
        let err = query.run().await.unwrap_err();
        assert!(err.to_string().contains("longer than"), "{err}");
    }
}
