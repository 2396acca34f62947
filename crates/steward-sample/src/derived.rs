//! `lake/staging` and `lake/mart`: what the dbt models in `models/` build
//! from raw, computed the same way so lineage and values agree.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::SampleError;
use crate::clock::{self, DAY, EPOCH};
use crate::lake::{Columns, Sink};
use crate::world::World;

pub fn write(sink: &mut Sink, world: &World) -> Result<(), SampleError> {
    stg_customers(sink, world)?;
    customer_360(sink, world)?;
    revenue_daily(sink, world)
}

/// Hashed emails: 64 hex characters that are pseudonymous, not raw PII.
fn stg_customers(sink: &mut Sink, world: &World) -> Result<(), SampleError> {
    let c = &world.customers;
    let today = clock::date(EPOCH);
    let columns = Columns::default()
        .int("customer_id", c.iter().map(|c| c.id))
        .text(
            "email_sha256",
            c.iter()
                .map(|c| sha256_hex(&c.person.email.trim().to_lowercase())),
        )
        .text("country", c.iter().map(|c| c.person.country()))
        .text(
            "age_band",
            c.iter()
                .map(|c| age_band(clock::age(c.person.birth_date, today))),
        )
        .text(
            "signup_month",
            c.iter()
                .map(|c| clock::date(c.created_at).format("%Y-%m").to_string()),
        );
    sink.parquet("lake/staging/stg_customers/part-00000.parquet", columns)
}

fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn age_band(age: i32) -> &'static str {
    match age {
        ..=24 => "18-24",
        25..=34 => "25-34",
        35..=44 => "35-44",
        45..=54 => "45-54",
        55..=64 => "55-64",
        _ => "65+",
    }
}

#[derive(Default)]
struct Stats {
    value: f64,
    count: i64,
    last: Option<i64>,
}

/// Full name and email flow from raw into the mart: a lineage path for PII.
fn customer_360(sink: &mut Sink, world: &World) -> Result<(), SampleError> {
    let mut stats: Vec<Stats> = world.customers.iter().map(|_| Stats::default()).collect();
    for o in &world.orders {
        let s = &mut stats[(o.customer_id - 1) as usize];
        if o.is_revenue() {
            s.value += o.amount;
        }
        if o.status != "cancelled" {
            s.count += 1;
        }
        s.last = s.last.max(Some(o.created_at));
    }
    let c = &world.customers;
    let columns = Columns::default()
        .int("customer_id", c.iter().map(|c| c.id))
        .text("full_name", c.iter().map(|c| c.person.full_name()))
        .text("email", c.iter().map(|c| &c.person.email))
        .text("country", c.iter().map(|c| c.person.country()))
        .float(
            "lifetime_value",
            stats.iter().map(|s| crate::world::round2(s.value)),
        )
        .int("order_count", stats.iter().map(|s| s.count))
        .opt_timestamp(
            "last_order_at",
            stats.iter().map(|s| s.last.map(clock::micros)),
        );
    sink.parquet("lake/mart/customer_360/part-00000.parquet", columns)
}

/// The legal entity booking each country's sales. Company names, not people.
pub fn company(country: &str) -> &'static str {
    match country {
        "US" => "Globex Corporation",
        "GB" => "Initech Ltd",
        "DE" => "Acme GmbH",
        "FR" => "Soylent SARL",
        "ES" => "Umbrella Iberia S.L.",
        "IN" => "Wayne Enterprises Pvt Ltd",
        "CN" => "Stark Industries (Shanghai) Co., Ltd.",
        _ => "Cyberdyne Systems Nigeria Ltd",
    }
}

fn revenue_daily(sink: &mut Sink, world: &World) -> Result<(), SampleError> {
    // BTreeMap: rows come out sorted by day, then country, on every run.
    let mut days: BTreeMap<(i64, &str), (f64, i64)> = BTreeMap::new();
    for o in world.orders.iter().filter(|o| o.is_revenue()) {
        let country = world.customer(o.customer_id).person.country();
        let entry = days.entry((o.day(), country)).or_default();
        entry.0 += o.amount;
        entry.1 += 1;
    }
    let columns = Columns::default()
        .date(
            "day",
            days.keys()
                .map(|(d, _)| clock::date32(clock::date(EPOCH + d * DAY))),
        )
        .text("country", days.keys().map(|(_, c)| *c))
        .float(
            "revenue",
            days.values().map(|(r, _)| crate::world::round2(*r)),
        )
        .int("orders", days.values().map(|(_, n)| *n))
        .text("company_name", days.keys().map(|(_, c)| company(c)));
    sink.parquet("lake/mart/revenue_daily/part-00000.parquet", columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_the_standard_vector() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
