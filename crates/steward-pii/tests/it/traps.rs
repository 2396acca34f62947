//! The look-alikes that fool detectors: none of these is sensitive.

use crate::values::{self, many};
use crate::{check, decide, strings};

#[test]
fn ids_and_codes_are_not_phone_numbers() {
    check(&[
        // Ten bare digits that happen to pass the NANP rules: an id as often
        // as a phone, so not labelled without the name.
        (
            "col_01",
            many(30, 20, |r| {
                format!(
                    "{}{}{}",
                    r.pick(&["212", "415", "617"]),
                    2 + r.below(8),
                    r.digits(6)
                )
            }),
            None,
        ),
        (
            "order_id",
            many(30, 21, |r| format!("{}{}", 2 + r.below(8), r.digits(9))),
            None,
        ),
        ("tracking_code", many(30, 22, values::us_phone), None),
        (
            "shipment_code",
            many(30, 23, |r| {
                format!(
                    "{}-{}-{}",
                    r.pick(&["303", "617"]),
                    200 + r.below(800),
                    r.digits(4)
                )
            }),
            None,
        ),
    ]);
}

#[test]
fn versions_are_not_ip_addresses() {
    check(&[
        (
            "col_01",
            many(30, 24, |r| {
                format!(
                    "{}.{}.{}.{}",
                    1 + r.below(12),
                    r.below(40),
                    r.below(256),
                    r.below(256)
                )
            }),
            None,
        ),
        (
            "firmware_version",
            many(30, 25, |r| {
                format!(
                    "{}.{}.{}.{}",
                    20 + r.below(200),
                    r.below(40),
                    r.below(256),
                    r.below(256)
                )
            }),
            None,
        ),
    ]);
}

#[test]
fn numbers_shaped_like_cards_and_ssns() {
    check(&[
        ("col_01", many(30, 26, values::luhn_failing), None),
        ("gift_card_serial", many(30, 27, values::luhn_failing), None),
        ("invoice_no", many(30, 28, values::invoice_like_ssn), None),
        ("col_02", many(30, 29, values::invoice_like_ssn), None),
        (
            "sensor_id",
            many(30, 30, |r| format!("{}{}", 1 + r.below(9), r.digits(8))),
            None,
        ),
        ("store_number", many(30, 31, |r| r.digits(5)), None),
        ("col_03", many(30, 32, |r| r.digits(5)), None),
    ]);
}

#[test]
fn hashes_and_uuids_are_not_secrets_or_ids_of_people() {
    check(&[
        ("col_01", many(30, 33, values::uuid), None),
        ("checksum", many(30, 34, |r| values::hex(r, 64)), None),
        ("etag", many(30, 35, |r| values::hex(r, 32)), None),
        (
            "password_hash",
            many(10, 36, |r| format!("$2b$12${}", values::hex(r, 53))),
            None,
        ),
    ]);
}

#[test]
fn dates_that_are_not_birth_dates() {
    check(&[
        (
            "col_01",
            many(30, 37, |r| {
                format!(
                    "20{}-{:02}-{:02}T{:02}:{:02}:00Z",
                    19 + r.below(6),
                    1 + r.below(12),
                    1 + r.below(28),
                    r.below(24),
                    r.below(60)
                )
            }),
            None,
        ),
        (
            "order_date",
            many(30, 38, |r| {
                format!(
                    "{}-{:02}-{:02}",
                    1990 + r.below(30),
                    1 + r.below(12),
                    1 + r.below(28)
                )
            }),
            None,
        ),
        (
            "col_02",
            many(30, 39, |r| {
                format!(
                    "{}-{:02}-{:02}",
                    2019 + r.below(6),
                    1 + r.below(12),
                    1 + r.below(28)
                )
            }),
            None,
        ),
    ]);
}

#[test]
fn organisations_products_and_text_are_not_people() {
    check(&[
        (
            "col_01",
            strings(&[
                "Hoffman Inc",
                "Alexander, Young and Griffin",
                "Hunt-Peterson",
                "King Ltd",
                "Müller GmbH",
                "Dupont SARL",
                "Wilson LLC",
                "Taylor PLC",
                "Smith & Sons",
                "Ballard-Johnson",
            ]),
            None,
        ),
        (
            "product_name",
            strings(&[
                "Fully-configurable global customer loyalty",
                "Inverse intangible adapter",
                "Synergistic scalable access",
                "Total dedicated flexibility",
                "Robust multimedia projection",
            ]),
            None,
        ),
        (
            "col_02",
            strings(&[
                "Music with fine fish shake place about page.",
                "Beyond describe region about three dream.",
                "Parent learn special again skin officer discuss human.",
                "Hard range rock final police process.",
            ]),
            None,
        ),
        (
            "status",
            many(30, 40, |r| {
                r.pick(&["Active", "Closed", "Pending"]).to_string()
            }),
            None,
        ),
        (
            "col_03",
            many(30, 41, |r| {
                r.pick(&["USD", "EUR", "GBP", "JPY"]).to_string()
            }),
            None,
        ),
    ]);
}

#[test]
fn a_year_code_is_not_a_card_verification_value() {
    check(&[
        (
            "ACADEMIC_YEAR_CODE",
            strings(&["2023", "2024", "2025", "2022", "2023", "2024"]),
            None,
        ),
        (
            "col_01",
            strings(&["123", "456", "789", "012", "345"]),
            None,
        ),
    ]);
}

#[test]
fn a_name_never_labels_values_that_contradict_it() {
    let d = decide("card_number", &many(30, 42, values::luhn_failing));
    assert_eq!(d.label, None);
    assert!(
        d.evidence
            .iter()
            .any(|e| e.contains("values do not bear it out")),
        "{:?}",
        d.evidence
    );
}

#[test]
fn names_nobody_knows_are_left_to_a_second_opinion() {
    // Capitalised two-word values with no known name: people from elsewhere,
    // or towns and brands. Not labelled, but kept as an ambiguous PERSON.
    let values = strings(&[
        "Amalea Zorvatti",
        "Liliana Quessor",
        "Rozalia Demvert",
        "Antioco Ferzicola",
        "Abrienne Corvuse",
        "Gianara Antovili",
        "Ossiria Vantelle",
        "Brunor Malquist",
        "Tessaly Ormond",
        "Quorin Halvesk",
    ]);
    let d = decide("col_09", &values);
    assert_eq!(d.label, None);
    assert_eq!(
        d.ambiguous.map(|c| c.label),
        Some(steward_pii::Label::Person),
        "{:?}",
        d.evidence
    );
    // A name that says "place" keeps it out of the ambiguous band.
    assert_eq!(decide("ciudad", &values).ambiguous, None);
}

#[test]
fn job_titles_and_departments_are_not_people() {
    check(&[
        (
            "title",
            strings(&[
                "General Manager",
                "Sales Manager",
                "Sales Support Agent",
                "Sales Support Agent",
                "Sales Support Agent",
                "IT Manager",
                "IT Staff",
                "IT Staff",
            ]),
            None,
        ),
        (
            "col_09",
            strings(&[
                "Human Resources",
                "Customer Service",
                "Sales",
                "Marketing",
                "Finance",
                "Research and Development",
                "Legal",
                "Purchasing",
                "Engineering",
                "Quality Assurance",
            ]),
            None,
        ),
        (
            "position",
            strings(&[
                "Senior Software Engineer",
                "Account Executive",
                "Office Manager",
                "Marketing Coordinator",
                "Data Analyst",
                "Payroll Specialist",
                "Chief Financial Officer",
                "Receptionist",
            ]),
            None,
        ),
    ]);
}

#[test]
fn places_built_from_peoples_names_are_not_people() {
    check(&[(
        "col_10",
        strings(&[
            "Washington Heights",
            "Jackson Heights",
            "Morris Township",
            "Lincoln Square",
            "Carson City",
            "Howard Junction",
            "Taylor Springs",
            "Wallace Falls",
            "Jefferson County",
            "Franklin Gardens",
        ]),
        None,
    )]);
    // A surname that is also a place word still names a person.
    check(&[(
        "col_11",
        strings(&[
            "Mary Hill",
            "James Park",
            "Linda Grove",
            "Robert Beach",
            "Maria Garcia",
            "David Smith",
            "Emma Johnson",
            "Sofia Rossi",
            "Lukas Brown",
            "Anna Miller",
        ]),
        Some(steward_pii::Label::Person),
    )]);
}

#[test]
fn products_and_brands_built_from_peoples_names_are_not_people() {
    // Brands and their lines: a few first words heading many values whose
    // last words are not names; goods; possessives.
    let cars = strings(&[
        "Ford Focus",
        "Ford Fiesta",
        "Ford Mustang",
        "Ford Explorer",
        "Lincoln Navigator",
        "Lincoln Aviator",
        "Dodge Durango",
        "Dodge Challenger",
        "Chevrolet Malibu",
        "Chevrolet Tahoe",
        "Mercedes Benz Sprinter",
        "Porsche Cayenne",
    ]);
    let fragrances = strings(&[
        "Calvin Klein Eternity",
        "Calvin Klein Obsession",
        "Calvin Klein Euphoria",
        "Hugo Boss Bottled",
        "Hugo Boss Alive",
        "Giorgio Armani Acqua",
        "Giorgio Armani Code",
        "Ralph Lauren Romance",
        "Ralph Lauren Safari",
        "Jean Paul Gaultier",
    ]);
    let goods = strings(&[
        "Johnson's Baby Oil",
        "Kellogg's Corn Flakes",
        "Campbell's Tomato Soup",
        "Tommy Hilfiger Jeans",
        "Ralph Lauren Polo Shirt",
        "Marie Callender's Pot Pie",
        "Martha Stewart Towels",
        "Paul Mitchell Shampoo",
        "Kenneth Cole Shoes",
        "Michael Kors Watch",
    ]);
    for values in [&cars, &fragrances, &goods] {
        for name in ["product_name", "col_12", "item", "model"] {
            let d = decide(name, values);
            assert_eq!(d.label, None, "{name}: {:?}", d.evidence);
            assert_eq!(
                d.ambiguous.map(|c| c.label),
                None,
                "{name}: not even ambiguous: {:?}",
                d.evidence
            );
        }
    }
    // People whose given names repeat are still people: their last words
    // are surnames.
    check(&[(
        "col_13",
        strings(&[
            "John Smith",
            "John Miller",
            "John Davis",
            "Mary Jones",
            "Mary Wilson",
            "Mary Taylor",
            "James Brown",
            "James Moore",
            "Linda Clark",
            "Linda Lewis",
            "Robert Walker",
            "Robert Hall",
        ]),
        Some(steward_pii::Label::Person),
    )]);
    // And a column named for people keeps them, brands or not.
    check(&[(
        "customer_name",
        cars.clone(),
        Some(steward_pii::Label::Person),
    )]);
}
