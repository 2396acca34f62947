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
