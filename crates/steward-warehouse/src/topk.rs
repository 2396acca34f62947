//! `steward_top_k(col)`: the most frequent values of a column in one pass and
//! bounded memory, as a mergeable Misra–Gries summary. DataFusion 55 has no
//! `approx_top_k`, and a GROUP BY per column is both a second pass and unbounded
//! on near-unique columns.
//!
//! The summary keeps at most `capacity` counters. A value occurring more than
//! n / (capacity + 1) times in n rows is guaranteed to be kept, and each count is
//! a lower bound that is short by at most that much; with fewer distinct values
//! than counters, the counts are exact.
//!
//! Near-unique columns (ids, free text, prices) are most of the cost and have no
//! frequent values to report: when, after the first `NEAR_UNIQUE_PROBE_ROWS`
//! rows, no value in the summary has been seen twice, the accumulator stops
//! counting and reports none. The trade-off: a value that only becomes frequent
//! after those rows (say a default filled in by newer rows) is not reported.

use std::collections::HashMap;

/// SipHash, std's default, is a third of a profile's time here; the values are
/// the warehouse's own, hashed in memory, so a fast hasher is safe.
type Map<K, V> = HashMap<K, V, ahash::RandomState>;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Int64Array, ListArray, StringArray, StructArray,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields};
use datafusion::arrow::util::display::array_value_to_string;
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
    /// Value as displayed -> count.
    counters: Map<String, i64>,
    /// For fixed-width columns: the value's bits -> its key in `counters`, so a
    /// batch is counted without turning every value into text.
    by_bits: Map<u128, String>,
    rows_seen: usize,
    /// Set once the probe found no repeated value: later batches are skipped.
    near_unique: bool,
}

/// Rows seen before deciding whether a column is near-unique.
const NEAR_UNIQUE_PROBE_ROWS: usize = 200_000;

/// The Misra-Gries decrement for a batch: the (capacity+1)-th largest count
/// among the summary and the batch's new values, or 0 while everything fits.
fn decrement(
    existing: impl Iterator<Item = i64>,
    fresh: impl Iterator<Item = i64>,
    capacity: usize,
) -> i64 {
    let mut counts: Vec<i64> = existing.chain(fresh).collect();
    if counts.len() <= capacity {
        return 0;
    }
    let (_, nth, _) = counts.select_nth_unstable_by(capacity, |a, b| b.cmp(a));
    *nth
}

impl MisraGries {
    fn new(k: usize, capacity: usize) -> Self {
        Self {
            k,
            capacity,
            counters: Map::with_capacity_and_hasher(capacity * 2, Default::default()),
            by_bits: Map::default(),
            rows_seen: 0,
            near_unique: false,
        }
    }

    /// Counts `rows` more rows and, the first time the probe size is crossed,
    /// decides whether the column is near-unique.
    fn probe(&mut self, rows: usize) {
        let before = self.rows_seen;
        self.rows_seen += rows;
        if before < NEAR_UNIQUE_PROBE_ROWS && self.rows_seen >= NEAR_UNIQUE_PROBE_ROWS {
            self.near_unique = self.counters.values().all(|c| *c < 2);
        }
    }

    /// Subtracts `cut` from every counter and drops those reaching zero.
    fn apply(&mut self, cut: i64) {
        if cut > 0 {
            self.counters.retain(|_, c| {
                *c -= cut;
                *c > 0
            });
            let counters = &self.counters;
            self.by_bits.retain(|_, key| counters.contains_key(key));
        }
    }

    /// Adds a batch's counts, then shrinks back to `capacity` counters: the
    /// (capacity+1)-th largest count is subtracted from every counter and those
    /// reaching zero go. This is the Misra-Gries decrement, done once per batch
    /// instead of once per value; values that would vanish at once are never
    /// copied into the summary, so near-unique columns cost no allocations.
    fn add_counts(&mut self, batch: Map<&str, i64>) {
        let mut fresh: Vec<(&str, i64)> = Vec::new();
        for (value, count) in batch {
            match self.counters.get_mut(value) {
                Some(c) => *c += count,
                None => fresh.push((value, count)),
            }
        }
        let cut = decrement(
            self.counters.values().copied(),
            fresh.iter().map(|(_, c)| *c),
            self.capacity,
        );
        self.apply(cut);
        for (value, count) in fresh {
            if count > cut {
                self.counters.insert(value.to_string(), count - cut);
            }
        }
    }

    fn add_strings<'a>(&mut self, values: impl Iterator<Item = Option<&'a str>>, len: usize) {
        // Count within the batch first, borrowing the strings, so each distinct
        // value of the batch touches the summary once.
        let mut batch: Map<&str, i64> =
            Map::with_capacity_and_hasher(len.min(4096), Default::default());
        for value in values.flatten() {
            *batch.entry(value).or_insert(0) += 1;
        }
        self.add_counts(batch);
    }

    /// Counts a fixed-width column (integers, floats, decimals, dates,
    /// timestamps) by the bits of its values; only values entering the summary
    /// are turned into text.
    fn add_fixed_width(&mut self, array: &ArrayRef, width: usize) -> Result<()> {
        let data = array.to_data();
        let Some(buffer) = data.buffers().first() else {
            return Ok(());
        };
        let start = data.offset() * width;
        let values = &buffer.as_slice()[start..start + array.len() * width];
        // bits -> (count, a row holding the value)
        let mut batch: Map<u128, (i64, usize)> =
            Map::with_capacity_and_hasher(array.len().min(4096), Default::default());
        let has_nulls = array.null_count() > 0;
        for (row, chunk) in values.chunks_exact(width).enumerate() {
            if has_nulls && array.is_null(row) {
                continue;
            }
            let mut word = [0u8; 16];
            word[..width].copy_from_slice(chunk);
            batch.entry(u128::from_le_bytes(word)).or_insert((0, row)).0 += 1;
        }
        let mut fresh: Vec<(u128, i64, usize)> = Vec::new();
        for (bits, (count, row)) in batch {
            match self
                .by_bits
                .get(&bits)
                .and_then(|key| self.counters.get_mut(key))
            {
                Some(c) => *c += count,
                None => fresh.push((bits, count, row)),
            }
        }
        let cut = decrement(
            self.counters.values().copied(),
            fresh.iter().map(|(_, c, _)| *c),
            self.capacity,
        );
        self.apply(cut);
        for (bits, count, row) in fresh {
            if count > cut {
                let key = array_value_to_string(array, row)?;
                *self.counters.entry(key.clone()).or_insert(0) += count - cut;
                self.by_bits.insert(bits, key);
            }
        }
        Ok(())
    }

    fn sorted(&self) -> Vec<(&String, i64)> {
        let mut entries: Vec<(&String, i64)> = self.counters.iter().map(|(v, c)| (v, *c)).collect();
        entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        entries
    }
}

impl Accumulator for MisraGries {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let Some(array) = values.first() else {
            return Ok(());
        };
        if self.near_unique {
            return Ok(());
        }
        self.probe(array.len());
        let width = array.data_type().primitive_width().filter(|w| *w <= 16);
        match (array.data_type(), width) {
            (DataType::Utf8, _) => {
                let strings = array.as_string::<i32>();
                self.add_strings(strings.iter(), strings.len());
            }
            (DataType::LargeUtf8, _) => {
                let strings = array.as_string::<i64>();
                self.add_strings(strings.iter(), strings.len());
            }
            (DataType::Utf8View, _) => {
                let strings = array.as_string_view();
                self.add_strings(strings.iter(), strings.len());
            }
            (_, Some(width)) => self.add_fixed_width(array, width)?,
            _ => {
                let strings = cast(array, &DataType::Utf8)?;
                let strings = strings.as_string::<i32>();
                self.add_strings(strings.iter(), strings.len());
            }
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
        let mut batch: Map<&str, i64> = Map::default();
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
            + self.by_bits.capacity() * (16 + size_of::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl MisraGries {
        fn add_batch_for_test(&mut self, strings: &StringArray) {
            self.add_strings(strings.iter(), strings.len());
        }
    }

    fn strings(values: &[&str]) -> StringArray {
        values.iter().map(|v| Some(*v)).collect()
    }

    #[test]
    fn exact_when_values_fit_the_counters() {
        let mut mg = MisraGries::new(2, 8);
        mg.add_batch_for_test(&strings(&["a", "b", "a", "c", "a", "b"]));
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
            mg.add_batch_for_test(&strings(&batch));
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
    fn fixed_width_columns_count_by_value_and_read_as_text() {
        let mut mg = MisraGries::new(2, 8);
        let ints: ArrayRef = Arc::new(Int64Array::from(vec![
            Some(7),
            Some(7),
            None,
            Some(3),
            Some(7),
            Some(3),
            Some(1),
        ]));
        mg.update_batch(&[ints]).unwrap();
        let result = mg.evaluate().unwrap().to_array().unwrap();
        assert_eq!(
            TopK::decode(&result, 0),
            [("7".to_string(), 3), ("3".to_string(), 2)]
        );

        let mut mg = MisraGries::new(1, 8);
        let days: ArrayRef = Arc::new(datafusion::arrow::array::Date32Array::from(vec![
            19723, 19723, 19724,
        ]));
        mg.update_batch(&[days]).unwrap();
        let result = mg.evaluate().unwrap().to_array().unwrap();
        assert_eq!(TopK::decode(&result, 0), [("2024-01-01".to_string(), 2)]);
    }

    #[test]
    fn near_unique_columns_stop_being_counted_after_the_probe() {
        let mut mg = MisraGries::new(3, 128);
        let unique: Vec<String> = (0..NEAR_UNIQUE_PROBE_ROWS + 8192)
            .map(|i| format!("id-{i}"))
            .collect();
        for chunk in unique.chunks(8192) {
            let batch: Vec<&str> = chunk.iter().map(String::as_str).collect();
            mg.update_batch(&[Arc::new(strings(&batch)) as ArrayRef])
                .unwrap();
        }
        assert!(mg.near_unique);
        // Skipped from here on: even a repeated value is not counted.
        mg.update_batch(&[Arc::new(strings(&["late"; 100])) as ArrayRef])
            .unwrap();
        let result = mg.evaluate().unwrap().to_array().unwrap();
        assert!(TopK::decode(&result, 0).is_empty());

        // A column with repeats keeps being counted.
        let mut mg = MisraGries::new(1, 128);
        let repeated: Vec<String> = (0..NEAR_UNIQUE_PROBE_ROWS + 8192)
            .map(|i| format!("v{}", i % 50))
            .collect();
        for chunk in repeated.chunks(8192) {
            let batch: Vec<&str> = chunk.iter().map(String::as_str).collect();
            mg.update_batch(&[Arc::new(strings(&batch)) as ArrayRef])
                .unwrap();
        }
        assert!(!mg.near_unique);
        mg.update_batch(&[Arc::new(strings(&["late"; 100_000])) as ArrayRef])
            .unwrap();
        let result = mg.evaluate().unwrap().to_array().unwrap();
        assert_eq!(TopK::decode(&result, 0)[0].0, "late");
    }

    #[test]
    fn partial_states_merge() {
        let mut left = MisraGries::new(2, 8);
        left.add_batch_for_test(&strings(&["x", "x", "y"]));
        let mut right = MisraGries::new(2, 8);
        right.add_batch_for_test(&strings(&["x", "y", "y", "y"]));
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
