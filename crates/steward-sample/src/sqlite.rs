//! `app.db`: the shop's operational SQLite database, the system of record the
//! lake is loaded from, plus the API secrets such databases tend to keep.

use std::path::Path;

use rusqlite::{Connection, params};

use crate::SampleError;
use crate::clock::{self, DAY, EPOCH};
use crate::people::{self, Locale};
use crate::rng::Rng;
use crate::world::World;

const SCHEMA: &str = "
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    birth_date TEXT,
    created_at TEXT
);
CREATE TABLE addresses (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER REFERENCES customers(id),
    street TEXT,
    city TEXT,
    postal_code TEXT,
    country TEXT
);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER,
    total REAL,
    status TEXT,
    placed_at TEXT
);
CREATE TABLE api_credentials (
    id INTEGER PRIMARY KEY,
    service TEXT,
    api_key TEXT,
    created_at TEXT
);
CREATE INDEX orders_customer ON orders(customer_id);
CREATE VIEW active_customers AS
    SELECT c.id, c.name, c.email
    FROM customers c
    WHERE EXISTS (
        SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.status <> 'cancelled'
    );
";

/// Writes the database and returns the number of rows inserted.
pub fn write(path: &Path, world: &World) -> Result<u64, SampleError> {
    let err = |e| SampleError::Sqlite {
        path: path.to_path_buf(),
        source: e,
    };
    let mut conn = Connection::open(path).map_err(err)?;
    // A rollback journal is deleted on commit, so only `app.db` remains.
    conn.pragma_update_and_check(None, "journal_mode", "DELETE", |row| {
        row.get::<_, String>(0)
    })
    .map_err(err)?;
    let tx = conn.transaction().map_err(err)?;
    tx.execute_batch(SCHEMA).map_err(err)?;
    let rows = insert(&tx, world).map_err(err)?;
    tx.commit().map_err(err)?;
    conn.close().map_err(|(_, e)| err(e))?;
    Ok(rows)
}

fn insert(tx: &rusqlite::Transaction<'_>, world: &World) -> rusqlite::Result<u64> {
    let mut rng = Rng::stream("app_db");
    let mut rows = 0;

    let mut customer = tx.prepare(
        "INSERT INTO customers (id, name, email, phone, birth_date, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut address = tx.prepare(
        "INSERT INTO addresses (customer_id, street, city, postal_code, country) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for c in &world.customers {
        let p = &c.person;
        // Nulls where forms were optional, the very first row included, so
        // type inference cannot rely on row one.
        let first = c.id == 1;
        let email = (!rng.chance(0.03)).then_some(&p.email);
        let phone = (!first && !rng.chance(0.08)).then_some(&p.phone);
        let born = (!first && !rng.chance(0.05)).then(|| p.birth_date.to_string());
        customer.execute(params![
            c.id,
            p.full_name(),
            email,
            phone,
            born,
            clock::sql_time(c.created_at)
        ])?;
        let postal = (!first).then_some(&p.postal_code);
        address.execute(params![c.id, p.street, p.city, postal, p.country()])?;
        rows += 2;
        // Some customers keep a second (work or holiday) address.
        if rng.chance(0.1) {
            let locale = if rng.chance(0.7) {
                p.locale
            } else {
                Locale::random(&mut rng)
            };
            let (street, city, postal) = people::address(&mut rng, locale);
            address.execute(params![c.id, street, city, postal, locale.country()])?;
            rows += 1;
        }
    }

    let mut order = tx.prepare(
        "INSERT INTO orders (id, customer_id, total, status, placed_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for o in &world.orders {
        order.execute(params![
            o.id,
            o.customer_id,
            o.amount,
            o.status,
            clock::sql_time(o.created_at)
        ])?;
        rows += 1;
    }

    let mut credential = tx.prepare(
        "INSERT INTO api_credentials (service, api_key, created_at) VALUES (?1, ?2, ?3)",
    )?;
    for (service, key) in credentials(&mut rng) {
        let created = clock::sql_time(EPOCH - rng.between(DAY, 400 * DAY));
        credential.execute(params![service, key, created])?;
        rows += 1;
    }
    Ok(rows)
}

/// Generated look-alikes of real secret formats (none is a live key); the
/// revoked one has its key nulled out.
fn credentials(rng: &mut Rng) -> Vec<(&'static str, Option<String>)> {
    const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    vec![
        (
            "aws_s3_backups_access_key",
            Some(format!("AKIA{}", rng.chars_from(UPPER_ALNUM, 16))),
        ),
        (
            "aws_s3_backups_secret_key",
            Some(rng.chars_from(BASE64, 40)),
        ),
        (
            "stripe",
            Some(format!("sk_live_{}", rng.chars_from(ALNUM, 24))),
        ),
        (
            "sendgrid",
            Some(format!(
                "SG.{}.{}",
                rng.chars_from(ALNUM, 22),
                rng.chars_from(ALNUM, 43)
            )),
        ),
        (
            "github_deploy",
            Some(format!("ghp_{}", rng.chars_from(ALNUM, 36))),
        ),
        (
            "slack_alerts",
            Some(format!(
                "xoxb-{}-{}-{}",
                rng.digits(12),
                rng.digits(13),
                rng.chars_from(ALNUM, 24)
            )),
        ),
        ("legacy_payments_gateway", None),
    ]
}
