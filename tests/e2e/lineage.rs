//! Lineage through the binary: the sample warehouse's query log and dbt
//! models ingested, re-ingested, and walked.

use crate::harness::Workdir;

#[test]
fn the_sample_warehouse_lineage_is_ingested_and_walked() {
    let w = Workdir::new();
    w.run(&["init"]).ok();
    w.run(&["demo-data", "warehouse"]).ok();
    let ingest = [
        "lineage",
        "ingest",
        "--query-log",
        "warehouse/query_log.jsonl",
        "--models",
        "warehouse/models",
        "--dialect",
        "duckdb",
        "--json",
    ];
    let first = w.run(&ingest).ok().json();
    assert!(first["column_edges"].as_u64().unwrap() > 50, "{first}");
    assert_eq!(first["errors"].as_array().unwrap().len(), 0, "{first}");
    let again = w.run(&ingest).ok().json();
    assert_eq!(first["column_edges"], again["column_edges"], "idempotent");
    // Nothing is scanned here: the models cannot be placed in a source yet,
    // and the report says so (governance.rs scans first and sees them placed).
    let unplaced = first["assets"]["unplaced"].as_array().unwrap();
    assert_eq!(unplaced.len(), 3, "{first}");
    assert!(
        unplaced
            .iter()
            .all(|u| u[1].as_str().unwrap().contains("scan their source first")),
        "{first}"
    );

    let up = w
        .run(&["lineage", "mart.customer_360.email", "--upstream", "--json"])
        .ok()
        .json();
    assert_eq!(up["nodes"]["raw.customers.email"], -1, "{up}");
    let down = w
        .run(&["lineage", "raw.customers.email", "--downstream"])
        .ok();
    assert!(
        down.stdout
            .contains("-> staging.stg_customers.email_sha256 (1 hop)"),
        "{}",
        down.stdout
    );
    let impact = w.run(&["lineage", "raw.customers.email", "--impact"]).ok();
    assert!(
        impact
            .stdout
            .starts_with("dropping raw.customers.email breaks"),
        "{}",
        impact.stdout
    );
    assert!(impact.stdout.contains("input  model:"), "{}", impact.stdout);
    let retype = w
        .run(&[
            "lineage",
            "raw.customers.email",
            "--impact",
            "--change",
            "retype",
            "--json",
        ])
        .ok()
        .json();
    let effect_of = |asset: &str| {
        retype["assets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["asset"] == asset)
            .map(|a| a["effect"].clone())
    };
    assert_eq!(
        effect_of("mart.customer_360.email"),
        Some("type_changes".into()),
        "{retype}"
    );
    assert_eq!(
        effect_of("staging.stg_customers.email_sha256"),
        Some("review".into()),
        "a hash of it is to review: {retype}"
    );
    w.run(&["lineage", "raw.customers", "--impact", "--change", "retype"])
        .fails_with(2);
    w.run(&["lineage", "raw.customers.email", "--impact", "--upstream"])
        .fails_with(2);
    let dot = w.run(&["lineage", "mart.customer_360", "--dot"]).ok();
    assert!(
        dot.stdout.starts_with("digraph lineage {"),
        "{}",
        dot.stdout
    );

    w.run(&["lineage", "no.such.table"]).fails_with(2);
    w.run(&["lineage"]).fails_with(2);
    w.run(&["lineage", "ingest"]).fails_with(2);
    w.run(&["lineage", "ingest", "--sql", "missing.sql"])
        .fails_with(2);
    w.run(&["lineage", "ingest", "--sql", "x.sql", "--dialect", "cobol"])
        .fails_with(2);
}

/// The fixtures in `tests/fixtures/lineage`.
fn fixture(name: &str) -> String {
    format!(
        "{}/../../tests/fixtures/lineage/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn dbt_manifests_and_openlineage_events_are_ingested() {
    let w = Workdir::new();
    w.run(&["init"]).ok();
    let manifest = fixture("manifest.json");
    let events = fixture("openlineage.jsonl");
    let args = [
        "lineage",
        "ingest",
        "--dbt-manifest",
        manifest.as_str(),
        "--openlineage",
        events.as_str(),
        "--dialect",
        "postgres",
        "--json",
    ];
    let report = w.run(&args).ok().json();
    assert_eq!(
        report["inputs"], 5,
        "3 models and 2 events, tests skipped: {report}"
    );
    assert_eq!(report["errors"].as_array().unwrap().len(), 0, "{report}");
    // The `catalog.json` beside the manifest typed the two models it holds
    // (the third was never built).
    assert_eq!(report["assets"]["typed"], 2, "{report}");
    let again = w.run(&args).ok().json();
    assert_eq!(report, again, "idempotent");

    // Compiled SQL gives column lineage through the staging view.
    let up = w
        .run(&[
            "lineage",
            "analytics.mart.customer_revenue.revenue",
            "--upstream",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(
        up["nodes"]["analytics.staging.stg_orders.amount"], -1,
        "{up}"
    );
    assert_eq!(up["nodes"]["analytics.raw.orders.amount_cents"], -2, "{up}");
    // An uncompiled model still has its tables.
    let tables = w
        .run(&[
            "lineage",
            "analytics.mart.not_compiled",
            "--upstream",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(tables["nodes"]["analytics.raw.customers"], -1, "{tables}");

    // OpenLineage: the column-lineage facet, then a table-level hop.
    let down = w
        .run(&["lineage", "raw.customers.email", "--downstream", "--json"])
        .ok()
        .json();
    assert_eq!(down["nodes"]["marketing.emails.email"], 1, "{down}");
    let to_partner = w
        .run(&[
            "lineage",
            "raw.customers",
            "--downstream",
            "--depth",
            "2",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(to_partner["nodes"]["partner.drop"], 2, "{to_partner}");

    std::fs::write(w.join("broken.json"), "{\"nodes\": 3}").unwrap();
    let bad = w
        .run(&["lineage", "ingest", "--dbt-manifest", "broken.json"])
        .fails_with(2);
    assert!(bad.stderr.contains("broken.json"), "{}", bad.stderr);
}

#[test]
fn view_definitions_found_by_a_scan_become_lineage() {
    let w = Workdir::new();
    w.run(&["init"]).ok();
    w.run(&["demo-data", "warehouse"]).ok();
    w.run(&["lineage", "ingest", "--views"]).fails_with(2);
    w.run(&["source", "add", "app", "sqlite://warehouse/app.db"])
        .ok();
    w.run(&["scan", "app"]).ok();
    let report = w
        .run(&["lineage", "ingest", "--views", "--json"])
        .ok()
        .json();
    assert!(report["column_edges"].as_u64().unwrap() > 0, "{report}");
    let up = w
        .run(&["lineage", "active_customers.email", "--upstream", "--json"])
        .ok()
        .json();
    assert_eq!(up["nodes"]["customers.email"], -1, "{up}");
}

#[test]
fn a_bad_log_line_is_named_with_its_line_and_the_good_ones_are_ingested() {
    let w = Workdir::new();
    w.run(&["init"]).ok();
    std::fs::write(
        w.join("log.jsonl"),
        "{\"query_id\": \"q1\", \"sql\": \"CREATE TABLE b AS SELECT x FROM a\"}\n\n{\"query_id\": 2\n",
    )
    .unwrap();
    let partial = w
        .run(&["lineage", "ingest", "--query-log", "log.jsonl"])
        .fails_with(2);
    assert!(
        partial.stdout.contains("log.jsonl (jsonl): 2 record(s)")
            && partial.stdout.contains("line 3: not JSON"),
        "{}",
        partial.stdout
    );
    assert!(
        partial.stderr.contains("1 malformed log record(s)"),
        "{}",
        partial.stderr
    );
    // The good line is stored.
    let down = w.run(&["lineage", "a", "--json"]).ok().json();
    assert_eq!(down["nodes"]["b"], 1, "{down}");
    let missing = w
        .run(&["bench", "search", "--questions", "nowhere.jsonl"])
        .fails_with(2);
    assert!(
        missing.stderr.contains("cannot open nowhere.jsonl"),
        "{}",
        missing.stderr
    );
}

#[test]
fn an_ingestion_that_skipped_an_input_exits_2_and_names_it() {
    let w = Workdir::new();
    w.run(&["init"]).ok();
    std::fs::write(
        w.join("good.sql"),
        "INSERT INTO mart.totals SELECT id, sum(amount) FROM raw.orders GROUP BY id",
    )
    .unwrap();
    std::fs::write(w.join("broken.sql"), "SELEC amount FROM WHERE").unwrap();
    let deep = format!("SELECT {}1{} FROM raw.t", "(".repeat(300), ")".repeat(300));
    std::fs::write(w.join("deep.sql"), deep).unwrap();
    let run = w
        .run(&[
            "lineage",
            "ingest",
            "--sql",
            "good.sql",
            "--sql",
            "broken.sql",
            "--sql",
            "deep.sql",
        ])
        .fails_with(2);
    assert!(
        run.stdout.contains("not read: sql:broken.sql"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("not read: sql:deep.sql"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("ingestion partial: 2 input(s) could not be read"),
        "{}",
        run.stderr
    );
    // What could be read is stored.
    let up = w
        .run(&["lineage", "mart.totals", "--upstream", "--json"])
        .ok()
        .json();
    assert!(up.to_string().contains("raw.orders"), "{up}");
}

#[test]
fn query_logs_of_real_warehouses_are_told_apart_and_read() {
    let w = Workdir::new();
    w.run(&["init"]).ok();
    let fixtures = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../steward-lineage/tests/fixtures/query_logs"
    );
    for (file, format, usage) in [
        ("snowflake_account_usage.csv", "snowflake", 2),
        ("bigquery_jobs_export.jsonl", "bigquery", 2),
        ("postgres_csvlog.csv", "postgres-csvlog", 3),
        ("pg_stat_statements.csv", "pg-stat-statements", 0),
    ] {
        let path = format!("{fixtures}/{file}");
        let report = w
            .run(&["lineage", "ingest", "--query-log", &path, "--json"])
            .ok()
            .json();
        let log = &report["logs"][0];
        assert_eq!(log["format"], format, "{report}");
        assert_eq!(log["usage"], usage, "{report}");
        let accounted = log["usage"].as_u64().unwrap()
            + log["lineage_only"].as_u64().unwrap()
            + log["skipped"].as_array().unwrap().len() as u64;
        assert_eq!(log["records"].as_u64().unwrap(), accounted, "{report}");
    }
    // The INSERTs of the logs are lineage.
    let up = w
        .run(&["lineage", "analytics.daily_revenue", "--upstream", "--json"])
        .ok()
        .json();
    assert!(up["nodes"].get("sales.orders").is_some(), "{up}");
    let wrong = w
        .run(&[
            "lineage",
            "ingest",
            "--query-log",
            &format!("{fixtures}/postgres_csvlog.csv"),
            "--format",
            "oracle",
        ])
        .fails_with(2);
    assert!(wrong.stderr.contains("--format"), "{}", wrong.stderr);
}
