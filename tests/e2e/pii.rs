//! Sensitive data through the binary: the sample warehouse's personal columns
//! found and its look-alikes left alone, a steward's decisions, and the PII
//! benchmark command on a corpus written here.

use std::collections::BTreeMap;

use crate::harness::Workdir;

/// `source.table.column` -> label, from `steward pii --json`.
fn labels(w: &Workdir) -> BTreeMap<String, String> {
    let listed = w.run(&["pii", "--json"]).ok().json();
    listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["label"] != "QUASI_IDENTIFIER")
        .map(|c| {
            (
                format!(
                    "{}.{}.{}",
                    c["source"].as_str().unwrap(),
                    c["table"].as_str().unwrap(),
                    c["column"].as_str().unwrap()
                ),
                c["label"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_sample_warehouse_personal_data_is_found_and_its_look_alikes_are_not() {
    let w = Workdir::scanned_sample();
    let found = labels(&w);
    for (column, label) in [
        ("lake.raw.customers.email", "EMAIL_ADDRESS"),
        ("lake.raw.customers.phone", "PHONE_NUMBER"),
        ("lake.raw.customers.date_of_birth", "DATE_OF_BIRTH"),
        ("lake.raw.customers.street_address", "STREET_ADDRESS"),
        ("lake.raw.payments.card_number", "CREDIT_CARD"),
        ("lake.raw.payments.iban", "IBAN_CODE"),
        ("lake.raw.web_events.ip_address", "IP_ADDRESS"),
        ("lake.hr.employees.national_id", "US_SSN"),
        ("app.customers.name", "PERSON"),
        ("app.api_credentials.api_key", "SECRET"),
    ] {
        assert_eq!(
            found.get(column).map(String::as_str),
            Some(label),
            "{column}: {found:#?}"
        );
    }
    for trap in [
        "lake.raw.orders.shipment_code",
        "lake.raw.orders.order_number",
        "lake.hr.employees.invoice_ref",
        "lake.hr.employees.academic_year_code",
        "lake.raw.customers.customer_id",
    ] {
        assert!(!found.contains_key(trap), "{trap} flagged: {found:#?}");
    }

    let by_label = w
        .run(&["pii", "--label", "credit_card", "--json"])
        .ok()
        .json();
    assert!(
        by_label
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["label"] == "CREDIT_CARD")
    );
    let qi = w
        .run(&["pii", "--label", "QUASI_IDENTIFIER", "--json"])
        .ok()
        .json();
    assert!(
        qi.as_array()
            .unwrap()
            .iter()
            .any(|c| c["column"] == "postal_code"),
        "{qi}"
    );
    let human = w.run(&["pii", "--source", "lake"]).ok();
    assert!(
        human.stdout.contains("values are e-mail addresses"),
        "the evidence is shown: {}",
        human.stdout
    );
    w.run(&["pii", "--label", "CVV"]).fails_with(2);
    w.run(&["pii", "--source", "nope"]).fails_with(2);
}

#[test]
fn a_stewards_decision_is_kept_across_rescans() {
    let w = Workdir::scanned_sample();
    let no_reason = w
        .run(&["classify", "raw.customers.email", "--reject"])
        .fails_with(2);
    assert!(
        no_reason.stderr.contains("--reason"),
        "{}",
        no_reason.stderr
    );
    w.run(&["classify", "raw.customers.email"]).fails_with(2);
    w.run(&["classify", "raw.customers.email", "--label", "CVV"])
        .fails_with(2);
    w.run(&["classify", "raw.customers.nope", "--label", "PERSON"])
        .fails_with(2);

    let rejected = w
        .run(&[
            "classify",
            "raw.customers.email",
            "--reject",
            "--reason",
            "synthetic test accounts",
            "--by",
            "ana",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(rejected["classification"]["verdict"], "rejected");
    assert_eq!(rejected["detector_label"], "EMAIL_ADDRESS");
    let confirmed = w
        .run(&[
            "classify",
            "raw.orders.shipment_code",
            "--label",
            "phone_number",
            "--by",
            "ben",
        ])
        .ok();
    assert!(
        confirmed.stdout.contains("re-scans keep this decision"),
        "{}",
        confirmed.stdout
    );

    w.run(&["scan"]).ok();
    let found = labels(&w);
    assert!(
        !found.contains_key("lake.raw.customers.email"),
        "{found:#?}"
    );
    assert_eq!(
        found
            .get("lake.raw.orders.shipment_code")
            .map(String::as_str),
        Some("PHONE_NUMBER")
    );
    let page = w.run(&["show", "raw.orders"]).ok();
    assert!(page.stdout.contains("confirmed by ben"), "{}", page.stdout);
}

#[test]
fn the_pii_benchmark_writes_predictions_and_names_bad_files() {
    let w = Workdir::new();
    let tables = w.join("corpus/tables");
    std::fs::create_dir_all(&tables).unwrap();
    let mut csv = String::from("contact,qty,note\n");
    for i in 0..40 {
        csv.push_str(&format!("user{i}@example.org,{},\n", i % 9));
    }
    std::fs::write(tables.join("t1.csv"), csv).unwrap();
    std::fs::write(tables.join("t2.csv"), "a,b\n1,2\n3\n").unwrap();
    let summary = w
        .run(&[
            "bench",
            "pii",
            "--corpus",
            "corpus",
            "--out",
            "pred.json",
            "--repeat",
            "2",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(summary["values_scanned"], 60);
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.join("pred.json")).unwrap()).unwrap();
    assert_eq!(written["tool"], "steward");
    assert_eq!(written["sample_k"], 30);
    assert_eq!(
        written["predictions"]["tables/t1.csv"]["contact"],
        "EMAIL_ADDRESS"
    );
    assert_eq!(written["predictions"]["tables/t1.csv"]["qty"], "NONE");
    assert_eq!(written["predictions"]["tables/t1.csv"]["note"], "NONE");
    let error = written["errors"]["tables/t2.csv"].as_str().unwrap();
    assert!(error.contains("t2.csv: line 3"), "{error}");
    w.run(&["bench", "pii", "--corpus", "missing", "--out", "x.json"])
        .fails_with(2);
}
