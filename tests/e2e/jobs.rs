//! Jobs run by real worker processes: a worker killed with SIGKILL in the
//! middle of a scan and of a policy check leaves its job to another worker
//! once its lease runs out, and the catalog holds no half-written table and
//! no finding twice.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::harness::Workdir;

/// Short leases and quick polling, so the test waits seconds, not minutes.
const FAST: &[(&str, &str)] = &[
    ("STEWARD__JOBS__LEASE_SECS", "3"),
    ("STEWARD__JOBS__POLL_MS", "50"),
    ("STEWARD__JOBS__BACKOFF_SECS", "0"),
];

fn worker(w: &Workdir) -> Child {
    let mut cmd = w.command();
    cmd.args(["worker"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in FAST {
        cmd.env(k, v);
    }
    cmd.spawn().expect("start a worker")
}

fn job(w: &Workdir, id: i64) -> serde_json::Value {
    w.run_with(&["jobs", "show", &id.to_string(), "--json"], FAST)
        .ok()
        .json()
}

fn queue(w: &Workdir, args: &[&str]) -> i64 {
    let mut full = vec!["jobs", "run"];
    full.extend_from_slice(args);
    full.push("--json");
    let queued = w.run_with(&full, FAST).ok().json();
    let jobs = queued.as_array().unwrap();
    assert_eq!(jobs.len(), 1, "{queued}");
    jobs[0]["id"].as_i64().unwrap()
}

/// Kills the worker (SIGKILL) once `ready` says the job is under way.
fn kill_when(w: &Workdir, id: i64, mut child: Child, ready: impl Fn(&Workdir) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let status = job(w, id)["status"].as_str().unwrap().to_string();
        assert_ne!(
            status, "succeeded",
            "the job ended before the worker could be killed"
        );
        if status == "running" && ready(w) {
            break;
        }
        assert!(Instant::now() < deadline, "the job never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let held = job(w, id);
    assert_eq!(held["status"], "running", "its lease still stands: {held}");
    // After the lease, a second worker takes the job and completes it.
    std::thread::sleep(Duration::from_millis(3500));
    w.run_with(&["worker", "--once"], FAST).ok();
    let done = job(w, id);
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["attempts"], 2, "{done}");
    let log = done["log"].as_array().unwrap();
    assert!(
        log.iter().any(|l| {
            let l = l.as_str().unwrap();
            l.contains("attempt 1 did not finish") && l.contains("stopped renewing its lease")
        }),
        "{done}"
    );
}

fn lake_tables(w: &Workdir) -> Vec<serde_json::Value> {
    w.run(&["tables", "--source", "lake", "--json"])
        .ok()
        .json()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_worker_killed_mid_scan_or_mid_check_leaves_a_whole_catalog() {
    let w = Workdir::new();
    w.run(&["init"]).ok();
    w.run(&["demo-data", "warehouse"]).ok();
    w.run(&["source", "add", "lake", "warehouse/lake"]).ok();

    // A scan, killed once its first tables are in the catalog.
    let scan = queue(&w, &["scan", "--source", "lake"]);
    kill_when(&w, scan, worker(&w), |w| !lake_tables(w).is_empty());
    let tables = lake_tables(&w);
    assert!(tables.len() > 5, "{tables:?}");
    for table in &tables {
        assert!(
            table["columns"].as_i64().unwrap() > 0,
            "a table without its columns: {table}"
        );
    }
    // Scanning again finds nothing that was left half-done.
    let again = w.run(&["scan", "lake", "--json"]).ok();
    let summary: serde_json::Value =
        serde_json::from_str(again.stdout.lines().last().unwrap()).unwrap();
    let lake = &summary["report"]["sources"][0];
    assert_eq!(
        lake["scanned"].as_u64().unwrap() as usize,
        tables.len(),
        "{summary}"
    );
    assert_eq!(lake["changes"], 0, "{summary}");
    assert_eq!(lake_tables(&w).len(), tables.len());

    // A policy check, killed while it runs.
    let check = queue(&w, &["check"]);
    kill_when(&w, check, worker(&w), |_| true);
    let findings = w.run(&["findings", "--json"]).ok().json();
    let findings = findings.as_array().unwrap();
    assert!(!findings.is_empty());
    let mut seen = std::collections::HashSet::new();
    for f in findings {
        let key = (f["policy_key"].to_string(), f["fingerprint"].to_string());
        assert!(seen.insert(key), "a finding stored twice: {f}");
    }
    // A check run now opens nothing new: the recovered run found it all.
    let rerun = w.run(&["check", "--json"]).json();
    assert_eq!(rerun["opened"], 0, "{rerun}");
}

/// Queues one job, lets a worker run what is due, and returns the job.
fn run_job(w: &Workdir, args: &[&str], worker_args: &[&str]) -> serde_json::Value {
    let id = queue(w, args);
    let mut full = vec!["worker", "--once"];
    full.extend_from_slice(worker_args);
    w.run_with(&full, FAST).ok();
    let done = job(w, id);
    assert_eq!(done["status"], "succeeded", "{done}");
    done
}

fn log_line(query_id: &str, sql: &str) -> String {
    format!(
        "{}\n",
        serde_json::json!({
            "query_id": query_id,
            "user": "ana.lopez",
            "sql": sql,
            "executed_at": "2026-01-05T10:00:00Z",
        })
    )
}

#[test]
fn ingest_jobs_read_only_the_files_that_are_new_or_changed() {
    let w = Workdir::scanned_sample();
    let logs = w.join("logs/2026/01");
    std::fs::create_dir_all(&logs).unwrap();
    let day1 = logs.join("day1.jsonl");
    std::fs::write(
        &day1,
        log_line(
            "t-1",
            "CREATE TABLE mart.big_orders AS SELECT order_id, customer_id FROM raw.orders",
        ) + &log_line("t-2", "SELECT * FROM raw.customers"),
    )
    .unwrap();
    let ingest = ["ingest", "--path", "logs", "--dialect", "duckdb"];
    let kinds = ["--kinds", "ingest"];

    let first = run_job(&w, &ingest, &kinds);
    let s = &first["summary"];
    assert_eq!(s["input"], "query_log", "guessed from the folder: {first}");
    assert_eq!(
        (s["files"].as_i64(), s["read"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(s["queries"], 2, "{first}");
    assert!(s["table_edges"].as_i64().unwrap() >= 1, "{first}");
    let upstream = w
        .run(&["lineage", "mart.big_orders", "--upstream", "--json"])
        .ok()
        .stdout;
    assert!(upstream.contains("raw.orders"), "{upstream}");

    // Nothing new: nothing read.
    let again = run_job(&w, &ingest, &kinds);
    assert_eq!(again["summary"]["read"], 0, "{again}");
    assert_eq!(again["summary"]["queries"], 0, "{again}");

    // A new file, and one that is not text: the new one is read, the other
    // is named in the job's log and left for the next run.
    std::fs::write(
        logs.join("day2.jsonl"),
        log_line(
            "t-3",
            "CREATE TABLE mart.vip AS SELECT customer_id, email FROM raw.customers",
        ),
    )
    .unwrap();
    std::fs::write(logs.join("broken.jsonl"), [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let second = run_job(&w, &ingest, &kinds);
    let s = &second["summary"];
    assert_eq!(s["files"], 3, "{second}");
    assert_eq!(
        (s["read"].as_i64(), s["failed"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(s["queries"], 1, "{second}");
    let log = second["log"].to_string();
    assert!(
        log.contains("broken.jsonl not read: not UTF-8 text"),
        "{log}"
    );
    let third = run_job(&w, &ingest, &kinds);
    assert_eq!(third["summary"]["failed"], 1, "tried again: {third}");
    assert_eq!(third["summary"]["read"], 0, "{third}");

    // A file that changed is read again.
    std::fs::remove_file(logs.join("broken.jsonl")).unwrap();
    let mut text = std::fs::read_to_string(&day1).unwrap();
    text.push_str(&log_line(
        "t-4",
        "CREATE TABLE mart.small_orders AS SELECT order_id FROM raw.orders",
    ));
    std::fs::write(&day1, text).unwrap();
    let fourth = run_job(&w, &ingest, &kinds);
    assert_eq!(fourth["summary"]["read"], 1, "{fourth}");
    assert_eq!(fourth["summary"]["files"], 2, "{fourth}");

    // A path that is not there is refused when the job is asked for.
    w.run(&["jobs", "run", "ingest"]).fails_with(2);
}

#[test]
fn cost_snapshot_jobs_keep_the_cost_over_time() {
    let w = Workdir::scanned_sample();
    let none = w.run(&["cost", "--history"]).ok().stdout;
    assert!(none.contains("no cost snapshots yet"), "{none}");
    let kinds = ["--kinds", "cost_snapshot"];
    let first = run_job(&w, &["cost_snapshot"], &kinds);
    let tables = first["summary"]["tables"].as_i64().unwrap();
    let listed = w.run(&["tables", "--json"]).ok().json();
    assert_eq!(tables as usize, listed.as_array().unwrap().len(), "{first}");
    run_job(&w, &["cost_snapshot"], &kinds);
    let history = w.run(&["cost", "--history", "--json"]).ok().json();
    let history = history.as_array().unwrap();
    assert_eq!(history.len(), 2, "{history:?}");
    assert!(
        history[0]["id"].as_i64() < history[1]["id"].as_i64(),
        "oldest first"
    );
    assert_eq!(history[0]["tables"], tables);
    assert!(history[0]["top_tables"].as_array().unwrap().len() <= 20);
    let report = w.run(&["cost", "--json"]).ok().json();
    assert_eq!(
        history[1]["storage_bytes"], report["totals"]["storage_bytes"],
        "{report}"
    );
}

/// A `docs` job on the worker's real small model: one table drafted, each
/// draft kept as a pending proposal by the job (the small test model may
/// leave some skipped, as `steward docs draft` does; which tables a job
/// picks is the service's test).
#[test]
fn a_docs_job_drafts_undocumented_tables_as_proposals() {
    let Some(model) = steward_llm::test_model_path() else {
        return;
    };
    let model = model.display().to_string();
    let w = Workdir::scanned_sample();
    let worker = ["--kinds", "docs", "--model", &model, "--threads", "1"];
    let done = run_job(&w, &["docs", "--limit", "1"], &worker);
    let s = &done["summary"];
    assert_eq!(s["tables"], 1, "{done}");
    assert_eq!(
        s["drafted"].as_i64().unwrap() + s["not_drafted"].as_i64().unwrap(),
        1,
        "{done}"
    );
    let log = done["log"].to_string();
    assert!(log.contains("1 table(s) to draft"), "{log}");
    let proposals = w.run(&["proposals", "--json"]).ok().json();
    let proposals = proposals.as_array().unwrap();
    assert_eq!(
        proposals.len() as i64,
        s["proposals"].as_i64().unwrap(),
        "{done}"
    );
    let drafted_by = format!("agent:docs (job {})", done["id"]);
    for p in proposals {
        assert_eq!(p["status"], "pending", "{p}");
        assert_eq!(p["drafted_by"], drafted_by.as_str(), "{p}");
    }

    // Without a model the job says why.
    let id = queue(&w, &["docs"]);
    w.run_with(&["worker", "--once", "--kinds", "docs", "--no-model"], FAST);
    let failed = job(&w, id);
    assert!(
        failed["last_error"]
            .as_str()
            .unwrap()
            .contains("no local model is loaded"),
        "{failed}"
    );
}
