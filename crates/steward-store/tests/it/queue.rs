//! The job queue's statements: claims, leases and settlements, on both backends.

use chrono::{Duration, Utc};
use steward_store::{Filter, Settlement, Store};
use steward_types::*;

use crate::harness::each_backend;

fn job(kind: JobKind, priority: i64, key: Option<&str>) -> QueuedJob {
    QueuedJob {
        kind,
        params: serde_json::Value::Null,
        priority,
        status: QueueStatus::Queued,
        attempts: 0,
        max_attempts: 2,
        run_after: Utc::now() - Duration::seconds(1),
        concurrency_key: key.map(str::to_string),
        schedule_id: None,
        scheduled_for: None,
        lease_owner: None,
        lease_until: None,
        timeout_secs: 60,
        requested_by: "test".into(),
        started_at: None,
        finished_at: None,
        last_error: None,
        summary: serde_json::Value::Null,
        log: Vec::new(),
        run_id: None,
    }
}

async fn add(store: &Store, jobs: Vec<QueuedJob>) -> Vec<Id<QueuedJob>> {
    let mut s = store.begin().await.unwrap();
    let mut ids = Vec::new();
    for j in jobs {
        ids.push(s.insert(&j).await.unwrap().id);
    }
    s.commit().await.unwrap();
    ids
}

async fn claim(
    store: &Store,
    worker: &str,
    kinds: &[JobKind],
    lease: Duration,
) -> Option<Record<QueuedJob>> {
    let mut s = store.begin().await.unwrap();
    let claimed = s
        .claim_job(worker, kinds, Utc::now() + lease)
        .await
        .unwrap();
    s.commit().await.unwrap();
    claimed
}

fn done(status: QueueStatus) -> Settlement {
    Settlement {
        status,
        run_after: Utc::now(),
        last_error: None,
        summary: serde_json::json!({ "ok": true }),
        log: vec!["line".into()],
        run_id: None,
    }
}

#[tokio::test]
async fn claims_take_the_best_due_job_once_and_keep_keys_apart() {
    each_backend(|t| async move {
        let backend = t.name;
        let mut later = job(JobKind::Noop, 100, None);
        later.run_after = Utc::now() + Duration::hours(1);
        let ids = add(
            &t.store,
            vec![
                job(JobKind::Scan, 0, Some("scan:app")),
                job(JobKind::Scan, 10, Some("scan:app")),
                job(JobKind::Check, 5, Some("check")),
                later,
            ],
        )
        .await;
        let lease = Duration::seconds(60);
        // Highest priority first; the job not yet due waits.
        let first = claim(&t.store, "w1", JobKind::ALL, lease).await.unwrap();
        assert_eq!(first.id, ids[1], "{backend}");
        assert_eq!(
            (first.status, first.attempts),
            (QueueStatus::Running, 1),
            "{backend}"
        );
        assert_eq!(first.lease_owner.as_deref(), Some("w1"), "{backend}");
        // The other scan of `app` waits for it; the check goes.
        let second = claim(&t.store, "w2", JobKind::ALL, lease).await.unwrap();
        assert_eq!(second.id, ids[2], "{backend}");
        assert!(
            claim(&t.store, "w3", JobKind::ALL, lease).await.is_none(),
            "{backend}: the same key waits"
        );
        // A worker for other kinds sees nothing.
        assert!(
            claim(&t.store, "w4", &[JobKind::Backup], lease)
                .await
                .is_none(),
            "{backend}"
        );

        // Only the holder renews or settles.
        let mut s = t.store.begin().await.unwrap();
        assert!(
            !s.renew_job_lease(first.id, "w2", Utc::now() + lease)
                .await
                .unwrap(),
            "{backend}"
        );
        assert!(
            s.renew_job_lease(first.id, "w1", Utc::now() + lease)
                .await
                .unwrap(),
            "{backend}"
        );
        assert!(
            !s.settle_job(first.id, "w2", &done(QueueStatus::Succeeded))
                .await
                .unwrap(),
            "{backend}"
        );
        assert!(
            s.settle_job(first.id, "w1", &done(QueueStatus::Succeeded))
                .await
                .unwrap(),
            "{backend}"
        );
        s.commit().await.unwrap();
        let mut s = t.store.read().await.unwrap();
        let settled = s.get(first.id).await.unwrap();
        drop(s);
        assert_eq!(settled.status, QueueStatus::Succeeded, "{backend}");
        assert!(
            settled.finished_at.is_some() && settled.lease_owner.is_none(),
            "{backend}"
        );
        assert_eq!(settled.log, ["line"], "{backend}");
        assert_eq!(
            settled.summary,
            serde_json::json!({ "ok": true }),
            "{backend}"
        );
        // With the key free, the waiting scan goes.
        let third = claim(&t.store, "w3", JobKind::ALL, lease).await.unwrap();
        assert_eq!(third.id, ids[0], "{backend}");
        t
    })
    .await;
}

#[tokio::test]
async fn a_lease_that_runs_out_puts_the_job_back_until_its_last_attempt() {
    each_backend(|t| async move {
        let backend = t.name;
        let id = add(&t.store, vec![job(JobKind::Check, 0, Some("check"))]).await[0];
        // Claimed with a lease already over: its worker "died".
        let gone = claim(&t.store, "dead-worker", JobKind::ALL, Duration::seconds(-1))
            .await
            .unwrap();
        assert_eq!(gone.id, id);
        let mut s = t.store.begin().await.unwrap();
        let touched = s.expire_job_leases(Utc::now()).await.unwrap();
        s.commit().await.unwrap();
        assert_eq!(touched.len(), 1, "{backend}");
        assert_eq!(
            touched[0].status,
            QueueStatus::Queued,
            "{backend}: attempt 1 of 2"
        );
        assert!(
            touched[0]
                .last_error
                .as_deref()
                .unwrap()
                .contains("dead-worker"),
            "{backend}"
        );
        // The dead worker can no longer settle it; another claims it.
        let mut s = t.store.begin().await.unwrap();
        assert!(
            !s.settle_job(id, "dead-worker", &done(QueueStatus::Succeeded))
                .await
                .unwrap(),
            "{backend}"
        );
        s.commit().await.unwrap();
        let again = claim(&t.store, "second", JobKind::ALL, Duration::seconds(-1))
            .await
            .unwrap();
        assert_eq!((again.id, again.attempts), (id, 2), "{backend}");
        let mut s = t.store.begin().await.unwrap();
        let touched = s.expire_job_leases(Utc::now()).await.unwrap();
        s.commit().await.unwrap();
        assert_eq!(
            touched[0].status,
            QueueStatus::Failed,
            "{backend}: its last attempt"
        );
        assert!(touched[0].finished_at.is_some(), "{backend}");
        assert!(
            claim(&t.store, "third", JobKind::ALL, Duration::seconds(60))
                .await
                .is_none(),
            "{backend}"
        );
        let mut s = t.store.read().await.unwrap();
        let failed = s
            .count::<QueuedJob>(&Filter::all().eq_text("status", "failed"))
            .await
            .unwrap();
        assert_eq!(failed, 1, "{backend}");
        drop(s);
        t
    })
    .await;
}
