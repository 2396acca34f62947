//! `query_log.jsonl`: a month of warehouse queries by analysts and services,
//! the input for usage, cost and lineage-from-SQL.

use std::fmt::Write as _;

use serde_json::Value;

use crate::clock::{self, DAY, EPOCH, HOUR};
use crate::rng::Rng;

pub const QUERIES: usize = 300;

const ANALYSTS: [&str; 5] = [
    "ana.lopez",
    "james.wright",
    "priya.sharma",
    "li.wei",
    "chinedu.okafor",
];
const COUNTRIES: [&str; 8] = ["US", "GB", "DE", "FR", "ES", "IN", "CN", "NG"];

/// The dashboards' heavy queries, re-run with identical text: what a cost
/// report should catch.
const DASHBOARD_ENGAGEMENT: &str = "SELECT c.customer_id, c.email, c.country, COUNT(e.event_id) AS events, COUNT(DISTINCT e.session_id) AS sessions FROM raw.web_events e LEFT JOIN raw.customers c ON c.customer_id = e.customer_id GROUP BY c.customer_id, c.email, c.country ORDER BY events DESC";
const DASHBOARD_ORDERS: &str = "SELECT * FROM raw.orders o JOIN raw.payments p ON p.order_id = o.order_id JOIN raw.customers c ON c.customer_id = o.customer_id ORDER BY o.created_at DESC";

struct Query {
    user: &'static str,
    sql: String,
    /// Bytes scanned at scale 1.
    bytes: u64,
    at: i64,
}

/// Returns the file content and its number of lines.
pub fn query_log(scale: u32) -> (String, u64) {
    let mut rng = Rng::stream("query_log");
    let n = QUERIES * scale as usize;
    let mut queries: Vec<Query> = (0..n).map(|_| query(&mut rng)).collect();
    queries.sort_by_key(|q| q.at);
    let mut out = String::new();
    for (i, q) in queries.iter().enumerate() {
        let bytes = (q.bytes as f64 * f64::from(scale) * (0.8 + rng.unit() * 0.4)) as u64;
        // Roughly 4 MB/s on the shared warehouse, plus planning overhead.
        let duration = 15 + bytes / 4_000 + rng.below(120);
        let _ = writeln!(
            out,
            r#"{{"query_id": "q-{:06}", "user": {}, "sql": {}, "duration_ms": {duration}, "bytes_scanned": {bytes}, "executed_at": "{}"}}"#,
            i + 1,
            Value::from(q.user),
            Value::from(q.sql.as_str()),
            clock::iso(q.at),
        );
    }
    (out, n as u64)
}

/// Office hours for people, nights for the pipelines, throughout January.
fn when(rng: &mut Rng, nightly: bool) -> i64 {
    let day = rng.between(0, 30) * DAY;
    let hour = if nightly {
        rng.between(1, 3)
    } else {
        rng.between(8, 18)
    };
    EPOCH + day + hour * HOUR + rng.between(0, HOUR - 1)
}

fn query(rng: &mut Rng) -> Query {
    let day = rng.between(1, 28);
    let cc = *rng.pick(&COUNTRIES);
    let analyst = *rng.pick(&ANALYSTS);
    let (user, nightly, bytes, sql) = match rng.below(22) {
        0 => (analyst, false, 90_000, format!("SELECT country, COUNT(*) AS customers FROM raw.customers WHERE created_at >= TIMESTAMP '2023-{:02}-01' GROUP BY country ORDER BY customers DESC", rng.between(1, 12))),
        1 | 2 => (analyst, false, 420_000, format!("SELECT c.country, SUM(o.amount) AS revenue, COUNT(*) AS orders FROM raw.orders o JOIN raw.customers c ON c.customer_id = o.customer_id WHERE o.status IN ('paid', 'shipped') AND o.created_at >= TIMESTAMP '2024-01-{:02}' GROUP BY c.country ORDER BY revenue DESC", day.min(14))),
        3 => (analyst, false, 150_000, format!("SELECT customer_id, full_name, email, lifetime_value FROM mart.customer_360 WHERE country = '{cc}' ORDER BY lifetime_value DESC LIMIT {}", rng.pick(&[20, 50, 100]))),
        4 => (analyst, false, 12_000, format!("SELECT day, SUM(revenue) AS revenue, SUM(orders) AS orders FROM mart.revenue_daily WHERE day BETWEEN DATE '2024-01-01' AND DATE '2024-01-{day:02}' GROUP BY day ORDER BY day")),
        5 => (analyst, false, 180_000, "SELECT status, COUNT(*) AS n, AVG(amount) AS avg_amount FROM raw.orders GROUP BY status ORDER BY n DESC".to_string()),
        6 => (analyst, false, 260_000, format!("SELECT t.priority, COUNT(*) AS tickets FROM raw.support_tickets t JOIN mart.customer_360 c ON c.customer_id = t.customer_id WHERE c.lifetime_value > {} GROUP BY t.priority", rng.pick(&[250, 500, 1000]))),
        7 => (analyst, false, 2_600_000, format!("SELECT url, COUNT(DISTINCT session_id) AS sessions FROM raw.web_events WHERE event_type = 'page_view' AND occurred_at >= '2024-01-{:02}' GROUP BY url ORDER BY sessions DESC LIMIT 20", day.min(14))),
        8 => ("finance.ops", false, 520_000, "SELECT p.card_brand, COUNT(*) AS payments, SUM(p.amount) AS total FROM raw.payments p JOIN raw.orders o ON o.order_id = p.order_id WHERE o.status = 'refunded' GROUP BY p.card_brand".to_string()),
        9 => ("finance.ops", false, 480_000, format!("SELECT payment_id, order_id, card_number, iban, amount FROM raw.payments WHERE amount > {} ORDER BY amount DESC LIMIT 50", rng.pick(&[200, 300, 400]))),
        10 => ("sophie.martin", false, 30_000, "SELECT department, COUNT(*) AS headcount, AVG(salary) AS avg_salary FROM hr.employees GROUP BY department ORDER BY headcount DESC".to_string()),
        11 => ("sophie.martin", false, 30_000, format!("SELECT employee_id, full_name, national_id, salary, hire_date FROM hr.employees WHERE manager_id = {}", 1_000 + rng.between(1, 20))),
        12 => (analyst, false, 40_000, "SELECT age_band, country, COUNT(*) AS customers FROM staging.stg_customers GROUP BY age_band, country".to_string()),
        13 => ("etl_runner", true, 60_000, format!("INSERT INTO raw.orders SELECT order_id, customer_id, order_number, status, amount, currency, shipment_code, created_at FROM landing.orders_increment WHERE dt = '2024-01-{day:02}'")),
        14 => ("etl_runner", true, 430_000, format!("INSERT INTO mart.revenue_daily SELECT CAST(o.created_at AS DATE) AS day, s.country, SUM(o.amount) AS revenue, COUNT(*) AS orders, e.company_name FROM raw.orders o JOIN staging.stg_customers s ON s.customer_id = o.customer_id JOIN ref.legal_entities e ON e.country = s.country WHERE o.status IN ('paid', 'shipped') AND CAST(o.created_at AS DATE) = DATE '2024-01-{day:02}' GROUP BY 1, 2, 5")),
        15 => ("dbt_runner", true, 95_000, "CREATE TABLE staging.stg_customers AS SELECT customer_id, sha256(lower(trim(email))) AS email_sha256, country, CASE WHEN date_part('year', age(date_of_birth)) < 25 THEN '18-24' ELSE '25+' END AS age_band, to_char(created_at, 'YYYY-MM') AS signup_month FROM raw.customers".to_string()),
        16 => ("dbt_runner", true, 520_000, "CREATE TABLE mart.customer_360 AS SELECT c.customer_id, c.first_name || ' ' || c.last_name AS full_name, c.email, c.country, SUM(CASE WHEN o.status IN ('paid', 'shipped') THEN o.amount ELSE 0 END) AS lifetime_value, COUNT(o.order_id) AS order_count, MAX(o.created_at) AS last_order_at FROM raw.customers c LEFT JOIN raw.orders o ON o.customer_id = c.customer_id GROUP BY c.customer_id, c.first_name, c.last_name, c.email, c.country".to_string()),
        17 => (analyst, false, 150_000, format!("CREATE TABLE scratch.{}_high_value AS SELECT customer_id, email, lifetime_value FROM mart.customer_360 WHERE lifetime_value > 1000", analyst.replace('.', "_"))),
        18 | 19 => ("bi_service", false, 9_500_000, DASHBOARD_ENGAGEMENT.to_string()),
        20 => ("bi_service", false, 7_800_000, DASHBOARD_ORDERS.to_string()),
        _ => ("support.lead", false, 310_000, format!("SELECT t.ticket_id, t.subject, t.notes, c.email, c.phone FROM raw.support_tickets t JOIN raw.customers c ON c.customer_id = t.customer_id WHERE t.priority = 'urgent' AND t.opened_at >= '2024-01-{:02}'", day.min(14))),
    };
    Query {
        user,
        sql,
        bytes,
        at: when(rng, nightly),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_is_json_with_the_expected_keys() {
        let (text, n) = query_log(1);
        assert_eq!(text.lines().count() as u64, n);
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            for key in [
                "query_id",
                "user",
                "sql",
                "duration_ms",
                "bytes_scanned",
                "executed_at",
            ] {
                assert!(v.get(key).is_some(), "{key} missing in {line}");
            }
        }
        assert!(text.matches(DASHBOARD_ENGAGEMENT).count() > 5);
    }
}
