//! Migrations, refusing newer schemas, and opening errors.

use std::time::Instant;
use steward_types::HasKind;

use sqlx::AssertSqlSafe;
use steward_store::{OpenMode, Store, StoreConfig, StoreError};
use steward_types::*;

use crate::harness::{each_backend, pg_url};

#[tokio::test]
async fn migrating_twice_changes_nothing() {
    each_backend(|t| async move {
        let status = t.store.schema_status().await.unwrap();
        assert_eq!(
            status.current, status.latest,
            "{}: opened store is up to date",
            t.name
        );
        assert!(status.pending.is_empty());
        assert!(
            t.store.migrate().await.unwrap().is_empty(),
            "{}: nothing left to apply",
            t.name
        );
        t.store.check_schema().await.unwrap();
        t
    })
    .await;
}

#[tokio::test]
async fn a_schema_from_a_newer_steward_is_refused() {
    each_backend(|t| async move {
        let latest = t.store.schema_status().await.unwrap().latest;
        let future = latest + 1;
        // What a newer build would leave behind: a migration this build does not know.
        let sql = format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES ({future}, 'from the future', TRUE, X'00', 1)"
        );
        let sql = if t.name == "postgres" { sql.replace("X'00'", "'\\x00'::bytea") } else { sql };
        {
            let mut s = t.store.begin().await.unwrap();
            s.insert(&crate::crud::source("kept")).await.unwrap();
            s.commit().await.unwrap();
        }
        raw(&t, &sql).await;

        let reopened = Store::open(&t.url, &t.config, OpenMode::Existing).await;
        let err = reopened.unwrap_err();
        assert!(matches!(err, StoreError::SchemaTooNew { .. }), "{}: {err:?}", t.name);
        assert_eq!(err.kind(), ErrorKind::Conflict);
        assert!(err.to_string().contains(&format!("schema version {future}")), "{err}");
        let err = t.store.migrate().await.unwrap_err();
        assert!(matches!(err, StoreError::SchemaTooNew { .. }));
        let err = t.store.check_schema().await.unwrap_err();
        assert!(matches!(err, StoreError::SchemaTooNew { .. }));
        // Nothing stored was touched.
        let mut s = t.store.begin().await.unwrap();
        let kept = s.list::<Source>(&steward_store::Filter::all()).await.unwrap();
        assert_eq!(kept.len(), 1, "{}", t.name);
        drop(s);
        t
    })
    .await;
}

async fn raw(t: &crate::harness::TestStore, sql: &str) {
    match &t.config.schema {
        Some(schema) => {
            let pool = sqlx::PgPool::connect(&t.url).await.unwrap();
            let sql = format!("SET search_path TO \"{schema}\"; {sql}");
            sqlx::raw_sql(AssertSqlSafe(sql))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
        None => {
            let pool = sqlx::SqlitePool::connect(&t.url).await.unwrap();
            sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
    }
}

#[tokio::test]
async fn a_store_opened_without_auto_migrate_must_be_current() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("c.db").display());
    let manual = StoreConfig {
        auto_migrate: false,
        ..StoreConfig::default()
    };
    let err = Store::open(&url, &manual, OpenMode::Create)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaBehind { found: 0, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("migrate the catalog"), "{err}");
    let store = Store::connect(&url, &manual, OpenMode::Existing)
        .await
        .unwrap();
    let latest = store.schema_status().await.unwrap().latest;
    assert_eq!(
        store.migrate().await.unwrap(),
        (1..=latest).collect::<Vec<_>>()
    );
    Store::open(&url, &manual, OpenMode::Existing)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_missing_sqlite_catalog_is_not_created_behind_the_users_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nowhere.db");
    let url = format!("sqlite://{}", path.display());
    let err = Store::open(&url, &StoreConfig::default(), OpenMode::Existing)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotInitialised { .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.to_string().contains("initialise the catalog"), "{err}");
    assert!(!path.exists());
}

#[tokio::test]
async fn unsupported_urls_are_invalid() {
    let err = Store::open(
        "mysql://root@localhost/x",
        &StoreConfig::default(),
        OpenMode::Create,
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid);
    assert_eq!(
        err.to_string(),
        "invalid store url `mysql://root@localhost/x`: unsupported scheme `mysql`; \
         use `sqlite://PATH` or `postgres://USER@HOST/DB`"
    );
    let bad_schema = StoreConfig {
        schema: Some("Bad-Name".into()),
        ..StoreConfig::default()
    };
    let err = Store::open("postgres://u@127.0.0.1/x", &bad_schema, OpenMode::Create)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid, "{err}");
}

#[tokio::test]
async fn an_unreachable_postgres_fails_fast_without_leaking_the_password() {
    let config = StoreConfig {
        connect_timeout_secs: 2,
        ..StoreConfig::default()
    };
    let started = Instant::now();
    // Port 1 on loopback: nothing listens there.
    let err = Store::open(
        "postgres://steward:hunter2@127.0.0.1:1/catalog",
        &config,
        OpenMode::Create,
    )
    .await
    .unwrap_err();
    assert!(
        started.elapsed().as_secs() < 10,
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    let message = format!("{err} {err:?}");
    assert!(!message.contains("hunter2"), "password leaked: {message}");
    assert!(
        err.to_string()
            .starts_with("cannot open catalog store `postgres://steward:***@127.0.0.1:1/catalog`"),
        "{err}"
    );
}

#[tokio::test]
async fn a_wrong_postgres_database_is_a_clear_error() {
    let Some(url) = pg_url() else { return };
    let base = url.rsplit_once('/').map(|(base, _)| base).unwrap_or(&url);
    let wrong = format!("{base}/steward_no_such_database");
    let err = Store::open(&wrong, &StoreConfig::default(), OpenMode::Create)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(
        err.to_string().contains("steward_no_such_database"),
        "{err}"
    );
}
