//! What a column's name says. Names are split into lowercase tokens across
//! `snake_case`, `camelCase`, `kebab-case`, dots and digits, so `custEmailAddr`,
//! `cust_email_addr` and `CUST-EMAIL-ADDR` read the same; tokens and adjacent
//! token pairs are then matched against words for each label in several
//! languages and their usual abbreviations.

use crate::label::Label;

/// Splits a column name into lowercase word tokens.
pub fn tokens(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let boundary = match prev {
            Some(p) if p.is_alphanumeric() => {
                // fooBar | HTTPServer | v2 -> v, 2
                (p.is_lowercase() && c.is_uppercase())
                    || (p.is_uppercase()
                        && c.is_uppercase()
                        && next.is_some_and(char::is_lowercase))
                    || (p.is_ascii_digit() != c.is_ascii_digit())
            }
            _ => false,
        };
        if boundary && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Words (single tokens or two joined with `_`) that name each label. Kept
/// deliberately to words that mean the thing itself: `name` alone is not a
/// person (`product_name`), so person words are specific ones.
const WORDS: &[(Label, &[&str])] = &[
    (
        Label::EmailAddress,
        &[
            "email",
            "e_mail",
            "mail",
            "eml",
            "emailaddress",
            "correo",
            "courriel",
            "mailadresse",
        ],
    ),
    (
        Label::PhoneNumber,
        &[
            "phone",
            "tel",
            "telephone",
            "mobile",
            "cell",
            "cellphone",
            "msisdn",
            "telefono",
            "telefon",
            "handy",
            "portable",
            "phone_no",
            "tel_no",
        ],
    ),
    (
        Label::Person,
        &[
            "first_name",
            "last_name",
            "full_name",
            "given_name",
            "family_name",
            "surname",
            "firstname",
            "lastname",
            "fullname",
            "forename",
            "nombre",
            "apellido",
            "vorname",
            "nachname",
            "prenom",
            "customer_name",
            "contact_name",
            "employee_name",
            "person",
            "cognome",
            "sobrenome",
            "apellidos",
            "achternaam",
            "voornaam",
            "nome_completo",
            "nombre_completo",
            "nom_complet",
            "nom_de_famille",
            "beneficiary",
            "beneficiario",
            "favorecido",
            "titular",
            "cardholder",
            "account_holder",
            "card_holder",
            "payee",
            "recipient",
            "interlocuteur",
            "responsavel",
            "patient_name",
            "holder_name",
            "volledige_naam",
            "imie",
            "nazwisko",
            "jmeno",
            "prijmeni",
            "fornamn",
            "efternamn",
            "fornavn",
            "efternavn",
            "etunimi",
            "sukunimi",
            "soyad",
            "soyadi",
            "ad_soyad",
            "familienname",
            "zuname",
            "geburtsname",
            "rufname",
            "etternavn",
            "apelido",
            "prezime",
            "priezvisko",
            "vezeteknev",
            "keresztnev",
        ],
    ),
    (
        Label::StreetAddress,
        &[
            "street",
            "address",
            "addr",
            "street_address",
            "address_line",
            "calle",
            "direccion",
            "strasse",
            "adresse",
            "adres",
            "adress",
            "adresa",
            "adresi",
            "osoite",
            "indirizzo",
            "endereco",
            "anschrift",
            "rue",
        ],
    ),
    (
        Label::PostalCode,
        &[
            "zip",
            "zipcode",
            "zip_code",
            "postcode",
            "postal",
            "postal_code",
            "plz",
            "postleitzahl",
            "codigo_postal",
            "code_postal",
            "pincode",
            "pin_code",
            "cep",
            "postnummer",
            "postinumero",
            "psc",
        ],
    ),
    (
        Label::DateOfBirth,
        &[
            "dob",
            "birth",
            "birthday",
            "birthdate",
            "birth_date",
            "born",
            "bday",
            "b_day",
            "bdate",
            "b_date",
            "birthdt",
            "geburtsdatum",
            "gebdat",
            "gebdatum",
            "geb_datum",
            "geburtstag",
            "geboren",
            "nacimiento",
            "fecha_nac",
            "naissance",
            "nascita",
            "geboortedatum",
            "fodelsedatum",
            "fodselsdato",
            "syntymaaika",
        ],
    ),
    (
        Label::CreditCard,
        &[
            "card",
            "pan",
            "credit_card",
            "card_number",
            "card_no",
            "tarjeta",
            "karte",
            "carte",
        ],
    ),
    (
        Label::UsSsn,
        &[
            "ssn",
            "social_security",
            "socialsecurity",
            "social_sec",
            "soc_sec",
            "socsec",
            "socialsec",
            "ssnum",
            "ssno",
            "ssnr",
            "ss_no",
            "ss_num",
            "ss_nr",
            "ss_number",
            "s_s_n",
        ],
    ),
    (Label::IbanCode, &["iban"]),
    (
        Label::IpAddress,
        &[
            "ip",
            "ipv4",
            "ipv6",
            "ip_address",
            "ip_addr",
            "remote_addr",
            "client_ip",
        ],
    ),
    (Label::MacAddress, &["mac", "mac_address", "mac_addr"]),
    (
        Label::UsPassport,
        &[
            "passport",
            "passport_no",
            "passport_number",
            "travel_doc",
            "travel_document",
            "pasaporte",
            "reisepass",
        ],
    ),
    (Label::UkNino, &["nino", "ni_number", "national_insurance"]),
    (
        Label::AbaRoutingNumber,
        &["routing", "aba", "rtn", "routing_number", "aba_number"],
    ),
    (
        Label::Secret,
        &[
            "password",
            "passwd",
            "pwd",
            "secret",
            "api_key",
            "apikey",
            "token",
            "access_key",
            "private_key",
            "credential",
            "credentials",
        ],
    ),
];

/// Labels the name points at, each with the word that matched.
pub fn hints(name: &str) -> Vec<(Label, String)> {
    // Accents folded: `förnamn` reads as `fornamn`, `příjmení` as `prijmeni`.
    let tokens: Vec<String> = tokens(name)
        .into_iter()
        .map(|t| crate::gazetteer::fold(&t).into_owned())
        .collect();
    let mut candidates: Vec<String> = tokens.clone();
    candidates.extend(tokens.windows(2).map(|pair| pair.join("_")));
    candidates.extend(tokens.windows(3).map(|triple| triple.join("_")));
    let mut found = Vec::new();
    for (label, words) in WORDS {
        if let Some(word) = candidates.iter().find(|c| words.contains(&c.as_str())) {
            found.push((*label, word.clone()));
            continue;
        }
        // Compounds written as one word (`telefonnummer`, `phonenumber`,
        // `leveransadress`): a label word of five letters or more opening or
        // closing a token.
        let compound = tokens.iter().find_map(|t| {
            words
                .iter()
                .find(|w| {
                    w.len() >= 5
                        && !w.contains('_')
                        && t.len() > w.len()
                        && (t.starts_with(*w) || t.ends_with(*w))
                })
                .map(|w| (*w).to_string())
        });
        if let Some(word) = compound {
            found.push((*label, word));
        }
    }
    found
}

/// Words that say a column holds identifiers, codes, measures or event times
/// rather than personal data. They only count when no label word is present:
/// `passport_id` is a passport, `order_id` is not a phone number.
const NOT_PERSONAL: &[&str] = &[
    "id",
    "uuid",
    "guid",
    "code",
    "sku",
    "version",
    "ver",
    "build",
    "firmware",
    "fw",
    "hash",
    "checksum",
    "sha",
    "md5",
    "etag",
    "digest",
    "tracking",
    "shipment",
    "batch",
    "order",
    "invoice",
    "serial",
    "sensor",
    "store",
    "plant",
    "claim",
    "ref",
    "reference",
    "part",
    "product",
    "campaign",
    "company",
    "vendor",
    "supplier",
    "carrier",
    "event",
    "trace",
    "request",
    "session",
    "status",
    "flag",
    "amount",
    "total",
    "price",
    "qty",
    "quantity",
    "count",
    "currency",
    "created",
    "updated",
    "modified",
    "timestamp",
    "time",
    "ship",
    "due",
    "start",
    "end",
    "hire",
    "expiry",
    "expires",
    "sku",
    "lot",
    "ticket",
    "transaction",
    "txn",
    "device",
    "model",
    "city",
    "town",
    "country",
    "region",
    "state",
    "brand",
    "team",
    "department",
    "dept",
    "job",
    "occupation",
    "profession",
    "position",
    "role",
    "pais",
    "pays",
    "paese",
    "land",
    "comune",
    "localidad",
    "localita",
    "ciudad",
    "stadt",
    "ville",
    "ort",
    "sted",
    "provincia",
    "regione",
    "kanton",
    "bundesland",
];

/// The first word of the name that says the column is not personal data,
/// when no label word is present.
pub fn not_personal(name: &str) -> Option<String> {
    if !hints(name).is_empty() {
        return None;
    }
    not_personal_word(name)
}

/// The first word of the name that says "not personal", label words aside:
/// for callers that have the hints already.
pub fn not_personal_word(name: &str) -> Option<String> {
    tokens(name)
        .into_iter()
        .map(|t| crate::gazetteer::fold(&t).into_owned())
        .find(|t| NOT_PERSONAL.contains(&t.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_across_styles() {
        assert_eq!(tokens("custEmailAddr"), ["cust", "email", "addr"]);
        assert_eq!(tokens("CUST_EMAIL_ADDR"), ["cust", "email", "addr"]);
        assert_eq!(tokens("cust-email.addr"), ["cust", "email", "addr"]);
        assert_eq!(tokens("HTTPServerIP"), ["http", "server", "ip"]);
        assert_eq!(tokens("address_line2"), ["address", "line", "2"]);
        assert_eq!(tokens("Geburtsdatum"), ["geburtsdatum"]);
        assert_eq!(tokens("col_05"), ["col", "05"]);
    }

    fn labels(name: &str) -> Vec<Label> {
        hints(name).into_iter().map(|(l, _)| l).collect()
    }

    #[test]
    fn names_point_at_labels_in_several_languages() {
        assert_eq!(labels("eml"), [Label::EmailAddress]);
        assert_eq!(labels("tel_no"), [Label::PhoneNumber]);
        assert_eq!(labels("correo_electronico"), [Label::EmailAddress]);
        assert_eq!(labels("geburtsdatum"), [Label::DateOfBirth]);
        assert_eq!(labels("dateOfBirth"), [Label::DateOfBirth]);
        assert_eq!(labels("given_name"), [Label::Person]);
        assert_eq!(labels("billing_zip"), [Label::PostalCode]);
        assert_eq!(hints("client_ip"), [(Label::IpAddress, "ip".to_string())]);
        assert_eq!(labels("telefonnummer"), [Label::PhoneNumber]);
        assert_eq!(labels("phonenumber"), [Label::PhoneNumber]);
        // Like `email_address`, it names an address too: the values decide.
        assert_eq!(
            labels("emailadresse"),
            [Label::EmailAddress, Label::StreetAddress]
        );
        assert_eq!(labels("leveransadress"), [Label::StreetAddress]);
    }

    #[test]
    fn names_that_only_look_related_do_not_hint() {
        assert!(
            labels("product_name").is_empty(),
            "a bare `name` is not a person"
        );
        assert!(labels("academic_year_code").is_empty());
        assert!(labels("shipment_code").is_empty());
        assert!(labels("col_05").is_empty());
        assert!(labels("zipper_color").is_empty(), "whole tokens only");
        assert!(labels("date_of_purchase").is_empty());
        assert!(labels("precio_sin_iva").is_empty());
    }

    #[test]
    fn names_of_identifiers_and_measures_say_not_personal() {
        assert_eq!(not_personal("tracking_code").as_deref(), Some("tracking"));
        assert_eq!(not_personal("firmwareVersion").as_deref(), Some("firmware"));
        assert_eq!(not_personal("order_id").as_deref(), Some("order"));
        assert_eq!(not_personal("passport_id"), None, "a label word wins");
        assert_eq!(not_personal("col_05"), None);
    }
}
