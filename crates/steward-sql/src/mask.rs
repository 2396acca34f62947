//! Masks in the plan: a table is read through a projection over its scan
//! that replaces each sensitive column by what the caller's role may see
//! (`[sql.masking]`), below any operator the query adds. So `SELECT *`,
//! joins, subqueries, `GROUP BY` and aggregates all see the mask, and no
//! `MIN`, `MAX`, `LIKE` or cast can read the value back: the value never
//! leaves the scan's projection. Row filters sit under the masks.

use std::collections::BTreeMap;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::catalog::TableProvider;
use datafusion::common::{Column, DataFusionError, Result as DfResult, ScalarValue};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility, lit,
};
use datafusion::prelude::SessionContext;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use steward_config::MaskAction;
use steward_service::{ColumnRule, SqlTable};

/// The name of the function that stands for a denied column in a plan.
pub const DENIED: &str = "steward_denied";
/// The name of the keyed hash of `hash` masks.
pub const HASHED: &str = "steward_hash";

/// `steward_hash(value)`: HMAC-SHA256 of the value's text under the
/// catalog's key, in hex. Equal values hash alike (joins and `COUNT(DISTINCT)`
/// still work); the key is held by the function, so no plan shows it.
#[derive(Debug)]
pub struct KeyedHash {
    key: Arc<Vec<u8>>,
    signature: Signature,
}

impl PartialEq for KeyedHash {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for KeyedHash {}
impl std::hash::Hash for KeyedHash {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        HASHED.hash(state);
    }
}

impl KeyedHash {
    pub fn udf(key: Arc<Vec<u8>>) -> ScalarUDF {
        ScalarUDF::from(Self {
            key,
            signature: Signature::any(1, Volatility::Immutable),
        })
    }

    fn digest(&self, text: &str) -> DfResult<String> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key)
            .map_err(|e| DataFusionError::Internal(format!("hash key: {e}")))?;
        mac.update(text.as_bytes());
        let bytes = mac.finalize().into_bytes();
        Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }
}

impl ScalarUDFImpl for KeyedHash {
    fn name(&self) -> &str {
        HASHED
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _args: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let array = match args.args.into_iter().next() {
            Some(ColumnarValue::Array(a)) => a,
            Some(ColumnarValue::Scalar(s)) => s.to_array_of_size(args.number_rows)?,
            None => {
                return Err(DataFusionError::Internal(format!(
                    "{HASHED} takes one value"
                )));
            }
        };
        let text = cast(&array, &DataType::Utf8)?;
        let text = text
            .as_any()
            .downcast_ref::<StringArray>()
            .ok_or_else(|| DataFusionError::Internal(format!("{HASHED}: not text")))?;
        let mut out = Vec::with_capacity(text.len());
        for i in 0..text.len() {
            out.push(if text.is_null(i) {
                None
            } else {
                Some(self.digest(text.value(i))?)
            });
        }
        Ok(ColumnarValue::Array(
            Arc::new(StringArray::from(out)) as ArrayRef
        ))
    }
}

/// `steward_denied(value)`: stands for a column the role may not read. A
/// governed session refuses a plan that still holds one after optimisation
/// (the query reads the column); run anyway, it fails naming the column.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Denied {
    /// `source.table.column (LABEL) is denied to role R`.
    pub message: String,
    signature: Signature,
}

impl Denied {
    pub fn udf(message: String) -> ScalarUDF {
        ScalarUDF::from(Self {
            message,
            signature: Signature::any(1, Volatility::Volatile),
        })
    }
}

impl ScalarUDFImpl for Denied {
    fn name(&self) -> &str {
        DENIED
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, args: &[DataType]) -> DfResult<DataType> {
        Ok(args.first().cloned().unwrap_or(DataType::Null))
    }
    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        Err(DataFusionError::Execution(self.message.clone()))
    }
}

/// The expression a role sees in place of `column`.
fn masked(
    column: &str,
    data_type: &DataType,
    rule: &ColumnRule,
    denied: &str,
    hash: &ScalarUDF,
) -> DfResult<Expr> {
    let value = Expr::Column(Column::new_unqualified(column));
    let expr = match rule.action {
        MaskAction::Allow => return Ok(value),
        MaskAction::Mask => steward_warehouse::masked_value(value, &rule.label)?,
        MaskAction::Hash => hash.call(vec![value]),
        MaskAction::Null => lit(ScalarValue::try_from(data_type)?),
        MaskAction::Deny => Denied::udf(denied.to_string()).call(vec![value]),
    };
    Ok(expr.alias(column))
}

/// `provider` as `role` may read it: its rows filtered by the table's row
/// filter, then its sensitive columns masked. The plan is built on a
/// context of its own; it holds the provider, not the context.
pub fn governed_view(
    provider: Arc<dyn TableProvider>,
    table: &SqlTable,
    role: &str,
    hash: &ScalarUDF,
) -> DfResult<Arc<dyn TableProvider>> {
    if table.rules.values().all(|r| r.action == MaskAction::Allow) && table.row_filter.is_none() {
        return Ok(provider);
    }
    let ctx = SessionContext::new();
    let mut frame = ctx.read_table(provider)?;
    if let Some(predicate) = &table.row_filter {
        let filter = frame.parse_sql_expr(predicate).map_err(|e| {
            DataFusionError::Plan(format!(
                "[sql.row_filters] of `{}.{}` for {role}: {e}",
                table.source,
                table.qualified_name()
            ))
        })?;
        frame = frame.filter(filter)?;
    }
    let lower: BTreeMap<String, &ColumnRule> = table
        .rules
        .iter()
        .map(|(name, rule)| (name.to_lowercase(), rule))
        .collect();
    let mut columns = Vec::new();
    for field in frame.schema().fields() {
        let name = field.name();
        columns.push(match lower.get(&name.to_lowercase()) {
            None => Expr::Column(Column::new_unqualified(name)),
            Some(rule) => {
                let denied = format!(
                    "column `{}.{}.{name}` ({}) is denied to role {role}",
                    table.source,
                    table.qualified_name(),
                    rule.label
                );
                masked(name, field.data_type(), rule, &denied, hash)?
            }
        });
    }
    Ok(frame.select(columns)?.into_view())
}
