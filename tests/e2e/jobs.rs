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
