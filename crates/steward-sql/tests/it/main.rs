//! The governed SQL path on the sample warehouse, scanned for real: what
//! each role sees of the sensitive columns, bypass attempts that must only
//! ever see the mask, statements that are not queries, and usage.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use steward_config::{Loaded, MaskAction, StewardConfig};
use steward_service::{Principal, SourceRequest, Steward};
use steward_sql::{GovernedSession, QueryOutput, SqlError};
use steward_types::Role;

struct Fixture {
    _dir: tempfile::TempDir,
    steward: Arc<Steward>,
}

/// The sample warehouse's lake, scanned, with `[sql]` set by `adjust`.
async fn fixture(adjust: impl FnOnce(&mut StewardConfig)) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut config = StewardConfig {
        data_dir: dir.path().join(".steward"),
        ..StewardConfig::default()
    };
    config.warehouse.threads = 1;
    config.search.threads = 1;
    adjust(&mut config);
    let loaded = Loaded {
        config,
        file: None,
        base_dir: dir.path().to_path_buf(),
    };
    std::fs::create_dir_all(&loaded.config.data_dir).unwrap();
    steward_service::create_catalog(&loaded).await.unwrap();
    let steward = Steward::open(&loaded).await.unwrap();
    let sample = steward_sample::generate(&dir.path().join("sample"), 1).unwrap();
    steward
        .register_source(&SourceRequest {
            name: "lake".into(),
            url: sample.lake.display().to_string(),
            ..SourceRequest::default()
        })
        .await
        .unwrap();
    steward
        .scan(Some("lake"), &steward.scan_options(), &mut |_| {})
        .await
        .unwrap();
    Fixture {
        _dir: dir,
        steward: Arc::new(steward),
    }
}

fn principal(user: &str, role: Role) -> Principal {
    Principal {
        user: user.into(),
        role,
        via: "test".into(),
    }
}

async fn session(f: &Fixture, role: Role) -> GovernedSession {
    GovernedSession::open(f.steward.clone(), principal(&format!("{role}-user"), role))
        .await
        .unwrap()
}

/// Every cell as text (nulls as `None`), row by row.
fn cells(out: &QueryOutput) -> Vec<Vec<Option<String>>> {
    let mut rows = Vec::new();
    for batch in &out.batches {
        let columns: Vec<_> = batch
            .columns()
            .iter()
            .map(|c| cast(c, &DataType::Utf8).unwrap())
            .collect();
        for i in 0..batch.num_rows() {
            rows.push(
                columns
                    .iter()
                    .map(|c| {
                        let s = c.as_string::<i32>();
                        (!s.is_null(i)).then(|| s.value(i).to_string())
                    })
                    .collect(),
            );
        }
    }
    rows
}

fn column(out: &QueryOutput, name: &str) -> Vec<Option<String>> {
    let index = out.batches[0].schema().index_of(name).unwrap();
    cells(out).into_iter().map(|r| r[index].clone()).collect()
}

/// The sensitive columns of `lake.customers` and their labels.
async fn customer_labels(f: &Fixture) -> BTreeMap<String, String> {
    let catalog = f
        .steward
        .sql_catalog(&principal("x", Role::Viewer))
        .await
        .unwrap();
    let customers = catalog.sources["lake"]
        .iter()
        .find(|t| t.sql_name == "customers")
        .expect("lake.customers");
    customers
        .rules
        .iter()
        .map(|(c, r)| (c.clone(), r.label.clone()))
        .collect()
}

/// The real e-mail addresses, read by a role allowed to see them.
async fn real_emails(f: &Fixture) -> BTreeSet<String> {
    let admin = session(f, Role::Admin).await;
    let out = admin
        .query("SELECT email FROM lake.customers WHERE email IS NOT NULL")
        .await
        .unwrap();
    column(&out, "email").into_iter().flatten().collect()
}

fn allow_admins(c: &mut StewardConfig) {
    c.sql.masking.insert(
        Role::Admin,
        BTreeMap::from([("*".to_string(), MaskAction::Allow)]),
    );
}

#[tokio::test]
async fn a_viewer_sees_every_sensitive_column_masked_and_an_allowed_role_sees_values() {
    let f = fixture(allow_admins).await;
    let labels = customer_labels(&f).await;
    assert_eq!(
        labels.get("email").map(String::as_str),
        Some("EMAIL_ADDRESS"),
        "{labels:?}"
    );
    let emails = real_emails(&f).await;
    assert!(
        emails.len() > 10 && emails.iter().all(|e| e.contains('@')),
        "{emails:?}"
    );

    let viewer = session(&f, Role::Viewer).await;
    let out = viewer
        .query("SELECT * FROM lake.customers LIMIT 5")
        .await
        .unwrap();
    assert_eq!(out.rows(), 5);
    for (name, label) in &labels {
        for value in column(&out, name).into_iter().flatten() {
            assert_eq!(value, format!("‹masked {label}›"), "{name}");
        }
    }
    assert_eq!(out.tables, ["raw.customers"]);
}

/// Bypass attempts: whatever the query does with a masked column, it only
/// ever sees the mask.
#[tokio::test]
async fn no_query_reads_a_masked_value_back() {
    let f = fixture(allow_admins).await;
    let emails = real_emails(&f).await;
    let viewer = session(&f, Role::Viewer).await;
    let probes = [
        "SELECT MIN(email), MAX(email) FROM lake.customers",
        "SELECT email FROM lake.customers ORDER BY email LIMIT 3",
        "SELECT CAST(email AS VARCHAR) AS e FROM lake.customers LIMIT 3",
        "SELECT LENGTH(email) AS n, SUBSTR(email, 1, 3) AS head, UPPER(email) AS u FROM lake.customers LIMIT 5",
        "SELECT COUNT(*) AS n FROM lake.customers WHERE email LIKE '%@%'",
        "SELECT COUNT(DISTINCT email) AS n FROM lake.customers",
        "SELECT email, COUNT(*) AS n FROM lake.customers GROUP BY email",
        "SELECT e FROM (SELECT email AS e FROM lake.customers) s LIMIT 3",
        "WITH c AS (SELECT email FROM lake.customers) SELECT * FROM c LIMIT 3",
        "SELECT email FROM lake.customers EXCEPT SELECT 'nobody@example.com'",
        "SELECT a.email FROM lake.customers a JOIN lake.customers b ON a.email = b.email LIMIT 3",
        "SELECT STRING_AGG(email, ',') AS all_emails FROM lake.customers",
        "SELECT ARRAY_AGG(email) AS all_emails FROM lake.customers",
        "SELECT REVERSE(email) AS r, md5(email) AS h FROM lake.customers LIMIT 3",
    ];
    for sql in probes {
        let out = viewer
            .query(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        for row in cells(&out) {
            for cell in row.into_iter().flatten() {
                for email in &emails {
                    assert!(
                        !cell.contains(email.as_str()),
                        "{sql} read back {email}: {cell}"
                    );
                }
            }
        }
    }
    // A filter on the real value matches nothing: the mask is all there is.
    let some = emails.iter().next().unwrap();
    let out = viewer
        .query(&format!(
            "SELECT COUNT(*) AS n FROM lake.customers WHERE email = '{some}'"
        ))
        .await
        .unwrap();
    assert_eq!(column(&out, "n"), [Some("0".to_string())]);
    let out = viewer
        .query("SELECT COUNT(DISTINCT email) AS n FROM lake.customers")
        .await
        .unwrap();
    assert_eq!(
        column(&out, "n"),
        [Some("1".to_string())],
        "one mask for all"
    );
}

#[tokio::test]
async fn hash_null_and_deny_do_what_the_masking_says() {
    let f = fixture(|c| {
        allow_admins(c);
        c.sql.masking.insert(
            Role::Steward,
            BTreeMap::from([
                ("EMAIL_ADDRESS".to_string(), MaskAction::Hash),
                ("*".to_string(), MaskAction::Null),
            ]),
        );
        c.sql.masking.insert(
            Role::Viewer,
            BTreeMap::from([
                ("EMAIL_ADDRESS".to_string(), MaskAction::Deny),
                ("*".to_string(), MaskAction::Mask),
            ]),
        );
    })
    .await;
    let labels = customer_labels(&f).await;
    let emails = real_emails(&f).await;
    let steward = session(&f, Role::Steward).await;

    // Hashes: hex, not the value, equal values alike, so joins and
    // distinct counts still work.
    let out = steward
        .query("SELECT email FROM lake.customers WHERE email IS NOT NULL")
        .await
        .unwrap();
    let hashed: Vec<String> = column(&out, "email").into_iter().flatten().collect();
    assert!(
        hashed
            .iter()
            .all(|h| h.len() == 64 && h.chars().all(|c| c.is_ascii_hexdigit()))
    );
    assert!(hashed.iter().all(|h| !emails.contains(h)));
    let distinct = steward
        .query("SELECT COUNT(DISTINCT email) AS n FROM lake.customers")
        .await
        .unwrap();
    assert_eq!(column(&distinct, "n"), [Some(emails.len().to_string())]);
    let joined = steward
        .query(
            "SELECT COUNT(*) AS n FROM lake.customers a JOIN lake.customers b ON a.email = b.email",
        )
        .await
        .unwrap();
    let n: usize = column(&joined, "n")[0].clone().unwrap().parse().unwrap();
    assert!(n >= emails.len(), "{n}");

    // Every other label: null.
    for (name, label) in labels.iter().filter(|(_, l)| *l != "EMAIL_ADDRESS") {
        let out = steward
            .query(&format!("SELECT \"{name}\" FROM lake.customers LIMIT 20"))
            .await
            .unwrap();
        assert!(
            column(&out, name).iter().all(Option::is_none),
            "{name} ({label})"
        );
    }

    // Deny: a query reading the column fails naming it; one that does not
    // read it runs.
    let viewer = session(&f, Role::Viewer).await;
    for sql in [
        "SELECT * FROM lake.customers",
        "SELECT COUNT(DISTINCT email) FROM lake.customers",
        "SELECT customer_id FROM lake.customers WHERE email LIKE 'a%'",
    ] {
        let err = viewer.query(sql).await.unwrap_err();
        assert!(matches!(err, SqlError::Denied(_)), "{sql}: {err:?}");
        assert_eq!(err.sqlstate(), "42501");
        assert!(
            err.to_string().contains(
                "column `lake.raw.customers.email` (EMAIL_ADDRESS) is denied to role viewer"
            ),
            "{err}"
        );
    }
    let out = viewer
        .query("SELECT COUNT(customer_id) AS n FROM lake.customers")
        .await
        .unwrap();
    assert_eq!(out.rows(), 1);
}

#[tokio::test]
async fn only_queries_run_and_each_is_kept_as_usage() {
    let f = fixture(|c| {
        c.sql.row_filters.insert(
            "lake.raw.customers".into(),
            BTreeMap::from([(Role::Viewer, "customer_id < 10".to_string())]),
        );
        c.sql.viewer_max_rows = 7;
    })
    .await;
    let viewer = session(&f, Role::Viewer).await;
    for sql in [
        "CREATE TABLE lake.copy AS SELECT * FROM lake.customers",
        "INSERT INTO lake.customers SELECT * FROM lake.customers",
        "DELETE FROM lake.customers",
        "DROP TABLE lake.customers",
        "CREATE VIEW v AS SELECT 1",
        "COPY lake.customers TO '/tmp/out.csv'",
        "SET datafusion.execution.batch_size = 1",
    ] {
        let err = viewer.query(sql).await.unwrap_err();
        assert_eq!(err.sqlstate(), "25006", "{sql}: {err}");
    }
    let err = viewer.query("SELEC 1").await.unwrap_err();
    assert_eq!(err.sqlstate(), "42601", "{err}");
    let err = viewer
        .query("SELECT * FROM lake.nowhere")
        .await
        .unwrap_err();
    assert_eq!(err.sqlstate(), "42P01", "{err}");

    // The row filter holds for viewers, and so does the row cap.
    let out = viewer
        .query("SELECT customer_id FROM lake.customers")
        .await
        .unwrap();
    let ids: Vec<i64> = column(&out, "customer_id")
        .into_iter()
        .map(|v| v.unwrap().parse().unwrap())
        .collect();
    assert!(ids.iter().all(|id| *id < 10), "{ids:?}");
    assert_eq!(ids.len(), 7);
    assert!(out.truncated);
    let admin = session(&f, Role::Admin).await;
    let all = admin
        .query("SELECT COUNT(*) AS n FROM lake.customers")
        .await
        .unwrap();
    let n: usize = column(&all, "n")[0].clone().unwrap().parse().unwrap();
    assert!(n > 10, "{n}");

    // The system tables answer too.
    let findings = admin
        .query("SELECT COUNT(*) AS n FROM steward.tables WHERE source = 'lake'")
        .await
        .unwrap();
    assert_ne!(column(&findings, "n"), [Some("0".to_string())]);

    let usage = f.steward.usage(None, 10).await.unwrap();
    let mine: Vec<_> = usage
        .iter()
        .filter(|u| u.user_name.as_deref() == Some("viewer-user"))
        .collect();
    assert_eq!(mine.len(), 1, "refused statements are not usage: {usage:?}");
    assert_eq!(mine[0].tables, ["raw.customers"]);
    assert!(
        mine[0].sql.to_lowercase().contains("from lake.customers"),
        "{}",
        mine[0].sql
    );
    assert!(mine[0].duration_ms.is_some());
    assert!(
        usage
            .iter()
            .any(|u| u.user_name.as_deref() == Some("admin-user")
                && u.sql.contains("steward.tables")),
        "{usage:?}"
    );
}

/// A steward's decision counts: a label a steward rejected is not masked,
/// and a label a steward gave a column the detector passed over is.
#[tokio::test]
async fn a_stewards_decision_on_a_column_counts() {
    use steward_service::StewardDecision;
    let f = fixture(|_| {}).await;
    let emails = real_emails_as_allowed(&f).await;
    f.steward
        .classify(
            "raw.customers.email",
            StewardDecision::Reject,
            Some("test addresses, not people's".into()),
            "ana",
        )
        .await
        .unwrap();
    f.steward
        .classify(
            "raw.customers.country",
            StewardDecision::Label(steward_pii::Label::PostalCode),
            None,
            "ana",
        )
        .await
        .unwrap();
    let viewer = session(&f, Role::Viewer).await;
    let out = viewer
        .query("SELECT email, country FROM lake.customers WHERE email IS NOT NULL")
        .await
        .unwrap();
    let shown: BTreeSet<String> = column(&out, "email").into_iter().flatten().collect();
    assert_eq!(shown, emails, "a rejected label shows values");
    for value in column(&out, "country").into_iter().flatten() {
        assert_eq!(value, "‹masked POSTAL_CODE›");
    }
}

/// The e-mail addresses as the source holds them, read past Steward (every
/// role of the fixture is masked).
async fn real_emails_as_allowed(f: &Fixture) -> BTreeSet<String> {
    let ctx = datafusion::prelude::SessionContext::new();
    let (connection, listed) = f.steward.open_source("lake").await.unwrap();
    let table = listed
        .iter()
        .find(|t| t.name == "customers")
        .expect("customers");
    let provider = connection.table_provider(table).await.unwrap();
    let out = ctx
        .read_table(provider)
        .unwrap()
        .select_columns(&["email"])
        .unwrap()
        .collect()
        .await
        .unwrap();
    let mut emails = BTreeSet::new();
    for batch in out {
        let values = cast(batch.column(0), &DataType::Utf8).unwrap();
        let values = values.as_string::<i32>();
        for i in 0..values.len() {
            if !values.is_null(i) {
                emails.insert(values.value(i).to_string());
            }
        }
    }
    emails
}
