//! The catalog store as the binary meets it: unreachable or unusable stores,
//! unwritable data dirs, schemas from newer builds, and PostgreSQL.

use sqlx::AssertSqlSafe;

use crate::harness::{Workdir, pg_url};

#[test]
fn an_unreachable_store_fails_init_cleanly() {
    let w = Workdir::new();
    let run = w
        .run(&[
            "init",
            "--store-url",
            "postgres://steward:pw@127.0.0.1:1/catalog",
        ])
        .fails_with(2);
    assert!(
        run.stderr
            .contains("cannot open catalog store `postgres://steward:***@127.0.0.1:1/catalog`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("refused"), "says why: {}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        w.listing().is_empty(),
        "no half-made data dir or config: {:?}",
        w.listing()
    );

    let run = w
        .run(&["init", "--store-url", "mysql://root@localhost/x"])
        .fails_with(2);
    assert!(
        run.stderr.contains("unsupported scheme `mysql`"),
        "{}",
        run.stderr
    );
    assert!(w.listing().is_empty(), "{:?}", w.listing());
}

#[test]
fn an_unusable_data_dir_fails_init_cleanly() {
    let w = Workdir::new();
    std::fs::write(w.join("blocker"), "a file where a folder should be").unwrap();
    let run = w.run(&["--data-dir", "blocker", "init"]).fails_with(2);
    assert!(
        run.stderr.contains("data dir") && run.stderr.contains("is not a directory"),
        "{}",
        run.stderr
    );
    let run = w
        .run(&["--data-dir", "blocker/below/deeper", "init"])
        .fails_with(2);
    assert!(
        run.stderr.contains("cannot create data dir"),
        "{}",
        run.stderr
    );
    assert_eq!(w.listing(), ["blocker"], "nothing else written");

    // Parents the init made are removed again when a later step fails.
    let run = w
        .run(&[
            "--data-dir",
            "new/nested/state",
            "init",
            "--store-url",
            "postgres://u@127.0.0.1:1/x",
        ])
        .fails_with(2);
    assert!(
        run.stderr.contains("cannot open catalog store"),
        "{}",
        run.stderr
    );
    assert_eq!(w.listing(), ["blocker"], "half-made folders removed");
}

#[tokio::test]
async fn a_catalog_from_a_newer_steward_is_refused_and_kept() {
    let w = Workdir::new();
    w.run(&["init"]).ok();
    let db = w.join(".steward/catalog.db");
    let url = format!("sqlite://{}", db.display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::raw_sql(AssertSqlSafe(
        "INSERT INTO sources (name, kind, url, created_at, updated_at) \
         VALUES ('kept', 'files', 'file:///data', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'); \
         INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (9999, 'from a newer steward', TRUE, X'00', 1);"
            .to_string(),
    ))
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;

    for args in [&["status"][..], &["migrate"], &["init"]] {
        let run = w.run(args).fails_with(2);
        assert!(
            run.stderr
                .contains("schema version 9999, newer than this steward knows"),
            "{args:?}: {}",
            run.stderr
        );
    }
    let status = w.run(&["migrate", "--status", "--json"]).ok().json();
    assert_eq!(status["schema"]["current"], 9999);

    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sources")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(kept, 1, "nothing stored was lost");
    pool.close().await;
}

#[tokio::test]
async fn postgres_store_end_to_end() {
    let Some(url) = pg_url() else { return };
    let schema = format!("e2e_{}", std::process::id());
    let w = Workdir::new();
    let env = [("STEWARD__STORE__SCHEMA", schema.as_str())];
    let init = w
        .run_with(&["init", "--store-url", &url, "--json"], &env)
        .ok()
        .json();
    assert_eq!(init["backend"], "postgres");
    assert_eq!(
        init["applied"],
        serde_json::json!(crate::harness::migration_versions())
    );
    assert!(
        !w.join(".steward/catalog.db").exists(),
        "no SQLite file for a PostgreSQL store"
    );
    let again = w.run_with(&["init", "--json"], &env).ok().json();
    assert_eq!(again["applied"], serde_json::json!([]));
    let status = w.run_with(&["status", "--json"], &env).ok().json();
    assert_eq!(status["schema"]["backend"], "postgres");
    assert_eq!(status["counts"]["tables"], 0);
    w.run_with(&["migrate"], &env).ok();

    // Governance on PostgreSQL: findings written, re-run idempotently, acted on.
    w.run_with(&["demo-data", "warehouse"], &env).ok();
    w.run_with(&["source", "add", "app", "sqlite://warehouse/app.db"], &env)
        .ok();
    w.run_with(&["scan"], &env).ok();
    let first = w.run_with(&["check", "--json"], &env).ok().json();
    assert!(first["opened"].as_i64().unwrap() > 0);
    let again = w.run_with(&["check", "--json"], &env).ok().json();
    assert_eq!(again["opened"], 0);
    // Only when they were last seen moves between runs.
    let stable = |report: &serde_json::Value| -> Vec<(i64, String, String)> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["id"].as_i64().unwrap(),
                    f["fingerprint"].as_str().unwrap().to_string(),
                    f["first_seen"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(stable(&first), stable(&again));
    let id = first["findings"][0]["id"].to_string();
    w.run_with(
        &["findings", "waive", &id, "--reason", "test", "--days", "3"],
        &env,
    )
    .ok();
    let shown = w
        .run_with(&["findings", "show", &id, "--json"], &env)
        .ok()
        .json();
    assert_eq!(shown["finding"]["status"], "waived");
    assert_eq!(shown["history"].as_array().unwrap().len(), 2);

    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::query(AssertSqlSafe(format!("DROP SCHEMA \"{schema}\" CASCADE")))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}
