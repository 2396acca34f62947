//! End-to-end checks of a generated sample: determinism, the validity of
//! identifiers and traps, the shape of every file, and folder handling.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Instant;
use steward_types::HasKind;

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::concat_batches;
use datafusion::arrow::csv::ReaderBuilder;
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use flate2::read::GzDecoder;
use tempfile::TempDir;

use super::*;
use crate::finance::{IBAN_LENGTHS, iban_valid, luhn_valid, ssn_valid};

/// One scale-1 sample shared by the read-only tests.
#[allow(clippy::unwrap_used)]
fn sample() -> &'static (TempDir, SampleSummary) {
    static SAMPLE: OnceLock<(TempDir, SampleSummary)> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let dir = TempDir::new().unwrap();
        let summary = generate(dir.path(), 1).unwrap();
        (dir, summary)
    })
}

/// Every file under `root`, by relative path.
#[allow(clippy::unwrap_used)]
fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_path_buf();
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[allow(clippy::unwrap_used)]
fn read_parquet(path: &Path) -> RecordBatch {
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(|b| b.unwrap()).collect();
    concat_batches(&batches[0].schema(), &batches).unwrap()
}

/// A CSV read back with every column as text, as a detector would see it.
#[allow(clippy::unwrap_used)]
fn read_csv(path: &Path) -> RecordBatch {
    let mut header = String::new();
    BufReader::new(File::open(path).unwrap())
        .read_line(&mut header)
        .unwrap();
    let fields: Vec<Field> = header
        .trim_end()
        .split(',')
        .map(|name| Field::new(name, DataType::Utf8, true))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let reader = ReaderBuilder::new(schema.clone())
        .with_header(true)
        .build(File::open(path).unwrap())
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(|b| b.unwrap()).collect();
    concat_batches(&schema, &batches).unwrap()
}

fn names(batch: &RecordBatch) -> Vec<String> {
    batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect()
}

/// The non-null values of a text column.
#[allow(clippy::unwrap_used)]
fn texts(batch: &RecordBatch, column: &str) -> Vec<String> {
    let array = batch.column_by_name(column).unwrap().as_string::<i32>();
    array.iter().flatten().map(str::to_string).collect()
}

#[test]
fn same_scale_gives_identical_bytes() {
    let (a, b) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    generate(a.path(), 1).unwrap();
    generate(b.path(), 1).unwrap();
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (path, bytes) in &fa {
        assert!(bytes == &fb[path], "{} differs", path.display());
    }
}

#[test]
fn summary_counts_what_is_on_disk() {
    let (dir, summary) = sample();
    let on_disk = files(dir.path());
    assert_eq!(summary.files, on_disk.len());
    // 14 order partitions, 2 event files, 7 other lake files, db, log, 3 models,
    // the dbt project's 3 files and 1 macro, marker.
    assert_eq!(summary.files, 14 + 2 + 7 + 1 + 1 + 3 + 3 + 1 + 1);
    assert!(summary.rows > 35_000, "{}", summary.rows);
    assert!(summary.sqlite.is_file() && summary.query_log.is_file());
    assert!(summary.lake.is_dir() && summary.models.is_dir());
    let marker = fs::read_to_string(dir.path().join(".steward-sample")).unwrap();
    assert_eq!(marker.trim(), r#"{"scale": 1, "generator": 1}"#);
}

#[test]
fn cards_pass_luhn_and_references_fail_it() {
    let payments = read_csv(&sample().1.lake.join("raw/payments.csv"));
    assert_eq!(payments.num_rows(), 5_000);
    let cards = texts(&payments, "card_number");
    assert!(cards.len() > 3_000);
    for card in &cards {
        assert!(luhn_valid(card), "{card}");
        let digits: String = card.chars().filter(char::is_ascii_digit).collect();
        let amex = digits.starts_with("34") || digits.starts_with("37");
        let mastercard = digits.starts_with('5') && (b'1'..=b'5').contains(&digits.as_bytes()[1]);
        assert!(digits.starts_with('4') || mastercard || amex, "{card}");
        assert_eq!(digits.len(), if amex { 15 } else { 16 }, "{card}");
    }
    assert!(cards.iter().any(|c| c.contains(' ')) && cards.iter().any(|c| c.contains('-')));
    let references = texts(&payments, "reference");
    assert_eq!(references.len(), 5_000);
    for reference in &references {
        assert_eq!(reference.len(), 16);
        assert!(!luhn_valid(reference), "{reference}");
    }
}

#[test]
fn ibans_pass_mod_97_with_the_country_length() {
    let payments = read_csv(&sample().1.lake.join("raw/payments.csv"));
    let ibans = texts(&payments, "iban");
    assert!(ibans.len() > 800);
    for iban in &ibans {
        assert!(iban_valid(iban), "{iban}");
        let compact: String = iban.chars().filter(|c| *c != ' ').collect();
        let len = IBAN_LENGTHS
            .iter()
            .find(|(c, _)| compact.starts_with(c))
            .unwrap()
            .1;
        assert_eq!(compact.len(), len, "{iban}");
    }
    for (country, _) in IBAN_LENGTHS {
        assert!(ibans.iter().any(|i| i.starts_with(country)), "{country}");
    }
}

#[test]
fn national_ids_are_valid_and_look_alikes_are_not() {
    let employees = read_csv(&sample().1.lake.join("hr/employees.csv"));
    assert_eq!(employees.num_rows(), 200);
    let (mut ssns, mut ninos) = (0, 0);
    for id in texts(&employees, "national_id") {
        if id.contains('-') {
            assert!(ssn_valid(&id), "{id}");
            ssns += 1;
        } else {
            // `AB 12 34 56 C`
            let parts: Vec<&str> = id.split(' ').collect();
            assert_eq!(parts.len(), 5, "{id}");
            assert!(
                !["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].contains(&parts[0]),
                "{id}"
            );
            assert!(!parts[0].contains(['D', 'F', 'I', 'Q', 'U', 'V']), "{id}");
            assert!(matches!(parts[4], "A" | "B" | "C" | "D"), "{id}");
            ninos += 1;
        }
    }
    assert!(ssns > 50 && ninos > 50, "{ssns} {ninos}");
    for invoice in texts(&employees, "invoice_ref") {
        assert_eq!(invoice.len(), 11);
        assert!(!ssn_valid(&invoice), "{invoice}");
    }
    for code in texts(&employees, "academic_year_code") {
        assert!(
            code.len() == 4 && code.chars().all(|c| c.is_ascii_digit()),
            "{code}"
        );
    }
    let passports = texts(&employees, "passport_number");
    assert!(!passports.is_empty() && passports.len() < 200);
    assert!(passports.iter().all(|p| p.len() == 9));
}

#[test]
fn parquet_tables_read_back_with_their_columns() {
    let lake = &sample().1.lake;
    let customers = read_parquet(&lake.join("raw/customers/part-00000.parquet"));
    assert_eq!(customers.num_rows(), 1_000);
    assert_eq!(
        names(&customers),
        [
            "customer_id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "date_of_birth",
            "street_address",
            "city",
            "postal_code",
            "country",
            "gender",
            "marketing_opt_in",
            "created_at",
        ]
    );
    let countries = texts(&customers, "country");
    for cc in ["US", "GB", "DE", "FR", "ES", "IN", "CN", "NG"] {
        assert!(countries.iter().any(|c| c == cc), "{cc}");
    }
    let first_names = texts(&customers, "first_name");
    assert!(
        first_names.iter().any(|n| !n.is_ascii()),
        "accents expected"
    );

    let mut orders = 0;
    let mut partitions: Vec<PathBuf> = fs::read_dir(lake.join("raw/orders"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    partitions.sort();
    assert_eq!(partitions.len(), 14);
    assert!(partitions[0].ends_with("dt=2024-01-01"));
    for partition in &partitions {
        let batch = read_parquet(&partition.join("part-00000.parquet"));
        assert_eq!(
            names(&batch),
            [
                "order_id",
                "customer_id",
                "order_number",
                "status",
                "amount",
                "currency",
                "shipment_code",
                "created_at",
            ]
        );
        orders += batch.num_rows();
    }
    assert_eq!(orders, 5_000);

    let stg = read_parquet(&lake.join("staging/stg_customers/part-00000.parquet"));
    assert_eq!(stg.num_rows(), 1_000);
    assert_eq!(
        names(&stg),
        [
            "customer_id",
            "email_sha256",
            "country",
            "age_band",
            "signup_month"
        ]
    );
    assert!(texts(&stg, "email_sha256").iter().all(|h| h.len() == 64));

    let c360 = read_parquet(&lake.join("mart/customer_360/part-00000.parquet"));
    assert_eq!(c360.num_rows(), 1_000);
    assert_eq!(
        names(&c360),
        [
            "customer_id",
            "full_name",
            "email",
            "country",
            "lifetime_value",
            "order_count",
            "last_order_at"
        ]
    );
    // Customers who never ordered have no last order.
    assert!(c360.column_by_name("last_order_at").unwrap().null_count() > 0);

    let revenue = read_parquet(&lake.join("mart/revenue_daily/part-00000.parquet"));
    assert_eq!(
        names(&revenue),
        ["day", "country", "revenue", "orders", "company_name"]
    );
    assert_eq!(revenue.num_rows(), 14 * 8);
}

#[test]
fn csv_and_event_files_have_their_rows() {
    let lake = &sample().1.lake;
    let tickets = read_csv(&lake.join("raw/support_tickets.csv"));
    assert_eq!(tickets.num_rows(), 600);
    let notes = texts(&tickets, "notes");
    let contact = notes
        .iter()
        .filter(|n| n.contains('@') || n.contains("call back on") || n.contains("best number"))
        .count();
    // About 15% of 600.
    assert!((60..=120).contains(&contact), "{contact}");

    let mut events = 0;
    for file in ["events-000.ndjson.gz", "events-001.ndjson.gz"] {
        let reader = BufReader::new(GzDecoder::new(
            File::open(lake.join("raw/web_events").join(file)).unwrap(),
        ));
        for line in reader.lines() {
            let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
            assert!(v.get("customer_id").is_some());
            assert_eq!(v["session_id"].as_str().unwrap().len(), 32);
            events += 1;
        }
    }
    assert_eq!(events, 20_000);

    let log = fs::read_to_string(&sample().1.query_log).unwrap();
    assert_eq!(log.lines().count(), 300);
    let model = fs::read_to_string(sample().1.models.join("customer_360.sql")).unwrap();
    assert!(model.contains("{{ ref('stg_customers') }}") && model.contains("c.email"));
}

#[test]
fn sqlite_has_the_tables_the_view_and_nulls() {
    let summary = &sample().1;
    let conn = rusqlite::Connection::open(&summary.sqlite).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name",
        )
        .unwrap();
    let objects: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let expected = [
        ("view", "active_customers"),
        ("table", "addresses"),
        ("table", "api_credentials"),
        ("table", "customers"),
        ("table", "orders"),
    ];
    let objects: Vec<(&str, &str)> = objects
        .iter()
        .map(|(t, n)| (t.as_str(), n.as_str()))
        .collect();
    assert_eq!(objects, expected);
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(count("SELECT COUNT(*) FROM customers"), 1_000);
    assert_eq!(count("SELECT COUNT(*) FROM orders"), 5_000);
    assert_eq!(
        count("SELECT COUNT(*) FROM customers WHERE id = 1 AND phone IS NULL"),
        1
    );
    let active = count("SELECT COUNT(*) FROM active_customers");
    assert!(active > 100 && active < 1_000, "{active}");
    assert_eq!(
        count("SELECT COUNT(*) FROM api_credentials WHERE api_key LIKE 'AKIA%'"),
        1
    );
    let root = summary.root.as_path();
    assert!(!root.join("app.db-journal").exists() && !root.join("app.db-wal").exists());
}

#[test]
fn foreign_folders_are_refused_and_previous_samples_replaced() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let err = generate(dir.path(), 1).unwrap_err();
    assert!(matches!(err, SampleError::NotEmpty { .. }), "{err}");
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(dir.path().join("notes.txt").exists());

    // A file merely named like the marker is not enough.
    fs::write(dir.path().join(".steward-sample"), "hello").unwrap();
    assert!(generate(dir.path(), 1).is_err());

    let fresh = dir.path().join("nested/sample");
    generate(&fresh, 1).unwrap();
    fs::write(fresh.join("stale.txt"), "left over").unwrap();
    let summary = generate(&fresh, 1).unwrap();
    assert!(!fresh.join("stale.txt").exists());
    assert_eq!(summary.files, files(&fresh).len());

    assert_eq!(generate(&fresh, 0).unwrap_err().kind(), ErrorKind::Invalid);
}

#[test]
fn scale_one_is_fast() {
    let dir = TempDir::new().unwrap();
    let start = Instant::now();
    generate(dir.path(), 1).unwrap();
    let elapsed = start.elapsed();
    eprintln!("generate(dir, 1) took {elapsed:?}");
    // Generous for a loaded CI machine; a quiet debug build takes far less.
    assert!(elapsed.as_secs() < 20, "{elapsed:?}");
}
