//! Identifiers with check digits (cards, IBANs) and national ids, generated
//! valid so a detector that verifies them can find them, next to look-alikes
//! that must not be found.

use crate::rng::Rng;

#[derive(Debug, Clone)]
pub struct Card {
    pub brand: &'static str,
    /// As the payment form stored it: plain, spaced or dashed.
    pub number: String,
    /// `MM/YY`.
    pub expiry: String,
}

pub fn card(rng: &mut Rng) -> Card {
    let (brand, prefix, len) = match rng.below(10) {
        0..=4 => ("visa", "4".to_string(), 16),
        5..=7 => ("mastercard", format!("5{}", rng.between(1, 5)), 16),
        _ => ("amex", rng.pick(&["34", "37"]).to_string(), 15),
    };
    let mut digits = prefix;
    digits.push_str(&rng.digits(len - 1 - digits.len()));
    digits.push(luhn_check_digit(&digits));
    let number = match rng.below(3) {
        0 => digits,
        1 => group(&digits, brand, " "),
        _ => group(&digits, brand, "-"),
    };
    let expiry = format!("{:02}/{}", rng.between(1, 12), rng.between(24, 30));
    Card {
        brand,
        number,
        expiry,
    }
}

/// Cards print 4-4-4-4; Amex prints 4-6-5.
fn group(digits: &str, brand: &str, sep: &str) -> String {
    let cuts: &[usize] = if brand == "amex" {
        &[4, 10]
    } else {
        &[4, 8, 12]
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if cuts.contains(&i) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

/// The digit that makes `payload` followed by it pass Luhn.
fn luhn_check_digit(payload: &str) -> char {
    // Appending a digit shifts every position by one, so the rightmost payload
    // digit is the first one doubled.
    let sum: u32 = payload
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| luhn_term(u32::from(b - b'0'), i % 2 == 0))
        .sum();
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

fn luhn_term(d: u32, doubled: bool) -> u32 {
    if doubled {
        let d = d * 2;
        if d > 9 { d - 9 } else { d }
    } else {
        d
    }
}

/// Luhn over the digits of `s`; spaces and dashes are ignored, anything else fails.
#[cfg(test)]
pub fn luhn_valid(s: &str) -> bool {
    let digits: Vec<u32> = s
        .chars()
        .filter(|c| *c != ' ' && *c != '-')
        .map(|c| c.to_digit(10).unwrap_or(99))
        .collect();
    if digits.len() < 2 || digits.contains(&99) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| luhn_term(*d, i % 2 == 1))
        .sum();
    sum.is_multiple_of(10)
}

/// A 16-digit payment reference shaped like a card number whose last digit
/// is deliberately wrong: a detector that only counts digits flags it.
pub fn non_luhn_reference(rng: &mut Rng) -> String {
    let mut digits = rng.between(1, 9).to_string();
    digits.push_str(&rng.digits(14));
    let right = luhn_check_digit(&digits).to_digit(10).unwrap_or(0);
    let wrong = (right + 1 + rng.below(9) as u32) % 10;
    digits.push(char::from(b'0' + wrong as u8));
    digits
}

/// Total IBAN length per country (ISO 13616 registry).
pub const IBAN_LENGTHS: [(&str, usize); 5] =
    [("DE", 22), ("GB", 22), ("FR", 27), ("ES", 24), ("NL", 18)];

/// A valid IBAN for one of `IBAN_LENGTHS`' countries, in compact or printed
/// (groups of four) form.
pub fn iban(rng: &mut Rng, country: &str) -> String {
    let bban = match country {
        "DE" => format!(
            "{}{}",
            rng.pick(&["10070000", "20050550", "37040044", "50010517"]),
            rng.digits(10)
        ),
        "GB" => format!(
            "{}{}{}",
            rng.pick(&["NWBK", "BARC", "HBUK", "LOYD"]),
            rng.digits(6),
            rng.digits(8)
        ),
        "FR" => {
            let (bank, branch, account) = (
                rng.pick(&["30004", "30003", "20041", "10107"]).to_string(),
                rng.digits(5),
                rng.digits(11),
            );
            let key = rib_key(&bank, &branch, &account);
            format!("{bank}{branch}{account}{key:02}")
        }
        "ES" => {
            let (bank, branch, account) = (
                rng.pick(&["2100", "0049", "0182", "2085"]).to_string(),
                rng.digits(4),
                rng.digits(10),
            );
            let control = format!(
                "{}{}",
                spanish_control(&format!("00{bank}{branch}")),
                spanish_control(&account)
            );
            format!("{bank}{branch}{control}{account}")
        }
        _ => format!(
            "{}{}",
            rng.pick(&["ABNA", "RABO", "INGB", "TRIO"]),
            rng.digits(10)
        ),
    };
    let country = if IBAN_LENGTHS.iter().any(|(c, _)| *c == country) {
        country
    } else {
        "NL"
    };
    let check = 98 - mod97(&format!("{bban}{country}00"));
    let compact = format!("{country}{check:02}{bban}");
    if rng.chance(0.3) {
        let chars: Vec<char> = compact.chars().collect();
        chars
            .chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        compact
    }
}

/// ISO 7064 mod 97-10 of an alphanumeric string, letters as 10..35.
fn mod97(s: &str) -> u32 {
    s.chars().fold(0, |rem, c| match c.to_digit(36) {
        Some(v) if v >= 10 => (rem * 100 + v) % 97,
        Some(v) => (rem * 10 + v) % 97,
        None => rem,
    })
}

/// Country, length and mod-97 check of an IBAN (spaces ignored).
#[cfg(test)]
pub fn iban_valid(s: &str) -> bool {
    let compact: String = s.chars().filter(|c| *c != ' ').collect();
    let Some((_, len)) = IBAN_LENGTHS.iter().find(|(c, _)| compact.starts_with(c)) else {
        return false;
    };
    if compact.len() != *len
        || !compact
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return false;
    }
    mod97(&format!("{}{}", &compact[4..], &compact[..4])) == 1
}

/// The French RIB key, so FR IBANs also pass domestic validation.
fn rib_key(bank: &str, branch: &str, account: &str) -> u64 {
    let n = |s: &str| s.parse::<u64>().unwrap_or(0);
    97 - (89 * n(bank) + 15 * n(branch) + 3 * n(account)) % 97
}

/// One Spanish CCC control digit over ten digits.
fn spanish_control(ten: &str) -> u32 {
    const WEIGHTS: [u32; 10] = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
    let sum: u32 = ten
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    match 11 - sum % 11 {
        11 => 0,
        10 => 1,
        d => d,
    }
}

/// A US SSN that obeys the SSA rules: area not 000, 666 or 900-999, group
/// not 00, serial not 0000.
pub fn ssn(rng: &mut Rng) -> String {
    let mut area = rng.between(1, 899);
    if area == 666 {
        area = 665;
    }
    format!(
        "{area:03}-{:02}-{:04}",
        rng.between(1, 99),
        rng.between(1, 9999)
    )
}

/// An invoice reference in SSN shape with area 900-999, which the SSA never
/// issues: it must not be flagged as an SSN.
pub fn ssn_lookalike(rng: &mut Rng) -> String {
    format!(
        "{}-{:02}-{:04}",
        rng.between(900, 999),
        rng.between(1, 99),
        rng.between(1, 9999)
    )
}

#[cfg(test)]
pub fn ssn_valid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [area, group, serial] = parts.as_slice() else {
        return false;
    };
    if area.len() != 3 || group.len() != 2 || serial.len() != 4 {
        return false;
    }
    let (Ok(area), Ok(group), Ok(serial)) = (
        area.parse::<u32>(),
        group.parse::<u32>(),
        serial.parse::<u32>(),
    ) else {
        return false;
    };
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}

/// A UK National Insurance number, `AB 12 34 56 C`, with a prefix HMRC issues.
pub fn nino(rng: &mut Rng) -> String {
    const FIRST: &[u8] = b"ABCEGHJKLMNOPRSTWXYZ";
    const SECOND: &[u8] = b"ABCEGHJKLMNPRSTWXYZ";
    const NEVER: [&str; 7] = ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"];
    let prefix = loop {
        let p = format!("{}{}", rng.chars_from(FIRST, 1), rng.chars_from(SECOND, 1));
        if !NEVER.contains(&p.as_str()) {
            break p;
        }
    };
    format!(
        "{prefix} {} {} {} {}",
        rng.digits(2),
        rng.digits(2),
        rng.digits(2),
        rng.chars_from(b"ABCD", 1)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_matches_known_numbers() {
        assert!(luhn_valid("4111111111111111"));
        assert!(luhn_valid("4111 1111 1111 1111"));
        assert!(luhn_valid("378282246310005"));
        assert!(!luhn_valid("4111111111111112"));
        assert_eq!(luhn_check_digit("411111111111111"), '1');
    }

    #[test]
    fn iban_matches_known_numbers() {
        assert!(iban_valid("DE89370400440532013000"));
        assert!(iban_valid("GB29 NWBK 6016 1331 9268 19"));
        assert!(iban_valid("FR1420041010050500013M02606"));
        assert!(iban_valid("ES9121000418450200051332"));
        assert!(iban_valid("NL91ABNA0417164300"));
        assert!(!iban_valid("DE89370400440532013001"));
    }

    #[test]
    fn generated_identifiers_validate() {
        let mut rng = Rng::stream("finance-test");
        for _ in 0..2000 {
            let card = card(&mut rng);
            assert!(luhn_valid(&card.number), "{}", card.number);
            assert!(!luhn_valid(&non_luhn_reference(&mut rng)));
            for (country, _) in IBAN_LENGTHS {
                let iban = iban(&mut rng, country);
                assert!(iban_valid(&iban), "{iban}");
            }
            assert!(ssn_valid(&ssn(&mut rng)));
            assert!(!ssn_valid(&ssn_lookalike(&mut rng)));
        }
        // The Spanish control digits of the registry's example account.
        assert_eq!(spanish_control("0021000418"), 4);
        assert_eq!(spanish_control("0200051332"), 5);
    }
}
