//! Workers and the scheduler on real catalogs (SQLite, and PostgreSQL when
//! `STEWARD_TEST_PG_URL` is set; mandatory under CI): retries, exactly-once
//! claims under several workers, and schedules under clock jumps. The
//! kill -9 of a worker process is in steward-cli's tests (it needs the binary).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, TimeZone, Utc};
use steward_config::{Loaded, ScheduleConfig, StewardConfig};
use steward_jobs::Worker;
use steward_service::{JobParams, JobQuery, RunRequest, ScheduleRequest, SourceRequest, Steward};
use steward_types::{JobKind, MissedRuns, QueueStatus, Secret};

static SCHEMAS: AtomicU32 = AtomicU32::new(0);

/// A catalog in `dir` (on PostgreSQL in a schema of its own when `pg` is
/// given), with `adjust` applied to its configuration.
async fn catalog(
    dir: &std::path::Path,
    pg: Option<&str>,
    adjust: impl FnOnce(&mut StewardConfig),
) -> Steward {
    let mut config = StewardConfig {
        data_dir: dir.join(".steward"),
        ..StewardConfig::default()
    };
    config.warehouse.threads = 1;
    config.search.threads = 1;
    config.jobs.backoff_secs = 0;
    if let Some(url) = pg {
        config.store.url = Some(Secret::new(url));
        config.store.schema = Some(format!(
            "jobs_{}_{}",
            std::process::id(),
            SCHEMAS.fetch_add(1, Ordering::Relaxed)
        ));
    }
    adjust(&mut config);
    let loaded = Loaded {
        config,
        file: None,
        base_dir: dir.to_path_buf(),
    };
    std::fs::create_dir_all(&loaded.config.data_dir).unwrap();
    steward_service::create_catalog(&loaded).await.unwrap();
    Steward::open(&loaded).await.unwrap()
}

/// Each backend the suite runs on: SQLite, and PostgreSQL when configured.
fn backends() -> Vec<Option<String>> {
    let mut all = vec![None];
    if let Some(url) = steward_testing::pg_url() {
        all.push(Some(url));
    }
    all
}

#[tokio::test]
async fn a_job_that_always_fails_is_retried_then_fails_once_for_good() {
    for pg in backends() {
        let dir = tempfile::tempdir().unwrap();
        let steward =
            Arc::new(catalog(dir.path(), pg.as_deref(), |c| c.jobs.max_attempts = 3).await);
        let backend = if pg.is_some() { "postgres" } else { "sqlite" };
        // A backup onto a file that exists fails on every attempt.
        let taken = dir.path().join("taken.db");
        std::fs::write(&taken, "not to be overwritten").unwrap();
        let request = RunRequest {
            kind: JobKind::Backup,
            params: JobParams {
                path: Some(taken.display().to_string()),
                ..JobParams::default()
            },
        };
        let queued = steward.run_now(&request, "tester").await.unwrap();
        assert_eq!(queued.len(), 1);
        let worker = Worker::new(steward.clone());
        let mut endings = Vec::new();
        while let Some(settled) = worker.run_one().await.unwrap() {
            endings.push((settled.attempt, settled.status));
        }
        assert_eq!(
            endings,
            [
                (1, QueueStatus::Queued),
                (2, QueueStatus::Queued),
                (3, QueueStatus::Failed)
            ],
            "{backend}"
        );
        let job = steward.job(queued[0].id).await.unwrap();
        assert_eq!(job.status, QueueStatus::Failed, "{backend}");
        assert!(
            job.last_error
                .as_deref()
                .unwrap()
                .contains("never overwrites"),
            "{backend}: {job:?}"
        );
        assert_eq!(
            job.log.iter().filter(|l| l.contains("attempt ")).count(),
            3,
            "{backend}"
        );
        assert_eq!(
            std::fs::read_to_string(&taken).unwrap(),
            "not to be overwritten"
        );

        // A backup to a new file works, and the copy is a catalog.
        let fresh = dir.path().join("backups/catalog-{time}.db");
        let request = RunRequest {
            kind: JobKind::Backup,
            params: JobParams {
                path: Some(fresh.display().to_string()),
                ..JobParams::default()
            },
        };
        if pg.is_none() {
            steward.run_now(&request, "tester").await.unwrap();
            let settled = worker.run_one().await.unwrap().unwrap();
            assert_eq!(settled.status, QueueStatus::Succeeded, "{settled:?}");
            let copies: Vec<_> = std::fs::read_dir(dir.path().join("backups"))
                .unwrap()
                .collect();
            assert_eq!(copies.len(), 1);
        }
    }
}

#[tokio::test]
async fn several_workers_run_each_job_exactly_once() {
    for pg in backends() {
        let dir = tempfile::tempdir().unwrap();
        let steward = Arc::new(catalog(dir.path(), pg.as_deref(), |_| {}).await);
        let backend = if pg.is_some() { "postgres" } else { "sqlite" };
        let noop = RunRequest {
            kind: JobKind::Noop,
            params: JobParams::default(),
        };
        let mut ids = HashSet::new();
        for _ in 0..120 {
            ids.extend(
                steward
                    .run_now(&noop, "tester")
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|j| j.id),
            );
        }
        // Four workers drain the queue side by side, each recording what it ran.
        let mut drains = Vec::new();
        for n in 0..4 {
            let worker = Worker::new(steward.clone()).named(format!("worker-{n}"));
            drains.push(tokio::spawn(async move {
                let mut ran = Vec::new();
                while let Some(settled) = worker.run_one().await.unwrap() {
                    assert!(settled.kept_lease);
                    ran.push(settled.job);
                }
                ran
            }));
        }
        let mut ran = Vec::new();
        for drain in drains {
            ran.extend(drain.await.unwrap());
        }
        let distinct: HashSet<_> = ran.iter().copied().collect();
        assert_eq!(ran.len(), 120, "{backend}: every job ran once, none twice");
        assert_eq!(distinct, ids, "{backend}");
        let jobs = steward.jobs(&JobQuery::default()).await.unwrap();
        assert!(
            jobs.iter()
                .all(|j| j.status == QueueStatus::Succeeded && j.attempts == 1),
            "{backend}"
        );
    }
}

fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, h, m, s).unwrap()
}

#[tokio::test]
async fn a_schedule_fires_once_per_time_whatever_the_clock_does() {
    for pg in backends() {
        let dir = tempfile::tempdir().unwrap();
        let backend = if pg.is_some() { "postgres" } else { "sqlite" };
        let steward = catalog(dir.path(), pg.as_deref(), |c| {
            c.jobs.missed_after_secs = 300;
            c.jobs.schedule = vec![ScheduleConfig {
                name: "every-ten".into(),
                kind: JobKind::Check,
                cron: "*/10 * * * *".into(),
                timezone: Some("Europe/Paris".into()),
                missed: None,
                enabled: true,
                source: None,
                tables: None,
                path: None,
            }];
        })
        .await;
        // Defined at 09:55 (UTC), it is next due at 10:00.
        steward.sync_config_schedules().await.unwrap();
        let store = steward.store();
        let config = steward.config().jobs.clone();
        let late = chrono::Duration::seconds(300);
        let fire = async |now: DateTime<Utc>| {
            steward_service::fire_due(store, &config, now, late)
                .await
                .unwrap()
        };
        // The schedule's first time comes from the real clock; set it to
        // the test's day by firing once far in the past (nothing is due).
        let schedules = steward.schedules().await.unwrap();
        assert_eq!(schedules.len(), 1, "{backend}");
        let mut s = store.begin().await.unwrap();
        let mut data = schedules[0].data.clone();
        data.next_at = Some(at(10, 0, 0));
        s.update(schedules[0].id, &data).await.unwrap();
        s.commit().await.unwrap();

        assert!(
            fire(at(9, 59, 59)).await.enqueued.is_empty(),
            "{backend}: not yet"
        );
        assert_eq!(fire(at(10, 0, 1)).await.enqueued.len(), 1, "{backend}: due");
        assert!(
            fire(at(10, 0, 2)).await.enqueued.is_empty(),
            "{backend}: once"
        );
        // The clock is set back an hour: nothing fires twice.
        assert!(
            fire(at(9, 0, 0)).await.enqueued.is_empty(),
            "{backend}: clock set back"
        );
        assert!(
            fire(at(10, 0, 1)).await.enqueued.is_empty(),
            "{backend}: the same time again"
        );
        assert_eq!(
            fire(at(10, 10, 0)).await.enqueued.len(),
            1,
            "{backend}: the next time"
        );
        // A long sleep (the machine was suspended for hours): one catch-up run.
        let woke = fire(at(14, 3, 0)).await;
        assert_eq!(woke.enqueued.len(), 1, "{backend}: missed times run once");
        assert_eq!(
            woke.enqueued[0].1.scheduled_for,
            Some(at(10, 20, 0)),
            "{backend}"
        );
        assert_eq!(
            fire(at(14, 10, 0)).await.enqueued.len(),
            1,
            "{backend}: then on time"
        );
        let queued = steward.jobs(&JobQuery::default()).await.unwrap();
        assert_eq!(queued.len(), 4, "{backend}");
        assert!(
            queued.iter().all(|j| j.requested_by == "schedule"),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn a_skipping_schedule_waits_after_downtime_and_bad_schedules_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let steward = catalog(dir.path(), None, |_| {}).await;
    let request = ScheduleRequest {
        name: "nightly".into(),
        kind: JobKind::Propagate,
        params: JobParams::default(),
        cron: "0 2 * * *".into(),
        timezone: Some("America/New_York".into()),
        missed: Some(MissedRuns::Skip),
        enabled: true,
    };
    let added = steward.add_schedule(&request).await.unwrap();
    // 02:00 in New York is 06:00 or 07:00 UTC, by season.
    let next = added
        .next_at
        .unwrap()
        .with_timezone(&chrono_tz::America::New_York);
    assert_eq!(next.format("%H:%M").to_string(), "02:00");
    let due = added.next_at.unwrap();
    let fired = steward_service::fire_due(
        steward.store(),
        &steward.config().jobs,
        due + chrono::Duration::hours(5),
        chrono::Duration::seconds(300),
    )
    .await
    .unwrap();
    assert!(fired.enqueued.is_empty());
    assert_eq!(fired.skipped, ["nightly"]);
    let schedule = &steward.schedules().await.unwrap()[0];
    assert_eq!(schedule.next_at, Some(due + chrono::Duration::days(1)));

    for (cron, tz, kind, params, message) in [
        (
            "61 * * * *",
            "UTC",
            JobKind::Check,
            JobParams::default(),
            "cron expression `61 * * * *`",
        ),
        (
            "0 2 * * *",
            "Mars/Olympus",
            JobKind::Check,
            JobParams::default(),
            "time zone `Mars/Olympus`",
        ),
        (
            "0 2 * * *",
            "UTC",
            JobKind::Check,
            JobParams {
                source: Some("app".into()),
                ..JobParams::default()
            },
            "a `check` job takes no `source`",
        ),
        (
            "0 2 * * *",
            "UTC",
            JobKind::Backup,
            JobParams::default(),
            "needs the `path`",
        ),
        (
            "0 2 * * *",
            "UTC",
            JobKind::Scan,
            JobParams {
                source: Some("nowhere".into()),
                ..JobParams::default()
            },
            "source `nowhere` not found",
        ),
    ] {
        let bad = ScheduleRequest {
            name: "bad".into(),
            kind,
            params,
            cron: cron.into(),
            timezone: Some(tz.into()),
            missed: None,
            enabled: true,
        };
        let err = steward.add_schedule(&bad).await.unwrap_err().to_string();
        assert!(err.contains(message), "{err}");
    }
    let err = steward
        .add_schedule(&request)
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(err, "schedule `nightly` already exists");
}

#[tokio::test]
async fn a_scan_of_every_source_is_one_job_per_source_and_reports_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let steward = Arc::new(catalog(dir.path(), None, |_| {}).await);
    let sample = steward_sample::generate(&dir.path().join("sample"), 1).unwrap();
    for (name, url) in [
        ("lake", sample.lake.display().to_string()),
        ("app", format!("sqlite://{}", sample.sqlite.display())),
    ] {
        steward
            .register_source(&SourceRequest {
                name: name.into(),
                url,
                ..SourceRequest::default()
            })
            .await
            .unwrap();
    }
    let scan = RunRequest {
        kind: JobKind::Scan,
        params: JobParams::default(),
    };
    let queued = steward.run_now(&scan, "tester").await.unwrap();
    let mut keys: Vec<_> = queued
        .iter()
        .map(|j| j.concurrency_key.clone().unwrap())
        .collect();
    keys.sort();
    assert_eq!(keys, ["scan:app", "scan:lake"]);
    let worker = Worker::new(steward.clone());
    while let Some(settled) = worker.run_one().await.unwrap() {
        assert_eq!(settled.status, QueueStatus::Succeeded, "{settled:?}");
    }
    for job in &queued {
        let job = steward.job(job.id).await.unwrap();
        let sources = job.summary["sources"].as_array().unwrap();
        assert_eq!(sources.len(), 1);
        assert!(
            sources[0]["scanned"].as_u64().unwrap() > 0,
            "{:?}",
            job.summary
        );
        assert!(job.run_id.is_some());
        assert!(
            job.log.iter().any(|l| l.contains("scanning")),
            "{:?}",
            job.log
        );
    }
    let tables = steward.tables(None).await.unwrap();
    assert!(tables.len() > 5);
}
