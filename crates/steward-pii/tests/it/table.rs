//! Whole tables: neighbours, quasi-identifiers and the second-opinion hook.

use std::sync::Mutex;

use steward_pii::{AmbiguousColumn, Classifier, ColumnSample, Label, Opinion, SecondOpinion};

use crate::values::many;
use crate::{options, strings};

fn sample<'a>(name: &'a str, values: &'a [String]) -> ColumnSample<'a> {
    ColumnSample {
        name,
        data_type: Some("Utf8"),
        values,
    }
}

#[test]
fn five_digits_in_an_address_block_are_a_postal_code() {
    let codes = many(30, 50, |r| format!("{:05}", 1000 + r.below(98000)));
    let cities = strings(&["Springfield", "Riverside", "Franklin", "Greenville"]);
    let classifier = Classifier::new(options());
    let alone = classifier.classify_table("t", &[sample("col_04", &codes)]);
    assert_eq!(alone.columns[0].label, None);
    assert_eq!(
        alone.columns[0].ambiguous.as_ref().map(|c| c.label),
        Some(Label::PostalCode),
        "kept as an ambiguous candidate"
    );
    let states = strings(&["IL", "CA", "TN", "SC"]);
    let city_only =
        classifier.classify_table("t", &[sample("col_04", &codes), sample("city", &cities)]);
    assert_eq!(
        city_only.columns[0].label, None,
        "a store table has a city and a store number"
    );
    let beside = classifier.classify_table(
        "t",
        &[
            sample("col_04", &codes),
            sample("city", &cities),
            sample("state", &states),
        ],
    );
    assert_eq!(beside.columns[0].label, Some(Label::PostalCode));
    assert!(
        beside.columns[0]
            .evidence
            .iter()
            .any(|e| e.contains("`city`"))
    );
}

#[test]
fn postal_code_birth_date_and_gender_are_a_quasi_identifier() {
    let zips = strings(&["02134", "10001-1234", "94105", "60601", "73301", "98101"]);
    let births = many(20, 51, |r| {
        format!(
            "{}-{:02}-{:02}",
            1950 + r.below(50),
            1 + r.below(12),
            1 + r.below(28)
        )
    });
    let genders = many(20, 52, |r| r.pick(&["F", "M"]).to_string());
    let amounts = strings(&["12.50", "3.99", "100.00"]);
    let classifier = Classifier::new(options());
    let columns = [
        sample("zip", &zips),
        sample("birth_date", &births),
        sample("sex", &genders),
        sample("amount", &amounts),
    ];
    let decision = classifier.classify_table("patients", &columns);
    assert_eq!(decision.quasi_identifiers.len(), 1);
    let qi = &decision.quasi_identifiers[0];
    assert_eq!(qi.columns, [0, 1, 2]);
    assert_eq!(qi.kinds, ["postal code", "birth date", "gender"]);

    // Gender and amounts alone re-identify nobody.
    let decision = classifier.classify_table(
        "orders",
        &[sample("sex", &genders), sample("amount", &amounts)],
    );
    assert!(decision.quasi_identifiers.is_empty());
}

/// A second opinion that records what it was asked and answers from a script.
struct Scripted {
    asked: Mutex<Vec<String>>,
    answer: Option<Label>,
}

impl SecondOpinion for Scripted {
    fn judge(&self, question: &AmbiguousColumn<'_>) -> Option<Opinion> {
        self.asked.lock().expect("lock").push(format!(
            "{}.{}: {} (neighbours {:?})",
            question.table, question.column.name, question.candidate.label, question.neighbours
        ));
        Some(Opinion {
            label: self.answer,
            confidence: 0.7,
            reason: "the model read the values as ZIP codes".into(),
        })
    }
}

/// Lets the test keep a handle on the opinion it gives away.
struct Shared(std::sync::Arc<Scripted>);

impl SecondOpinion for Shared {
    fn judge(&self, question: &AmbiguousColumn<'_>) -> Option<Opinion> {
        self.0.judge(question)
    }
}

#[test]
fn ambiguous_columns_are_put_to_the_second_opinion_and_clear_ones_are_not() {
    let codes = many(30, 53, |r| format!("{:05}", 1000 + r.below(98000)));
    let emails = many(30, 54, |r| format!("user{}@example.com", r.below(1000)));
    let opinion = Scripted {
        asked: Mutex::new(Vec::new()),
        answer: Some(Label::PostalCode),
    };
    let opinion = std::sync::Arc::new(opinion);
    let classifier =
        Classifier::new(options()).with_second_opinion(Box::new(Shared(opinion.clone())));
    let decision =
        classifier.classify_table("t", &[sample("col_01", &codes), sample("col_02", &emails)]);
    assert_eq!(
        *opinion.asked.lock().unwrap(),
        ["t.col_01: POSTAL_CODE (neighbours [\"col_02\"])"],
        "only the ambiguous column is asked about"
    );
    assert_eq!(decision.columns[0].label, Some(Label::PostalCode));
    assert_eq!(decision.columns[0].confidence, 0.7);
    assert!(decision.columns[0].by_second_opinion);
    assert!(!decision.columns[1].by_second_opinion);
    assert!(
        decision.columns[0]
            .evidence
            .iter()
            .any(|e| e == "second opinion: the model read the values as ZIP codes")
    );
    assert_eq!(decision.columns[1].label, Some(Label::EmailAddress));
}

#[test]
fn a_second_opinion_can_reject() {
    let codes = many(30, 55, |r| format!("{:05}", 1000 + r.below(98000)));
    let opinion = Scripted {
        asked: Mutex::new(Vec::new()),
        answer: None,
    };
    let classifier = Classifier::new(options()).with_second_opinion(Box::new(opinion));
    let decision = classifier.classify_table("t", &[sample("col_01", &codes)]);
    assert_eq!(decision.columns[0].label, None);
}
