//! The scan through the binary: the sample warehouse end to end, JSON lines,
//! and the exit code of a partial scan.

use crate::harness::Workdir;

#[test]
fn the_sample_warehouse_scans_end_to_end() {
    let w = Workdir::new();
    w.run(&["init"]).ok();
    let written = w.run(&["demo-data", "warehouse", "--json"]).ok().json();
    assert!(written["files"].as_u64().unwrap() > 10);
    w.run(&["source", "add", "lake", "warehouse/lake"]).ok();
    w.run(&["source", "add", "app", "sqlite://warehouse/app.db"])
        .ok();
    w.run(&[
        "source",
        "add",
        "app",
        "sqlite://warehouse/app.db",
        "--exists-ok",
    ])
    .ok();
    let dup = w
        .run(&["source", "add", "app", "sqlite://warehouse/app.db"])
        .fails_with(2);
    assert!(
        dup.stderr.contains("source `app` already exists"),
        "{}",
        dup.stderr
    );

    let scan = w.run(&["scan", "--json"]).ok();
    let lines: Vec<serde_json::Value> = scan
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary = lines.last().unwrap();
    assert_eq!(summary["event"], "summary");
    assert_eq!(summary["report"]["partial"], false);
    let tables = lines
        .iter()
        .filter(|l| l["event"] == "table" && l["status"] == "scanned")
        .count();
    assert!(tables >= 14, "{tables} tables scanned");

    let listed = w.run(&["tables", "--json"]).ok().json();
    assert_eq!(listed.as_array().unwrap().len(), tables);
    let customers = w.run(&["show", "raw.customers", "--json"]).ok().json();
    assert_eq!(customers["table"]["row_count"], 1000);
    let text = serde_json::to_string(&customers).unwrap();
    assert!(!text.contains("@example."), "no e-mail stored in clear");
    let human = w.run(&["show", "lake.raw.customers"]).ok();
    assert!(human.stdout.contains("profiled"), "{}", human.stdout);
    w.run(&["show", "no_such_table"]).fails_with(2);
}

#[test]
fn a_partial_scan_exits_2_and_names_the_table() {
    let w = Workdir::new();
    w.run(&["init"]).ok();
    std::fs::create_dir_all(w.join("lake")).unwrap();
    std::fs::write(w.join("lake/good.csv"), "a,b\n1,2\n").unwrap();
    std::fs::write(w.join("lake/bad.parquet"), b"not parquet at all").unwrap();
    w.run(&["source", "add", "lake", "lake"]).ok();
    let run = w.run(&["scan"]).fails_with(2);
    assert!(run.stdout.contains("1 scanned, 1 failed"), "{}", run.stdout);
    assert!(run.stdout.contains("bad.parquet"), "{}", run.stdout);
    assert!(run.stderr.contains("scan partial"), "{}", run.stderr);
    let tables = w.run(&["tables", "--json"]).ok().json();
    let bad = tables
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "bad")
        .unwrap();
    assert!(
        bad["scan_error"]
            .as_str()
            .unwrap()
            .contains("not a Parquet file")
    );
}

#[test]
fn sources_refuse_passwords_in_urls_and_unreachable_ones_unless_told() {
    let w = Workdir::new();
    w.run(&["init"]).ok();
    let run = w
        .run(&[
            "source",
            "add",
            "pg",
            "postgres://app:hunter2@127.0.0.1:1/x",
        ])
        .fails_with(2);
    assert!(
        run.stderr.contains("carries a credential"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("hunter2"));
    let run = w
        .run(&["source", "add", "pg", "postgres://app@127.0.0.1:1/x"])
        .fails_with(2);
    assert!(
        run.stderr.contains("cannot reach source `pg`"),
        "{}",
        run.stderr
    );
    w.run(&[
        "source",
        "add",
        "pg",
        "postgres://app@127.0.0.1:1/x",
        "--no-check",
    ])
    .ok();
    let sources = w.run(&["source", "list", "--json"]).ok().json();
    assert_eq!(sources[0]["url"], "postgres://app@127.0.0.1:1/x");
    w.run(&["source", "remove", "pg"]).ok();
    w.run(&["source", "remove", "pg"]).fails_with(2);
}
