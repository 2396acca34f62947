//! `steward_top_k(col)`: the most frequent values of a column in one pass and
//! bounded memory, as a mergeable Misra–Gries summary. DataFusion 55 has no
//! `approx_top_k`, and a GROUP BY per column is both a second pass and unbounded
//! on near-unique columns.
//!
//! The summary keeps at most `capacity` counters. A value occurring more than
//! n / (capacity + 1) times in n rows is guaranteed to be kept, and each count is
//! a lower bound that is short by at most that much; with fewer distinct values
//! than counters, the counts are exact.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Int64Array, ListArray, StringArray, StructArray,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields};
use datafusion::common::utils::SingleRowListArrayBuilder;
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{Accumulator, AggregateUDFImpl, Signature, Volatility};

/// The aggregate function; `TopK::new(k).udaf()` to use it in an expression.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct TopK {
    k: usize,
    capacity: usize,
    signature: Signature,
}

impl TopK {
    pub fn new(k: usize) -> Self {
        Self {
            k: k.max(1),
            // Enough counters that the top k of a skewed column are exact in practice.
            capacity: (k.max(1) * 32).max(128),
            signature: Signature::any(1, Volatility::Immutable),
        }
    }

    pub fn udaf(self) -> datafusion::logical_expr::AggregateUDF {
        datafusion::logical_expr::AggregateUDF::from(self)
    }

    /// The result type: a list of `{value, count}`, most frequent first.
    pub fn entry_fields() -> Fields {
        Fields::from(vec![
            Field::new("value", DataType::Utf8, true),
            Field::new("count", DataType::Int64, false),
        ])
    }

    /// Reads a result back: `(value, count)` pairs, most frequent first.
    pub fn decode(array: &dyn Array, row: usize) -> Vec<(String, i64)> {
        let Some(list) = array.as_list_opt::<i32>() else {
            return Vec::new();
        };
        if list.is_null(row) {
            return Vec::new();
        }
        let entries = list.value(row);
        let entries = entries.as_struct();
        let values = entries.column(0).as_string::<i32>();
        let counts = entries
            .column(1)
            .as_primitive::<datafusion::arrow::datatypes::Int64Type>();
        (0..entries.len())
            .filter(|&i| values.is_valid(i))
            .map(|i| (values.value(i).to_string(), counts.value(i)))
            .collect()
    }
}

impl AggregateUDFImpl for TopK {
    fn name(&self) -> &str {
        "steward_top_k"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::List(Arc::new(Field::new(
            "item",
            DataType::Struct(Self::entry_fields()),
            true,
        ))))
    }

    fn accumulator(&self, _args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(MisraGries::new(self.k, self.capacity)))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(vec![
            Arc::new(Field::new(
                format!("{}_values", args.name),
                DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
                true,
            )),
            Arc::new(Field::new(
                format!("{}_counts", args.name),
                DataType::List(Arc::new(Field::new("item", DataType::Int64, true))),
                true,
            )),
        ])
    }
}

#[derive(Debug)]
struct MisraGries {
    k: usize,
    capacity: usize,
    counters: HashMap<String, i64>,
}

impl MisraGries {
    fn new(k: usize, capacity: usize) -> Self {
        Self {
            k,
            capacity,
            counters: HashMap::with_capacity(capacity * 2),
        }
    }

    /// Adds a batch's counts, then shrinks back to `capacity` counters: the
    /// (capacity+1)-th largest count is subtracted from every counter and those
    /// reaching zero go. This is the Misra-Gries decrement, done once per batch
    /// instead of once per value; values that would vanish at once are never
    /// copied into the summary, so near-unique columns cost no allocations.
    fn add_counts(&mut self, batch: HashMap<&str, i64>) {
        let mut fresh: Vec<(&str, i64)> = Vec::new();
        for (value, count) in batch {
            match self.counters.get_mut(value) {
                Some(c) => *c += count,
                None => fresh.push((value, count)),
            }
        }
        let cut = if self.counters.len() + fresh.len() > self.capacity {
            let mut counts: Vec<i64> = self
                .counters
                .values()
                .copied()
                .chain(fresh.iter().map(|(_, c)| *c))
                .collect();
            let (_, nth, _) = counts.select_nth_unstable_by(self.capacity, |a, b| b.cmp(a));
            *nth
        } else {
            0
        };
        if cut > 0 {
            self.counters.retain(|_, c| {
                *c -= cut;
                *c > 0
            });
        }
        for (value, count) in fresh {
            if count > cut {
                self.counters.insert(value.to_string(), count - cut);
            }
        }
    }

    fn add_batch(&mut self, strings: &StringArray) {
        // Count within the batch first, borrowing the strings, so each distinct
        // value of the batch touches the summary once.
        let mut batch: HashMap<&str, i64> = HashMap::with_capacity(strings.len().min(4096));
        for value in strings.iter().flatten() {
            *batch.entry(value).or_insert(0) += 1;
        }
        self.add_counts(batch);
    }

    fn sorted(&self) -> Vec<(&String, i64)> {
        let mut entries: Vec<(&String, i64)> = self.counters.iter().map(|(v, c)| (v, *c)).collect();
        entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        entries
    }
}

fn as_utf8(array: &ArrayRef) -> Result<StringArray> {
    let utf8 = cast(array, &DataType::Utf8)?;
    Ok(utf8.as_string::<i32>().clone())
}

impl Accumulator for MisraGries {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        if let Some(array) = values.first() {
            self.add_batch(&as_utf8(array)?);
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let (Some(values), Some(counts)) = (states.first(), states.get(1)) else {
            return Ok(());
        };
        let values = values.as_list::<i32>();
        let counts = counts.as_list::<i32>();
        let mut pending: Vec<(ArrayRef, ArrayRef)> = Vec::new();
        for row in 0..values.len() {
            if !values.is_null(row) {
                pending.push((values.value(row), counts.value(row)));
            }
        }
        let mut batch: HashMap<&str, i64> = HashMap::new();
        for (vs, cs) in &pending {
            let vs = vs.as_string::<i32>();
            let cs = cs.as_primitive::<datafusion::arrow::datatypes::Int64Type>();
            for i in 0..vs.len() {
                if vs.is_valid(i) {
                    *batch.entry(vs.value(i)).or_insert(0) += cs.value(i);
                }
            }
        }
        self.add_counts(batch);
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let entries = self.sorted();
        let values: StringArray = entries.iter().map(|(v, _)| Some(v.as_str())).collect();
        let counts: Int64Array = entries.iter().map(|(_, c)| Some(*c)).collect();
        Ok(vec![
            SingleRowListArrayBuilder::new(Arc::new(values)).build_list_scalar(),
            SingleRowListArrayBuilder::new(Arc::new(counts)).build_list_scalar(),
        ])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        // A value seen once is not frequent; listing it only leaks a sample.
        let entries: Vec<_> = self
            .sorted()
            .into_iter()
            .filter(|(_, c)| *c >= 2)
            .take(self.k)
            .collect();
        let values: StringArray = entries.iter().map(|(v, _)| Some(v.as_str())).collect();
        let counts: Int64Array = entries.iter().map(|(_, c)| Some(*c)).collect();
        let entries = StructArray::try_new(
            TopK::entry_fields(),
            vec![Arc::new(values) as ArrayRef, Arc::new(counts) as ArrayRef],
            None,
        )?;
        let list: ListArray = SingleRowListArrayBuilder::new(Arc::new(entries)).build_list_array();
        Ok(ScalarValue::List(Arc::new(list)))
    }

    fn size(&self) -> usize {
        size_of_val(self)
            + self.counters.capacity() * (size_of::<String>() + 8)
            + self.counters.keys().map(String::capacity).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> StringArray {
        values.iter().map(|v| Some(*v)).collect()
    }

    #[test]
    fn exact_when_values_fit_the_counters() {
        let mut mg = MisraGries::new(2, 8);
        mg.add_batch(&strings(&["a", "b", "a", "c", "a", "b"]));
        let top: Vec<_> = mg
            .sorted()
            .into_iter()
            .take(2)
            .map(|(v, c)| (v.clone(), c))
            .collect();
        assert_eq!(top, [("a".to_string(), 3), ("b".to_string(), 2)]);
    }

    #[test]
    fn heavy_hitters_survive_a_flood_of_unique_values() {
        let mut mg = MisraGries::new(1, 16);
        let unique: Vec<String> = (0..10_000).map(|i| format!("u{i}")).collect();
        for chunk in unique.chunks(500) {
            let mut batch: Vec<&str> = chunk.iter().map(String::as_str).collect();
            batch.extend(std::iter::repeat_n("hot", 200));
            mg.add_batch(&strings(&batch));
        }
        assert!(mg.counters.len() <= 16);
        let (value, count) = mg.sorted()[0];
        assert_eq!(value, "hot");
        // 4000 true occurrences; the bound is n / (capacity + 1) = 14000 / 17.
        assert!(
            (4000 - 14_000 / 17..=4000).contains(&count),
            "count {count}"
        );
    }

    #[test]
    fn partial_states_merge() {
        let mut left = MisraGries::new(2, 8);
        left.add_batch(&strings(&["x", "x", "y"]));
        let mut right = MisraGries::new(2, 8);
        right.add_batch(&strings(&["x", "y", "y", "y"]));
        let state = right.state().unwrap();
        let arrays: Vec<ArrayRef> = state.iter().map(|s| s.to_array().unwrap()).collect();
        left.merge_batch(&arrays).unwrap();
        let result = left.evaluate().unwrap().to_array().unwrap();
        assert_eq!(
            TopK::decode(&result, 0),
            [("y".to_string(), 4), ("x".to_string(), 3)]
        );
    }
}
