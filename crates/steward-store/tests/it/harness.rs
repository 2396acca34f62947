use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::AssertSqlSafe;
use steward_store::{OpenMode, Store, StoreConfig};
use steward_types::Secret;

/// A store for one test, and how to clean it up afterwards.
pub struct TestStore {
    pub name: &'static str,
    pub store: Store,
    pub url: String,
    pub config: StoreConfig,
    _dir: Option<tempfile::TempDir>,
}

static SCHEMA_COUNTER: AtomicU32 = AtomicU32::new(0);

pub use steward_testing::pg_url;

pub async fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("catalog.db").display());
    let config = StoreConfig::default();
    let store = Store::open(&url, &config, OpenMode::Create)
        .await
        .expect("open sqlite store");
    TestStore {
        name: "sqlite",
        store,
        url,
        config,
        _dir: Some(dir),
    }
}

/// A PostgreSQL store in a schema of its own, so tests run in parallel.
pub async fn postgres(url: &str) -> TestStore {
    let schema = format!(
        "conformance_{}_{}",
        std::process::id(),
        SCHEMA_COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let config = StoreConfig {
        url: Some(Secret::new(url)),
        schema: Some(schema),
        ..StoreConfig::default()
    };
    let store = Store::open(url, &config, OpenMode::Create)
        .await
        .expect("open postgres store");
    TestStore {
        name: "postgres",
        store,
        url: url.to_string(),
        config,
        _dir: None,
    }
}

impl TestStore {
    /// Drops what the test made: the PostgreSQL schema (the SQLite temp dir goes by itself).
    pub async fn cleanup(self) {
        self.store.close().await;
        if let Some(schema) = &self.config.schema {
            let pool = sqlx::PgPool::connect(&self.url)
                .await
                .expect("connect for cleanup");
            sqlx::query(AssertSqlSafe(format!(
                "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"
            )))
            .execute(&pool)
            .await
            .expect("drop test schema");
            pool.close().await;
        }
    }
}

/// Runs `case` once per backend, naming the backend when it fails.
pub async fn each_backend<F, Fut>(case: F)
where
    F: Fn(TestStore) -> Fut,
    Fut: Future<Output = TestStore>,
{
    let mut stores = vec![sqlite().await];
    if let Some(url) = pg_url() {
        stores.push(postgres(&url).await);
    }
    for store in stores {
        let name = store.name;
        eprintln!("backend: {name}");
        let store = case(store).await;
        store.cleanup().await;
    }
}
