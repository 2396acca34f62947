//! Database sources: SQLite files, and real PostgreSQL and MariaDB set up with
//! their own command-line clients.

use std::process::Command;

use steward_service::ScanOptions;
use steward_types::TableKind;

use crate::harness::{World, column, env_url};

#[tokio::test]
async fn a_sqlite_file_is_read_without_being_changed() {
    let w = World::new().await;
    let db = w.path("app.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, balance REAL, joined DATE);
             INSERT INTO customers VALUES (1, 'Ana', NULL, 10.5, '2024-01-02'), (2, 'Bob', 'bob@example.com', NULL, '2024-02-03'),
                                          (3, 'Cy', 'cy@example.com', 3, '2024-03-04');
             CREATE VIEW rich AS SELECT id, name FROM customers WHERE balance > 5 AND email <> 'bob@example.com';",
        )
        .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    w.add("app", &format!("sqlite://{}", db.display()), &[])
        .await;
    let (report, events) = w.scan("app").await;
    assert!(!report.partial, "{events:#?}");

    let customers = w.detail("app.customers").await;
    assert_eq!(customers.table.row_count, Some(3));
    // The pages of the table and its indexes, like PostgreSQL's total size.
    let size = customers.table.size_bytes.unwrap();
    let page: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    assert!(size >= page && size % page == 0, "{size} bytes");
    assert_eq!(w.detail("rich").await.table.size_bytes, None, "a view");
    assert!(column(&customers, "id").column.primary_key);
    assert!(!column(&customers, "name").column.nullable);
    assert_eq!(column(&customers, "balance").column.data_type, "Float64");
    // A NULL in the first row does not lose the column's values.
    let email = column(&customers, "email").profile.clone().unwrap();
    assert_eq!((email.null_count, email.distinct_approx), (1, Some(2)));
    let rich = w.detail("rich").await;
    assert_eq!(rich.table.kind, TableKind::View);
    assert!(
        rich.table
            .view_sql
            .as_deref()
            .unwrap()
            .contains("balance > ? AND email <> ?"),
        "the definition is kept without its values: {:?}",
        rich.table.view_sql
    );
    assert_eq!(rich.columns.len(), 2);

    assert_eq!(std::fs::read(&db).unwrap(), before, "the file is untouched");
    assert!(!w.path("app.db-wal").exists());
}

/// What both database tests' `customers` tables must show: keys, nullability and
/// comments from the database's catalog, and a profile of all three rows.
fn assert_customer_columns(detail: &steward_service::TableDetail, email_comment: &str) {
    assert!(column(detail, "id").column.primary_key);
    assert!(!column(detail, "name").column.nullable);
    assert_eq!(
        column(detail, "email").column.comment.as_deref(),
        Some(email_comment)
    );
    let email = column(detail, "email").profile.clone().unwrap();
    assert_eq!((email.row_count, email.null_count), (3, 1));
    assert_eq!(
        column(detail, "email")
            .sensitivity
            .as_ref()
            .map(|c| c.label.as_str()),
        Some("EMAIL_ADDRESS"),
        "classified from values read through the database"
    );
}

/// Runs a database's own command-line client and fails the test with its stderr.
fn run_client(command: &mut Command, client: &str) {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{client} runs: {e}"));
    assert!(
        out.status.success(),
        "{client}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn psql(url: &str, sql: &str) {
    run_client(
        Command::new("psql").args([url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql]),
        "psql",
    );
}

#[tokio::test]
async fn a_postgres_database_is_scanned_with_its_catalog() {
    let Some(url) = env_url("STEWARD_TEST_PG_URL") else {
        return;
    };
    let schema = format!("scan_it_{}", std::process::id());
    psql(&url, &format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};
         CREATE TABLE {schema}.customers (id serial PRIMARY KEY, name text NOT NULL, email text, prefs jsonb, balance numeric(10,2), born date);
         COMMENT ON TABLE {schema}.customers IS 'People who bought something';
         COMMENT ON COLUMN {schema}.customers.email IS 'verified at signup';
         INSERT INTO {schema}.customers (name, email, prefs, balance, born) VALUES
           ('Ana', NULL, '{{\"news\": true}}', 10.50, '1990-01-02'), ('Bob', 'bob@example.com', NULL, 3.25, '1985-05-06'),
           ('Cy', 'cy@example.com', '{{}}', NULL, NULL);
         ANALYZE {schema}.customers;
         CREATE VIEW {schema}.rich AS SELECT id, name FROM {schema}.customers WHERE balance > 5;"
    ));
    let w = World::new().await;
    let source_url = url.split('?').next().unwrap().to_string();
    w.add("pg", &source_url, &[]).await;
    let options = ScanOptions {
        tables: Some(format!("{schema}.*")),
        ..Default::default()
    };
    let (report, events) = w.scan_with("pg", &options).await;
    assert!(!report.partial, "{events:#?}");
    assert_eq!(report.sources[0].scanned, 2);

    let customers = w.detail(&format!("{schema}.customers")).await;
    assert_eq!(
        customers.table.description.as_deref(),
        Some("People who bought something")
    );
    assert_eq!(customers.table.row_count, Some(3));
    assert!(customers.table.size_bytes.unwrap() > 0);
    assert_customer_columns(&customers, "verified at signup");
    let prefs = column(&customers, "prefs");
    assert!(prefs.profile.is_some(), "jsonb is profiled as text");
    let rich = w.detail(&format!("{schema}.rich")).await;
    assert_eq!(rich.table.kind, TableKind::View);
    assert!(
        rich.table
            .view_sql
            .as_deref()
            .unwrap()
            .contains("balance > "),
        "{:?}",
        rich.table.view_sql
    );
    psql(&url, &format!("DROP SCHEMA {schema} CASCADE"));
}

fn mariadb(url: &str, sql: &str) {
    let rest = url.strip_prefix("mysql://").unwrap();
    let (auth, rest) = rest.split_once('@').unwrap();
    let (host_port, db) = rest.split_once('/').unwrap();
    let (host, port) = host_port.split_once(':').unwrap_or((host_port, "3306"));
    run_client(
        Command::new("mariadb").args([
            "-h",
            host,
            "-P",
            port,
            "-u",
            auth.split(':').next().unwrap(),
            db,
            "-e",
            sql,
        ]),
        "mariadb",
    );
}

#[tokio::test]
async fn a_mariadb_database_is_scanned_and_a_wrong_password_is_recorded() {
    let Some(url) = env_url("STEWARD_TEST_MYSQL_URL") else {
        return;
    };
    let table = format!("scan_it_{}", std::process::id());
    mariadb(&url, &format!(
        "DROP TABLE IF EXISTS {table}; DROP VIEW IF EXISTS {table}_v;
         CREATE TABLE {table} (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, email VARCHAR(100) COMMENT 'contact', balance DECIMAL(10,2)) COMMENT='customers';
         INSERT INTO {table} VALUES (1, 'Ana', NULL, 10.50), (2, 'Bob', 'bob@example.com', 3.25), (3, 'Cy', 'cy@example.com', NULL);
         CREATE VIEW {table}_v AS SELECT id, name FROM {table} WHERE balance > 5;"
    ));
    let w = World::new().await;
    w.add("maria", &url, &[]).await;
    let options = ScanOptions {
        tables: Some(format!("*.{table}*")),
        ..Default::default()
    };
    let (report, events) = w.scan_with("maria", &options).await;
    assert!(!report.partial, "{events:#?}");
    assert_eq!(report.sources[0].scanned, 2);
    let detail = w.detail(&table).await;
    assert_eq!(detail.table.description.as_deref(), Some("customers"));
    // DATA_LENGTH + INDEX_LENGTH: InnoDB gives even a small table its pages.
    assert!(detail.table.size_bytes.unwrap() > 0);
    assert_customer_columns(&detail, "contact");
    let view = w.detail(&format!("{table}_v")).await;
    assert_eq!(view.table.kind, TableKind::View);
    assert!(view.table.view_sql.is_some());

    // `HOME` is set and is not root's (empty) password: the server refuses it.
    w.add("maria_wrong", &url, &[("password_env", "HOME")])
        .await;
    let (report, _) = w.scan("maria_wrong").await;
    assert!(report.partial);
    let error = report.sources[0].error.as_deref().unwrap();
    let error = error.to_lowercase();
    assert!(
        error.contains("authentication failed") || error.contains("access denied"),
        "{error}"
    );
    mariadb(&url, &format!("DROP VIEW {table}_v; DROP TABLE {table};"));
}
