//! Profiling a table in one pass: every column's statistics, top values included,
//! come from a single aggregate query.

use std::sync::Arc;

use datafusion::arrow::array::Array;
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::util::display::array_value_to_string;
use datafusion::catalog::TableProvider;
use datafusion::common::{Column, ScalarValue};
use datafusion::error::Result;
use datafusion::functions::expr_fn::character_length;
use datafusion::functions_aggregate::count::count_all;
use datafusion::functions_aggregate::expr_fn::{approx_distinct, avg, count, max, min, stddev};
use datafusion::logical_expr::{Expr, cast, col};
use datafusion::prelude::SessionContext;
use futures::StreamExt;
use steward_types::{Sampling, SamplingMethod};

use crate::model::{ColumnStats, TableProfile};
use crate::topk::TopK;

#[derive(Debug, Clone)]
pub struct ProfileOptions {
    /// Profile a sample of this many rows when the table is known to be larger.
    pub sample_rows: Option<u64>,
    pub top_k: usize,
    /// Non-null values to read per column for classification (0: none).
    pub sample_values: usize,
    /// Columns profiled together in one pass over the table; wider tables
    /// take several passes, each reading only its columns, so memory follows
    /// this and not the table's width.
    pub columns_per_pass: usize,
}

/// Rows read at most to find `sample_values` non-null values per column:
/// enough for sparse columns, bounded for wide tables.
const SAMPLE_SCAN_ROWS: usize = 10_000;

/// Types whose values are read for classification: text, numbers, dates.
fn is_sampled(t: &DataType) -> bool {
    is_string(t) || t.is_integer() || is_temporal(t)
}

/// The first `k` non-null values of each column, as text, from the first
/// rows of the table. Columns of other types get none.
async fn sample_values(
    ctx: &SessionContext,
    provider: Arc<dyn TableProvider>,
    columns: &[usize],
    k: usize,
) -> Result<Vec<Vec<String>>> {
    let schema = provider.schema();
    let mut out: Vec<Vec<String>> = vec![Vec::new(); columns.len()];
    let wanted: Vec<bool> = columns
        .iter()
        .map(|&i| is_sampled(schema.field(i).data_type()))
        .collect();
    if k == 0 || !wanted.iter().any(|w| *w) {
        return Ok(out);
    }
    let names: Vec<&str> = columns
        .iter()
        .map(|&i| schema.field(i).name().as_str())
        .collect();
    let mut stream = ctx
        .read_table(provider)?
        .select_columns(&names)?
        .limit(0, Some(SAMPLE_SCAN_ROWS))?
        .execute_stream()
        .await?;
    while let Some(batch) = stream.next().await {
        let batch = batch?;
        for (i, array) in batch.columns().iter().enumerate() {
            if !wanted.get(i).copied().unwrap_or(false) {
                continue;
            }
            let column = &mut out[i];
            for row in 0..batch.num_rows() {
                if column.len() >= k {
                    break;
                }
                if !array.is_null(row) {
                    column.push(array_value_to_string(array, row)?);
                }
            }
        }
        if out.iter().zip(&wanted).all(|(c, w)| !w || c.len() >= k) {
            break;
        }
    }
    Ok(out)
}

fn is_numeric(t: &DataType) -> bool {
    t.is_numeric()
}

fn is_string(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
        || matches!(t, DataType::Dictionary(_, v) if is_string(v))
}

fn is_temporal(t: &DataType) -> bool {
    t.is_temporal()
}

/// Types with an order, so min and max mean something.
fn is_orderable(t: &DataType) -> bool {
    is_numeric(t) || is_string(t) || is_temporal(t) || matches!(t, DataType::Boolean)
}

/// Names the aggregate of column `i` so results are found by name, whatever
/// the column is called.
fn alias(i: usize, stat: &str) -> String {
    format!("__c{i}_{stat}")
}

/// The statistics of column `i`: counts, distinct and top values, range,
/// moments and lengths, as its type allows.
fn column_aggregates(
    i: usize,
    field: &datafusion::arrow::datatypes::Field,
    top_k: &datafusion::logical_expr::AggregateUDF,
) -> Vec<Expr> {
    let t = field.data_type();
    let c = col(Column::from_name(field.name()));
    let mut aggregates = vec![count(c.clone()).alias(alias(i, "non_null"))];
    // Distinct counts and top values for the same types: nested values and
    // binary blobs are not worth counting.
    if is_orderable(t) {
        // DataFusion's HyperLogLog takes no floats; their text form counts the same.
        let distinct_input = if t.is_floating() {
            cast(c.clone(), DataType::Utf8)
        } else {
            c.clone()
        };
        aggregates.push(approx_distinct(distinct_input).alias(alias(i, "distinct")));
        aggregates.push(top_k.call(vec![c.clone()]).alias(alias(i, "top")));
        aggregates.push(min(c.clone()).alias(alias(i, "min")));
        aggregates.push(max(c.clone()).alias(alias(i, "max")));
    }
    if is_numeric(t) {
        let as_float = cast(c.clone(), DataType::Float64);
        aggregates.push(avg(as_float.clone()).alias(alias(i, "mean")));
        aggregates.push(stddev(as_float).alias(alias(i, "stddev")));
    }
    if is_string(t) {
        let length = character_length(c);
        aggregates.push(min(length.clone()).alias(alias(i, "min_len")));
        aggregates.push(avg(cast(length.clone(), DataType::Float64)).alias(alias(i, "avg_len")));
        aggregates.push(max(length).alias(alias(i, "max_len")));
    }
    aggregates
}

/// Profiles `provider`. `known_rows` is the table's row count from metadata,
/// used to decide on sampling.
pub async fn profile(
    ctx: &SessionContext,
    provider: Arc<dyn TableProvider>,
    known_rows: Option<i64>,
    options: &ProfileOptions,
) -> Result<TableProfile> {
    let schema = provider.schema();
    let all: Vec<usize> = (0..schema.fields().len()).collect();
    let passes: Vec<&[usize]> = all.chunks(options.columns_per_pass.max(1)).collect();
    let mut samples: Vec<Vec<String>> = Vec::with_capacity(all.len());
    for columns in &passes {
        samples.extend(sample_values(ctx, provider.clone(), columns, options.sample_values).await?);
    }
    let mut frame = ctx.read_table(provider)?;
    let sampling = match (options.sample_rows, known_rows) {
        (Some(limit), Some(total)) if total > 0 && total as u64 > limit => {
            frame = frame.limit(0, Some(limit as usize))?;
            Sampling {
                method: SamplingMethod::Limit,
                fraction: limit as f64 / total as f64,
            }
        }
        _ => Sampling {
            method: SamplingMethod::Full,
            fraction: 1.0,
        },
    };

    let top_k = TopK::new(options.top_k).udaf();
    // One aggregate query per pass, over only that pass's columns.
    let mut batches = Vec::with_capacity(passes.len());
    for columns in &passes {
        let mut aggregates: Vec<Expr> = vec![count_all().alias("__rows")];
        for &i in *columns {
            aggregates.extend(column_aggregates(i, schema.field(i), &top_k));
        }
        let names: Vec<&str> = columns
            .iter()
            .map(|&i| schema.field(i).name().as_str())
            .collect();
        let found = frame
            .clone()
            .select_columns(&names)?
            .aggregate(vec![], aggregates)?
            .collect()
            .await?
            .into_iter()
            .find(|b| b.num_rows() > 0)
            .ok_or_else(|| {
                datafusion::error::DataFusionError::Internal("profile returned no row".into())
            })?;
        batches.push(found);
    }
    let column = |name: &str| batches.iter().find_map(|b| b.column_by_name(name));

    let scalar = |name: &str| -> Option<ScalarValue> {
        let array = column(name)?;
        ScalarValue::try_from_array(array, 0)
            .ok()
            .filter(|v| !v.is_null())
    };
    let int = |name: &str| {
        scalar(name)
            .and_then(|v| v.cast_to(&DataType::Int64).ok())
            .and_then(|v| match v {
                ScalarValue::Int64(x) => x,
                _ => None,
            })
    };
    let float = |name: &str| {
        scalar(name)
            .and_then(|v| v.cast_to(&DataType::Float64).ok())
            .and_then(|v| match v {
                ScalarValue::Float64(x) => x.filter(|f| f.is_finite()),
                _ => None,
            })
    };
    // Arrow's display renders timestamps and dates as ISO text, not raw integers.
    let text = |name: &str| {
        let array = column(name)?;
        (!array.is_null(0))
            .then(|| array_value_to_string(array, 0).ok())
            .flatten()
    };

    let rows = int("__rows").unwrap_or(0);
    let columns = schema
        .fields()
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let non_null = int(&alias(i, "non_null")).unwrap_or(0);
            let top_values = column(&alias(i, "top"))
                .map(|a| TopK::decode(a.as_ref(), 0))
                .unwrap_or_default();
            ColumnStats {
                name: field.name().clone(),
                row_count: rows,
                null_count: rows - non_null,
                // HyperLogLog may overshoot on small columns; never above the values there are.
                distinct_approx: int(&alias(i, "distinct")).map(|d| d.min(non_null)),
                min: text(&alias(i, "min")),
                max: text(&alias(i, "max")),
                mean: float(&alias(i, "mean")),
                stddev: float(&alias(i, "stddev")),
                min_length: int(&alias(i, "min_len")),
                avg_length: float(&alias(i, "avg_len")),
                max_length: int(&alias(i, "max_len")),
                top_values,
                samples: std::mem::take(&mut samples[i]),
            }
        })
        .collect();
    Ok(TableProfile {
        rows_profiled: rows,
        sampling,
        columns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Float64Array, Int64Array, RecordBatch, StringArray};
    use datafusion::arrow::datatypes::{Field, Schema};
    use datafusion::datasource::MemTable;

    /// A table profiled a few columns per pass reads the same as in one pass.
    #[tokio::test]
    async fn a_table_profiled_in_passes_reads_as_in_one() {
        let schema = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("name", DataType::Utf8, true),
            Field::new("score", DataType::Float64, true),
            Field::new("city", DataType::Utf8, true),
            Field::new("n", DataType::Int64, true),
        ]));
        let rows = 500i64;
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from_iter_values(0..rows)),
                Arc::new(StringArray::from_iter(
                    (0..rows).map(|i| (i % 7 != 0).then(|| format!("name {}", i % 40))),
                )),
                Arc::new(Float64Array::from_iter(
                    (0..rows).map(|i| Some(i as f64 / 3.0)),
                )),
                Arc::new(StringArray::from_iter(
                    (0..rows).map(|i| Some(["Oslo", "Lima", "Pune"][(i % 3) as usize])),
                )),
                Arc::new(Int64Array::from_iter(
                    (0..rows).map(|i| (i % 5 != 0).then_some(i % 11)),
                )),
            ],
        )
        .unwrap();
        let table: Arc<dyn TableProvider> =
            Arc::new(MemTable::try_new(schema, vec![vec![batch]]).unwrap());
        let ctx = SessionContext::new();
        let options = |columns_per_pass| ProfileOptions {
            sample_rows: None,
            top_k: 3,
            sample_values: 5,
            columns_per_pass,
        };
        let whole = profile(&ctx, table.clone(), None, &options(100))
            .await
            .unwrap();
        let passes = profile(&ctx, table, None, &options(2)).await.unwrap();
        assert_eq!(whole.rows_profiled, rows);
        assert_eq!(whole, passes);
        assert_eq!(whole.columns.len(), 5);
        assert_eq!(whole.columns[1].null_count, 72);
    }
}
