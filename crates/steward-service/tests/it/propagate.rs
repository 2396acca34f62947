//! Sensitivity along lineage: derived labels with the path as evidence,
//! stopped by hashes and counts, recomputed when lineage changes, and
//! overruled by a steward.

use steward_pii::PiiConfig;
use steward_service::{SqlInput, StewardDecision, classify_column, effective, ingest, propagate};
use steward_types::{ClassificationOrigin, LineageOrigin};

use crate::harness::{World, column};

fn lake(w: &World) {
    let root = w.path("lake");
    std::fs::create_dir_all(root.join("raw")).unwrap();
    std::fs::create_dir_all(root.join("staging")).unwrap();
    let mut raw = String::from("id,email\n");
    let mut staging = String::from("contact_key,email_hash,n\n");
    for i in 0..30 {
        raw.push_str(&format!("{i},person{i}@example.com\n"));
        // Values no detector would label: only lineage says what they are.
        staging.push_str(&format!(
            "k{:04x},{:064x},{}\n",
            i * 7919,
            i * 104_729,
            i % 5
        ));
    }
    std::fs::write(root.join("raw/customers.csv"), raw).unwrap();
    std::fs::write(root.join("staging/contacts.csv"), staging).unwrap();
}

fn sql(id: &str, text: &str) -> SqlInput {
    SqlInput {
        origin: LineageOrigin::QueryLog,
        origin_ref: id.to_string(),
        sql: text.to_string(),
        dialect: "postgres".to_string(),
    }
}

#[tokio::test]
async fn labels_follow_lineage_unless_a_hash_or_count_removes_them() {
    let w = World::new().await;
    lake(&w);
    w.add("lake", w.path("lake").to_str().unwrap(), &[]).await;
    w.scan("lake").await;
    ingest(
        &w.store,
        &[sql(
            "q1",
            "INSERT INTO staging.contacts (contact_key, email_hash, n) \
             SELECT upper(email), sha256(email), count(email) FROM raw.customers",
        )],
    )
    .await
    .unwrap();
    let stops = PiiConfig::default().propagation_stops;
    let report = propagate(&w.store, &stops).await.unwrap();
    assert_eq!(report.derived, 1, "{report:?}");
    assert_eq!(report.stopped, 2, "sha256 and count stop it: {report:?}");

    let contacts = w.detail("staging.contacts").await;
    let key = column(&contacts, "contact_key")
        .sensitivity
        .clone()
        .unwrap();
    assert_eq!(key.label, "EMAIL_ADDRESS");
    assert_eq!(key.origin, ClassificationOrigin::Derived);
    assert_eq!(
        key.evidence,
        [
            "derived from EMAIL_ADDRESS through lineage: raw.customers.email -> staging.contacts.contact_key (transformation through upper)"
        ]
    );
    assert!(column(&contacts, "email_hash").sensitivity.is_none());
    assert!(column(&contacts, "n").sensitivity.is_none());

    // A steward's word stands over the derived label.
    classify_column(
        &w.store,
        "staging.contacts.contact_key",
        StewardDecision::Reject,
        Some("opaque keys, not addresses".into()),
        "ana",
    )
    .await
    .unwrap();
    propagate(&w.store, &stops).await.unwrap();
    let contacts = w.detail("staging.contacts").await;
    assert_eq!(
        effective(&column(&contacts, "contact_key").classifications),
        None
    );

    // When the lineage changes, the derived label goes with it.
    ingest(
        &w.store,
        &[sql(
            "q1",
            "INSERT INTO staging.contacts (contact_key) SELECT md5(email) FROM raw.customers",
        )],
    )
    .await
    .unwrap();
    let report = propagate(&w.store, &stops).await.unwrap();
    assert_eq!((report.derived, report.removed), (0, 1), "{report:?}");
}
