//! Sensitive columns across locales and naming styles, found from their values
//! (opaque names) and from their names where values alone are ambiguous.

use steward_pii::Label;

use crate::values::{self, many};
use crate::{check, strings};

#[test]
fn contact_data() {
    check(&[
        (
            "col_01",
            many(30, 1, |r| {
                format!(
                    "{}{}@{}",
                    r.pick(&["ana", "jo", "li", "k.muller"]),
                    r.digits(3),
                    r.pick(&["example.de", "correo.es", "mail.co.uk"])
                )
            }),
            Some(Label::EmailAddress),
        ),
        (
            "kontakt",
            many(30, 2, values::us_phone),
            Some(Label::PhoneNumber),
        ),
        (
            "telefonnummer",
            strings(&[
                "+49 30 901820",
                "030 901820",
                "+49 (0)89 2180 2234",
                "0221 4710",
                "+49 40 428280",
                "089 1234567",
                "+49 511 1680",
                "0711 2160",
                "+49 69 2123 4567",
                "0351 4880",
            ]),
            Some(Label::PhoneNumber),
        ),
        (
            "col_07",
            strings(&[
                "+33 1 42 68 53 00",
                "01 42 68 53 00",
                "+33 4 91 55 20 00",
                "04 91 55 20 00",
                "+33 5 61 22 29 22",
                "05 61 22 29 22",
                "+33 3 88 60 90 90",
                "03 88 60 90 90",
                "+33 2 40 41 90 00",
                "02 40 41 90 00",
            ]),
            Some(Label::PhoneNumber),
        ),
        (
            "notas",
            many(30, 3, |r| {
                if r.below(4) == 0 {
                    format!(
                        "Cliente pidió factura, escribir a {}@empresa.es por favor",
                        r.pick(&["marta", "luis"])
                    )
                } else {
                    "Pedido entregado sin incidencias en la tienda".to_string()
                }
            }),
            Some(Label::EmailAddress),
        ),
    ]);
}

#[test]
fn people_in_several_languages() {
    check(&[
        (
            "col_03",
            strings(&[
                "Mary",
                "James",
                "Patricia",
                "Robert",
                "Jennifer",
                "Michael",
                "Linda",
                "William",
                "Elizabeth",
                "David",
                "Barbara",
                "Richard",
                "Susan",
                "Joseph",
                "Jessica",
            ]),
            Some(Label::Person),
        ),
        (
            "vorname",
            strings(&[
                "Klaus", "Jürgen", "Anna", "Stefan", "Wolfgang", "Maria", "Thomas", "Sabine",
                "Andreas", "Petra", "Michael", "Monika",
            ]),
            Some(Label::Person),
        ),
        (
            "col_09",
            strings(&[
                "Giovanni Rossi",
                "María García",
                "Pierre Dubois",
                "Anna Schmidt",
                "John Smith",
                "Sofía Fernández",
                "Luca Bianchi",
                "Emma Johnson",
                "Carlos Martínez",
                "Olga Petrov",
            ]),
            Some(Label::Person),
        ),
        (
            "contactName",
            strings(&[
                "Smith, John",
                "Brown, Patricia",
                "Garcia, Maria",
                "Miller, Robert",
                "Davis, Linda",
                "Wilson, James",
                "Moore, Susan",
                "Taylor, David",
            ]),
            Some(Label::Person),
        ),
    ]);
}

#[test]
fn locations() {
    check(&[
        (
            "col_02",
            many(30, 4, |r| {
                format!(
                    "{} {} {}",
                    1 + r.below(9999),
                    r.pick(&["Oak", "Maple", "Cedar", "Washington", "Lincoln"]),
                    r.pick(&["Street", "Ave", "Road", "Blvd", "Lane", "Drive"])
                )
            }),
            Some(Label::StreetAddress),
        ),
        (
            "anschrift",
            many(20, 5, |r| {
                format!(
                    "{} {}",
                    r.pick(&["Hauptstraße", "Bahnhofstr.", "Lindenweg", "Marktplatz"]),
                    1 + r.below(120)
                )
            }),
            Some(Label::StreetAddress),
        ),
        (
            "adresse",
            many(20, 6, |r| {
                format!(
                    "{} rue {}, {} Paris",
                    1 + r.below(200),
                    r.pick(&["de la Paix", "Victor Hugo", "des Lilas"]),
                    75001 + r.below(20)
                )
            }),
            Some(Label::StreetAddress),
        ),
        (
            "col_04",
            strings(&[
                "SW1A 1AA", "EC1A 1BB", "W1A 0AX", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT",
                "LS1 4DY",
            ]),
            Some(Label::PostalCode),
        ),
        (
            "postcode",
            strings(&[
                "1012 AB", "3511 LX", "2595 AA", "9711 LM", "5611 AZ", "6511 PP",
            ]),
            Some(Label::PostalCode),
        ),
        (
            "plz",
            strings(&[
                "10115", "80331", "50667", "20095", "60311", "70173", "01067", "04109",
            ]),
            Some(Label::PostalCode),
        ),
        (
            "col_11",
            strings(&[
                "02134-1234",
                "10001",
                "94105",
                "60601-2345",
                "73301",
                "98101",
                "30301",
                "02108",
            ]),
            Some(Label::PostalCode),
        ),
    ]);
}

#[test]
fn birth_dates_by_name_and_by_the_ages_they_give() {
    let dates = |seed| {
        many(30, seed, |r| {
            format!(
                "{:02}.{:02}.{}",
                1 + r.below(28),
                1 + r.below(12),
                1940 + r.below(65)
            )
        })
    };
    check(&[
        ("geburtsdatum", dates(7), Some(Label::DateOfBirth)),
        ("dateOfBirth", dates(8), Some(Label::DateOfBirth)),
        ("col_05", dates(9), Some(Label::DateOfBirth)),
    ]);
}

#[test]
fn financial_and_government_ids() {
    check(&[
        (
            "col_01",
            many(30, 10, values::card),
            Some(Label::CreditCard),
        ),
        ("col_02", many(30, 11, values::ssn), Some(Label::UsSsn)),
        (
            "ssn",
            many(30, 12, |r| values::ssn(r).replace('-', "")),
            Some(Label::UsSsn),
        ),
        (
            "col_03",
            many(30, 13, values::routing),
            Some(Label::AbaRoutingNumber),
        ),
        (
            "col_04",
            strings(&[
                "DE89 3704 0044 0532 0130 00",
                "GB82WEST12345698765432",
                "FR1420041010050500013M02606",
                "NL91ABNA0417164300",
            ]),
            Some(Label::IbanCode),
        ),
        (
            "col_05",
            strings(&[
                "AB123456C",
                "CE 12 34 56 D",
                "JT 50 05 11 B",
                "HB116631B",
                "NJ789006A",
            ]),
            Some(Label::UkNino),
        ),
        (
            "col_06",
            many(30, 14, |r| {
                if r.below(2) == 0 {
                    format!("{}{}", r.pick(&["A", "C", "E", "M"]), r.digits(8))
                } else {
                    format!("{}{}", 1 + r.below(9), r.digits(8))
                }
            }),
            Some(Label::UsPassport),
        ),
        (
            "passport_no",
            many(30, 15, |r| format!("{}{}", 1 + r.below(9), r.digits(8))),
            Some(Label::UsPassport),
        ),
    ]);
}

#[test]
fn network_ids_and_secrets() {
    check(&[
        (
            "col_01",
            many(30, 16, |r| {
                format!(
                    "{}.{}.{}.{}",
                    1 + r.below(223),
                    r.below(256),
                    r.below(256),
                    r.below(256)
                )
            }),
            Some(Label::IpAddress),
        ),
        (
            "src",
            many(30, 17, |r| {
                format!("10.{}.{}.{}", r.below(256), r.below(256), 1 + r.below(254))
            }),
            Some(Label::IpAddress),
        ),
        (
            "col_02",
            many(30, 18, |r| {
                (0..6)
                    .map(|_| values::hex(r, 2))
                    .collect::<Vec<_>>()
                    .join(":")
            }),
            Some(Label::MacAddress),
        ),
        (
            "col_03",
            many(10, 19, |r| {
                format!("AKIA{}", values::hex(r, 16).to_uppercase())
            }),
            Some(Label::Secret),
        ),
        (
            "password",
            strings(&[
                "hunter2",
                "Summer2024!",
                "correcthorse",
                "P@ssw0rd",
                "letmein",
            ]),
            Some(Label::Secret),
        ),
    ]);
}
