//! Detectors for values written in words: people's names, street addresses,
//! postal codes, calendar dates and passport numbers. Where the shape alone is
//! ambiguous (five digits are a ZIP code or a store number) the detector says
//! so, and the column decision weighs it with the name and the neighbours.

use crate::gazetteer;

/// How a value reads as a person's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameReading {
    /// Not written like a name (digits, lowercase words, too many words).
    No,
    /// Written like a name, but no word of it is a known name.
    Shaped,
    /// Several words written like a name, one of them a known name.
    Partial,
    /// One word that is a known name, or several of which two are.
    Known,
    /// An organisation: a legal form or a partnership (`and`, `&`, a comma).
    Organisation,
}

fn strip_punct(word: &str) -> &str {
    word.trim_end_matches(['.', ',', ';'])
        .trim_start_matches('(')
}

/// A capital first letter (or all capitals, `WILSON`), then letters,
/// apostrophes and hyphens.
fn is_capitalised(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase)
        && chars.all(|c| c.is_alphabetic() || matches!(c, '\'' | '-' | '’'))
}

/// A possessive (`Johnson's`, `McDonald’s`): a business or a brand named
/// after its founder, never how a person's name is written.
fn is_possessive(word: &str) -> bool {
    word.chars().count() > 3 && (word.ends_with("'s") || word.ends_with("’s"))
}

/// Whether a lowercase word is a known given name or surname (a part of a
/// hyphenated one will do), place words and street types aside.
pub(crate) fn known_name(lower: &str) -> bool {
    !gazetteer::is_place_word(lower)
        && !gazetteer::is_street_type(lower)
        && lower
            .split('-')
            .any(|p| gazetteer::is_given_name(p) || gazetteer::is_surname(p))
}

/// Reads a value as a person's name: `Mary`, `Smith`, `Mary Smith`,
/// `Smith, Mary`, `WILSON Austin`, `Dr. Mary J. Smith-Jones`, `mevr. Anna
/// van der Berg`. Titles, initials and degrees (words with a dot) and
/// particles (`van`, `de`) are skipped; place words (`Port`, `Lake`) and
/// street types never count as names.
pub fn person_name(value: &str) -> NameReading {
    let v = value.trim();
    if v.is_empty() || v.len() > 60 || v.bytes().any(|b| b.is_ascii_digit()) {
        return NameReading::No;
    }
    let words: Vec<&str> = v.split_whitespace().collect();
    if words.len() > 5 {
        return NameReading::No;
    }
    let mut names: Vec<String> = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        if *w == "&" {
            return NameReading::Organisation;
        }
        let bare = strip_punct(w);
        let lower = bare.to_lowercase();
        if gazetteer::is_organisation_word(&lower) || is_possessive(bare) {
            return NameReading::Organisation;
        }
        // Roles, departments, goods and places built from people's names.
        if gazetteer::is_role_word(&lower)
            || gazetteer::is_product_word(&lower)
            || (i > 0 && gazetteer::is_place_suffix(&lower))
        {
            return NameReading::No;
        }
        if gazetteer::is_name_particle(&lower) || bare.contains('.') || w.ends_with('.') {
            continue;
        }
        if !is_capitalised(bare) {
            return NameReading::No;
        }
        names.push(lower);
    }
    let commas = v.matches(',').count();
    if commas > 1 || (commas == 1 && names.len() > 3) {
        return NameReading::Organisation;
    }
    match names.as_slice() {
        [] => NameReading::No,
        // A single hyphenated word is a firm (`Hunt-Peterson`) more often
        // than a person.
        [one] if one.contains('-') => NameReading::Shaped,
        [one] if known_name(one) => NameReading::Known,
        [_] => NameReading::Shaped,
        several => match several.iter().filter(|w| known_name(w)).count() {
            0 => NameReading::Shaped,
            1 => NameReading::Partial,
            _ => NameReading::Known,
        },
    }
}

/// A house number: `261`, `12a`, `29-59`, `14/3`.
fn is_house_number(w: &str) -> bool {
    let digits = w.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=6).contains(&digits) {
        return false;
    }
    let rest = &w[digits..];
    rest.is_empty()
        || (rest.len() == 1 && rest.bytes().all(|b| b.is_ascii_alphabetic()))
        || ((rest.starts_with('-') || rest.starts_with('/'))
            && rest.len() <= 5
            && rest[1..].bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Whether a value reads as a street address: a street type and a house
/// number in its first part (`261 Allison Point Suite 688`, `12 rue de la
/// Paix`, `Hauptstraße 5`, `Calle de Maxi Vicente 556`, `Via Garzoni, 3,
/// 20831 Seregno`), or a post-office or military address (`PO Box 12`,
/// `PSC 9734, Box 9582`).
pub fn street_address(value: &str) -> bool {
    let v = value.trim();
    if v.len() < 5 || v.len() > 160 {
        return false;
    }
    let words: Vec<&str> = v.split_whitespace().collect();
    if words.len() < 2 || words.len() > 24 {
        return false;
    }
    let lower: Vec<String> = words
        .iter()
        .map(|w| strip_punct(w).to_lowercase())
        .collect();
    // Post-office boxes and US military addresses.
    let joined = lower.join(" ");
    if joined.starts_with("po box")
        || joined.starts_with("p.o box")
        || joined.starts_with("p.o. box")
        || joined.starts_with("p o box")
        || lower
            .windows(2)
            .any(|w| matches!(w[0].as_str(), "psc" | "unit" | "cmr") && is_house_number(&w[1]))
        || lower.windows(2).any(|w| {
            matches!(w[0].as_str(), "apo" | "fpo" | "dpo")
                && matches!(w[1].as_str(), "aa" | "ae" | "ap")
        })
    {
        return true;
    }
    // The street part: up to the second comma (`Via Garzoni, 3, 20831 ...`),
    // at most eight words.
    let mut end = words.len();
    let mut commas = 0;
    for (i, w) in words.iter().enumerate() {
        if w.ends_with(',') {
            commas += 1;
            if commas == 2 {
                end = i + 1;
                break;
            }
        }
    }
    let end = end.min(8);
    let numbers: Vec<usize> = (0..end).filter(|&i| is_house_number(&lower[i])).collect();
    (0..end).any(|i| {
        let w = &lower[i];
        if !(gazetteer::is_compound_street(w) || gazetteer::is_street_type(w)) {
            return false;
        }
        // A street type opens the address (`rue`, `Calle`), follows the
        // number (`12 rue`), or is written with a capital (`Allison Point`):
        // `take the third way` is text.
        let placed = i == 0
            || numbers.contains(&(i - 1))
            || words[i].chars().next().is_some_and(char::is_uppercase);
        placed && numbers.iter().any(|&n| n != i && n.abs_diff(i) <= 5)
    })
}

/// Whether a value is written like a street and house number without a
/// street type (`José Guadalupe Posada 1376`, `Sidusa 1099, 73079 Vilanova`):
/// one to five capitalised words and a house number. Only a column name that
/// says "address" makes this an address.
pub fn street_shaped(value: &str) -> bool {
    let first = value.split(',').next().unwrap_or("").trim();
    let words: Vec<&str> = first.split_whitespace().collect();
    if !(2..=6).contains(&words.len()) {
        return false;
    }
    let rest = if is_house_number(words[0]) {
        &words[1..]
    } else if is_house_number(words[words.len() - 1]) {
        &words[..words.len() - 1]
    } else {
        return false;
    };
    rest.iter().all(|w| {
        let w = strip_punct(w);
        w.chars().next().is_some_and(char::is_alphabetic) && !w.bytes().any(|b| b.is_ascii_digit())
    }) && rest
        .iter()
        .any(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// How a value reads as a postal code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostalReading {
    No,
    /// Only digits, four to six of them: a postal code in many countries, but
    /// also a store number or a quantity.
    Digits,
    /// A shape that is a postal code and little else: US ZIP+4, UK, Canadian,
    /// Dutch, Brazilian, Portuguese and Polish codes.
    Distinctive,
}

/// Reads a value as a postal code.
pub fn postal_code(value: &str) -> PostalReading {
    let v = value.trim();
    let b = v.as_bytes();
    let all_digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    if all_digits(b) && (4..=6).contains(&b.len()) {
        return PostalReading::Digits;
    }
    let distinctive = match b.len() {
        // ZIP+4 12345-6789, Brazil 12345-678, Portugal 1234-567, Poland 12-345.
        10 => b[5] == b'-' && all_digits(&b[..5]) && all_digits(&b[6..]),
        9 => b[5] == b'-' && all_digits(&b[..5]) && all_digits(&b[6..]),
        8 => b[4] == b'-' && all_digits(&b[..4]) && all_digits(&b[5..]),
        6 if b[2] == b'-' => all_digits(&b[..2]) && all_digits(&b[3..]),
        // Sweden, Czechia, Slovakia, Greece: 123 45.
        6 if b[3] == b' ' => all_digits(&b[..3]) && all_digits(&b[4..]),
        _ => false,
    } || canadian(b)
        || dutch(b)
        || uk_postcode(v);
    if distinctive {
        PostalReading::Distinctive
    } else {
        PostalReading::No
    }
}

/// `K1A 0B1`.
fn canadian(b: &[u8]) -> bool {
    let compact: Vec<u8> = b.iter().copied().filter(|c| *c != b' ').collect();
    compact.len() == 6
        && b.len() <= 7
        && compact.iter().enumerate().all(|(i, c)| {
            if i % 2 == 0 {
                c.is_ascii_uppercase()
            } else {
                c.is_ascii_digit()
            }
        })
}

/// `1012 AB` (the letters never SA, SD or SS).
fn dutch(b: &[u8]) -> bool {
    let compact: Vec<u8> = b.iter().copied().filter(|c| *c != b' ').collect();
    compact.len() == 6
        && b.len() <= 7
        && compact[0] != b'0'
        && compact[..4].iter().all(u8::is_ascii_digit)
        && compact[4..].iter().all(u8::is_ascii_uppercase)
}

/// UK postcodes: an outward code (A9, A99, A9A, AA9, AA99, AA9A) and an
/// inward code (9AA).
fn uk_postcode(v: &str) -> bool {
    let Some((outward, inward)) = v.split_once(' ') else {
        return false;
    };
    let o = outward.as_bytes();
    let i = inward.as_bytes();
    let up = |c: &u8| c.is_ascii_uppercase();
    let dig = |c: &u8| c.is_ascii_digit();
    let outward_ok = match o {
        [x, y] => up(x) && dig(y),
        [x, y, z] => up(x) && ((dig(y) && (dig(z) || up(z))) || (up(y) && dig(z))),
        [w, x, y, z] => up(w) && up(x) && dig(y) && (dig(z) || up(z)),
        _ => false,
    };
    outward_ok && i.len() == 3 && dig(&i[0]) && up(&i[1]) && up(&i[2])
}

/// A calendar date read from a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateReading {
    pub year: i32,
    /// The value carries a time of day other than midnight: an event, not a
    /// birth date.
    pub has_time: bool,
}

/// Month names by their first letters (accents folded), in English and the
/// languages the column-name words cover: `März`, `Okt`, `dic`, `juil`.
const MONTHS: &[(&str, u32)] = &[
    ("jan", 1),
    ("ene", 1),
    ("gen", 1),
    ("feb", 2),
    ("fev", 2),
    ("mar", 3),
    ("mrt", 3),
    ("apr", 4),
    ("abr", 4),
    ("avr", 4),
    ("may", 5),
    ("mai", 5),
    ("mei", 5),
    ("mag", 5),
    ("jun", 6),
    ("juin", 6),
    ("giu", 6),
    ("jul", 7),
    ("juil", 7),
    ("lug", 7),
    ("aug", 8),
    ("ago", 8),
    ("aou", 8),
    ("sep", 9),
    ("set", 9),
    ("oct", 10),
    ("okt", 10),
    ("ott", 10),
    ("nov", 11),
    ("dec", 12),
    ("dez", 12),
    ("dic", 12),
];

fn month_word(w: &str) -> Option<u32> {
    let lower = w.trim_end_matches(['.', ',']).to_lowercase();
    let lower = gazetteer::fold(&lower);
    if lower.len() < 3 || !lower.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    MONTHS
        .iter()
        .find(|(prefix, _)| lower.starts_with(prefix))
        .map(|(_, month)| *month)
}

fn valid_day(year: i32, month: u32, day: u32) -> bool {
    chrono::NaiveDate::from_ymd_opt(year, month, day).is_some()
}

/// Reads a date written as `1996-10-21`, `10/21/1996`, `21/10/1996`,
/// `21.10.1996`, `19961021`, `20 Oct 1948`, `10. März 1966`, `Oct 20, 1948` or
/// `1996-10-21T00:00:00`.
pub fn date(value: &str) -> Option<DateReading> {
    let v = value.trim();
    if v.len() < 8 || v.len() > 32 {
        return None;
    }
    // Split a time part off ISO timestamps and `date time` forms.
    let (day_part, time_part) = match v.find(['T', ' ']) {
        Some(i)
            if v[..i].bytes().filter(u8::is_ascii_digit).count() >= 6
                && v[i + 1..].contains(':') =>
        {
            (&v[..i], Some(&v[i + 1..]))
        }
        _ => (v, None),
    };
    let has_time = time_part.is_some_and(|t| {
        t.trim_end_matches('Z')
            .split(['+', '.'])
            .next()
            .is_some_and(|hms| {
                hms.split(':')
                    .any(|p| p.trim().parse::<u32>().unwrap_or(1) != 0)
            })
    });
    let numeric: Vec<&str> = day_part.split(['-', '/', '.']).collect();
    if numeric.len() == 3
        && numeric
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        let n: Vec<u32> = numeric.iter().filter_map(|p| p.parse().ok()).collect();
        let (y, m, d) = if numeric[0].len() == 4 {
            (n[0] as i32, n[1], n[2])
        } else if numeric[2].len() == 4 {
            // Month first or day first: either reading will do for the year.
            if valid_day(n[2] as i32, n[0], n[1]) {
                (n[2] as i32, n[0], n[1])
            } else {
                (n[2] as i32, n[1], n[0])
            }
        } else {
            return None;
        };
        return valid_day(y, m, d).then_some(DateReading { year: y, has_time });
    }
    // Run together as `19660310`.
    if day_part.len() == 8 && day_part.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = day_part[..4].parse().ok()?;
        let m: u32 = day_part[4..6].parse().ok()?;
        let d: u32 = day_part[6..].parse().ok()?;
        return ((1900..=2100).contains(&y) && valid_day(y, m, d))
            .then_some(DateReading { year: y, has_time });
    }
    // Month written as a word.
    let words: Vec<&str> = day_part
        .split([' ', ','])
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() == 3 {
        let year: i32 = words[2].parse().ok().filter(|_| words[2].len() == 4)?;
        let (day, month) = match (
            words[0].trim_end_matches('.').parse::<u32>(),
            month_word(words[1]),
            month_word(words[0]),
        ) {
            (Ok(day), Some(month), _) => (day, month),
            (Err(_), _, Some(month)) => (words[1].trim_end_matches('.').parse().ok()?, month),
            _ => return None,
        };
        return valid_day(year, month, day).then_some(DateReading { year, has_time });
    }
    None
}

/// How a value reads as a US passport number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassportReading {
    No,
    /// Nine digits: the older book format, and also any nine-digit id.
    Digits,
    /// A letter and eight digits: the next-generation book format.
    LetterDigits,
}

/// Reads a value as a US passport number.
pub fn us_passport(value: &str) -> PassportReading {
    let b = value.trim().as_bytes();
    if b.len() != 9 {
        return PassportReading::No;
    }
    if b.iter().all(u8::is_ascii_digit) {
        PassportReading::Digits
    } else if b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit) {
        PassportReading::LetterDigits
    } else {
        PassportReading::No
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_people() {
        for known in [
            "Mary",
            "Johnson",
            "Mary Smith",
            "Smith, Mary",
            "Dr. Mary J. Smith-Jones",
            "Giovanni Rossi",
            "Maria de la Cruz",
            "WILSON Austin",
            "mevr. Anna van der Berg",
            "Sofía Núñez",
        ] {
            assert_eq!(person_name(known), NameReading::Known, "{known}");
        }
        assert_eq!(
            person_name("Port Nicole"),
            NameReading::Partial,
            "a place word is no name"
        );
    }

    #[test]
    fn organisations_products_and_text_are_not_people() {
        for org in [
            "Hoffman Inc",
            "Alexander, Young and Griffin",
            "Wilson LLC",
            "Smith & Sons",
        ] {
            assert_eq!(person_name(org), NameReading::Organisation, "{org}");
        }
        assert_eq!(person_name("Hunt-Peterson"), NameReading::Shaped);
        // Brands named after people: a possessive is a business, goods and
        // product lines are not people.
        for brand in ["Johnson's Baby Oil", "McDonald’s", "Kellogg's Corn Flakes"] {
            assert_eq!(person_name(brand), NameReading::Organisation, "{brand}");
        }
        for product in [
            "Tommy Hilfiger Jeans",
            "Ralph Lauren Polo Shirt",
            "Dodge Charger",
            "Crema Nivea",
            "Calvin Klein Signature Edition",
        ] {
            assert_eq!(person_name(product), NameReading::No, "{product}");
        }
        // A word of goods that is also a name is a name (`Max`, `Candy`).
        assert_ne!(person_name("Max Miller"), NameReading::No);
        assert_ne!(person_name("O'Brien"), NameReading::Organisation);
        for not_name in [
            "Synergistic scalable access",
            "3658 Horn Isle",
            "pending",
            "Hard range rock final police process.",
            "JPY",
        ] {
            assert!(
                matches!(person_name(not_name), NameReading::No | NameReading::Shaped),
                "{not_name}"
            );
        }
    }

    #[test]
    fn street_addresses_across_countries() {
        for address in [
            "261 Allison Point Suite 688",
            "37429 Strickland Cliffs, Ellismouth, MT 35964",
            "PSC 9734, Box 9582, APO AP 26504",
            "USS Hutchinson, FPO AP 77524",
            "PO Box 1234",
            "Hauptstraße 5",
            "12 rue de la Paix",
            "Calle Mayor 12",
            "1600 Pennsylvania Ave NW",
            "Calle de Maxi Vicente 556",
            "Via Garzoni, 3, 20831, Seregno (MB)",
            "Ebertplatz 29-59",
            "Alexweg 8, 2368 ZY, De Rips",
            "Rua Augusta, 1200",
            "Myllymäenkatu 1275",
            "Ängsdunsvägen 219, 587 81 Skänninge",
            "Speenkruidstraat 824",
        ] {
            assert!(street_address(address), "{address}");
        }
        for not_address in [
            "Programmable secondary info-mediaries",
            "Call me at 5 on the way home",
            "Order 12345 shipped",
            "Mary Smith",
            "P833128",
        ] {
            assert!(!street_address(not_address), "{not_address}");
        }
    }

    #[test]
    fn postal_codes() {
        assert_eq!(postal_code("05108-0619"), PostalReading::Distinctive);
        assert_eq!(postal_code("SW1A 1AA"), PostalReading::Distinctive);
        assert_eq!(postal_code("K1A 0B1"), PostalReading::Distinctive);
        assert_eq!(postal_code("1012 AB"), PostalReading::Distinctive);
        assert_eq!(postal_code("19056"), PostalReading::Digits);
        assert_eq!(postal_code("587 81"), PostalReading::Distinctive);
        assert_eq!(postal_code("420-24-8497"), PostalReading::No);
        assert_eq!(postal_code("P833128"), PostalReading::No);
        assert_eq!(postal_code("1667.93"), PostalReading::No);
    }

    #[test]
    fn dates_in_the_usual_formats() {
        for (v, year) in [
            ("1996-10-21", 1996),
            ("01/19/1990", 1990),
            ("19/01/1990", 1990),
            ("19.01.1990", 1990),
            ("20 Oct 1948", 1948),
            ("Oct 20, 1948", 1948),
            ("1990-01-19T00:00:00", 1990),
        ] {
            assert_eq!(
                date(v),
                Some(DateReading {
                    year,
                    has_time: false
                }),
                "{v}"
            );
        }
        assert!(date("2020-04-17T02:08:54Z").unwrap().has_time);
        assert_eq!(date("2023-02-30"), None);
        assert_eq!(date("10.22.242.57"), None);
        assert_eq!(date("1667.93"), None);
    }

    #[test]
    fn passports() {
        assert_eq!(us_passport("V46143407"), PassportReading::LetterDigits);
        assert_eq!(us_passport("770743675"), PassportReading::Digits);
        assert_eq!(us_passport("AB1234567"), PassportReading::No);
    }
}
