//! Several `steward` processes on one catalog at once, as a team's cron jobs
//! and a steward at a terminal would run them: writers wait for each other
//! instead of failing, and what they write is what one run alone writes.

use std::process::{Child, Stdio};

use crate::harness::{Workdir, pg_url};

/// The sample query log repeated with fresh query ids: enough work that one
/// ingestion holds the catalog's write lock many times over.
fn long_query_log(w: &Workdir, copies: usize) -> String {
    let log = std::fs::read_to_string(w.join("warehouse/query_log.jsonl")).unwrap();
    let mut out = String::new();
    for copy in 0..copies {
        for line in log.lines().filter(|l| !l.trim().is_empty()) {
            let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
            let id = format!("{}-{copy}", v["query_id"].as_str().unwrap());
            v["query_id"] = serde_json::Value::String(id);
            out.push_str(&v.to_string());
            out.push('\n');
        }
    }
    std::fs::write(w.join("long_log.jsonl"), out).unwrap();
    "long_log.jsonl".to_string()
}

/// Starts `steward ARGS` without waiting for it.
fn spawn(w: &Workdir, args: &[&str], env: &[(&str, &str)]) -> Child {
    let mut cmd = w.command();
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().expect("start steward")
}

/// Waits for every process; each must have succeeded and said nothing of a
/// locked database or a skipped index update.
fn all_succeed(children: Vec<Child>) {
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "exit {:?}\nstdout: {}\nstderr: {stderr}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(!stderr.contains("locked"), "{stderr}");
        assert!(!stderr.contains("was not updated"), "{stderr}");
    }
}

fn counts(w: &Workdir, env: &[(&str, &str)]) -> serde_json::Value {
    w.run_with(&["status", "--json"], env).ok().json()["counts"].clone()
}

/// Parallel ingestions of one log, then the same log once more alone: the
/// catalog holds exactly what one ingestion writes (nothing doubled).
fn parallel_ingestions_agree(w: &Workdir, env: &[(&str, &str)], processes: usize, copies: usize) {
    let log = long_query_log(w, copies);
    let args = [
        "lineage",
        "ingest",
        "--query-log",
        &log,
        "--dialect",
        "duckdb",
    ];
    let children = (0..processes).map(|_| spawn(w, &args, env)).collect();
    all_succeed(children);
    let after_parallel = counts(w, env);
    w.run_with(&args, env).ok();
    let after_one_more = counts(w, env);
    assert_eq!(
        after_parallel["lineage_edges"],
        after_one_more["lineage_edges"]
    );
    assert_eq!(
        after_parallel["usage_records"],
        after_one_more["usage_records"]
    );
    assert!(after_parallel["lineage_edges"].as_i64().unwrap() > 0);
}

#[test]
fn parallel_ingestions_on_sqlite_wait_for_each_other() {
    let w = Workdir::scanned_sample();
    // A short busy timeout makes every attempt at the lock give up quickly:
    // only waiting across attempts gets the processes through.
    let env = [("STEWARD__STORE__BUSY_TIMEOUT_MS", "20")];
    parallel_ingestions_agree(&w, &env, 4, 4);
}

#[test]
fn parallel_first_scans_and_ingestions_on_postgres() {
    let Some(url) = pg_url() else { return };
    let schema = format!("e2e_parallel_{}", std::process::id());
    let w = Workdir::new();
    let env = [
        ("STEWARD__STORE__SCHEMA", schema.as_str()),
        ("STEWARD__STORE__URL", url.as_str()),
    ];
    w.run_with(&["init"], &env).ok();
    w.run_with(&["demo-data", "warehouse"], &env).ok();
    w.run_with(&["source", "add", "lake", "warehouse/lake"], &env)
        .ok();

    // Three first scans of a new source at once: each table registered once.
    let children = (0..3).map(|_| spawn(&w, &["scan"], &env)).collect();
    all_succeed(children);
    let tables = w.run_with(&["tables", "--json"], &env).ok().json();
    let names: Vec<String> = tables
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            format!(
                "{}.{}",
                t["schema"].as_str().unwrap_or(""),
                t["name"].as_str().unwrap()
            )
        })
        .collect();
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(names.len(), unique.len(), "{names:?}");
    assert!(
        tables
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["scan_error"].is_null())
    );
    let scanned = counts(&w, &env);
    w.run_with(&["scan"], &env).ok();
    assert_eq!(counts(&w, &env)["columns"], scanned["columns"]);

    parallel_ingestions_agree(&w, &env, 3, 2);

    let admin = url.clone();
    let drop = format!("DROP SCHEMA {schema} CASCADE");
    let status = std::process::Command::new("psql")
        .args([admin.as_str(), "-qc", drop.as_str()])
        .env("PGOPTIONS", "--client-min-messages=warning")
        .status()
        .unwrap();
    assert!(status.success());
}

/// The catalog's run history, oldest first: (job, status, error).
fn runs(w: &Workdir) -> Vec<(String, String, Option<String>)> {
    let db = w.join(".steward/catalog.db");
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT job, status, error FROM job_runs ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_scan_killed_mid_way_is_marked_interrupted_by_the_next() {
    let w = Workdir::new();
    w.run(&["init"]).ok();
    // Enough tables that the scan is still going when it is killed.
    for i in 0..400 {
        let dir = w.join(&format!("lake/s{}", i % 4));
        std::fs::create_dir_all(&dir).unwrap();
        let mut csv = String::from("id,amount,note\n");
        for r in 0..50 {
            csv.push_str(&format!("{r},{}.5,row {r} of table {i}\n", r * i));
        }
        std::fs::write(dir.join(format!("t{i:03}_data.csv")), csv).unwrap();
    }
    w.run(&["source", "add", "lake", "lake"]).ok();
    let mut scan = spawn(&w, &["scan"], &[]);
    // Kill it once it has written a few tables.
    let started = std::time::Instant::now();
    loop {
        let written = w.run(&["status", "--json"]).ok().json()["counts"]["tables"]
            .as_i64()
            .unwrap();
        if written >= 5 {
            break;
        }
        assert!(
            started.elapsed().as_secs() < 120,
            "the scan never wrote a table"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    scan.kill().unwrap();
    scan.wait().unwrap();
    let killed = runs(&w);
    assert_eq!(killed.len(), 1);
    assert_eq!(
        (killed[0].0.as_str(), killed[0].1.as_str()),
        ("scan", "running")
    );

    // The next scan marks it, then completes the work.
    w.run(&["scan"]).ok();
    let after = runs(&w);
    assert_eq!(after.len(), 2, "{after:?}");
    assert_eq!(after[0].1, "interrupted", "{after:?}");
    assert!(
        after[0]
            .2
            .as_deref()
            .unwrap_or("")
            .contains("stopped before the run finished"),
        "{after:?}"
    );
    assert_eq!(after[1].1, "succeeded", "{after:?}");
    let tables = w.run(&["tables", "--json"]).ok().json();
    assert_eq!(tables.as_array().unwrap().len(), 400);
}
