//! Phone numbers. A value is first read for its shape (digits and the
//! punctuation people write numbers with, an optional extension); North
//! American numbers are checked against the NANP rules, numbers written with a
//! country code (`+44 ...`, `0044 ...`) are parsed and validated with the
//! `phonenumber` crate (libphonenumber's metadata), and national numbers with a
//! trunk prefix (`0118 496 0601`) are accepted on their shape.

/// How a value reads as a phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneMatch {
    /// Not a phone number.
    No,
    /// Phone-shaped, but the rules for its region could not confirm it (a
    /// national number without a country code, or one libphonenumber does not
    /// know as assigned).
    Plausible,
    /// Passes the numbering rules of its region.
    Valid,
}

/// What a phone-shaped value looked like, for the column decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhoneReading {
    pub matched: PhoneMatch,
    /// Written as digits only, with no separator, prefix or parentheses: an
    /// identifier is written the same way, so such values count for less.
    pub bare: bool,
    /// The country its country code names, for numbers written with one.
    pub region: Option<phonenumber::country::Id>,
}

const NO: PhoneReading = PhoneReading {
    matched: PhoneMatch::No,
    bare: false,
    region: None,
};

/// Reads a number written without a country code as a number of `region`:
/// a column's other numbers say which country (`+55 62 7751-4016` beside
/// `53 3347-3315`).
pub fn national(value: &str, region: phonenumber::country::Id) -> PhoneMatch {
    let v = without_extension(value.trim());
    let digits = v.bytes().filter(u8::is_ascii_digit).count();
    if !(7..=13).contains(&digits)
        || !v
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'-' | b'.' | b'(' | b')'))
    {
        return PhoneMatch::No;
    }
    match phonenumber::parse(Some(region), v) {
        Ok(number) if phonenumber::is_valid(&number) => PhoneMatch::Valid,
        Ok(number) if (6..=12).contains(&number.national().value().to_string().len()) => {
            PhoneMatch::Plausible
        }
        _ => PhoneMatch::No,
    }
}

/// Strips an extension (`x123`, `ext. 123`, `#123`) from the end.
fn without_extension(v: &str) -> &str {
    let lower_at = |i: usize| v[i..].trim_start_matches(['.', ' ']);
    for marker in [" ext.", " ext", "ext.", " x", "x", "#"] {
        if let Some(i) = v.rfind(marker) {
            let rest = lower_at(i + marker.len());
            if !rest.is_empty() && rest.len() <= 6 && rest.bytes().all(|b| b.is_ascii_digit()) {
                return v[..i].trim_end();
            }
        }
    }
    v
}

/// NANP rules: area code and exchange start 2-9 and are not N11 service codes.
fn nanp(d: &[u8]) -> bool {
    let d = match d.len() {
        11 if d[0] == 1 => &d[1..],
        10 => d,
        _ => return false,
    };
    let n11 = |x: &[u8]| x[1] == 1 && x[2] == 1;
    d[0] >= 2 && d[3] >= 2 && !n11(&d[0..3]) && !n11(&d[3..6])
}

/// Digit groups as written: `(305) 857-4186` is [3, 3, 4].
fn groups(v: &str) -> Vec<usize> {
    v.split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .map(str::len)
        .collect()
}

/// Loads libphonenumber's metadata now, so the first column does not pay for it.
pub fn warm_up() {
    let _ = phonenumber::parse(None, "+44 20 7946 0958");
}

/// The country a number written with a country code names, from the
/// metadata's code table alone (no pattern matching): `+55 62 ...` is Brazil.
fn region_of_code(digits: &[u8]) -> Option<phonenumber::country::Id> {
    (1..=3).find_map(|len| {
        let code = digits
            .get(..len)?
            .iter()
            .fold(0u16, |acc, &d| acc * 10 + u16::from(d));
        let entries = phonenumber::metadata::DATABASE.by_code(&code)?;
        entries.first()?.id().parse().ok()
    })
}

/// Reads `value` as a phone number, validating numbers with a country code
/// against their country's numbering plan.
pub fn phone(value: &str) -> PhoneReading {
    read(value, true)
}

/// Reads `value` by its shape alone: a number with a country code is
/// plausible when the code exists. For the values of a column past the first
/// few, whose country codes the library has already checked.
pub fn phone_shape(value: &str) -> PhoneReading {
    read(value, false)
}

fn read(value: &str, validate: bool) -> PhoneReading {
    let v = without_extension(value.trim());
    let bytes = v.as_bytes();
    if bytes.is_empty() || bytes.len() > 24 {
        return NO;
    }
    let mut digits = Vec::with_capacity(16);
    let mut separators = 0;
    let mut dots = 0;
    let mut open = 0i32;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'0'..=b'9' => digits.push(b - b'0'),
            b'+' if i == 0 => separators += 1,
            b' ' | b'-' => separators += 1,
            b'.' => {
                separators += 1;
                dots += 1;
            }
            b'(' => {
                open += 1;
                separators += 1;
            }
            b')' => {
                open -= 1;
                separators += 1;
                if open < 0 {
                    return NO;
                }
            }
            _ => return NO,
        }
    }
    if open != 0 || !(7..=15).contains(&digits.len()) {
        return NO;
    }
    // Dotted quads are addresses or versions, not numbers.
    if dots == 3 && separators == 3 {
        return NO;
    }
    let bare = separators == 0;
    let international = bytes[0] == b'+' || (bytes.starts_with(b"00") && digits.len() >= 10);
    if international && !validate {
        let national_digits = if bytes[0] == b'+' {
            &digits[..]
        } else {
            &digits[2..]
        };
        return match region_of_code(national_digits) {
            Some(region) => PhoneReading {
                matched: PhoneMatch::Plausible,
                bare,
                region: Some(region),
            },
            None => NO,
        };
    }
    if international {
        // `+49 (0)30 901820`: the bracketed trunk prefix is dialled only at home.
        let v = v.replace("(0)", " ");
        let text = if bytes[0] == b'+' {
            v
        } else {
            format!("+{}", &v[2..])
        };
        return match phonenumber::parse(None, &text) {
            Ok(number) if phonenumber::is_valid(&number) => PhoneReading {
                matched: PhoneMatch::Valid,
                bare,
                region: number.country().id(),
            },
            // `00` is also how zero-padded ids start: only a valid number counts.
            Ok(number) if bytes[0] == b'+' => PhoneReading {
                matched: PhoneMatch::Plausible,
                bare,
                region: number.country().id(),
            },
            Ok(_) => NO,
            Err(_) => NO,
        };
    }
    let g = groups(v);
    let nanp_grouping = matches!(
        g.as_slice(),
        [10] | [11] | [3, 3, 4] | [1, 3, 3, 4] | [3, 7] | [1, 10]
    );
    if nanp_grouping && nanp(&digits) {
        return PhoneReading {
            matched: PhoneMatch::Valid,
            bare,
            region: None,
        };
    }
    // A national number with a trunk prefix: 0 then a non-zero area code.
    if digits[0] == 0 && digits[1] != 0 && (9..=12).contains(&digits.len()) && g.len() <= 6 {
        return PhoneReading {
            matched: PhoneMatch::Plausible,
            bare,
            region: None,
        };
    }
    NO
}

/// Whether a text embeds a phone number written the way people write them
/// (`call me at +41 56 681 79 77`, `Tel: (34) 3348-3888`). Bare digit runs do
/// not count: order numbers are written that way too.
pub fn embedded(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let starts = matches!(b[i], b'+' | b'(') || b[i].is_ascii_digit();
        let after_word = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if !(starts && after_word) {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < b.len()
            && (b[end].is_ascii_digit()
                || matches!(b[end], b' ' | b'-' | b'.' | b'(' | b')' | b'+'))
        {
            end += 1;
        }
        let candidate = text[i..end].trim_end_matches([' ', '-', '.', '(']);
        let digits = candidate.bytes().filter(u8::is_ascii_digit).count();
        if (8..=15).contains(&digits) {
            // The shape and the country code are enough inside prose.
            let reading = phone_shape(candidate);
            if reading.matched != PhoneMatch::No && !reading.bare {
                return true;
            }
        }
        i = end.max(i + 1);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matched(v: &str) -> PhoneMatch {
        phone(v).matched
    }

    #[test]
    fn north_american_numbers_follow_nanp() {
        for valid in [
            "(305) 857-4186",
            "(617) 982-9299 x8420",
            "1-702-228-2364",
            "+1 314 761 4453",
            "619.373.5687",
            "704-388-2962",
            "2125551234",
        ] {
            assert_eq!(matched(valid), PhoneMatch::Valid, "{valid}");
        }
        assert!(phone("2125551234").bare);
        assert!(!phone("212-555-1234").bare);
        for invalid in [
            "(105) 857-4186", // area code starts with 1
            "305-157-4186",   // exchange starts with 1
            "911-555-1234",   // service code
            "7044192736x",
        ] {
            assert_ne!(matched(invalid), PhoneMatch::Valid, "{invalid}");
        }
    }

    #[test]
    fn international_numbers_are_validated_with_their_country_code() {
        assert_eq!(matched("+44 20 7946 0958"), PhoneMatch::Valid);
        assert_eq!(matched("+49 30 901820"), PhoneMatch::Valid);
        assert_eq!(matched("0033 1 42 68 53 00"), PhoneMatch::Valid);
        assert_eq!(matched("+33 (0)4 81 83 45 92"), PhoneMatch::Valid);
        assert_eq!(
            matched("+999 1234 5678"),
            PhoneMatch::No,
            "no such country code"
        );
    }

    #[test]
    fn national_numbers_with_a_trunk_prefix_are_plausible() {
        assert_eq!(matched("(0118) 4960601"), PhoneMatch::Plausible);
        assert_eq!(matched("04524 205740"), PhoneMatch::Plausible);
        assert_eq!(matched("0012345678"), PhoneMatch::No, "zero-padded id");
    }

    #[test]
    fn phones_inside_text() {
        assert!(embedded("Erreichbar unter +41 56 681 79 77 ab Montag"));
        assert!(embedded("Tel: (617) 982-9299, evenings"));
        assert!(!embedded("Order 7044192736 shipped on 2023-10-04"));
        assert!(!embedded("Paid 1.234,56 EUR at 12:30"));
    }

    #[test]
    fn numbers_without_a_country_code_are_read_in_the_columns_country() {
        let br = phone("+55 11 3456-7890").region.expect("Brazil");
        assert_eq!(
            matched("11 3456-7890"),
            PhoneMatch::No,
            "alone, the shape says nothing"
        );
        assert_ne!(national("11 3456-7890", br), PhoneMatch::No);
        assert_eq!(national("420-24-8497x", br), PhoneMatch::No);
    }

    #[test]
    fn look_alikes_are_not_phones() {
        for not_phone in [
            "420-24-8497",   // SSN
            "10.22.242.57",  // version
            "192.168.10.11", // IPv4
            "2023-10-04",    // date
            "08/10/2003",
            "4111 1111 1111 1111", // card: too many digits
            "1667.93",
            "P833128",
            "HG-7054-9302",
            "",
        ] {
            assert_eq!(matched(not_phone), PhoneMatch::No, "{not_phone}");
        }
    }
}
