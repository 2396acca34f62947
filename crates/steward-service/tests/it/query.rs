//! Read-only SQL over a real lake, a real SQLite file and the catalog's
//! system tables: only queries run, sensitive columns are masked below
//! every operator, limits hold, and the sources are byte-identical after.

use std::path::Path;

use steward_service::{SourceRequest, Steward};
use steward_types::{ErrorKind, HasKind};

use crate::harness::{open_catalog, test_config};

async fn open(dir: &Path, max_rows: usize) -> Steward {
    let mut loaded = test_config(dir);
    loaded.config.agent.query_max_rows = max_rows;
    open_catalog(&loaded).await
}

/// `crm.customers` (with e-mail addresses) in a lake, `orders` in SQLite.
async fn warehouse(steward: &Steward, dir: &Path) -> (Vec<u8>, Vec<u8>) {
    let lake = dir.join("lake/crm");
    std::fs::create_dir_all(&lake).unwrap();
    let mut csv = String::from("id,email,city\n");
    for i in 1..=40 {
        csv.push_str(&format!(
            "{i},person{i}@example.com,{}\n",
            ["Lyon", "Porto", "Graz"][i % 3]
        ));
    }
    std::fs::write(lake.join("customers.csv"), &csv).unwrap();
    let db = dir.join("app.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, total REAL, currency TEXT);
             INSERT INTO orders VALUES (1, 1, 9.5, 'EUR'), (2, 1, 20, 'EUR'), (3, 2, 7.25, 'EUR');",
        )
        .unwrap();
    }
    for (name, url) in [
        ("lake", dir.join("lake").display().to_string()),
        ("app", format!("sqlite://{}", db.display())),
    ] {
        steward
            .register_source(&SourceRequest {
                name: name.into(),
                url,
                check: true,
                ..SourceRequest::default()
            })
            .await
            .unwrap();
    }
    let options = steward.scan_options();
    steward.scan(None, &options, &mut |_| {}).await.unwrap();
    (
        std::fs::read(lake.join("customers.csv")).unwrap(),
        std::fs::read(&db).unwrap(),
    )
}

fn values(result: &steward_service::QueryResult) -> Vec<Vec<String>> {
    result
        .rows
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|v| v.clone().unwrap_or_else(|| "NULL".into()))
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn queries_read_masked_data_and_nothing_else_runs() {
    let dir = tempfile::tempdir().unwrap();
    let steward = open(dir.path(), 50).await;
    let (csv, db) = warehouse(&steward, dir.path()).await;
    let email = steward
        .sensitive_columns(None, None)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.column == "email")
        .expect("the scan labels the e-mail column");
    let mask = format!("‹masked {}›", email.label);

    // Values of a sensitive column never come back, whatever the query does
    // with them.
    let plain = steward
        .query("SELECT id, email, city FROM crm.customers ORDER BY id LIMIT 2")
        .await
        .unwrap();
    assert_eq!(plain.rows.columns, vec!["id", "email", "city"]);
    assert_eq!(
        values(&plain),
        vec![
            vec!["1".to_string(), mask.clone(), "Porto".to_string()],
            vec!["2".to_string(), mask.clone(), "Graz".to_string()],
        ]
    );
    assert_eq!(plain.masked.len(), 1);
    assert_eq!(plain.masked[0].column, "email");
    for probe in [
        "SELECT min(email) FROM crm.customers",
        "SELECT max(email) FROM crm.customers",
        "SELECT upper(substr(email, 1, 6)) FROM crm.customers LIMIT 1",
        "SELECT email FROM crm.customers GROUP BY email",
        "WITH c AS (SELECT * FROM crm.customers) SELECT max(email) FROM c",
    ] {
        let result = steward.query(probe).await.unwrap();
        for row in values(&result) {
            assert!(
                !row[0].contains("example.com") && !row[0].contains("person"),
                "{probe}: {row:?}"
            );
        }
    }
    let like = steward
        .query("SELECT count(*) FROM crm.customers WHERE email LIKE 'person1%'")
        .await
        .unwrap();
    assert_eq!(values(&like), vec![vec!["0".to_string()]]);
    let distinct = steward
        .query("SELECT count(DISTINCT email), count(DISTINCT city) FROM crm.customers")
        .await
        .unwrap();
    assert_eq!(
        values(&distinct),
        vec![vec!["1".to_string(), "3".to_string()]]
    );

    // Two sources in one query, and a facts-only question about the data.
    let joined = steward
        .query(
            "SELECT c.city, sum(o.total) AS spent, min(o.currency) AS currency \
             FROM crm.customers c JOIN orders o ON o.customer_id = c.id \
             GROUP BY c.city ORDER BY spent DESC",
        )
        .await
        .unwrap();
    assert_eq!(
        values(&joined),
        vec![
            vec!["Porto".to_string(), "29.5".to_string(), "EUR".to_string()],
            vec!["Graz".to_string(), "7.25".to_string(), "EUR".to_string()],
        ]
    );
    let read: Vec<String> = joined
        .tables
        .iter()
        .map(|t| format!("{}:{}", t.source, t.table))
        .collect();
    assert_eq!(read, vec!["app:orders", "lake:crm.customers"]);

    // The catalog's system tables.
    let system = steward
        .query("SELECT qualified_name FROM steward.tables ORDER BY qualified_name")
        .await
        .unwrap();
    assert_eq!(
        values(&system),
        vec![
            vec!["crm.customers".to_string()],
            vec!["orders".to_string()]
        ]
    );
    assert_eq!(system.system_tables, vec!["steward.tables"]);

    // Nothing that writes, defines or sets runs; the sources are untouched.
    for sql in [
        "DROP TABLE crm.customers",
        "DELETE FROM orders",
        "INSERT INTO orders VALUES (4, 2, 1, 'EUR')",
        "UPDATE orders SET total = 0",
        "CREATE TABLE copy AS SELECT * FROM orders",
        "COPY (SELECT * FROM crm.customers) TO '/tmp/steward-leak.csv'",
        "SET datafusion.execution.target_partitions = 64",
        "SELECT 1; DROP TABLE orders",
    ] {
        let err = steward.query(sql).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid, "{sql}: {err}");
    }
    let unknown = steward
        .query("SELECT * FROM crm.nowhere")
        .await
        .unwrap_err();
    assert_eq!(unknown.kind(), ErrorKind::NotFound, "{unknown}");
    let bad_system = steward
        .query("SELECT * FROM steward.secrets")
        .await
        .unwrap_err();
    assert!(
        bad_system.to_string().contains("steward.findings"),
        "{bad_system}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("lake/crm/customers.csv")).unwrap(),
        csv
    );
    assert_eq!(std::fs::read(dir.path().join("app.db")).unwrap(), db);
    assert!(!Path::new("/tmp/steward-leak.csv").exists());
    steward.close().await;
}

#[tokio::test]
async fn rows_stop_at_the_configured_limit() {
    let dir = tempfile::tempdir().unwrap();
    let steward = open(dir.path(), 5).await;
    warehouse(&steward, dir.path()).await;
    let result = steward.query("SELECT id FROM crm.customers").await.unwrap();
    assert_eq!(result.rows.rows.len(), 5);
    assert!(result.rows.truncated);
    let all = steward
        .query("SELECT count(*) FROM crm.customers")
        .await
        .unwrap();
    assert_eq!(values(&all), vec![vec!["40".to_string()]]);
    assert!(!all.rows.truncated);
    steward.close().await;
}
