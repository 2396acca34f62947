//! `lake/raw`: what the ingestion jobs land, as the source systems shaped it.

use crate::SampleError;
use crate::clock::{self, BUSINESS_DAYS, DAY, EPOCH, HOUR};
use crate::finance;
use crate::lake::{Columns, Sink};
use crate::rng::Rng;
use crate::world::{Order, World};

pub const WEB_EVENTS: usize = 20_000;
pub const TICKETS: usize = 600;
pub const EVENT_FILES: usize = 2;

pub fn write(sink: &mut Sink, world: &World) -> Result<(), SampleError> {
    customers(sink, world)?;
    orders(sink, world)?;
    payments(sink, world)?;
    web_events(sink, world)?;
    support_tickets(sink, world)
}

fn customers(sink: &mut Sink, world: &World) -> Result<(), SampleError> {
    let c = &world.customers;
    let columns = Columns::default()
        .int("customer_id", c.iter().map(|c| c.id))
        .text("first_name", c.iter().map(|c| &c.person.first_name))
        .text("last_name", c.iter().map(|c| &c.person.last_name))
        .text("email", c.iter().map(|c| &c.person.email))
        .text("phone", c.iter().map(|c| &c.person.phone))
        .date(
            "date_of_birth",
            c.iter().map(|c| clock::date32(c.person.birth_date)),
        )
        .text("street_address", c.iter().map(|c| &c.person.street))
        .text("city", c.iter().map(|c| c.person.city))
        .text("postal_code", c.iter().map(|c| &c.person.postal_code))
        .text("country", c.iter().map(|c| c.person.country()))
        .opt_text("gender", c.iter().map(|c| c.person.gender))
        .boolean("marketing_opt_in", c.iter().map(|c| c.marketing_opt_in))
        .timestamp("created_at", c.iter().map(|c| clock::micros(c.created_at)));
    sink.parquet("lake/raw/customers/part-00000.parquet", columns)
}

/// One Hive partition per day; `dt` lives only in the folder name, as
/// Spark and Hive write it.
fn orders(sink: &mut Sink, world: &World) -> Result<(), SampleError> {
    for day in 0..BUSINESS_DAYS {
        let orders: Vec<&Order> = world.orders.iter().filter(|o| o.day() == day).collect();
        let columns = Columns::default()
            .int("order_id", orders.iter().map(|o| o.id))
            .int("customer_id", orders.iter().map(|o| o.customer_id))
            .text("order_number", orders.iter().map(|o| &o.number))
            .text("status", orders.iter().map(|o| o.status))
            .float("amount", orders.iter().map(|o| o.amount))
            .text("currency", orders.iter().map(|o| o.currency))
            .opt_text(
                "shipment_code",
                orders.iter().map(|o| o.shipment_code.as_deref()),
            )
            .timestamp(
                "created_at",
                orders.iter().map(|o| clock::micros(o.created_at)),
            );
        let dt = clock::date(EPOCH + day * DAY);
        sink.parquet(
            &format!("lake/raw/orders/dt={dt}/part-00000.parquet"),
            columns,
        )?;
    }
    Ok(())
}

/// One payment per order: three in four by card, the rest by SEPA/Bacs
/// transfer. Every row carries a Luhn-failing bank reference.
fn payments(sink: &mut Sink, world: &World) -> Result<(), SampleError> {
    let mut rng = Rng::stream("payments");
    let (mut cards, mut brands, mut expiries, mut ibans, mut refs, mut paid) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for order in &world.orders {
        if rng.chance(0.75) {
            let card = finance::card(&mut rng);
            cards.push(Some(card.number));
            brands.push(Some(card.brand));
            expiries.push(Some(card.expiry));
            ibans.push(None);
        } else {
            let home = world.customer(order.customer_id).person.country();
            let country = match home {
                "DE" | "GB" | "FR" | "ES" => home,
                _ => *rng.pick(&["DE", "GB", "FR", "ES", "NL"]),
            };
            cards.push(None);
            brands.push(None);
            expiries.push(None);
            ibans.push(Some(finance::iban(&mut rng, country)));
        }
        refs.push(finance::non_luhn_reference(&mut rng));
        paid.push(clock::iso(order.created_at + rng.between(20, HOUR)));
    }
    let o = &world.orders;
    let columns = Columns::default()
        .int("payment_id", o.iter().map(|o| 700_000 + o.id))
        .int("order_id", o.iter().map(|o| o.id))
        .opt_text("card_number", cards)
        .opt_text("card_brand", brands)
        .opt_text("card_expiry", expiries)
        .opt_text("iban", ibans)
        .float("amount", o.iter().map(|o| o.amount))
        .text("paid_at", paid)
        .text("reference", refs);
    sink.csv("lake/raw/payments.csv", columns)
}

struct Event {
    id: String,
    session: String,
    customer: Option<i64>,
    ip: String,
    agent: &'static str,
    url: String,
    app_version: String,
    kind: &'static str,
    at: i64,
}

const USER_AGENTS: [&str; 6] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "NorthpeakShop/4.12.1 (iPhone; iOS 17.2; Scale/3.00)",
];

/// Sessions of clickstream; a session id is a 32-hex hash that is not personal.
fn web_events(sink: &mut Sink, world: &World) -> Result<(), SampleError> {
    let mut rng = Rng::stream("web_events");
    let target = WEB_EVENTS * world.scale as usize;
    let mut events = Vec::with_capacity(target + 16);
    while events.len() < target {
        let session = rng.hex(32);
        // Two in five visitors are logged in.
        let customer = rng
            .chance(0.4)
            .then(|| rng.between(1, world.customers.len() as i64));
        let ip = ip_address(&mut rng);
        let agent = *rng.pick(&USER_AGENTS);
        let app_version = format!(
            "4.{}.{}.{}",
            rng.between(9, 12),
            rng.between(0, 3),
            rng.between(0, 9)
        );
        let mut at = EPOCH + rng.between(0, BUSINESS_DAYS * DAY - HOUR);
        for step in 0..rng.between(1, 15) {
            let (kind, url) = page(&mut rng, step);
            events.push(Event {
                id: uuid_v4(&mut rng),
                session: session.clone(),
                customer,
                ip: ip.clone(),
                agent,
                url,
                app_version: app_version.clone(),
                kind,
                at,
            });
            at += rng.between(2, 180);
        }
    }
    events.truncate(target);
    events.sort_by_key(|e| e.at);
    let per_file = target.div_ceil(EVENT_FILES);
    for (i, chunk) in events.chunks(per_file).enumerate() {
        let columns = Columns::default()
            .text("event_id", chunk.iter().map(|e| &e.id))
            .text("session_id", chunk.iter().map(|e| &e.session))
            .opt_int("customer_id", chunk.iter().map(|e| e.customer))
            .text("ip_address", chunk.iter().map(|e| &e.ip))
            .text("user_agent", chunk.iter().map(|e| e.agent))
            .text("url", chunk.iter().map(|e| &e.url))
            .text("app_version", chunk.iter().map(|e| &e.app_version))
            .text("event_type", chunk.iter().map(|e| e.kind))
            .text("occurred_at", chunk.iter().map(|e| clock::iso(e.at)));
        sink.ndjson_gz(
            &format!("lake/raw/web_events/events-{i:03}.ndjson.gz"),
            columns,
        )?;
    }
    Ok(())
}

fn page(rng: &mut Rng, step: i64) -> (&'static str, String) {
    if step == 0 {
        return (
            "page_view",
            rng.pick(&["/", "/", "/sale", "/new-in", "/account/login"])
                .to_string(),
        );
    }
    match rng.below(10) {
        0..=3 => (
            "page_view",
            format!("/products/sku-{}", rng.between(10_000, 99_999)),
        ),
        4 => (
            "search",
            format!(
                "/search?q={}",
                rng.pick(&["running+shoes", "rain+jacket", "gift+card", "wool+socks"])
            ),
        ),
        5 | 6 => ("add_to_cart", "/cart".to_string()),
        7 => ("checkout_start", "/checkout".to_string()),
        8 => ("purchase", "/checkout/confirmation".to_string()),
        _ => (
            "page_view",
            rng.pick(&["/account/orders", "/help/returns", "/stores"])
                .to_string(),
        ),
    }
}

/// Mostly IPv4, a fifth IPv6, like a CDN log in 2024.
fn ip_address(rng: &mut Rng) -> String {
    if rng.chance(0.8) {
        let first = *rng.pick(&[73, 86, 92, 109, 151, 176, 185, 203]);
        format!(
            "{first}.{}.{}.{}",
            rng.between(0, 255),
            rng.between(0, 255),
            rng.between(1, 254)
        )
    } else {
        let prefix = rng.pick(&["2a02:c7f", "2600:1700", "2001:16b8", "2409:4042"]);
        let groups: Vec<String> = (0..5)
            .map(|_| format!("{:x}", rng.below(0x10000)))
            .collect();
        format!("{prefix}:{}", groups.join(":"))
    }
}

/// A UUID v4 from the stream: random bits with the version and variant set.
fn uuid_v4(rng: &mut Rng) -> String {
    let (hi, lo) = (rng.next_u64(), rng.next_u64());
    let hi = (hi & !0xF000) | 0x4000;
    let lo = (lo & !(0b11 << 62)) | (0b10 << 62);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xFFFF,
        hi & 0xFFFF,
        lo >> 48,
        lo & 0xFFFF_FFFF_FFFF
    )
}

/// Free-text notes; about one in seven embeds the customer's email or phone
/// mid-sentence, as agents do.
fn support_tickets(sink: &mut Sink, world: &World) -> Result<(), SampleError> {
    let mut rng = Rng::stream("support_tickets");
    let n = TICKETS * world.scale as usize;
    let (mut customers, mut subjects, mut notes, mut priorities, mut opened) =
        (vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..n {
        let order = rng.pick(&world.orders);
        let person = &world.customer(order.customer_id).person;
        customers.push(order.customer_id);
        let (subject, note) = ticket(&mut rng, order, &person.email, &person.phone);
        subjects.push(subject);
        notes.push(note);
        priorities.push(*rng.weighted(&[("low", 25), ("normal", 50), ("high", 18), ("urgent", 7)]));
        opened.push(order.created_at + rng.between(HOUR, 3 * DAY));
    }
    // Tickets are numbered in the order they were opened.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| opened[i]);
    let columns = Columns::default()
        .int("ticket_id", (0..n).map(|i| 50_001 + i as i64))
        .int("customer_id", order.iter().map(|&i| customers[i]))
        .text("subject", order.iter().map(|&i| subjects[i]))
        .text("notes", order.iter().map(|&i| &notes[i]))
        .text("priority", order.iter().map(|&i| priorities[i]))
        .text("opened_at", order.iter().map(|&i| clock::iso(opened[i])));
    sink.csv("lake/raw/support_tickets.csv", columns)
}

/// A subject and the agent's note on it; about one note in seven gives a
/// way to reach the customer instead.
fn ticket(rng: &mut Rng, order: &Order, email: &str, phone: &str) -> (&'static str, String) {
    let number = &order.number;
    let (subject, note) = match rng.below(8) {
        0 => (
            "Where is my order?",
            match &order.shipment_code {
                Some(code) => format!(
                    "Courier scan shows {code} at the depot; told customer to allow 2 more working days."
                ),
                None => format!(
                    "{number} not dispatched yet (warehouse backlog); gave an ETA of Friday."
                ),
            },
        ),
        1 => (
            "Item arrived damaged",
            "Photos of the damaged box attached. Replacement dispatched, no return needed."
                .to_string(),
        ),
        2 => (
            "Refund not received",
            format!("Refund for {number} was issued 5 days ago; explained bank processing times."),
        ),
        3 => (
            "Charged twice",
            format!(
                "Duplicate charge on {number} confirmed with payments team; second charge voided."
            ),
        ),
        4 => (
            "Change delivery address",
            format!("Updated the delivery address on {number} before dispatch. Confirmed by chat."),
        ),
        5 => (
            "Cannot log in",
            "Password reset e-mail not arriving; escalated to platform team (spam filter)."
                .to_string(),
        ),
        6 => (
            "Wrong size delivered",
            format!("Customer wants to swap size M for L on {number}. Exchange label sent."),
        ),
        _ => (
            "Cancel my order",
            format!(
                "Cancelled {number} at the customer's request; refund to the original payment method."
            ),
        ),
    };
    if !rng.chance(0.15) {
        return (subject, note);
    }
    let note = match rng.below(4) {
        0 => format!("Customer asked to be reached at {email} after 5pm about {number}."),
        1 => format!("Please call back on {phone} regarding {number}."),
        2 => format!(
            "Wants invoices sent to {email} instead of the account address; updated manually."
        ),
        _ => format!("Left a voicemail, best number is {phone}. Will retry tomorrow morning."),
    };
    (subject, note)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_v4_shaped() {
        let mut rng = Rng::stream("uuid-test");
        for _ in 0..100 {
            let id = uuid_v4(&mut rng);
            assert_eq!(id.len(), 36);
            assert_eq!(&id[14..15], "4");
            assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
        }
    }
}
