//! Sensitive-data classification in the scan: what is stored, how masking
//! follows it, and a steward's decisions surviving re-scans.

use steward_pii::DETECTOR_VERSION;
use steward_service::{
    QUASI_IDENTIFIER, ServiceError, StewardDecision, classify_column, effective, sensitive_columns,
};
use steward_types::{ClassificationOrigin, ErrorKind, HasKind, Verdict};

use crate::harness::{World, column};

const GIVEN: &[&str] = &[
    "Maria", "James", "Linda", "Robert", "Sofia", "Lukas", "Emma", "David",
];
const FAMILY: &[&str] = &[
    "Garcia", "Smith", "Müller", "Rossi", "Johnson", "Dubois", "Brown",
];
const STREETS: &[&str] = &["Oak Street", "Maple Ave", "Hauptstraße", "Cedar Road"];

/// customers.csv: 40 people with the usual personal columns, a status and
/// an order count, made up here.
fn customers_csv(with_phone: bool) -> String {
    let mut csv = String::from("id,full_name,email,phone,birth_date,zip,gender,status,orders\n");
    for i in 0..40usize {
        let given = GIVEN[i % GIVEN.len()];
        let family = FAMILY[(i * 3) % FAMILY.len()];
        let phone = if with_phone {
            format!("+1 415 {:03} {:04}", 200 + i * 7, 1000 + i * 37)
        } else {
            format!("{}", 3 + i % 5)
        };
        csv.push_str(&format!(
            "{i},{given} {family},{}.{}{i}@example.com,{phone},{}-{:02}-{:02},{:05},{},{},{}\n",
            given.to_lowercase(),
            family.to_lowercase().replace('ü', "u"),
            1950 + (i * 7) % 50,
            1 + i % 12,
            1 + i % 28,
            10001 + i * 97,
            if i % 2 == 0 { "F" } else { "M" },
            ["shipped", "pending", "delivered"][i % 3],
            i % 7,
        ));
    }
    csv
}

fn addresses_csv() -> String {
    let mut csv = String::from("customer_id,street_address\n");
    for i in 0..30usize {
        let street = STREETS[i % STREETS.len()];
        let line = if street.ends_with("straße") {
            format!("{street} {}", 1 + i)
        } else {
            format!("{} {street}", 10 + i * 13)
        };
        csv.push_str(&format!("{i},{line}\n"));
    }
    csv
}

async fn lake(w: &World, with_phone: bool) {
    let root = w.path("lake");
    std::fs::create_dir_all(root.join("crm")).unwrap();
    std::fs::write(root.join("crm/customers.csv"), customers_csv(with_phone)).unwrap();
    std::fs::write(root.join("crm/addresses.csv"), addresses_csv()).unwrap();
}

#[tokio::test]
async fn the_scan_stores_labels_with_evidence_and_masks_what_they_cover() {
    let w = World::new().await;
    lake(&w, true).await;
    w.add("lake", w.path("lake").to_str().unwrap(), &[]).await;
    let (report, events) = w.scan("lake").await;
    assert!(!report.partial, "{events:#?}");
    assert_eq!(report.sources[0].sensitive, 6, "{events:#?}");

    let customers = w.detail("crm.customers").await;
    let label = |name: &str| {
        column(&customers, name)
            .sensitivity
            .as_ref()
            .map(|c| c.label.clone())
    };
    assert_eq!(label("full_name").as_deref(), Some("PERSON"));
    assert_eq!(label("email").as_deref(), Some("EMAIL_ADDRESS"));
    assert_eq!(label("phone").as_deref(), Some("PHONE_NUMBER"));
    assert_eq!(label("birth_date").as_deref(), Some("DATE_OF_BIRTH"));
    assert_eq!(label("zip").as_deref(), Some("POSTAL_CODE"));
    assert_eq!(label("id"), None);
    assert_eq!(label("status"), None);

    let email = column(&customers, "email").sensitivity.clone().unwrap();
    assert_eq!(email.origin, ClassificationOrigin::Detector);
    assert_eq!(email.verdict, Verdict::Suggested);
    assert_eq!(email.detector_version.as_deref(), Some(DETECTOR_VERSION));
    assert!(email.confidence >= 0.9, "{email:?}");
    assert_eq!(
        email.evidence,
        ["30 of 30 values are e-mail addresses", "name token `email`"]
    );

    // Postal code, birth date and gender together: a quasi-identifier on each.
    for name in ["zip", "birth_date", "gender"] {
        let rows = &column(&customers, name).classifications;
        assert!(
            rows.iter().any(|r| r.label == QUASI_IDENTIFIER),
            "{name}: {rows:?}"
        );
    }

    // Masking follows the classification: a labelled column is masked, a
    // category the classifier cleared is shown.
    let status = column(&customers, "status").profile.clone().unwrap();
    assert!(
        status.top_values.iter().any(|v| v.value == "shipped"),
        "{:?}",
        status.top_values
    );
    let zip = column(&customers, "zip").profile.clone().unwrap();
    assert!(zip.min.as_deref().unwrap().contains("***"), "{zip:?}");
    let stored = serde_json::to_string(&customers).unwrap();
    for raw in [
        "maria.garcia0@example.com",
        "Maria Garcia",
        "+1 415 200 1000",
    ] {
        assert!(!stored.contains(raw), "`{raw}` stored in clear");
    }

    let addresses = w.detail("crm.addresses").await;
    assert_eq!(
        column(&addresses, "street_address")
            .sensitivity
            .as_ref()
            .map(|c| c.label.as_str()),
        Some("STREET_ADDRESS")
    );

    let listed = sensitive_columns(&w.store, Some("lake")).await.unwrap();
    let emails: Vec<_> = listed
        .iter()
        .filter(|c| c.label == "EMAIL_ADDRESS")
        .map(|c| format!("{}.{}", c.table, c.column))
        .collect();
    assert_eq!(emails, ["crm.customers.email"]);
}

#[tokio::test]
async fn a_stewards_decision_survives_rescans_and_the_detector_keeps_up() {
    let w = World::new().await;
    lake(&w, true).await;
    w.add("lake", w.path("lake").to_str().unwrap(), &[]).await;
    w.scan("lake").await;

    // A rejection needs a reason.
    let err = classify_column(
        &w.store,
        "crm.customers.email",
        StewardDecision::Reject,
        None,
        "ana",
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid, "{err}");
    let err = classify_column(
        &w.store,
        "crm.customers.nope",
        StewardDecision::Reject,
        Some("x".into()),
        "ana",
    )
    .await
    .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound(_)), "{err}");
    assert_eq!(
        err.to_string(),
        "column `nope` in table `crm.customers` not found"
    );

    let rejected = classify_column(
        &w.store,
        "crm.customers.email",
        StewardDecision::Reject,
        Some("test accounts only, no real addresses".into()),
        "ana",
    )
    .await
    .unwrap();
    assert_eq!(rejected.detector_label.as_deref(), Some("EMAIL_ADDRESS"));
    let confirmed = classify_column(
        &w.store,
        "lake.crm.customers.status",
        StewardDecision::Label(steward_pii::Label::Person),
        None,
        "ben",
    )
    .await
    .unwrap();
    assert_eq!(confirmed.classification.verdict, Verdict::Confirmed);

    // The phone column stops holding phones; a re-scan follows the data for
    // the detector's rows and leaves the stewards' alone.
    lake(&w, false).await;
    let (report, events) = w.scan("lake").await;
    assert!(!report.partial, "{events:#?}");
    let customers = w.detail("crm.customers").await;

    let email = column(&customers, "email");
    assert_eq!(
        effective(&email.classifications),
        None,
        "rejected stays rejected"
    );
    let steward = email
        .classifications
        .iter()
        .find(|r| r.origin == ClassificationOrigin::Steward)
        .unwrap();
    assert_eq!(steward.verdict, Verdict::Rejected);
    assert_eq!(steward.decided_by.as_deref(), Some("ana"));
    assert_eq!(
        steward.reason.as_deref(),
        Some("test accounts only, no real addresses")
    );
    assert!(
        email
            .classifications
            .iter()
            .any(|r| r.origin == ClassificationOrigin::Detector && r.label == "EMAIL_ADDRESS"),
        "the detector's view is kept beside the decision"
    );

    let status = column(&customers, "status").sensitivity.clone().unwrap();
    assert_eq!(
        (status.label.as_str(), status.origin),
        ("PERSON", ClassificationOrigin::Steward)
    );
    let status_profile = column(&customers, "status").profile.clone().unwrap();
    assert!(
        status_profile
            .top_values
            .iter()
            .all(|v| v.value.contains("***")),
        "a column a steward calls sensitive is masked: {:?}",
        status_profile.top_values
    );

    let phone = column(&customers, "phone");
    assert!(
        phone.classifications.is_empty(),
        "the detector's phone label went with the phones: {:?}",
        phone.classifications
    );

    let listed = sensitive_columns(&w.store, None).await.unwrap();
    assert!(!listed.iter().any(|c| c.column == "email"), "{listed:?}");
    assert!(
        listed
            .iter()
            .any(|c| c.column == "status" && c.label == "PERSON")
    );
}

#[tokio::test]
async fn no_classify_leaves_the_catalog_unlabelled() {
    let w = World::new().await;
    lake(&w, true).await;
    w.add("lake", w.path("lake").to_str().unwrap(), &[]).await;
    let options = steward_service::ScanOptions {
        no_classify: true,
        ..Default::default()
    };
    let (report, _) = w.scan_with("lake", &options).await;
    assert_eq!(report.sources[0].sensitive, 0);
    assert!(sensitive_columns(&w.store, None).await.unwrap().is_empty());
    // Unclassified, text is masked conservatively.
    let customers = w.detail("crm.customers").await;
    let status = column(&customers, "status").profile.clone().unwrap();
    assert!(status.top_values.iter().all(|v| v.value.contains("***")));
}

/// A steward's decision on `crm.customers.email` and `status`, recorded after a scan.
async fn decide_on_customers(w: &World) {
    classify_column(
        &w.store,
        "crm.customers.email",
        StewardDecision::Reject,
        Some("test accounts only".into()),
        "ana",
    )
    .await
    .unwrap();
    classify_column(
        &w.store,
        "crm.customers.status",
        StewardDecision::Label(steward_pii::Label::Person),
        None,
        "ben",
    )
    .await
    .unwrap();
}

fn steward_verdicts(detail: &steward_service::TableDetail) -> Vec<(String, Verdict)> {
    let mut out: Vec<(String, Verdict)> = detail
        .columns
        .iter()
        .flat_map(|c| {
            c.classifications
                .iter()
                .filter(|r| r.origin == ClassificationOrigin::Steward)
                .map(|r| (c.column.name.clone(), r.verdict))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[tokio::test]
async fn an_empty_file_is_a_scan_error_that_keeps_the_table_and_its_decisions() {
    let w = World::new().await;
    lake(&w, true).await;
    w.add("lake", w.path("lake").to_str().unwrap(), &[]).await;
    w.scan("lake").await;
    decide_on_customers(&w).await;
    let before = w.detail("crm.customers").await;

    for format in ["csv", "ndjson"] {
        // The file is truncated to nothing (an export that failed half-way).
        let file = w.path(&format!("lake/crm/customers.{format}"));
        let _ = std::fs::remove_file(w.path("lake/crm/customers.csv"));
        std::fs::write(&file, "").unwrap();
        let (report, events) = w.scan("lake").await;
        assert!(
            report.partial,
            "an empty file is a failed table: {events:#?}"
        );
        let failed = events.iter().find_map(|e| match e {
            steward_service::ScanEvent::Table {
                table,
                outcome: steward_service::TableOutcome::Failed { reason },
                ..
            } if table == "crm.customers" => Some(reason.clone()),
            _ => None,
        });
        let reason = failed.unwrap_or_else(|| panic!("no failure for crm.customers: {events:#?}"));
        assert!(
            reason.contains(&format!("customers.{format}")) && reason.contains("empty"),
            "{reason}"
        );
        let after = w.detail("crm.customers").await;
        assert_eq!(after.columns.len(), before.columns.len(), "columns kept");
        assert_eq!(steward_verdicts(&after), steward_verdicts(&before));
        assert!(after.table.scan_error.is_some());
        assert!(
            !after
                .changes
                .iter()
                .any(|c| c.kind == steward_types::ChangeKind::ColumnRemoved),
            "an unreadable file is no drift: {:?}",
            after.changes
        );
        std::fs::remove_file(&file).unwrap();
        lake(&w, true).await;
    }
}

#[tokio::test]
async fn a_scan_never_deletes_a_stewards_decision_on_a_removed_column() {
    let w = World::new().await;
    lake(&w, true).await;
    w.add("lake", w.path("lake").to_str().unwrap(), &[]).await;
    w.scan("lake").await;
    decide_on_customers(&w).await;

    // The export loses its email and status columns.
    let without: String = customers_csv(true)
        .lines()
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            [
                cells[0], cells[1], cells[3], cells[4], cells[5], cells[6], cells[8],
            ]
            .join(",")
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(w.path("lake/crm/customers.csv"), without + "\n").unwrap();
    let (report, events) = w.scan("lake").await;
    assert!(!report.partial, "{events:#?}");
    let gone = w.detail("crm.customers").await;
    assert!(
        column_names(&gone)
            .iter()
            .all(|c| c != "email" && c != "status")
    );
    let kept: Vec<(&str, &str, Verdict)> = gone
        .removed_with_decisions
        .iter()
        .map(|k| {
            (
                k.column.name.as_str(),
                k.decision.decided_by.as_deref().unwrap_or(""),
                k.decision.verdict,
            )
        })
        .collect();
    assert_eq!(
        kept,
        vec![
            ("email", "ana", Verdict::Rejected),
            ("status", "ben", Verdict::Confirmed)
        ],
        "decisions on removed columns are kept and marked"
    );
    let listed = sensitive_columns(&w.store, None).await.unwrap();
    assert!(
        !listed.iter().any(|c| c.column == "status"),
        "a removed column is not listed as sensitive: {listed:?}"
    );
    // Not decidable while gone.
    let err = classify_column(
        &w.store,
        "crm.customers.email",
        StewardDecision::Reject,
        Some("x".into()),
        "ana",
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");

    // The columns come back: so do the decisions, as they were.
    lake(&w, true).await;
    let (report, events) = w.scan("lake").await;
    assert!(!report.partial, "{events:#?}");
    let back = w.detail("crm.customers").await;
    assert!(back.removed_with_decisions.is_empty());
    let status = column(&back, "status").sensitivity.clone().unwrap();
    assert_eq!(
        (
            status.label.as_str(),
            status.origin,
            status.decided_by.as_deref()
        ),
        ("PERSON", ClassificationOrigin::Steward, Some("ben"))
    );
    assert_eq!(
        effective(&column(&back, "email").classifications),
        None,
        "still rejected"
    );
    let kinds: Vec<(Option<&str>, steward_types::ChangeKind)> = back
        .changes
        .iter()
        .map(|c| (c.column.as_deref(), c.kind))
        .collect();
    for name in ["email", "status"] {
        assert!(
            kinds.contains(&(Some(name), steward_types::ChangeKind::ColumnRemoved)),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&(Some(name), steward_types::ChangeKind::ColumnAdded)),
            "{kinds:?}"
        );
    }

    // A dropped table keeps its columns and decisions, and has them back when it returns.
    std::fs::remove_file(w.path("lake/crm/customers.csv")).unwrap();
    w.scan("lake").await;
    lake(&w, true).await;
    w.scan("lake").await;
    let returned = w.detail("crm.customers").await;
    assert_eq!(steward_verdicts(&returned), steward_verdicts(&back));
}

fn column_names(detail: &steward_service::TableDetail) -> Vec<String> {
    detail
        .columns
        .iter()
        .map(|c| c.column.name.clone())
        .collect()
}

/// contacts.csv: people again, in columns named like the customers' ones
/// (`FullName2`) and unlike them (`contact_name`).
fn contacts_csv() -> String {
    let mut csv = String::from("id,FullName2,contact_name\n");
    for i in 0..30usize {
        let given = GIVEN[(i * 5) % GIVEN.len()];
        let family = FAMILY[(i * 2) % FAMILY.len()];
        let other = GIVEN[(i + 3) % GIVEN.len()];
        csv.push_str(&format!("{i},{given} {family},{other} {family}\n"));
    }
    csv
}

#[tokio::test]
async fn a_rejected_label_is_held_for_review_on_columns_like_it_in_the_source() {
    let w = World::new().await;
    lake(&w, true).await;
    w.add("lake", w.path("lake").to_str().unwrap(), &[]).await;
    w.scan("lake").await;
    classify_column(
        &w.store,
        "crm.customers.full_name",
        StewardDecision::Reject,
        Some("generated test people".into()),
        "ana",
    )
    .await
    .unwrap();

    // A new table with a column named like the rejected one, and another not.
    std::fs::write(w.path("lake/crm/contacts.csv"), contacts_csv()).unwrap();
    w.scan("lake").await;
    let contacts = w.detail("crm.contacts").await;
    let held = column(&contacts, "FullName2").sensitivity.clone().unwrap();
    assert_eq!(held.label, "PERSON");
    assert_eq!(held.verdict, Verdict::Review, "{held:?}");
    assert_eq!(
        held.evidence.last().map(String::as_str),
        Some(
            "held for review: a steward rejected PERSON on crm.customers.full_name, a column like this one"
        ),
        "{held:?}"
    );
    let other = column(&contacts, "contact_name")
        .sensitivity
        .clone()
        .unwrap();
    assert_eq!(other.label, "PERSON");
    assert_eq!(other.verdict, Verdict::Suggested, "{other:?}");
    // Held, the column is still sensitive (masked) until a steward decides.
    let listed = sensitive_columns(&w.store, Some("lake")).await.unwrap();
    assert!(
        listed
            .iter()
            .any(|c| c.table == "crm.contacts" && c.column == "FullName2"),
        "{listed:?}"
    );
    // The rejected column itself keeps the steward's decision.
    let customers = w.detail("crm.customers").await;
    assert!(
        column(&customers, "full_name").sensitivity.is_none(),
        "a rejected column has no standing label"
    );

    // Once a steward decides on the held column, its label is theirs.
    classify_column(
        &w.store,
        "crm.contacts.FullName2",
        StewardDecision::Label(steward_pii::Label::Person),
        None,
        "ana",
    )
    .await
    .unwrap();
    w.scan("lake").await;
    let contacts = w.detail("crm.contacts").await;
    let decided = column(&contacts, "FullName2").sensitivity.clone().unwrap();
    assert_eq!(decided.verdict, Verdict::Confirmed);
}
