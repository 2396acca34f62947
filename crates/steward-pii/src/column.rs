//! The column decision: what a column holds, from the share of its sampled
//! values each detector accepts, its name, its type and its neighbours, with
//! the reasons in words.
//!
//! Values decide first: a checksum that 28 of 30 values pass outweighs any
//! name, and a name never labels a column whose values contradict it (a
//! `card_ref_no` of Luhn-failing numbers is not a card). Names settle what
//! values alone cannot (nine bare digits are an SSN, a passport or an id), and
//! names that say "identifier" or "measure" veto the weaker shapes.

use crate::label::Label;
use crate::phone::{self, PhoneMatch, phone};
use crate::text::{NameReading, PassportReading, PostalReading};
use crate::{name, secret, text, validate};

/// Rules version, stored with every classification so a steward can tell
/// which rules decided.
pub const DETECTOR_VERSION: &str = concat!("steward-pii/", env!("CARGO_PKG_VERSION"), "+rules.1");

/// One column as the classifier sees it.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSample<'a> {
    pub name: &'a str,
    /// The Arrow type as text (`Utf8`, `Int64`, `Date32`), when known.
    pub data_type: Option<&'a str>,
    /// The first non-null values, as text. They stay in memory.
    pub values: &'a [String],
}

/// The `[pii]` section of `steward.toml`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PiiConfig {
    /// Columns whose best label is at least this likely are labelled.
    pub accept: f64,
    /// Columns whose best label is at least this likely, but below `accept`,
    /// are ambiguous: a second opinion (the local model) is asked when one is on.
    pub ask_from: f64,
    /// Functions that remove sensitivity on the way through lineage (a hash,
    /// a mask, a count): columns computed through them inherit no label.
    pub propagation_stops: Vec<String>,
}

impl Default for PiiConfig {
    fn default() -> Self {
        let d = ClassifierOptions::default();
        Self {
            accept: d.accept,
            ask_from: d.ask_from,
            propagation_stops: [
                "md5",
                "sha1",
                "sha2",
                "sha224",
                "sha256",
                "sha384",
                "sha512",
                "hash",
                "hashbytes",
                "farm_fingerprint",
                "xxhash64",
                "murmur3",
                "crc32",
                "hmac",
                "mask",
                "mask_hash",
                "redact",
                "encrypt",
                "aes_encrypt",
                "count",
                "approx_distinct",
                "approx_count_distinct",
                "hll",
                "hll_count",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

impl PiiConfig {
    /// Checks the thresholds, naming the key at fault.
    pub fn validate(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.accept) {
            return Err(format!(
                "key `pii.accept`: {} is not between 0 and 1",
                self.accept
            ));
        }
        if !(0.0..=self.accept).contains(&self.ask_from) {
            return Err(format!(
                "key `pii.ask_from`: {} must be between 0 and `pii.accept` ({})",
                self.ask_from, self.accept
            ));
        }
        Ok(())
    }

    /// The classifier's options, counting ages from this year.
    pub fn options(&self) -> ClassifierOptions {
        ClassifierOptions {
            accept: self.accept,
            ask_from: self.ask_from,
            ..ClassifierOptions::default()
        }
    }
}

/// Thresholds of the decision.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassifierOptions {
    /// Candidates at or above this confidence are labelled.
    pub accept: f64,
    /// Candidates from this confidence up to `accept` are ambiguous: a
    /// second opinion is asked when one is configured.
    pub ask_from: f64,
    /// The year ages are counted from (birth dates are 14 to 110 years back).
    pub reference_year: i32,
}

impl Default for ClassifierOptions {
    fn default() -> Self {
        Self {
            accept: 0.6,
            ask_from: 0.35,
            reference_year: chrono::Datelike::year(&chrono::Utc::now()),
        }
    }
}

/// A label the rules considered, with how sure they are and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub label: Label,
    pub confidence: f64,
    /// Share of the sampled values that carry the label (0 when only the name spoke).
    pub share: f64,
    pub evidence: Vec<String>,
}

impl Candidate {
    /// Values passed a checksum (Luhn, IBAN mod-97, ABA): evidence a
    /// model's reading of the column must not silently overturn.
    pub fn checksum_backed(&self) -> bool {
        self.share > 0.0
            && matches!(
                self.label,
                Label::CreditCard | Label::IbanCode | Label::AbaRoutingNumber
            )
    }
}

/// What the classifier decided for one column.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDecision {
    pub name: String,
    /// The label, when the column is sensitive.
    pub label: Option<Label>,
    pub confidence: f64,
    pub share: f64,
    /// The reasons in words, for the label or for leaving the column unlabelled.
    pub evidence: Vec<String>,
    /// The best candidate below the acceptance threshold, for review.
    pub ambiguous: Option<Candidate>,
    pub values_seen: usize,
    /// The label is the second opinion's (the local model's), not the rules'.
    pub by_second_opinion: bool,
}

/// How many sampled values each detector accepted.
#[derive(Debug, Default, Clone)]
struct Tally {
    n: usize,
    email: usize,
    email_in_text: usize,
    phone_in_text: usize,
    text: usize,
    card: usize,
    ssn_dashed: usize,
    ssn_bare: usize,
    nine_digits: usize,
    aba: usize,
    iban: usize,
    ipv4: usize,
    ipv6: usize,
    first_octets: Vec<u8>,
    mac: usize,
    nino: usize,
    phone_valid: usize,
    phone_plausible: usize,
    phone_bare: usize,
    /// Countries named by the numbers written with a country code.
    phone_regions: Vec<phonenumber::country::Id>,
    /// Numbers no rule read, to try again in the column's country.
    phone_unread: Vec<usize>,
    /// Numbers with a country code checked against libphonenumber so far.
    phone_library_checks: usize,
    /// Numbers read by their shape and country code alone.
    phone_by_shape: usize,
    name_known: usize,
    name_partial: usize,
    name_shaped: usize,
    /// Names written `Surname, Given`.
    name_inverted: usize,
    /// The first and last words of the values of two words or more written
    /// as names, and whether the last is a known name.
    name_ends: Vec<(String, String, bool)>,
    organisation: usize,
    street: usize,
    /// Words and a house number, without a street type.
    street_shaped: usize,
    postal_distinctive: usize,
    postal_digits: usize,
    /// Seven or eight bare digits: a postal code only where the name says so
    /// (Brazil's CEP without its dash).
    postal_long: usize,
    dates: usize,
    dates_with_time: usize,
    years: Vec<i32>,
    passport_letter: usize,
    passport_digits: usize,
    secret: usize,
    secret_kind: Option<&'static str>,
    high_entropy: usize,
    hashed: usize,
    distinct: usize,
}

/// Numbers a column has checked against libphonenumber before the rest are
/// read by shape.
const LIBRARY_CHECKS: usize = 2;

/// Digits and the punctuation of phone numbers only, 7 to 13 digits.
fn looks_dialable(v: &str) -> bool {
    let digits = v.bytes().filter(u8::is_ascii_digit).count();
    (7..=13).contains(&digits)
        && v.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'-' | b'.' | b'(' | b')'))
}

/// Whether a text embeds an e-mail address among its words.
fn embeds_email(v: &str) -> bool {
    v.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>' | '(' | ')' | '"'))
        .any(|w| w.contains('@') && validate::email(w.trim_end_matches(['.', ':', '!', '?'])))
}

/// A password hash or digest: modular-crypt (`$2b$`, `$argon2id$`) or hex.
fn looks_hashed(v: &str) -> bool {
    v.starts_with('$') && v[1..].contains('$')
        || (matches!(v.len(), 32 | 40 | 64 | 128) && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Long tokens mixing letters and digits, as keys and tokens are.
fn high_entropy(v: &str) -> bool {
    v.len() >= 20
        && !v.contains(' ')
        && v.bytes().any(|b| b.is_ascii_digit())
        && v.bytes().any(|b| b.is_ascii_uppercase())
        && v.bytes().any(|b| b.is_ascii_lowercase())
}

impl Tally {
    fn count(values: &[String]) -> Tally {
        let mut t = Tally {
            n: values.len(),
            ..Tally::default()
        };
        let mut seen = std::collections::HashSet::with_capacity(values.len());
        for (i, value) in values.iter().enumerate() {
            let v = value.trim();
            seen.insert(v);
            let read = t.phone_valid + t.phone_plausible;
            t.add(v);
            if t.phone_valid + t.phone_plausible == read && looks_dialable(v) {
                t.phone_unread.push(i);
            }
        }
        t.distinct = seen.len();
        t.reread_phones(values);
        t
    }

    /// Whether the values written as names read as a catalogue of brands and
    /// their lines (`Ford Focus`, `Ford Ranger`, `Calvin Klein Obsession`):
    /// a few first words head many values whose last words are not names.
    /// People's given names repeat too, but before surnames.
    fn catalogue(&self) -> bool {
        let ends = &self.name_ends;
        if ends.len() < 8 {
            return false;
        }
        let mut firsts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (first, _, _) in ends {
            *firsts.entry(first.as_str()).or_default() += 1;
        }
        let lasts: std::collections::HashSet<&str> =
            ends.iter().map(|(_, last, _)| last.as_str()).collect();
        let top = firsts.values().copied().max().unwrap_or(0);
        let known_lasts = ends.iter().filter(|(_, _, known)| *known).count();
        firsts.len() * 3 <= lasts.len() * 2
            && top >= 3
            && top * 5 >= ends.len()
            && known_lasts * 10 < ends.len() * 3
    }

    /// Reads the numbers without a country code again in the country most
    /// of the column's international numbers name. The first few are parsed;
    /// when most of those read as numbers of that country, the rest (already
    /// phone-shaped) are counted as plausible too.
    fn reread_phones(&mut self, values: &[String]) {
        if self.phone_regions.is_empty() || self.phone_unread.is_empty() {
            return;
        }
        let mut counts: Vec<(phonenumber::country::Id, usize)> = Vec::new();
        for r in &self.phone_regions {
            match counts.iter_mut().find(|(id, _)| id == r) {
                Some((_, n)) => *n += 1,
                None => counts.push((*r, 1)),
            }
        }
        let Some((region, _)) = counts.into_iter().max_by_key(|(_, n)| *n) else {
            return;
        };
        let (checked, rest) = self
            .phone_unread
            .split_at(self.phone_unread.len().min(LIBRARY_CHECKS));
        let mut read = 0;
        for &i in checked {
            match phone::national(&values[i], region) {
                PhoneMatch::Valid => self.phone_valid += 1,
                PhoneMatch::Plausible => self.phone_plausible += 1,
                PhoneMatch::No => continue,
            }
            read += 1;
        }
        if read * 4 >= checked.len() * 3 {
            self.phone_plausible += rest.len();
            self.phone_by_shape += rest.len();
        }
    }

    fn add(&mut self, v: &str) {
        let (mut digits, mut alpha, mut spaces) = (0usize, 0usize, 0usize);
        let (mut at, mut colons, mut dots) = (false, 0usize, 0usize);
        for b in v.bytes() {
            match b {
                b'0'..=b'9' => digits += 1,
                b' ' => spaces += 1,
                b'@' => at = true,
                b':' => colons += 1,
                b'.' => dots += 1,
                b if b.is_ascii_alphabetic() || b >= 0x80 => alpha += 1,
                _ => {}
            }
        }
        if spaces >= 3 && alpha > digits {
            self.text += 1;
        }
        // Words around a number: a note that may embed a phone number.
        if spaces >= 2 && alpha >= 6 && digits >= 8 && phone::embedded(v) {
            self.phone_in_text += 1;
        }
        if at {
            if validate::email(v) {
                self.email += 1;
            } else if spaces > 0 && embeds_email(v) {
                self.email_in_text += 1;
            }
        }
        if let Some(kind) = secret::secret_kind(v) {
            self.secret += 1;
            self.secret_kind.get_or_insert(kind);
        }
        if looks_hashed(v) {
            self.hashed += 1;
        } else if high_entropy(v) {
            self.high_entropy += 1;
        }
        if alpha == 0 && digits > 0 {
            self.add_numeric(v, digits, dots);
        } else if digits == 0 && alpha > 0 {
            let reading = text::person_name(v);
            if reading != NameReading::No
                && reading != NameReading::Organisation
                && v.matches(',').count() == 1
            {
                self.name_inverted += 1;
            }
            if matches!(
                reading,
                NameReading::Known | NameReading::Partial | NameReading::Shaped
            ) {
                let mut words = v
                    .split_whitespace()
                    .map(|w| w.trim_matches([',', '.', ';']).to_lowercase());
                if let (Some(first), Some(last)) = (words.next(), words.next_back()) {
                    let known = text::known_name(&last);
                    self.name_ends.push((first, last, known));
                }
            }
            match reading {
                NameReading::Known => self.name_known += 1,
                NameReading::Partial => self.name_partial += 1,
                NameReading::Shaped => self.name_shaped += 1,
                NameReading::Organisation => self.organisation += 1,
                NameReading::No => {}
            }
        } else if digits > 0 {
            self.add_alphanumeric(v, digits, spaces, colons);
        }
    }

    /// Values of digits and punctuation only.
    fn add_numeric(&mut self, v: &str, digits: usize, dots: usize) {
        if (12..=19).contains(&digits) && validate::credit_card(v) {
            self.card += 1;
        }
        if digits == 9 {
            let grouping = validate::ssn_groups(v);
            if grouping == Some(validate::Grouping::Grouped) {
                if validate::us_ssn(v) {
                    self.ssn_dashed += 1;
                }
            } else if grouping == Some(validate::Grouping::Bare) {
                self.nine_digits += 1;
                if validate::us_ssn(v) {
                    self.ssn_bare += 1;
                }
                if validate::aba_routing(v) {
                    self.aba += 1;
                }
                if text::us_passport(v) == PassportReading::Digits {
                    self.passport_digits += 1;
                }
            }
        }
        if dots == 3 && v.parse::<std::net::Ipv4Addr>().is_ok() {
            self.ipv4 += 1;
            if let Some(first) = v.split('.').next().and_then(|o| o.parse().ok()) {
                self.first_octets.push(first);
            }
            return;
        }
        if (7..=15).contains(&digits) {
            // libphonenumber costs microseconds a number: the first few
            // numbers with a country code are validated, the rest are read by
            // shape and country code.
            let international = v.starts_with('+') || v.starts_with("00");
            let reading = if international && self.phone_library_checks >= LIBRARY_CHECKS {
                let reading = phone::phone_shape(v);
                if reading.matched != PhoneMatch::No {
                    self.phone_by_shape += 1;
                }
                reading
            } else {
                if international {
                    self.phone_library_checks += 1;
                }
                phone(v)
            };
            match reading.matched {
                PhoneMatch::Valid => self.phone_valid += 1,
                PhoneMatch::Plausible => self.phone_plausible += 1,
                PhoneMatch::No => {}
            }
            if reading.matched != PhoneMatch::No && reading.bare {
                self.phone_bare += 1;
            }
            if let Some(region) = reading.region {
                self.phone_regions.push(region);
            }
        }
        match text::postal_code(v) {
            PostalReading::Distinctive => self.postal_distinctive += 1,
            PostalReading::Digits => self.postal_digits += 1,
            PostalReading::No if (7..=8).contains(&digits) && v.len() == digits => {
                self.postal_long += 1;
            }
            PostalReading::No => {}
        }
        // `6/6/1975` has six digits, `1989-04-05` eight, a timestamp fourteen.
        if (6..=8).contains(&digits) || digits == 14 {
            self.add_date(v);
        }
    }

    /// Values mixing letters and digits.
    fn add_alphanumeric(&mut self, v: &str, digits: usize, spaces: usize, colons: usize) {
        let len = v.len();
        // A phone number with an extension (`(617) 982-9299 x8420`).
        if (8..=21).contains(&digits) && (v.contains('x') || v.contains("ext")) {
            let reading = phone(v);
            match reading.matched {
                PhoneMatch::Valid => self.phone_valid += 1,
                PhoneMatch::Plausible => self.phone_plausible += 1,
                PhoneMatch::No => {}
            }
            if reading.matched != PhoneMatch::No {
                return;
            }
        }
        if (15..=42).contains(&len)
            && v.as_bytes()[..2].iter().all(u8::is_ascii_uppercase)
            && validate::iban(v)
        {
            self.iban += 1;
            return;
        }
        if colons >= 2 && v.contains(':') && validate::ip_address(v) && !v.contains('.') {
            self.ipv6 += 1;
            return;
        }
        if (12..=17).contains(&len) && validate::mac_address(v) {
            self.mac += 1;
            return;
        }
        if (9..=13).contains(&len) && digits == 6 && validate::uk_nino(v) {
            self.nino += 1;
            return;
        }
        if len == 9 && text::us_passport(v) == PassportReading::LetterDigits {
            self.passport_letter += 1;
            return;
        }
        if len <= 8 && text::postal_code(v) == PostalReading::Distinctive {
            self.postal_distinctive += 1;
            return;
        }
        // A date before a street: `Mar 10, 1966` is shaped like `10 Main St`.
        if (8..=32).contains(&len) && self.add_date(v) {
            return;
        }
        if spaces > 0 && text::street_address(v) {
            self.street += 1;
            return;
        }
        if spaces > 0 && text::street_shaped(v) {
            self.street_shaped += 1;
        }
    }

    /// Counts a date; whether the value was one.
    fn add_date(&mut self, v: &str) -> bool {
        let Some(d) = text::date(v) else {
            return false;
        };
        if d.has_time {
            self.dates_with_time += 1;
        } else {
            self.dates += 1;
            self.years.push(d.year);
        }
        true
    }
}

fn share(part: usize, n: usize) -> f64 {
    if n == 0 { 0.0 } else { part as f64 / n as f64 }
}

/// `27 of 30 values`.
fn of(part: usize, n: usize) -> String {
    format!("{part} of {n} values")
}

/// Confidence from the share of values that agree, with a bonus when the
/// name agrees too.
fn confidence(base: f64, share: f64, named: bool) -> f64 {
    let c = base + (1.0 - base) * share * 0.8 + if named { 0.1 } else { 0.0 };
    (c.min(0.99) * 100.0).round() / 100.0
}

struct Rules<'a> {
    t: &'a Tally,
    hints: Vec<(Label, String)>,
    not_personal: Option<String>,
    reference_year: i32,
    out: Vec<Candidate>,
}

impl Rules<'_> {
    fn named(&self, label: Label) -> Option<&str> {
        self.hints
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, w)| w.as_str())
    }

    fn push(&mut self, label: Label, confidence: f64, share: f64, mut evidence: Vec<String>) {
        if let Some(word) = self.named(label) {
            evidence.push(format!("name token `{word}`"));
        }
        self.out.push(Candidate {
            label,
            confidence,
            share,
            evidence,
        });
    }

    /// A validator that look-alikes rarely pass: the share decides, the name
    /// lowers the bar.
    fn strong(&mut self, label: Label, count: usize, what: &str) {
        let n = self.t.n;
        let s = share(count, n);
        let named = self.named(label).is_some();
        if s >= 0.7 || (named && s >= 0.4) {
            let c = confidence(0.6, s, named);
            self.push(label, c, s, vec![format!("{} {what}", of(count, n))]);
        }
    }

    fn run(&mut self) {
        let t = self.t;
        let n = t.n;
        self.strong(Label::EmailAddress, t.email, "are e-mail addresses");
        self.strong(Label::CreditCard, t.card, "pass Luhn and an issuer range");
        self.strong(
            Label::IbanCode,
            t.iban,
            "pass the IBAN mod-97 check and country length",
        );
        self.strong(Label::MacAddress, t.mac, "are MAC addresses");
        self.strong(Label::UkNino, t.nino, "are National Insurance numbers");
        self.email_in_text();
        self.phone_in_text();
        self.national_ids();
        self.ip_address();
        self.nine_digit_numbers();
        self.phone();
        self.person();
        self.street_address();
        self.postal_code();
        self.date_of_birth();
        self.secret();
        if n == 0 {
            // Nothing sampled: the name is all there is.
            let hints = self.hints.clone();
            for (label, word) in hints {
                self.out.push(Candidate {
                    label,
                    confidence: 0.4,
                    share: 0.0,
                    evidence: vec![format!("name token `{word}`; no values to check")],
                });
            }
        }
    }

    fn email_in_text(&mut self) {
        let t = self.t;
        let found = t.email_in_text + t.email;
        if t.email_in_text >= 2 && share(found, t.n) >= 0.05 && share(t.email, t.n) < 0.7 {
            let s = share(found, t.n);
            self.push(
                Label::EmailAddress,
                confidence(0.65, s, false),
                s,
                vec![format!(
                    "free text: an e-mail address appears in {}",
                    of(found, t.n)
                )],
            );
        }
    }

    fn street_address(&mut self) {
        let t = self.t;
        let n = t.n;
        let s = share(t.street, n);
        let named = self.named(Label::StreetAddress).is_some();
        if s >= 0.7 || (named && s >= 0.4) {
            let evidence = vec![format!("{} read as street addresses", of(t.street, n))];
            self.push(Label::StreetAddress, confidence(0.6, s, named), s, evidence);
        } else if named && share(t.street + t.street_shaped, n) >= 0.7 {
            // Streets written without a type (`José Guadalupe Posada 1376`)
            // are addresses where the name says so.
            let all = share(t.street + t.street_shaped, n);
            let evidence = vec![format!(
                "{} are written as a street and a house number ({} with a street type)",
                of(t.street + t.street_shaped, n),
                t.street
            )];
            self.push(
                Label::StreetAddress,
                confidence(0.55, all, true),
                all,
                evidence,
            );
        }
    }

    fn phone_in_text(&mut self) {
        let t = self.t;
        if t.phone_in_text >= 2 && share(t.phone_in_text, t.n) >= 0.05 {
            let s = share(t.phone_in_text, t.n);
            self.push(
                Label::PhoneNumber,
                confidence(0.62, s, false),
                s,
                vec![format!(
                    "free text: a phone number appears in {}",
                    of(t.phone_in_text, t.n)
                )],
            );
        }
    }

    /// A column of national identifiers from several countries (US SSNs
    /// beside UK National Insurance numbers): labelled with the most common.
    fn national_ids(&mut self) {
        let t = self.t;
        let n = t.n;
        let kinds = [(Label::UsSsn, t.ssn_dashed), (Label::UkNino, t.nino)];
        let all = share(t.ssn_dashed + t.nino, n);
        if all < 0.8 || kinds.iter().any(|(_, c)| share(*c, n) < 0.15) {
            return;
        }
        let (label, _) = kinds
            .iter()
            .copied()
            .max_by_key(|(_, c)| *c)
            .unwrap_or((Label::UsSsn, 0));
        self.push(
            label,
            confidence(0.6, all, false),
            all,
            vec![format!(
                "{} are national identifiers of several countries: {} US SSNs, {} UK National Insurance numbers",
                of(t.ssn_dashed + t.nino, n),
                t.ssn_dashed,
                t.nino
            )],
        );
    }

    fn ip_address(&mut self) {
        let t = self.t;
        let count = t.ipv4 + t.ipv6;
        let s = share(count, t.n);
        if s < 0.7 {
            return;
        }
        let mut evidence = vec![format!("{} are IP addresses", of(count, t.n))];
        // Dotted version numbers (`7.12.34.217`) parse as IPv4 too: their
        // first parts are small and vary, where addresses spread over the
        // whole range or sit in one private block.
        let octets = &t.first_octets;
        let versions = octets.len() >= 3
            && octets.iter().all(|&o| o < 32)
            && octets.iter().any(|&o| o != octets[0]);
        if versions && t.ipv6 == 0 {
            return;
        }
        if let Some(word) = &self.not_personal
            && t.ipv6 == 0
        {
            evidence.push(format!("but the name says `{word}`"));
            self.push(Label::IpAddress, 0.45, s, evidence);
            return;
        }
        let named = self.named(Label::IpAddress).is_some();
        self.push(Label::IpAddress, confidence(0.6, s, named), s, evidence);
    }

    /// Nine digits: routing numbers have a checksum, SSNs are usually written
    /// `AAA-GG-SSSS`, passports have a letter in the newer format; bare
    /// digits otherwise need the name.
    fn nine_digit_numbers(&mut self) {
        let t = self.t;
        let n = t.n;
        // ABA: random nine-digit numbers pass the checksum one time in ten.
        let aba = share(t.aba, n);
        let aba_named = self.named(Label::AbaRoutingNumber).is_some();
        if aba >= 0.85 || (aba_named && aba >= 0.6) {
            self.push(
                Label::AbaRoutingNumber,
                confidence(0.65, aba, aba_named),
                aba,
                vec![format!(
                    "{} pass the ABA checksum and Federal Reserve prefix",
                    of(t.aba, n)
                )],
            );
        }
        // SSN.
        let ssn = t.ssn_dashed + t.ssn_bare;
        let s = share(ssn, n);
        let ssn_named = self.named(Label::UsSsn).is_some();
        if share(t.ssn_dashed, n) >= 0.5 && s >= 0.85 {
            self.push(
                Label::UsSsn,
                confidence(0.65, s, ssn_named),
                s,
                vec![format!(
                    "{} are valid SSNs (area, group and serial rules), {} written AAA-GG-SSSS",
                    of(ssn, n),
                    t.ssn_dashed
                )],
            );
        } else if ssn_named && s >= 0.6 {
            self.push(
                Label::UsSsn,
                confidence(0.6, s, true),
                s,
                vec![format!(
                    "{} are valid SSNs (area, group and serial rules)",
                    of(ssn, n)
                )],
            );
        } else if t.ssn_bare > 0 && s >= 0.9 && aba < 0.85 && self.not_personal.is_none() {
            self.push(
                Label::UsSsn,
                0.4,
                s,
                vec![format!(
                    "{} are nine bare digits that pass the SSN rules, as many ids do",
                    of(ssn, n)
                )],
            );
        }
        // Passport.
        let letter = share(t.passport_letter, n);
        let either = share(t.passport_letter + t.passport_digits, n);
        let named = self.named(Label::UsPassport).is_some();
        let evidence = vec![format!(
            "{} are passport numbers ({} a letter and eight digits, {} nine digits)",
            of(t.passport_letter + t.passport_digits, n),
            t.passport_letter,
            t.passport_digits
        )];
        if (letter >= 0.15 && either >= 0.85) || (named && either >= 0.6) {
            self.push(
                Label::UsPassport,
                confidence(0.6, either, named),
                either,
                evidence,
            );
        }
    }

    fn phone(&mut self) {
        let t = self.t;
        let n = t.n;
        let shaped = t.phone_valid + t.phone_plausible;
        let s = share(shaped, n);
        let named = self.named(Label::PhoneNumber).is_some();
        if s < 0.5 || (s < 0.8 && !named) {
            return;
        }
        let valid = share(t.phone_valid, n);
        let mut evidence = vec![if t.phone_by_shape > 0 {
            format!(
                "{} are phone numbers ({} pass the numbering rules of their region, {} read by shape and country code)",
                of(shaped, n),
                t.phone_valid,
                t.phone_by_shape
            )
        } else {
            format!(
                "{} are phone numbers ({} pass the numbering rules of their region)",
                of(shaped, n),
                t.phone_valid
            )
        }];
        let bare = share(t.phone_bare, n) >= 0.8;
        let c = if named {
            confidence(0.65, s, true)
        } else if let Some(word) = &self.not_personal {
            evidence.push(format!("but the name says `{word}`"));
            0.4
        } else if bare {
            // Ten bare digits are as often an id: only a column that passes
            // the rules throughout is taken for phones.
            evidence.push("written as bare digits, as identifiers are".into());
            if valid >= 0.95 { 0.45 } else { 0.35 }
        } else if valid >= 0.5 {
            confidence(0.6, s, false)
        } else if s >= 0.9 {
            // Written the way people write numbers, but in national forms
            // the numbering plans could not confirm.
            0.62
        } else {
            0.5
        };
        self.push(Label::PhoneNumber, c, s, evidence);
    }

    fn person(&mut self) {
        let t = self.t;
        let n = t.n;
        let named = self.named(Label::Person).is_some();
        let known = share(t.name_known, n);
        let partial = share(t.name_partial, n);
        let name_like = share(t.name_known + t.name_partial + t.name_shaped, n);
        if share(t.organisation, n) >= 0.15 || name_like < 0.6 {
            return;
        }
        // Brands and their lines, unless the column's name says people.
        if !named && t.catalogue() {
            return;
        }
        // A handful of repeated words is a category, not people.
        if n >= 10 && t.distinct <= 3 {
            return;
        }
        let evidence = vec![format!(
            "{} are written as names: {} made of known given names and surnames, {} with one known name",
            of(t.name_known + t.name_partial + t.name_shaped, n),
            t.name_known,
            t.name_partial
        )];
        // Known names decide; one known word in most values (a familiar
        // given name beside a surname from elsewhere) does too when enough
        // values are wholly known.
        // Values written `Surname, Given` are people in any language.
        let inverted = share(t.name_inverted, n) >= 0.7 && known + partial >= 0.3;
        let by_values = name_like >= 0.8
            && (known >= 0.5
                || (known + partial >= 0.6 && known >= 0.15)
                || (known + partial >= 0.7 && t.distinct * 2 >= n)
                || inverted);
        // A name that says "person" settles values written as names, known or
        // not: surnames of every country are not in any list.
        let by_name = named && name_like >= 0.8 && share(t.distinct, n) >= 0.3;
        if by_values {
            let c = if self.not_personal.is_some() {
                0.45
            } else {
                confidence(0.55, known + partial / 2.0, named)
            };
            self.push(Label::Person, c, known + partial, evidence);
        } else if by_name || (named && known + partial >= 0.3) {
            self.push(
                Label::Person,
                confidence(0.6, name_like, true),
                name_like,
                evidence,
            );
        } else if name_like >= 0.9 && t.distinct * 2 >= n && self.not_personal.is_none() {
            // Written as names, but names Steward does not know: people from
            // elsewhere, or towns and brands. Ambiguous, for a second opinion.
            self.push(Label::Person, 0.45, name_like, evidence);
        }
    }

    fn postal_code(&mut self) {
        let t = self.t;
        let n = t.n;
        let named = self.named(Label::PostalCode).is_some();
        let long = if named { t.postal_long } else { 0 };
        let all = share(t.postal_distinctive + t.postal_digits + long, n);
        let evidence = vec![format!(
            "{} are postal codes ({} in a shape only postal codes have)",
            of(t.postal_distinctive + t.postal_digits + long, n),
            t.postal_distinctive
        )];
        if (t.postal_distinctive >= 1 && all >= 0.85) || (named && all >= 0.7) {
            self.push(
                Label::PostalCode,
                confidence(0.6, all, named),
                all,
                evidence,
            );
        } else if all >= 0.9 && self.not_personal.is_none() {
            // Four to six digits alone: a ZIP code or a store number.
            self.push(Label::PostalCode, 0.4, all, evidence);
        }
    }

    fn date_of_birth(&mut self) {
        let t = self.t;
        let n = t.n;
        let s = share(t.dates, n);
        if s < 0.8 || share(t.dates_with_time, n) > 0.1 {
            return;
        }
        let named = self.named(Label::DateOfBirth).is_some();
        let (lo, hi) = match (t.years.iter().min(), t.years.iter().max()) {
            (Some(lo), Some(hi)) => (*lo, *hi),
            _ => return,
        };
        let ages = (self.reference_year - hi, self.reference_year - lo);
        let mut evidence = vec![format!(
            "{} are dates without a time of day",
            of(t.dates, n)
        )];
        if named {
            self.push(Label::DateOfBirth, confidence(0.65, s, true), s, evidence);
            return;
        }
        // Birth dates lie 14 to 110 years back and spread over decades;
        // orders, invoices and events cluster in recent years.
        if ages.0 >= 14 && ages.1 <= 110 && hi - lo >= 20 && n >= 10 {
            evidence.push(format!(
                "years {lo} to {hi}: ages {} to {} at {}",
                ages.0, ages.1, self.reference_year
            ));
            let c = if self.not_personal.is_some() {
                0.4
            } else {
                0.6
            };
            self.push(Label::DateOfBirth, c, s, evidence);
        }
    }

    fn secret(&mut self) {
        let t = self.t;
        let n = t.n;
        let s = share(t.secret, n);
        if s >= 0.5 {
            let kind = t.secret_kind.unwrap_or("key");
            self.push(
                Label::Secret,
                confidence(0.7, s, false),
                s,
                vec![format!(
                    "{} match a documented secret format ({kind})",
                    of(t.secret, n)
                )],
            );
            return;
        }
        let Some(word) = self.named(Label::Secret).map(str::to_string) else {
            return;
        };
        if n == 0 {
            return;
        }
        let clear = n - t.hashed;
        if matches!(word.as_str(), "password" | "passwd" | "pwd") && share(clear, n) >= 0.5 {
            self.out.push(Candidate {
                label: Label::Secret,
                confidence: 0.8,
                share: share(clear, n),
                evidence: vec![
                    format!("name token `{word}`"),
                    format!("{} are not hashed: passwords in clear", of(clear, n)),
                ],
            });
        } else if share(t.high_entropy, n) >= 0.8 {
            self.out.push(Candidate {
                label: Label::Secret,
                confidence: 0.75,
                share: share(t.high_entropy, n),
                evidence: vec![
                    format!("name token `{word}`"),
                    format!("{} are long random-looking tokens", of(t.high_entropy, n)),
                ],
            });
        }
    }
}

fn numeric_measure(data_type: Option<&str>) -> bool {
    data_type.is_some_and(|t| {
        let t = t.to_ascii_lowercase();
        t.starts_with("float") || t.starts_with("decimal") || t == "boolean"
    })
}

/// Classifies one column on its own (no neighbours, no second opinion).
pub fn classify_column(column: &ColumnSample<'_>, options: &ClassifierOptions) -> ColumnDecision {
    let candidates = candidates(column, options);
    decide(column, candidates, options)
}

/// Every label the rules considered for a column, best first.
pub(crate) fn candidates(column: &ColumnSample<'_>, options: &ClassifierOptions) -> Vec<Candidate> {
    if numeric_measure(column.data_type) {
        return Vec::new();
    }
    let tally = Tally::count(column.values);
    let hints = name::hints(column.name);
    // A label word in the name outweighs any word saying "not personal".
    let not_personal = if hints.is_empty() {
        name::not_personal_word(column.name)
    } else {
        None
    };
    let mut rules = Rules {
        t: &tally,
        hints,
        not_personal,
        reference_year: options.reference_year,
        out: Vec::new(),
    };
    rules.run();
    let mut out = rules.out;
    out.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    out
}

/// Turns ranked candidates into a decision.
pub(crate) fn decide(
    column: &ColumnSample<'_>,
    candidates: Vec<Candidate>,
    options: &ClassifierOptions,
) -> ColumnDecision {
    let values_seen = column.values.len();
    let mut decision = ColumnDecision {
        name: column.name.to_string(),
        label: None,
        confidence: 0.0,
        share: 0.0,
        evidence: Vec::new(),
        ambiguous: None,
        values_seen,
        by_second_opinion: false,
    };
    let mut ranked = candidates.into_iter();
    match ranked.next() {
        Some(best) if best.confidence >= options.accept => {
            decision.label = Some(best.label);
            decision.confidence = best.confidence;
            decision.share = best.share;
            decision.evidence = best.evidence;
        }
        Some(best) => {
            decision.evidence = vec![format!(
                "not labelled: {} is only {:.2} likely",
                best.label, best.confidence
            )];
            if best.confidence >= options.ask_from {
                decision.ambiguous = Some(best);
            }
        }
        None => {
            if numeric_measure(column.data_type) {
                decision.evidence = vec!["a numeric measure".into()];
            } else if values_seen == 0 {
                decision.evidence = vec!["no values to check".into()];
            } else {
                decision.evidence =
                    vec![format!("no detector matched {values_seen} sampled values")];
            }
        }
    }
    if decision.label.is_none()
        && values_seen > 0
        && let Some(hint) = name::hints(column.name).first()
    {
        decision.evidence.push(format!(
            "the name token `{}` suggests {}, but the values do not bear it out",
            hint.1, hint.0
        ));
    }
    decision
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide_on(name: &str, values: &[&str]) -> ColumnDecision {
        let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        let options = ClassifierOptions {
            reference_year: 2026,
            ..ClassifierOptions::default()
        };
        classify_column(
            &ColumnSample {
                name,
                data_type: Some("Utf8"),
                values: &values,
            },
            &options,
        )
    }

    #[test]
    fn evidence_is_given_in_words() {
        let d = decide_on(
            "card",
            &[
                "4111111111111111",
                "5500005555555559",
                "378282246310005",
                "6011111111111117",
            ],
        );
        assert_eq!(d.label, Some(Label::CreditCard));
        assert_eq!(
            d.evidence,
            [
                "4 of 4 values pass Luhn and an issuer range",
                "name token `card`"
            ]
        );
        assert!(d.confidence > 0.9);
    }
}
