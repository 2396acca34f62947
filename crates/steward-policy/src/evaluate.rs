//! Running a policy's check over the system tables: read-only SQL with its
//! parameters bound, a row cap and a time limit, each violation fingerprinted
//! so re-runs find the same finding again.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use datafusion::arrow::array::{Array, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::error::DataFusionError;
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{DataFrame, SessionConfig, SessionContext};
use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::parser::ParserError;
use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer};
use sha2::{Digest, Sha256};

use crate::error::PolicyError;
use crate::file::{ParamValue, Policy, Position, Problem};
use crate::system::{self, CatalogSnapshot};

/// How checks run.
#[derive(Debug, Clone)]
pub struct EvalSettings {
    /// DataFusion's partitions (threads); at least 1.
    pub threads: usize,
    /// A check returning more rows than this fails instead of flooding the
    /// findings (a check that broad is a broken check).
    pub max_rows: usize,
    pub timeout: Duration,
    /// The moment checks see as `$now`, so "older than N days" is testable.
    pub now: DateTime<Utc>,
    /// DataFusion's memory pool for checks: a check whose joins, sorts or
    /// groupings need more fails with a clear error instead of growing.
    pub memory_limit_mb: usize,
}

impl Default for EvalSettings {
    fn default() -> Self {
        Self {
            threads: 1,
            max_rows: 10_000,
            timeout: Duration::from_secs(60),
            now: Utc::now(),
            memory_limit_mb: 512,
        }
    }
}

/// One row a check returned.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    /// The asset at fault: a table (`schema.table`), a column
    /// (`schema.table.column`), or whatever the check names.
    pub asset: String,
    pub message: String,
    /// What tells two violations of one asset apart, when a check can find
    /// several.
    pub key: Option<String>,
    /// sha256 of policy, asset and key: the finding's identity across runs.
    pub fingerprint: String,
}

/// The fingerprint of a violation.
pub fn fingerprint(policy: &str, asset: &str, key: Option<&str>) -> String {
    let mut hash = Sha256::new();
    for part in [policy, asset, key.unwrap_or("")] {
        hash.update(part.as_bytes());
        hash.update([0x1f]);
    }
    hash.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Evaluates policies over one snapshot of the catalog.
pub struct Evaluator {
    ctx: SessionContext,
    settings: EvalSettings,
}

impl std::fmt::Debug for Evaluator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evaluator")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Evaluator {
    pub fn new(snapshot: &CatalogSnapshot, settings: EvalSettings) -> Result<Self, PolicyError> {
        let mut config = SessionConfig::new()
            .with_target_partitions(settings.threads.max(1))
            .with_information_schema(true);
        // Spans let a planning error point at its place in the policy file.
        config.options_mut().sql_parser.collect_spans = true;
        // Every check shares one pool; a check that does not fit fails alone.
        // The pool counts operators' state (hash tables, sort buffers) but not
        // the batches flowing between them, so it is given half the limit:
        // a grouping that outgrew a 256 MB pool peaked at 430 MB in all.
        // Nothing spills to disk: a check writes nowhere, not even temp files.
        let runtime = RuntimeEnvBuilder::new()
            .with_memory_limit(settings.memory_limit_mb.max(16) * 1024 * 1024, 0.5)
            .with_disk_manager_builder(
                DiskManagerBuilder::default().with_mode(DiskManagerMode::Disabled),
            )
            .build_arc()
            .map_err(PolicyError::SystemTables)?;
        let state = SessionStateBuilder::new()
            .with_config(config)
            .with_runtime_env(runtime)
            .with_default_features()
            .build();
        let ctx = SessionContext::new_with_state(state);
        system::register(&ctx, snapshot).map_err(PolicyError::SystemTables)?;
        ctx.register_udf(looks_like_instructions());
        Ok(Self { ctx, settings })
    }

    /// The columns of a system table, in order.
    pub async fn columns(&self, table: &str) -> Vec<String> {
        match self.ctx.table(format!("{}.{table}", system::SCHEMA)).await {
            Ok(df) => df
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// Plans the check without running it: the SQL parses, names only system
    /// tables and columns that exist, binds its parameters and returns `asset`
    /// and `message`.
    pub async fn validate(&self, policy: &Policy) -> Result<(), Problem> {
        self.plan(policy).await.map(|_| ())
    }

    /// Runs the check and returns its violations, deduplicated by fingerprint.
    pub async fn evaluate(&self, policy: &Policy) -> Result<Vec<Violation>, Problem> {
        let df = self.plan(policy).await?;
        let cap = self.settings.max_rows;
        let df = df
            .limit(0, Some(cap + 1))
            .map_err(|e| self.problem(policy, &e))?;
        let batches = tokio::time::timeout(self.settings.timeout, df.collect())
            .await
            .map_err(|_| {
                Problem::of_policy(
                    policy,
                    None,
                    format!(
                        "check ran longer than {:?} and was stopped",
                        self.settings.timeout
                    ),
                )
            })?
            .map_err(|e| {
                if matches!(e.find_root(), DataFusionError::ResourcesExhausted(_)) {
                    Problem::of_policy(
                        policy,
                        None,
                        format!(
                            "check needs more memory than policy.memory_limit_mb ({} MB) \
                             allows; narrow it or raise the limit",
                            self.settings.memory_limit_mb
                        ),
                    )
                } else {
                    self.problem(policy, &e)
                }
            })?;
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        if rows > cap {
            return Err(Problem::of_policy(
                policy,
                None,
                format!("check returned more than {cap} rows; narrow it or raise the limit"),
            ));
        }
        let mut out: BTreeMap<String, Violation> = BTreeMap::new();
        for batch in &batches {
            let text = |name: &str| -> Result<Option<StringArray>, Problem> {
                let Some(col) = batch.column_by_name(name) else {
                    return Ok(None);
                };
                let col = cast(col, &DataType::Utf8).map_err(|e| {
                    Problem::of_policy(
                        policy,
                        None,
                        format!("column `{name}` cannot be read as text: {e}"),
                    )
                })?;
                Ok(col.as_any().downcast_ref::<StringArray>().cloned())
            };
            let (Some(assets), Some(messages)) = (text("asset")?, text("message")?) else {
                return Err(missing_columns(policy));
            };
            let keys = text("key")?;
            for row in 0..batch.num_rows() {
                if assets.is_null(row) {
                    return Err(Problem::of_policy(
                        policy,
                        None,
                        "check returned a row whose `asset` is null",
                    ));
                }
                let asset = assets.value(row).to_string();
                let message = if messages.is_null(row) {
                    String::new()
                } else {
                    messages.value(row).to_string()
                };
                let key = keys
                    .as_ref()
                    .filter(|k| !k.is_null(row))
                    .map(|k| k.value(row).to_string());
                let fingerprint = fingerprint(&policy.id, &asset, key.as_deref());
                out.entry(fingerprint.clone()).or_insert(Violation {
                    asset,
                    message,
                    key,
                    fingerprint,
                });
            }
        }
        Ok(out.into_values().collect())
    }

    async fn plan(&self, policy: &Policy) -> Result<DataFrame, Problem> {
        let options = datafusion::execution::context::SQLOptions::new()
            .with_allow_ddl(false)
            .with_allow_dml(false)
            .with_allow_statements(false);
        let sql = self.bind(policy)?;
        let df = self
            .ctx
            .sql_with_options(&sql, options)
            .await
            .map_err(|e| self.problem(policy, &e))?;
        let schema = df.schema();
        let has = |name: &str| schema.fields().iter().any(|f| f.name() == name);
        if !has("asset") || !has("message") {
            return Err(missing_columns(policy));
        }
        Ok(df)
    }

    /// The check with each `$name` replaced by its parameter's value as a SQL
    /// literal. Literals, not DataFusion placeholders: a placeholder's type is
    /// inferred from its neighbours, and many (`$days || ' days'`, a CAST)
    /// give it none.
    /// The tokenizer finds the placeholders, so a `$` inside a string stays.
    fn bind(&self, policy: &Policy) -> Result<String, Problem> {
        let sql = &policy.check;
        let at = |line: u64, column: u64| {
            policy.check_at.offset_by(Position {
                line: line as usize,
                column: column as usize,
            })
        };
        let tokens = Tokenizer::new(&GenericDialect {}, sql)
            .tokenize_with_location()
            .map_err(|e| {
                Problem::of_policy(
                    policy,
                    Some(at(e.location.line, e.location.column)),
                    format!("check: {}", e.message),
                )
            })?;
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(sql.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        // Byte offset of a 1-based line and column (columns count characters).
        let offset = |line: u64, column: u64| -> usize {
            let Some(&start) = line_starts.get(line.saturating_sub(1) as usize) else {
                return sql.len();
            };
            sql[start..]
                .char_indices()
                .nth(column.saturating_sub(1) as usize)
                .map_or(sql.len(), |(i, _)| start + i)
        };
        let mut out = String::with_capacity(sql.len());
        let mut copied = 0;
        for token in tokens {
            let Token::Placeholder(name) = &token.token else {
                continue;
            };
            let Some(param) = name.strip_prefix('$') else {
                continue;
            };
            let literal = if param == "now" {
                format!(
                    "arrow_cast('{}', 'Timestamp(Microsecond, Some(\"UTC\"))')",
                    self.settings.now.format("%Y-%m-%dT%H:%M:%S%.6fZ")
                )
            } else if let Some(value) = policy.params.get(param) {
                literal(value)
            } else {
                let known: Vec<&str> = policy
                    .params
                    .keys()
                    .map(String::as_str)
                    .chain(["now"])
                    .collect();
                return Err(Problem::of_policy(
                    policy,
                    Some(at(token.span.start.line, token.span.start.column)),
                    format!(
                        "check: no parameter `{param}` (known: {})",
                        known.join(", ")
                    ),
                ));
            };
            let start = offset(token.span.start.line, token.span.start.column);
            let end = offset(token.span.end.line, token.span.end.column);
            out.push_str(&sql[copied..start]);
            out.push_str(&literal);
            copied = end;
        }
        out.push_str(&sql[copied..]);
        Ok(out)
    }

    /// A DataFusion error as a problem at its place in the policy file.
    fn problem(&self, policy: &Policy, error: &DataFusionError) -> Problem {
        let at = sql_position(error).map(|inner| policy.check_at.offset_by(inner));
        let message = match error.diagnostic() {
            Some(d) => d.message.clone(),
            None => error.message().trim().to_string(),
        };
        Problem::of_policy(
            policy,
            at.or(Some(policy.check_at)),
            format!("check: {message}"),
        )
    }
}

/// A parameter's value as a SQL literal.
fn literal(value: &ParamValue) -> String {
    match value {
        ParamValue::Bool(v) => v.to_string().to_uppercase(),
        ParamValue::Int(v) => v.to_string(),
        // `{:?}` keeps the decimal point (1.0, not 1), so the literal stays a float.
        ParamValue::Float(v) => format!("{v:?}"),
        ParamValue::Text(v) => format!("'{}'", v.replace('\'', "''")),
    }
}

fn missing_columns(policy: &Policy) -> Problem {
    Problem::of_policy(
        policy,
        Some(policy.check_at),
        "check must return the columns `asset` and `message` (and may return `key`)",
    )
}

/// Where in the SQL an error points, from DataFusion's diagnostic or the
/// parser's "Line: L, Column: C".
fn sql_position(error: &DataFusionError) -> Option<Position> {
    if let Some(span) = error
        .diagnostic()
        .and_then(|d| d.span)
        .filter(|s| s.start.line > 0)
    {
        return Some(Position {
            line: span.start.line as usize,
            column: span.start.column as usize,
        });
    }
    let text = match error.find_root() {
        DataFusionError::SQL(e, _) => match e.as_ref() {
            ParserError::ParserError(m) | ParserError::TokenizerError(m) => m.clone(),
            other => other.to_string(),
        },
        other => other.to_string(),
    };
    let at = text.rfind("Line: ")?;
    let rest = &text[at + 6..];
    let (line, rest) = rest.split_once(", Column: ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some(Position {
        line: line.trim().parse().ok()?,
        column: column.parse().ok()?,
    })
}

/// `looks_like_instructions(text)`: whether the text holds instructions
/// aimed at an AI assistant (`instructions_in`); NULL for NULL.
fn looks_like_instructions() -> datafusion::logical_expr::ScalarUDF {
    use std::sync::Arc;

    use datafusion::arrow::array::{Array, ArrayRef, BooleanArray, StringArray};
    use datafusion::arrow::datatypes::DataType;
    use datafusion::error::DataFusionError;
    use datafusion::logical_expr::{ColumnarValue, Volatility, create_udf};

    create_udf(
        "looks_like_instructions",
        vec![DataType::Utf8],
        DataType::Boolean,
        Volatility::Immutable,
        Arc::new(|args: &[ColumnarValue]| {
            let arrays = ColumnarValue::values_to_arrays(args)?;
            let texts = arrays[0]
                .as_any()
                .downcast_ref::<StringArray>()
                .ok_or_else(|| {
                    DataFusionError::Internal("looks_like_instructions takes text".to_string())
                })?;
            let flags: BooleanArray = (0..texts.len())
                .map(|i| {
                    (!texts.is_null(i))
                        .then(|| crate::instructions::instructions_in(texts.value(i)).is_some())
                })
                .collect();
            Ok(ColumnarValue::Array(Arc::new(flags) as ArrayRef))
        }),
    )
}
