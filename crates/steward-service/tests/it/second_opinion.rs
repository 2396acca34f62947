//! A second opinion in a real scan: its label is stored with origin `agent`
//! and its reason, a re-scan keeps it in step, and a steward's decision
//! stands above it. (The opinion here is a stand-in for the model, whose own
//! tests are in `steward-agent`.)

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use steward_pii::{AmbiguousColumn, Opinion, SecondOpinion};
use steward_service::{SourceRequest, StewardDecision};
use steward_types::ClassificationOrigin;

use crate::harness::new_catalog;

/// Says every ambiguous column holds what the rules suspect.
struct Agrees(AtomicUsize);

impl SecondOpinion for Agrees {
    fn judge(&self, question: &AmbiguousColumn<'_>) -> Option<Opinion> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Some(Opinion {
            label: Some(question.candidate.label),
            confidence: 0.8,
            reason: "the stand-in agrees".into(),
        })
    }
}

#[tokio::test]
async fn the_second_opinion_is_stored_below_a_stewards_decision() {
    let dir = tempfile::tempdir().unwrap();
    let lake = dir.path().join("lake/ops");
    std::fs::create_dir_all(&lake).unwrap();
    // Five-digit codes under an opaque name: the rules suspect postal codes
    // but cannot settle it.
    let mut csv = String::from("id,col_01\n");
    for i in 0..30u32 {
        csv.push_str(&format!("{i},{:05}\n", 1000 + (i * 7919) % 98000));
    }
    std::fs::write(lake.join("sites.csv"), csv).unwrap();

    let opinion = Arc::new(Agrees(AtomicUsize::new(0)));
    let steward = new_catalog(dir.path())
        .await
        .with_second_opinion(Arc::clone(&opinion) as Arc<dyn SecondOpinion>);
    steward
        .register_source(&SourceRequest {
            name: "lake".into(),
            url: dir.path().join("lake").display().to_string(),
            ..SourceRequest::default()
        })
        .await
        .unwrap();
    let options = steward.scan_options();
    steward.scan(None, &options, &mut |_| {}).await.unwrap();
    assert_eq!(opinion.0.load(Ordering::SeqCst), 1, "only col_01 is asked");

    let labelled = steward.sensitive_columns(None, None).await.unwrap();
    let column = labelled
        .iter()
        .find(|c| c.column == "col_01")
        .expect("the second opinion labels col_01");
    assert_eq!(column.label, "POSTAL_CODE");
    assert_eq!(column.origin, ClassificationOrigin::Agent);
    assert!(
        column
            .evidence
            .iter()
            .any(|e| e == "second opinion: the stand-in agrees"),
        "{column:?}"
    );

    // A re-scan keeps one row; a steward's rejection stands above it.
    steward.scan(None, &options, &mut |_| {}).await.unwrap();
    let detail = steward.table("ops.sites").await.unwrap();
    let rows = &detail
        .columns
        .iter()
        .find(|c| c.column.name == "col_01")
        .unwrap()
        .classifications;
    assert_eq!(
        rows.iter()
            .filter(|r| r.origin == ClassificationOrigin::Agent)
            .count(),
        1
    );
    steward
        .classify(
            "ops.sites.col_01",
            StewardDecision::Reject,
            Some("internal site numbers".into()),
            "ana",
        )
        .await
        .unwrap();
    steward.scan(None, &options, &mut |_| {}).await.unwrap();
    assert!(
        !steward
            .sensitive_columns(None, None)
            .await
            .unwrap()
            .iter()
            .any(|c| c.column == "col_01")
    );
    steward.close().await;
}
