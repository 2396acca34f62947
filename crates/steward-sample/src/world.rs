//! The company's shared facts (customers and their orders), generated once so
//! the lake, the operational DB and the marts agree with each other.

use crate::clock::{BUSINESS_DAYS, DAY, EPOCH};
use crate::people::{self, Locale, Person};
use crate::rng::Rng;

pub const CUSTOMERS: usize = 1_000;
pub const ORDERS: usize = 5_000;

#[derive(Debug, Clone)]
pub struct Customer {
    pub id: i64,
    pub person: Person,
    pub marketing_opt_in: bool,
    /// Unix seconds.
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct Order {
    pub id: i64,
    pub customer_id: i64,
    pub number: String,
    pub status: &'static str,
    pub amount: f64,
    pub currency: &'static str,
    pub shipment_code: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
}

impl Order {
    /// What the marts count as revenue: money kept.
    pub fn is_revenue(&self) -> bool {
        matches!(self.status, "paid" | "shipped")
    }

    /// Days since the epoch, i.e. the `dt=` partition it lands in.
    pub fn day(&self) -> i64 {
        (self.created_at - EPOCH) / DAY
    }
}

#[derive(Debug)]
pub struct World {
    pub scale: u32,
    pub customers: Vec<Customer>,
    pub orders: Vec<Order>,
}

impl World {
    pub fn new(scale: u32) -> Self {
        let customers = customers(CUSTOMERS * scale as usize);
        let orders = orders(ORDERS * scale as usize, &customers);
        Self {
            scale,
            customers,
            orders,
        }
    }

    /// Customer ids are 1..=n, so this is an index.
    pub fn customer(&self, id: i64) -> &Customer {
        &self.customers[(id - 1) as usize]
    }
}

fn customers(n: usize) -> Vec<Customer> {
    let mut rng = Rng::stream("customers");
    let mut customers: Vec<Customer> = (0..n)
        .map(|_| {
            let locale = Locale::random(&mut rng);
            Customer {
                id: 0,
                person: people::person(&mut rng, locale),
                marketing_opt_in: rng.chance(0.42),
                // Signed up over the two years before the epoch.
                created_at: EPOCH - rng.between(DAY, 730 * DAY),
            }
        })
        .collect();
    // Ids grow with sign-up time, as an auto-increment key would.
    customers.sort_by_key(|c| c.created_at);
    for (i, c) in customers.iter_mut().enumerate() {
        c.id = i as i64 + 1;
    }
    customers
}

fn orders(n: usize, customers: &[Customer]) -> Vec<Order> {
    let mut rng = Rng::stream("orders");
    let mut orders: Vec<Order> = (0..n)
        .map(|_| {
            // Squaring skews orders toward long-standing customers; some never order.
            let pick = rng.unit() * rng.unit();
            let customer = &customers[(pick * customers.len() as f64) as usize];
            let locale = customer.person.locale;
            let usd = 12.0 + 380.0 * rng.unit().powi(3) + rng.unit() * 20.0;
            let status = *rng.weighted(&[
                ("paid", 35),
                ("shipped", 40),
                ("pending", 10),
                ("cancelled", 8),
                ("refunded", 7),
            ]);
            let shipped = status == "shipped" || (status == "refunded" && rng.chance(0.5));
            Order {
                id: 0,
                customer_id: customer.id,
                number: String::new(),
                status,
                amount: round2(usd * locale.per_usd()),
                currency: locale.currency(),
                shipment_code: shipped.then(|| ups_tracking(&mut rng)),
                created_at: EPOCH + rng.between(0, BUSINESS_DAYS * DAY - 1),
            }
        })
        .collect();
    orders.sort_by_key(|o| o.created_at);
    for (i, o) in orders.iter_mut().enumerate() {
        o.id = i as i64 + 1;
        // Digits that a naive phone detector would take for a number.
        o.number = format!("SO-2024-{:07}", 10_000 + o.id);
    }
    orders
}

pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A UPS tracking number (`1Z` + shipper + service + package + check digit):
/// long, digit-heavy and nothing personal.
fn ups_tracking(rng: &mut Rng) -> String {
    let shipper = format!(
        "{}{}",
        rng.digits(3),
        rng.chars_from(b"ABCDEFGHJKLMNPRSTVWXY0123456789", 3)
    );
    let body = format!(
        "{shipper}{}{}",
        rng.pick(&["01", "02", "03", "12", "13"]),
        rng.digits(7)
    );
    format!("1Z{body}{}", ups_check_digit(&body))
}

fn ups_check_digit(body: &str) -> u32 {
    let sum: u32 = body
        .chars()
        .enumerate()
        .map(|(i, c)| {
            // Letters count as (ASCII - 63) mod 10; even positions weigh double.
            let v = if c.is_ascii_digit() {
                c as u32 - '0' as u32
            } else {
                (c as u32 - 63) % 10
            };
            if i % 2 == 1 { v * 2 } else { v }
        })
        .sum();
    (10 - sum % 10) % 10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ups_check_digit_matches_the_published_example() {
        assert_eq!(ups_check_digit("999AA1012345678"), 4);
    }

    #[test]
    fn orders_reference_customers_and_sort_by_time() {
        let world = World::new(1);
        assert_eq!(world.customers.len(), CUSTOMERS);
        assert_eq!(world.orders.len(), ORDERS);
        assert!(
            world
                .orders
                .windows(2)
                .all(|w| w[0].created_at <= w[1].created_at)
        );
        for o in &world.orders {
            assert_eq!(world.customer(o.customer_id).id, o.customer_id);
            assert!((0..BUSINESS_DAYS).contains(&o.day()));
        }
    }
}
