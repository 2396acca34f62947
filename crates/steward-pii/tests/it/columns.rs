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

#[test]
fn hand_typed_ssns_mix_separators_and_names_run_together() {
    // Dashes, spaces, dots and none in one column, as people type them.
    let mixed = |seed| {
        many(30, seed, |r| {
            let dashed = values::ssn(r);
            match r.below(4) {
                0 => dashed,
                1 => dashed.replace('-', " "),
                2 => dashed.replace('-', ""),
                _ => dashed.replacen('-', " ", 1),
            }
        })
    };
    check(&[
        ("ssn", mixed(70), Some(Label::UsSsn)),
        ("col_07", mixed(71), Some(Label::UsSsn)),
        ("SocSecNum", mixed(72), Some(Label::UsSsn)),
        ("soc_sec_no", mixed(73), Some(Label::UsSsn)),
        ("socialsecuritynumber", mixed(74), Some(Label::UsSsn)),
        (
            "ssnum",
            many(30, 75, |r| values::ssn(r).replace('-', "")),
            Some(Label::UsSsn),
        ),
    ]);
}

#[test]
fn birth_dates_in_mixed_formats_and_informal_names() {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mixed = |seed| {
        many(30, seed, |r| {
            let (y, m, d) = (1940 + r.below(65), 1 + r.below(12), 1 + r.below(28));
            match r.below(4) {
                0 => format!("{y}-{m:02}-{d:02}"),
                1 => format!("{} {d}, {y}", MONTHS[(m - 1) as usize]),
                2 => format!("{m}/{d}/{y}"),
                _ => format!("{y}{m:02}{d:02}"),
            }
        })
    };
    let german = |seed| {
        const MONATE: [&str; 12] = [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ];
        many(30, seed, |r| {
            let (y, m, d) = (1940 + r.below(65), 1 + r.below(12), 1 + r.below(28));
            if r.below(2) == 0 {
                format!("{d}. {} {y}", MONATE[(m - 1) as usize])
            } else {
                format!("{d:02}.{m:02}.{y}")
            }
        })
    };
    check(&[
        ("dob", mixed(80), Some(Label::DateOfBirth)),
        ("bday", mixed(81), Some(Label::DateOfBirth)),
        ("born", mixed(82), Some(Label::DateOfBirth)),
        ("col_08", mixed(83), Some(Label::DateOfBirth)),
        ("gebdat", german(84), Some(Label::DateOfBirth)),
    ]);
}

#[test]
fn surnames_with_diacritics_under_local_names() {
    let surnames = strings(&[
        "Müller",
        "Schäfer",
        "Köhler",
        "Weiß",
        "Böttcher",
        "Lührmann",
        "Dürr",
        "Kästner",
        "Jürgens",
        "Größer",
        "Hölzl",
        "Süßmilch",
        "Bäumer",
        "Fröhlich",
        "Möller",
    ]);
    check(&[
        ("Familienname", surnames.clone(), Some(Label::Person)),
        ("zuname", surnames.clone(), Some(Label::Person)),
        ("nachname", surnames, Some(Label::Person)),
    ]);
}
