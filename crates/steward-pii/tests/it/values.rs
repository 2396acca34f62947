//! Small deterministic generators of valid and look-alike values, so cases
//! hold 30 values like a scan's sample without listing them by hand.

pub use steward_testing::Rng;

pub fn many(n: usize, seed: u64, mut f: impl FnMut(&mut Rng) -> String) -> Vec<String> {
    let mut rng = Rng::new(seed);
    (0..n).map(|_| f(&mut rng)).collect()
}

fn luhn_check_digit(body: &str) -> u32 {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// A Visa or Mastercard number passing Luhn.
pub fn card(rng: &mut Rng) -> String {
    let prefix = rng.pick(&["4", "51", "52", "55"]);
    let body = format!("{prefix}{}", rng.digits(15 - prefix.len()));
    format!("{body}{}", luhn_check_digit(&body))
}

/// Sixteen digits with a card prefix that fail Luhn.
pub fn luhn_failing(rng: &mut Rng) -> String {
    let good = card(rng);
    let last = good.as_bytes()[15] - b'0';
    format!("{}{}", &good[..15], (last + 1) % 10)
}

/// A valid SSN, dashed.
pub fn ssn(rng: &mut Rng) -> String {
    let area = 1 + rng.below(665);
    let group = 1 + rng.below(99);
    let serial = 1 + rng.below(9999);
    format!("{area:03}-{group:02}-{serial:04}")
}

/// A number in the SSN shape that was never issued (area 000, 666, 9xx).
pub fn invoice_like_ssn(rng: &mut Rng) -> String {
    let area = *[0u64, 666, 900 + rng.below(100)]
        .get(rng.below(3) as usize)
        .unwrap_or(&0);
    format!("{area:03}-{}-{}", rng.digits(2), rng.digits(4))
}

/// A NANP number in one of the usual formats.
pub fn us_phone(rng: &mut Rng) -> String {
    let area = rng.pick(&["212", "415", "617", "312", "713", "206", "303", "404"]);
    let exchange = 200 + rng.below(800);
    let line = rng.digits(4);
    match rng.below(4) {
        0 => format!("({area}) {exchange}-{line}"),
        1 => format!("{area}-{exchange}-{line}"),
        2 => format!("+1 {area} {exchange} {line}"),
        _ => format!("{area}.{exchange}.{line}"),
    }
}

/// A random UUID v4 string.
pub fn uuid(rng: &mut Rng) -> String {
    let hex = |rng: &mut Rng, n: usize| -> String {
        (0..n)
            .map(|_| char::from_digit(rng.below(16) as u32, 16).unwrap_or('0'))
            .collect()
    };
    format!(
        "{}-{}-4{}-a{}-{}",
        hex(rng, 8),
        hex(rng, 4),
        hex(rng, 3),
        hex(rng, 3),
        hex(rng, 12)
    )
}

pub fn hex(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from_digit(rng.below(16) as u32, 16).unwrap_or('0'))
        .collect()
}

/// An ABA routing number with a valid prefix and checksum.
pub fn routing(rng: &mut Rng) -> String {
    {
        let prefix = rng.pick(&[
            "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "21", "22",
            "26", "31", "32", "61", "63", "67",
        ]);
        let body = format!("{prefix}{}", rng.digits(6));
        let w = [3u32, 7, 1, 3, 7, 1, 3, 7];
        let sum: u32 = body
            .bytes()
            .zip(w)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        let check = (10 - sum % 10) % 10;
        format!("{body}{check}")
    }
}
