//! Query logs in each named format, read from fixtures written in that
//! format: every record is a statement or skipped with its line.

use chrono::{DateTime, Utc};
use steward_lineage::{LogFormat, QueryLog, Schema, analyze, read_query_log};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/query_logs/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn read(name: &str) -> QueryLog {
    let log = read_query_log(&fixture(name), LogFormat::Auto).expect(name);
    assert_eq!(
        log.records,
        log.statements.len() + log.skipped.len(),
        "{name}: every record accounted for"
    );
    assert!(
        log.skipped.iter().all(|s| !s.malformed),
        "{name}: {:?}",
        log.skipped
    );
    log
}

fn at(text: &str) -> Option<DateTime<Utc>> {
    Some(text.parse().expect("an RFC 3339 time"))
}

#[test]
fn snowflake_query_history_csv() {
    let log = read("snowflake_account_usage.csv");
    assert_eq!(log.format, LogFormat::Snowflake);
    assert_eq!((log.records, log.statements.len()), (3, 2));
    let first = &log.statements[0];
    assert_eq!(first.query_id, "01b1f6a2-0602-4c3e-0000-a5b1003d7e12");
    assert_eq!(first.user.as_deref(), Some("JDOE"));
    assert_eq!(first.database.as_deref(), Some("ANALYTICS.MARTS"));
    assert_eq!(first.executed_at, at("2024-01-15T18:23:45.123Z"));
    assert_eq!(first.duration_ms, Some(2334));
    assert_eq!(first.bytes_scanned, Some(48_392_011));
    // A statement over several lines keeps its text and its first line.
    let insert = &log.statements[1];
    assert_eq!(insert.line, 3);
    assert!(insert.sql.contains("FROM RAW.SHOP.ORDERS o\nJOIN"));
    let lineage = analyze(&insert.sql, "snowflake", &Schema::new()).unwrap();
    assert!(
        lineage
            .targets
            .iter()
            .any(|t| t.eq_ignore_ascii_case("analytics.marts.daily_revenue")),
        "{:?}",
        lineage.targets
    );
    // The failed query is not usage, and says so with its line.
    assert_eq!(log.skipped[0].line, 8);
    assert!(log.skipped[0].reason.contains("FAIL"));

    let subset = read("snowflake_subset.csv");
    assert_eq!(subset.format, LogFormat::Snowflake);
    assert_eq!((subset.records, subset.statements.len()), (2, 1));
}

#[test]
fn snowflake_query_history_json() {
    let log = read("snowflake.jsonl");
    assert_eq!(log.format, LogFormat::Snowflake);
    assert_eq!((log.records, log.statements.len()), (2, 1));
    assert_eq!(log.statements[0].duration_ms, Some(2334));
    assert_eq!(log.skipped[0].line, 2);
}

#[test]
fn bigquery_jobs_exported_as_json_lines() {
    let log = read("bigquery_jobs_export.jsonl");
    assert_eq!(log.format, LogFormat::Bigquery);
    assert_eq!((log.records, log.statements.len()), (3, 2));
    let first = &log.statements[0];
    assert_eq!(first.query_id, "bquxjob_5c1f2a7e_18d0e2c4b1a");
    assert_eq!(first.user.as_deref(), Some("jdoe@acme.com"));
    assert_eq!(first.executed_at, at("2024-01-15T18:23:45.123Z"));
    assert_eq!(first.duration_ms, Some(2334));
    // Integers come as strings in BigQuery's JSON.
    assert_eq!(first.bytes_scanned, Some(48_392_011));
    assert!(log.skipped[0].reason.contains("failed"));
}

#[test]
fn bigquery_jobs_from_the_bq_tool_and_the_jobs_api() {
    let cli = read("bigquery_cli.json");
    assert_eq!(cli.format, LogFormat::Bigquery);
    assert_eq!(cli.statements.len(), 2);
    assert_eq!(cli.statements[0].executed_at, at("2024-01-15T18:23:45Z"));
    assert_eq!(cli.statements[1].duration_ms, Some(12_000));

    let api = read("bigquery_job_api.json");
    assert_eq!(api.format, LogFormat::Bigquery);
    assert_eq!(api.statements.len(), 1);
    let job = &api.statements[0];
    assert_eq!(job.query_id, "bquxjob_5c1f2a7e_18d0e2c4b1a");
    assert_eq!(job.database.as_deref(), Some("acme-analytics.marts"));
    assert_eq!(job.executed_at, at("2024-01-15T18:23:45.123Z"));
    assert_eq!(job.duration_ms, Some(2334));
    assert_eq!(job.bytes_scanned, Some(48_392_011));
}

#[test]
fn postgres_csvlog() {
    let log = read("postgres_csvlog.csv");
    assert_eq!(log.format, LogFormat::PostgresCsvlog);
    assert_eq!((log.records, log.statements.len()), (4, 3));
    let execute = &log.statements[0];
    assert_eq!(execute.query_id, "65a507ac.bd12:5");
    assert!(
        execute
            .sql
            .starts_with("SELECT id, email FROM public.users")
    );
    assert_eq!(execute.user.as_deref(), Some("app_ro"));
    assert_eq!(execute.database.as_deref(), Some("warehouse"));
    assert_eq!(execute.executed_at, at("2024-01-15T10:23:41.877Z"));
    let slow = &log.statements[2];
    assert_eq!(slow.duration_ms, Some(11_387));
    assert!(slow.sql.starts_with("INSERT INTO analytics.daily_revenue"));
    // The duration logged apart from its statement is not a second query.
    assert_eq!(log.skipped[0].line, 3);

    let old = read("postgres12_csvlog.csv");
    assert_eq!(old.format, LogFormat::PostgresCsvlog);
    assert_eq!(old.statements.len(), 1);
}

#[test]
fn pg_stat_statements_is_lineage_without_times() {
    let log = read("pg_stat_statements.csv");
    assert_eq!(log.format, LogFormat::PgStatStatements);
    assert_eq!((log.records, log.statements.len()), (3, 3));
    assert!(log.statements.iter().all(|s| s.executed_at.is_none()));
    assert_eq!(
        log.statements[0].query_id,
        "pgss:16385:16391:-6023514839424012851"
    );
    // The mean of a call, from the totals.
    assert_eq!(log.statements[0].duration_ms, Some(788));
    let lineage = analyze(&log.statements[1].sql, "postgres", &Schema::new()).unwrap();
    assert_eq!(
        lineage.targets.iter().collect::<Vec<_>>(),
        vec!["analytics.daily_revenue"]
    );
}

#[test]
fn other_json_logs_by_their_field_names() {
    let log = read("databricks_history.jsonl");
    assert_eq!(log.format, LogFormat::Jsonl);
    let q = &log.statements[0];
    assert_eq!(q.query_id, "01eeb3a4-5b6c-1d2e-9f80-a1b2c3d4e5f6");
    assert_eq!(q.user.as_deref(), Some("jdoe@acme.com"));
    assert_eq!(q.executed_at, at("2024-01-15T18:23:45.123Z"));
    assert_eq!(q.duration_ms, Some(2334));
}

#[test]
fn a_named_format_that_does_not_fit_says_so() {
    let err = read_query_log(&fixture("postgres_csvlog.csv"), LogFormat::Bigquery).unwrap_err();
    assert!(err.contains("JSON"), "{err}");
    // A Snowflake CSV without the columns: each record skipped as malformed.
    let log = read_query_log("A,B\n1,2\n", LogFormat::Snowflake).unwrap();
    assert_eq!(log.skipped.len(), 1);
    assert!(log.skipped[0].malformed);
}
