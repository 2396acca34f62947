//! Value validators: checksums and structural rules that separate a real card
//! number, SSN, IBAN or routing number from a look-alike of the same shape.
//! Each takes one value as written (spaces and dashes allowed where people
//! write them) and answers whether it is valid, nothing more.

use std::net::{Ipv4Addr, Ipv6Addr};

/// The digits of `value` when it holds only digits and the separators people
/// put in numbers (space, `-`, `.`); `None` otherwise.
fn digits(value: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(value.len());
    for c in value.trim().chars() {
        match c {
            '0'..='9' => out.push(c as u8 - b'0'),
            ' ' | '-' | '.' => {}
            _ => return None,
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The Luhn checksum over a digit string.
pub fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A payment card number: 12 to 19 digits from a known issuer range, passing Luhn.
pub fn credit_card(value: &str) -> bool {
    let Some(d) = digits(value) else { return false };
    if !(12..=19).contains(&d.len()) || !luhn(&d) {
        return false;
    }
    let prefix = |n: usize| {
        d.iter()
            .take(n)
            .fold(0u32, |acc, &x| acc * 10 + u32::from(x))
    };
    let len = d.len();
    match d[0] {
        4 => matches!(len, 13 | 16 | 19),                     // Visa
        5 => (51..=55).contains(&prefix(2)) && len == 16,     // Mastercard
        2 => (2221..=2720).contains(&prefix(4)) && len == 16, // Mastercard 2-series
        3 => {
            (matches!(prefix(2), 34 | 37) && len == 15)                        // Amex
            || ((3528..=3589).contains(&prefix(4)) && (16..=19).contains(&len)) // JCB
            || (matches!(prefix(2), 36 | 38 | 39) && (14..=19).contains(&len))  // Diners
            || ((300..=305).contains(&prefix(3)) && (14..=19).contains(&len))
        }
        6 => {
            (prefix(4) == 6011 || (644..=649).contains(&prefix(3)) || prefix(2) == 65)
                && (16..=19).contains(&len)
        } // Discover
        _ => false,
    }
}

/// How nine digits are written: in the 3-2-4 groups of an SSN, or bare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Grouped,
    Bare,
}

/// Whether a value is nine digits, bare or in 3-2-4 groups separated by one
/// dash, space or dot each.
pub fn ssn_groups(v: &str) -> Option<Grouping> {
    let b = v.as_bytes();
    let separator = |c: u8| matches!(c, b'-' | b' ' | b'.');
    match b.len() {
        9 if b.iter().all(u8::is_ascii_digit) => Some(Grouping::Bare),
        11 if separator(b[3])
            && separator(b[6])
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 3 || i == 6 || c.is_ascii_digit()) =>
        {
            Some(Grouping::Grouped)
        }
        _ => None,
    }
}

/// A US Social Security number as 9 digits, or grouped `AAA-GG-SSSS` with a
/// dash, space or dot between groups (hand-typed data mixes them, even in one
/// value): area not 000, 666 or 900-999, group not 00, serial not 0000.
pub fn us_ssn(value: &str) -> bool {
    let v = value.trim();
    if ssn_groups(v).is_none() {
        return false;
    }
    let Some(d) = digits(v) else {
        return false;
    };
    if d.len() != 9 {
        return false;
    }
    let area = u32::from(d[0]) * 100 + u32::from(d[1]) * 10 + u32::from(d[2]);
    let group = d[3] * 10 + d[4];
    let serial = d[5..].iter().fold(0u32, |acc, &x| acc * 10 + u32::from(x));
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}

/// A US ABA routing number: 9 digits, a valid Federal Reserve prefix, and the
/// 3-7-1 weighted checksum.
pub fn aba_routing(value: &str) -> bool {
    let Some(d) = digits(value) else { return false };
    if d.len() != 9 {
        return false;
    }
    let prefix = d[0] * 10 + d[1];
    let known_prefix =
        prefix <= 12 || (21..=32).contains(&prefix) || (61..=72).contains(&prefix) || prefix == 80;
    let weights = [3u32, 7, 1, 3, 7, 1, 3, 7, 1];
    let sum: u32 = d.iter().zip(weights).map(|(&x, w)| u32::from(x) * w).sum();
    known_prefix && sum.is_multiple_of(10)
}

/// An IBAN, printed or electronic form: country length and mod-97 check.
pub fn iban(value: &str) -> bool {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    compact.parse::<iban::Iban>().is_ok()
}

/// A UK National Insurance number: two prefix letters (not D, F, I, Q, U or V;
/// second not O; not the never-issued pairs), six digits, suffix A to D.
pub fn uk_nino(value: &str) -> bool {
    let compact: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let b = compact.as_bytes();
    if b.len() != 9
        || !b[..2].iter().all(u8::is_ascii_uppercase)
        || !b[2..8].iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    let bad_letter = |c: u8| matches!(c, b'D' | b'F' | b'I' | b'Q' | b'U' | b'V');
    let prefix = &compact[..2];
    !bad_letter(b[0])
        && !bad_letter(b[1])
        && b[1] != b'O'
        && !matches!(prefix, "BG" | "GB" | "KN" | "NK" | "NT" | "TN" | "ZZ")
        && matches!(b[8], b'A'..=b'D')
}

/// An IPv4 address in dotted-quad form, or an IPv6 address.
pub fn ip_address(value: &str) -> bool {
    let v = value.trim();
    v.parse::<Ipv4Addr>().is_ok() || (v.contains(':') && v.parse::<Ipv6Addr>().is_ok())
}

/// A MAC address: six hex pairs separated by `:` or `-`, or three groups of
/// four separated by `.` (Cisco style).
pub fn mac_address(value: &str) -> bool {
    let v = value.trim();
    let hex = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_hexdigit());
    for sep in [':', '-'] {
        let parts: Vec<&str> = v.split(sep).collect();
        if parts.len() == 6 && parts.iter().all(|p| hex(p, 2)) {
            return true;
        }
    }
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| hex(p, 4))
}

/// An e-mail address: one `@`, a local part of allowed characters, and a domain
/// of dot-separated labels ending in an alphabetic top-level domain.
pub fn email(value: &str) -> bool {
    let v = value.trim();
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    if local.is_empty()
        || local.len() > 64
        || domain.contains('@')
        || local.starts_with('.')
        || local.ends_with('.')
    {
        return false;
    }
    let local_ok = local
        .chars()
        .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let tld_ok = labels
        .last()
        .is_some_and(|t| t.len() >= 2 && t.chars().all(char::is_alphabetic));
    local_ok && labels.len() >= 2 && labels.iter().all(label_ok) && tld_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_need_luhn_and_an_issuer() {
        for valid in [
            "4111111111111111",
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "5500005555555559",
            "378282246310005",
            "6011111111111117",
            "2223003122003222",
        ] {
            assert!(credit_card(valid), "{valid}");
        }
        for invalid in [
            "4111111111111112",
            "1234567812345670",
            "9111111111111111",
            "411111111111",
            "4111a11111111111",
            "",
        ] {
            assert!(!credit_card(invalid), "{invalid}");
        }
    }

    #[test]
    fn ssns_follow_area_group_and_serial_rules() {
        for valid in [
            "123-45-6789",
            "078051120",
            "899-99-9999",
            "123 45 6789",
            "123.45.6789",
            "123-45 6789",
        ] {
            assert!(us_ssn(valid), "{valid}");
        }
        for invalid in [
            "000-12-3456",
            "666-12-3456",
            "900-12-3456",
            "123-00-4567",
            "123-45-0000",
            "12-345-6789",
            "1234567890",
            "INV-123-45",
            "123--456789",
            "123 456 789",
        ] {
            assert!(!us_ssn(invalid), "{invalid}");
        }
    }

    #[test]
    fn routing_numbers_need_the_weighted_checksum() {
        assert!(aba_routing("011000015"));
        assert!(aba_routing("021000021"));
        assert!(!aba_routing("011000016"), "checksum");
        assert!(!aba_routing("991000019"), "prefix");
        assert!(!aba_routing("12345678"));
    }

    #[test]
    fn ibans_need_mod_97_and_the_country_length() {
        assert!(iban("DE89 3704 0044 0532 0130 00"));
        assert!(iban("GB82WEST12345698765432"));
        assert!(!iban("DE89 3704 0044 0532 0130 01"), "mod 97");
        assert!(!iban("DE89 3704 0044 0532 0130"), "length");
        assert!(!iban("not an iban"));
    }

    #[test]
    fn ninos_follow_the_prefix_rules() {
        assert!(!uk_nino("QQ 12 34 56 C"), "Q is never a prefix letter");
        assert!(uk_nino("AB123456C"));
        assert!(uk_nino("ab 12 34 56 d"));
        assert!(!uk_nino("GB123456A"), "administrative prefix");
        assert!(!uk_nino("AO123456A"), "second letter O");
        assert!(!uk_nino("AB123456E"), "suffix");
    }

    #[test]
    fn network_addresses() {
        for valid in [
            "192.168.0.1",
            "2001:db8::1",
            "::1",
            "fe80::1ff:fe23:4567:890a",
        ] {
            assert!(ip_address(valid), "{valid}");
        }
        for invalid in ["256.1.1.1", "1.2.3", "abc", "12:34"] {
            assert!(!ip_address(invalid), "{invalid}");
        }
        for valid in ["00:1A:2b:3C:4d:5E", "00-1A-2B-3C-4D-5E", "001a.2b3c.4d5e"] {
            assert!(mac_address(valid), "{valid}");
        }
        for invalid in ["00:1A:2B:3C:4D", "00:1G:2B:3C:4D:5E", "2001:db8::1"] {
            assert!(!mac_address(invalid), "{invalid}");
        }
    }

    #[test]
    fn emails() {
        for valid in [
            "ana.lopez@example.es",
            "o'brien+news@mail.co.uk",
            "zoë@exämple.de",
        ] {
            assert!(email(valid), "{valid}");
        }
        for invalid in [
            "ana@",
            "@example.com",
            "a@b",
            "a@@b.com",
            "a b@c.com",
            "user@host.123",
            ".a@b.com",
        ] {
            assert!(!email(invalid), "{invalid}");
        }
    }
}
