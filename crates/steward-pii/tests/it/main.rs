//! Table-driven tests of the column classifier: each case is a column (a name
//! and values made here, not copied from any benchmark corpus) and the label
//! the classifier must give it. The traps are the look-alikes the issue names.

mod columns;
mod table;
mod traps;
mod values;

use steward_pii::{ClassifierOptions, ColumnDecision, ColumnSample, Label, classify_column};

pub fn options() -> ClassifierOptions {
    ClassifierOptions {
        reference_year: 2026,
        ..ClassifierOptions::default()
    }
}

pub fn decide(name: &str, values: &[String]) -> ColumnDecision {
    classify_column(
        &ColumnSample {
            name,
            data_type: Some("Utf8"),
            values,
        },
        &options(),
    )
}

/// Asserts the label of every case, reporting all failures at once with the
/// evidence, so a rule change shows everything it moved.
pub fn check(cases: &[(&str, Vec<String>, Option<Label>)]) {
    let mut failures = Vec::new();
    for (name, values, expected) in cases {
        let d = decide(name, values);
        if d.label != *expected {
            failures.push(format!(
                "`{name}`: expected {expected:?}, got {:?} ({:.2}): {:?}; values {:?}",
                d.label,
                d.confidence,
                d.evidence,
                &values[..values.len().min(3)]
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

pub fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| v.to_string()).collect()
}
