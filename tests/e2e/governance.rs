//! Governance through the binary: `steward check` on the sample warehouse
//! with its exit codes and report formats, the findings inbox, policy
//! validation with positions, annotations and cost.

use crate::harness::Workdir;

/// The scanned sample with its query log and models ingested.
fn governed_sample() -> Workdir {
    let w = Workdir::scanned_sample();
    w.run(&[
        "lineage",
        "ingest",
        "--query-log",
        "warehouse/query_log.jsonl",
        "--models",
        "warehouse/models",
        "--dialect",
        "duckdb",
    ])
    .ok();
    w
}

fn finding_id(report: &serde_json::Value, policy: &str, asset: &str) -> i64 {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["policy_key"] == policy && f["asset"] == asset)
        .unwrap_or_else(|| panic!("no {policy} finding on {asset}"))["id"]
        .as_i64()
        .unwrap()
}

#[test]
fn check_gates_on_severity_and_the_inbox_works_findings() {
    let w = governed_sample();
    // Credentials in app.db are critical: the gate closes.
    let gated = w.run(&["check", "--fail-on", "critical"]).fails_with(1);
    assert!(gated.stdout.contains("secret-in-data"), "{}", gated.stdout);
    assert!(
        gated.stderr.contains("at or above critical"),
        "{}",
        gated.stderr
    );

    let report = w.run(&["check", "--json"]).ok().json();
    assert_eq!(report["opened"], 0, "the second run opens nothing");
    assert!(report["policies"].as_array().unwrap().len() >= 12);
    let secret = finding_id(&report, "secret-in-data", "api_credentials.api_key");

    // Policies and open findings are searchable.
    let policies = w.search_names(&["credentials", "--facet", "kind=policy"]);
    assert_eq!(
        policies.first().map(String::as_str),
        Some("secret-in-data"),
        "{policies:?}"
    );
    let findings = w.search_names(&["api key", "--facet", "kind=finding"]);
    assert!(
        findings.iter().any(|n| n == "api_credentials.api_key"),
        "{findings:?}"
    );

    let md = w.run(&["check", "--markdown"]).ok();
    assert!(md.stdout.starts_with("## Steward check"), "{}", md.stdout);
    assert!(
        md.stdout
            .contains("| `secret-in-data` | `api_credentials.api_key` |"),
        "{}",
        md.stdout
    );

    // Waived, it no longer closes the gate; reopened, it does again.
    let id = secret.to_string();
    w.run(&[
        "findings",
        "ack",
        &id,
        "--reason",
        "rotating the keys",
        "--by",
        "ana",
    ])
    .ok();
    w.run(&["findings", "ack", &id, "--reason", "twice"])
        .fails_with(2);
    let waived = w
        .run(&[
            "findings",
            "waive",
            &id,
            "--reason",
            "sandbox keys",
            "--until",
            "2099-01-31",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(waived["status"], "waived");
    assert_eq!(waived["waived_until"], "2099-01-31T23:59:59Z");
    w.run(&["check", "--fail-on", "critical"]).ok();
    w.run(&[
        "findings",
        "waive",
        &id,
        "--reason",
        "x",
        "--until",
        "yesterday",
    ])
    .fails_with(2);
    w.run(&[
        "findings",
        "reopen",
        &id,
        "--reason",
        "not a sandbox after all",
    ])
    .ok();
    w.run(&["check", "--fail-on", "critical"]).fails_with(1);

    let shown = w.run(&["findings", "show", &id]).ok().stdout;
    for action in [
        "finding.opened",
        "finding.acknowledged",
        "finding.waived",
        "finding.reopened",
    ] {
        assert!(shown.contains(action), "{action} missing:\n{shown}");
    }
    assert!(shown.contains("sandbox keys"), "{shown}");

    let critical = w
        .run(&["findings", "--severity", "critical", "--json"])
        .ok()
        .json();
    assert!(
        critical
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] == "critical")
    );
    w.run(&["findings", "--status", "closed"]).fails_with(2);
    w.run(&["findings", "show", "999999"]).fails_with(2);

    // An owner and a description fix the table's documentation findings.
    let undocumented = finding_id(&report, "table-undocumented", "raw.customers");
    w.run(&[
        "annotate",
        "raw.customers",
        "--owner",
        "crm-team",
        "--description",
        "Customers from the CRM",
    ])
    .ok();
    let after = w.run(&["check", "--json"]).ok().json();
    assert!(
        after["resolved"].as_i64().unwrap() >= 2,
        "{}",
        after["resolved"]
    );
    let resolved = w
        .run(&["findings", "--status", "resolved", "--json"])
        .ok()
        .json();
    assert!(
        resolved
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == undocumented)
    );
}

#[test]
fn the_sample_dbt_project_documents_its_models_tables() {
    let w = governed_sample();
    let mart = w.run(&["show", "mart.customer_360", "--json"]).ok().json();
    assert_eq!(mart["table"]["owner"], "crm-team@shop.example", "{mart}");
    assert_eq!(mart["table"]["tags"], serde_json::json!(["crm"]), "{mart}");
    assert_eq!(mart["model"]["materialized"], "table", "{mart}");
    let shown = w.run(&["show", "mart.customer_360"]).ok().stdout;
    assert!(
        shown.contains("dbt tests: unique; not_null; relationships: stg_customers.customer_id"),
        "{shown}"
    );
    assert!(
        shown.contains("dbt model warehouse/models/customer_360.sql (table)"),
        "{shown}"
    );
    // A table the project does not build keeps no model.
    let raw = w.run(&["show", "raw.customers", "--json"]).ok().json();
    assert!(raw.get("model").is_none(), "{raw}");
}

#[test]
fn policy_validation_names_file_line_and_column_and_skips_only_the_broken() {
    let w = governed_sample();
    w.run(&["policy", "validate"]).ok();
    let listed = w.run(&["policy", "list", "--json"]).ok().json();
    assert!(listed.as_array().unwrap().len() >= 12);

    let dir = w.join("mine");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("bad-sql.toml"),
        "id = \"bad-sql\"\ntitle = \"t\"\nseverity = \"low\"\ncheck = \"\"\"\nSELECT qualified_name AS asset, 'm' AS message\nFROM steward.tables\nWHERE ownr IS NULL\n\"\"\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("bad-severity.toml"),
        "id = \"x\"\ntitle = \"t\"\nseverity = \"urgent\"\ncheck = \"SELECT 1\"\n",
    )
    .unwrap();
    let out = w.run(&["policy", "validate", "mine"]).fails_with(2);
    for expected in [
        "mine/bad-sql.toml:7:7: check: column 'ownr' not found",
        "mine/bad-severity.toml:3:12: unknown severity `urgent`",
    ] {
        assert!(out.stdout.contains(expected), "{}", out.stdout);
    }
    w.run(&["policy", "validate", "nowhere"]).fails_with(2);

    // A check with the broken folder: the built-ins run, the broken are named,
    // and the exit code says something was skipped.
    let run = w
        .run(&["check", "--policies", "mine", "--json"])
        .fails_with(2);
    let report = run.json();
    assert_eq!(report["problems"].as_array().unwrap().len(), 2);
    assert!(report["findings"].as_array().unwrap().len() > 10);
    assert!(run.stderr.contains("policy skipped"), "{}", run.stderr);
}

#[test]
fn cost_prices_storage_and_the_query_log() {
    let w = governed_sample();
    let report = w.run(&["cost", "--json"]).ok().json();
    assert_eq!(report["currency"], "USD");
    assert_eq!(report["totals"]["queries"], 300);
    assert!(report["totals"]["bytes_scanned"].as_i64().unwrap() > 0);
    let tables = report["tables"].as_array().unwrap();
    let events = tables
        .iter()
        .find(|t| t["table"] == "raw.web_events")
        .unwrap();
    assert!(events["reads"].as_i64().unwrap() > 10);
    assert!(
        report["savings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["kind"] == "row_format" && s["table"] == "raw.payments")
    );
    let by_user = w.run(&["cost", "--by", "user"]).ok().stdout;
    assert!(by_user.contains("bi_service"), "{by_user}");
}
