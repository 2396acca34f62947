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
                input: None,
                format: None,
                dialect: None,
                limit: None,
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

/// A webhook endpoint on loopback: records each body it is sent, and
/// answers the first `fail_first` requests with a 500.
async fn endpoint(fail_first: usize) -> (String, Arc<std::sync::Mutex<Vec<serde_json::Value>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/hooks/secret-key-123",
        listener.local_addr().unwrap()
    );
    let received = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = received.clone();
    tokio::spawn(async move {
        let mut requests = 0;
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buffer = Vec::new();
            let mut chunk = [0u8; 4096];
            // Headers, then as many body bytes as Content-Length says.
            let body = loop {
                let n = socket.read(&mut chunk).await.unwrap();
                buffer.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buffer).to_string();
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let length: usize = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse().unwrap())
                        })
                        .unwrap_or(0);
                    if body.len() >= length {
                        break body.to_string();
                    }
                }
                if n == 0 {
                    break String::new();
                }
            };
            requests += 1;
            let status = if requests <= fail_first {
                "500 Internal Server Error"
            } else {
                "200 OK"
            };
            if requests > fail_first {
                seen.lock()
                    .unwrap()
                    .push(serde_json::from_str(&body).unwrap());
            }
            let reply =
                format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            socket.write_all(reply.as_bytes()).await.unwrap();
        }
    });
    (url, received)
}

#[tokio::test]
async fn webhooks_hear_of_a_failed_job_once_and_of_new_findings_and_sensitive_columns() {
    let dir = tempfile::tempdir().unwrap();
    let (url, received) = endpoint(1).await;
    let (slack_url, slack) = endpoint(0).await;
    let steward = Arc::new(
        catalog(dir.path(), None, |c| {
            c.jobs.max_attempts = 2;
            c.jobs.webhook = vec![
                steward_config::WebhookConfig {
                    name: "plain".into(),
                    url: Some(Secret::new(url.clone())),
                    url_env: None,
                    format: steward_config::WebhookFormat::Json,
                    events: vec![
                        steward_config::NoticeKind::JobFailed,
                        steward_config::NoticeKind::SensitiveColumn,
                    ],
                    min_severity: None,
                },
                steward_config::WebhookConfig {
                    name: "team-channel".into(),
                    url: Some(Secret::new(slack_url.clone())),
                    url_env: None,
                    format: steward_config::WebhookFormat::Slack,
                    events: vec![steward_config::NoticeKind::Finding],
                    min_severity: Some(steward_types::Severity::Medium),
                },
            ];
        })
        .await,
    );
    let worker = Worker::new(steward.clone());

    // A job that always fails: one notice, after its last attempt.
    let taken = dir.path().join("taken.db");
    std::fs::write(&taken, "x").unwrap();
    let backup = RunRequest {
        kind: JobKind::Backup,
        params: JobParams {
            path: Some(taken.display().to_string()),
            ..JobParams::default()
        },
    };
    steward.run_now(&backup, "tester").await.unwrap();
    while worker.run_one().await.unwrap().is_some() {}
    // The endpoint failed the first delivery; the retry got through.
    assert_eq!(worker.notices_sent().await, (1, 0));
    {
        let got = received.lock().unwrap();
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0]["event"], "job_failed");
        assert!(
            got[0]["text"]
                .as_str()
                .unwrap()
                .contains("failed after 2 attempt(s)"),
            "{got:?}"
        );
    }

    // A scan and a check of the sample: new sensitive columns to the
    // plain hook, findings at medium and above to the Slack-style one.
    let sample = steward_sample::generate(&dir.path().join("sample"), 1).unwrap();
    steward
        .register_source(&SourceRequest {
            name: "lake".into(),
            url: sample.lake.display().to_string(),
            ..SourceRequest::default()
        })
        .await
        .unwrap();
    for kind in [JobKind::Scan, JobKind::Check] {
        steward
            .run_now(
                &RunRequest {
                    kind,
                    params: JobParams::default(),
                },
                "tester",
            )
            .await
            .unwrap();
        while let Some(settled) = worker.run_one().await.unwrap() {
            assert_eq!(settled.status, QueueStatus::Succeeded, "{settled:?}");
        }
    }
    let (delivered, lost) = worker.notices_sent().await;
    assert_eq!(lost, 0);
    assert!(delivered > 2, "{delivered}");
    let plain = received.lock().unwrap().clone();
    let sensitive: Vec<_> = plain
        .iter()
        .filter(|b| b["event"] == "sensitive_column")
        .collect();
    assert!(!sensitive.is_empty(), "{plain:?}");
    assert!(
        sensitive
            .iter()
            .any(|b| b["details"]["label"] == "EMAIL_ADDRESS"),
        "{sensitive:?}"
    );
    let findings = slack.lock().unwrap().clone();
    assert!(!findings.is_empty());
    for body in &findings {
        // Slack's shape: text only.
        assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
        let text = body["text"].as_str().unwrap();
        assert!(text.starts_with("Steward: new "), "{text}");
        assert!(!text.contains("new low finding"), "{text}");
    }
    // Nothing sent twice: a second scan finds no new sensitive column.
    steward
        .run_now(
            &RunRequest {
                kind: JobKind::Scan,
                params: JobParams::default(),
            },
            "tester",
        )
        .await
        .unwrap();
    while worker.run_one().await.unwrap().is_some() {}
    worker.notices_sent().await;
    assert_eq!(received.lock().unwrap().len(), plain.len());
}

#[test]
fn a_webhook_url_is_shown_by_its_host_only() {
    assert_eq!(
        steward_config::webhook_host("https://hooks.slack.com/services/T0/B0/XyZsecret"),
        "https://hooks.slack.com/…"
    );
    assert_eq!(
        steward_config::webhook_host("https://user:pw@example.com:8443/x?token=1"),
        "https://example.com:8443/…"
    );
    let hook = steward_config::WebhookConfig {
        name: "h".into(),
        url: Some(Secret::new(
            "https://hooks.slack.com/services/T0/B0/XyZsecret",
        )),
        url_env: None,
        format: Default::default(),
        events: vec![],
        min_severity: None,
    };
    let shown = serde_json::to_string(&hook).unwrap();
    assert!(!shown.contains("XyZsecret"), "{shown}");
    assert!(!format!("{hook:?}").contains("XyZsecret"));
}

/// Runs one job of `kind` now and returns it once settled.
async fn run_now(
    steward: &Arc<Steward>,
    kind: JobKind,
    params: JobParams,
) -> steward_types::Record<steward_types::QueuedJob> {
    let queued = steward
        .run_now(&RunRequest { kind, params }, "tester")
        .await
        .unwrap();
    let worker = Worker::new(steward.clone());
    while worker.run_one().await.unwrap().is_some() {}
    steward.job(queued[0].id).await.unwrap()
}

/// What `ingest` and `cost_snapshot` jobs keep between runs, on each
/// backend: the files read (by path and checksum) and the snapshots.
#[tokio::test]
async fn ingest_and_cost_snapshot_jobs_remember_between_runs() {
    for pg in backends() {
        let dir = tempfile::tempdir().unwrap();
        let steward = Arc::new(catalog(dir.path(), pg.as_deref(), |_| {}).await);
        let backend = if pg.is_some() { "postgres" } else { "sqlite" };
        let models = dir.path().join("models");
        std::fs::create_dir_all(&models).unwrap();
        std::fs::write(
            models.join("daily_orders.sql"),
            "SELECT order_id, amount FROM raw.orders",
        )
        .unwrap();
        let ingest = JobParams {
            path: Some("models".into()),
            ..JobParams::default()
        };
        let first = run_now(&steward, JobKind::Ingest, ingest.clone()).await;
        assert_eq!(first.status, QueueStatus::Succeeded, "{backend}: {first:?}");
        assert_eq!(first.summary["input"], "models", "{backend}");
        assert_eq!(first.summary["read"], 1, "{backend}: {first:?}");
        assert_eq!(first.summary["models"], 1, "{backend}: {first:?}");
        let unchanged = run_now(&steward, JobKind::Ingest, ingest.clone()).await;
        assert_eq!(unchanged.summary["read"], 0, "{backend}: {unchanged:?}");
        // A new model: it is the one new file, and the folder is read whole
        // (models resolve against each other).
        std::fs::write(
            models.join("big_orders.sql"),
            "SELECT * FROM daily_orders WHERE amount > 100",
        )
        .unwrap();
        let grown = run_now(&steward, JobKind::Ingest, ingest).await;
        assert_eq!(grown.summary["read"], 1, "{backend}: {grown:?}");
        assert_eq!(grown.summary["models"], 2, "{backend}: {grown:?}");

        // A path that is not there fails the job, naming it.
        let missing = run_now(
            &steward,
            JobKind::Ingest,
            JobParams {
                path: Some("nowhere".into()),
                ..JobParams::default()
            },
        )
        .await;
        assert_eq!(missing.status, QueueStatus::Failed, "{backend}");
        assert!(
            missing
                .last_error
                .as_deref()
                .unwrap()
                .contains("nowhere: no such file or folder"),
            "{backend}: {missing:?}"
        );

        for _ in 0..2 {
            let snap = run_now(&steward, JobKind::CostSnapshot, JobParams::default()).await;
            assert_eq!(snap.status, QueueStatus::Succeeded, "{backend}: {snap:?}");
        }
        let history = steward.cost_history(10).await.unwrap();
        assert_eq!(history.len(), 2, "{backend}");
        assert!(history[0].id < history[1].id, "{backend}: oldest first");
        assert!(history[0].taken_at <= history[1].taken_at, "{backend}");
        assert_eq!(steward.cost_history(1).await.unwrap()[0].id, history[1].id);
    }
}

/// A dbt target folder as `dbt compile` and `dbt docs generate` leave it:
/// `manifest.json` with one compiled model over `raw.orders`, and
/// `catalog.json` with the columns the warehouse built, typed `amount_type`.
fn dbt_target(dir: &std::path::Path, amount_type: &str) -> std::path::PathBuf {
    let target = dir.join("target");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(
        target.join("manifest.json"),
        r#"{"nodes": {"model.shop.daily_orders": {"resource_type": "model",
            "database": "wh", "schema": "mart", "name": "daily_orders",
            "original_file_path": "models/daily_orders.sql",
            "raw_code": "select id as order_id, amount from {{ source('raw', 'orders') }}",
            "compiled_code": "select id as order_id, amount from raw.orders",
            "config": {"materialized": "table"},
            "columns": {"order_id": {"name": "order_id", "description": "The order."}}}},
          "sources": {}}"#,
    )
    .unwrap();
    std::fs::write(
        target.join("catalog.json"),
        format!(
            r#"{{"nodes": {{"model.shop.daily_orders": {{"unique_id": "model.shop.daily_orders",
                "metadata": {{"type": "BASE TABLE", "database": "WH", "schema": "MART", "name": "DAILY_ORDERS"}},
                "columns": {{"ORDER_ID": {{"type": "NUMBER(38,0)", "index": 1, "name": "ORDER_ID"}},
                            "AMOUNT": {{"type": "{amount_type}", "index": 2, "name": "AMOUNT"}}}}}}}},
              "sources": {{}}}}"#
        ),
    )
    .unwrap();
    target
}

/// The `ingest` job reads the `catalog.json` dbt wrote beside a manifest:
/// the models it catalogs get the warehouse's columns and types, and a
/// catalog that changed alone is read again with its manifest.
#[tokio::test]
async fn an_ingest_job_reads_the_dbt_catalog_beside_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let steward = Arc::new(catalog(dir.path(), None, |_| {}).await);
    let lake = dir.path().join("lake/raw");
    std::fs::create_dir_all(&lake).unwrap();
    std::fs::write(lake.join("orders.csv"), "id,amount\n1,9.5\n").unwrap();
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
    let target = dbt_target(dir.path(), "NUMBER(12,2)");
    let ingest = JobParams {
        path: Some(target.join("manifest.json").display().to_string()),
        ..JobParams::default()
    };
    let columns = async || {
        let model = steward.table("mart.daily_orders").await.unwrap();
        assert_eq!(model.table.kind, steward_types::TableKind::Model);
        model
            .columns
            .iter()
            .map(|c| {
                (
                    c.column.name.clone(),
                    c.column.data_type.clone(),
                    c.column.comment.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    let first = run_now(&steward, JobKind::Ingest, ingest.clone()).await;
    assert_eq!(first.status, QueueStatus::Succeeded, "{first:?}");
    assert_eq!(first.summary["input"], "dbt_manifest");
    assert_eq!(first.summary["read"], 2, "manifest and catalog: {first:?}");
    assert_eq!(
        columns().await,
        [
            (
                "order_id".into(),
                "NUMBER(38,0)".into(),
                Some("The order.".into())
            ),
            ("amount".into(), "NUMBER(12,2)".into(), None),
        ]
    );
    // The warehouse rebuilt the model with another type: only the catalog
    // changed, and both are read again.
    dbt_target(dir.path(), "FLOAT");
    let again = run_now(&steward, JobKind::Ingest, ingest.clone()).await;
    assert_eq!(again.status, QueueStatus::Succeeded, "{again:?}");
    assert_eq!(again.summary["read"], 2, "{again:?}");
    assert_eq!(columns().await[1].1, "FLOAT");
    let unchanged = run_now(&steward, JobKind::Ingest, ingest).await;
    assert_eq!(unchanged.summary["read"], 0, "{unchanged:?}");
}

#[tokio::test]
async fn job_parameters_a_kind_does_not_take_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let steward = Arc::new(catalog(dir.path(), None, |_| {}).await);
    for (kind, params, says) in [
        (
            JobKind::Ingest,
            JobParams::default(),
            "needs the `path` of the file or folder",
        ),
        (
            JobKind::Ingest,
            JobParams {
                path: Some("logs".into()),
                input: Some("spreadsheet".into()),
                ..JobParams::default()
            },
            "unknown input `spreadsheet`",
        ),
        (
            JobKind::Ingest,
            JobParams {
                path: Some("logs".into()),
                dialect: Some("klingon".into()),
                ..JobParams::default()
            },
            "unknown dialect `klingon`",
        ),
        (
            JobKind::Check,
            JobParams {
                dialect: Some("postgres".into()),
                ..JobParams::default()
            },
            "a `check` job takes no `dialect`",
        ),
        (
            JobKind::Docs,
            JobParams {
                limit: Some(0),
                ..JobParams::default()
            },
            "`limit` is at least 1",
        ),
    ] {
        let err = steward
            .run_now(&RunRequest { kind, params }, "tester")
            .await
            .unwrap_err();
        assert!(err.to_string().contains(says), "{kind}: {err}");
    }
}
