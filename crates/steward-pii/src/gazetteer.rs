//! Word lists the value detectors look words up in: people's given names and
//! surnames (US Census frequency lists plus common names of other languages),
//! street types (the USPS suffix list and its equivalents abroad) and the words
//! that mark an organisation rather than a person.

use std::collections::HashSet;
use std::sync::LazyLock;

/// Folds a lowercase word to ASCII letters (`müller` → `muller`, `núñez` →
/// `nunez`), so names match however they are accented.
pub fn fold(lower: &str) -> std::borrow::Cow<'_, str> {
    if lower.is_ascii() {
        return std::borrow::Cow::Borrowed(lower);
    }
    let mut out = String::with_capacity(lower.len());
    for c in lower.chars() {
        let folded = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ą' | 'ā' => "a",
            'é' | 'è' | 'ê' | 'ë' | 'ę' | 'ě' | 'ē' => "e",
            'í' | 'ì' | 'î' | 'ï' | 'ı' | 'ī' => "i",
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ō' | 'ő' => "o",
            'ú' | 'ù' | 'û' | 'ü' | 'ů' | 'ū' | 'ű' => "u",
            'ñ' | 'ń' | 'ň' => "n",
            'ç' | 'ć' | 'č' => "c",
            'ś' | 'š' | 'ş' => "s",
            'ź' | 'ż' | 'ž' => "z",
            'ł' => "l",
            'ğ' => "g",
            'ř' => "r",
            'ý' | 'ÿ' => "y",
            'đ' | 'ď' => "d",
            'ť' => "t",
            'ß' => "ss",
            'æ' => "ae",
            'œ' => "oe",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(folded);
    }
    std::borrow::Cow::Owned(out)
}

/// The entries of a word list, folded; multi-word entries (`van dijk`) also
/// by their last word, which is how a name is looked up.
fn word_set(text: &'static str) -> HashSet<String> {
    let mut set = HashSet::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let folded = fold(line).into_owned();
        if let Some(last) = folded.split_whitespace().last() {
            set.insert(last.to_string());
        }
        set.insert(folded);
    }
    set
}

static GIVEN_NAMES: LazyLock<HashSet<String>> =
    LazyLock::new(|| word_set(include_str!("../data/given_names.txt")));
static SURNAMES: LazyLock<HashSet<String>> =
    LazyLock::new(|| word_set(include_str!("../data/surnames.txt")));

/// Builds the lists now, so the first column classified does not pay for it.
pub fn warm_up() {
    crate::phone::warm_up();
    LazyLock::force(&STREET_TYPES);
    LazyLock::force(&GIVEN_NAMES);
    LazyLock::force(&SURNAMES);
}

/// Whether a lowercase word is a known given name, accents aside.
pub fn is_given_name(lower: &str) -> bool {
    GIVEN_NAMES.contains(fold(lower).as_ref())
}

/// Whether a lowercase word is a known surname, accents aside.
pub fn is_surname(lower: &str) -> bool {
    SURNAMES.contains(fold(lower).as_ref())
}

static STREET_TYPES: LazyLock<HashSet<String>> = LazyLock::new(|| {
    include_str!("../data/street_types.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .map(|w| fold(w).into_owned())
        .collect()
});

/// Suffixes of compound street names written as one word (`Hauptstraße`,
/// `Kungsgatan`, `Kalverstraat`, `Alexweg`). Folded.
const STREET_COMPOUND_SUFFIXES: &[&str] = &[
    "strasse", "str.", "weg", "gasse", "platz", "allee", "ring", "damm", "ufer", "steig", "pfad",
    "markt", "straat", "laan", "gracht", "plein", "kade", "singel", "dijk", "dreef", "hof", "pad",
    "wei", "gatan", "vagen", "vag", "grand", "stig", "torget", "torg", "veien", "vei", "gade",
    "vej", "plads", "katu", "tie", "kuja", "polku", "tanav", "iela", "gatve", "utca",
];

/// Whether a lowercase word (trailing `.` or `,` removed) names a kind of street.
pub fn is_street_type(lower: &str) -> bool {
    STREET_TYPES.contains(fold(lower).as_ref())
}

/// Whether a lowercase word is a compound street name (`hauptstraße`,
/// `karolina-winkler-straße`).
pub fn is_compound_street(lower: &str) -> bool {
    let folded = fold(lower);
    STREET_COMPOUND_SUFFIXES
        .iter()
        .any(|s| folded.len() > s.len() + 2 && folded.ends_with(s))
}

/// Words that open place names (`Port Nicole`, `East Jessica`, `San José`):
/// never counted as a person's name.
const PLACE_WORDS: &[&str] = &[
    "port", "lake", "new", "north", "south", "east", "west", "mount", "fort", "saint", "san",
    "santa", "sankt", "bad", "los", "las", "north", "upper", "lower", "great", "little", "old",
];

/// Whether a lowercase word opens place names.
pub fn is_place_word(lower: &str) -> bool {
    PLACE_WORDS.contains(&lower)
}

/// Words that close place names built from people's names (`Washington
/// Heights`, `Jackson City`, `Morris Township`, `Lincoln Square`). Those
/// that are also common surnames (`Hill`, `Park`, `Grove`, `Beach`) are left
/// out: `Mary Hill` is a person.
const PLACE_SUFFIXES: &[&str] = &[
    "heights", "city", "village", "junction", "gardens", "harbor", "harbour", "township", "county",
    "borough", "district", "crossing", "estates", "landing", "square", "plaza", "falls", "springs",
    "valley", "creek", "commons", "viertel", "quartier", "barrio",
];

/// Whether a lowercase word, after the first of a value, closes a place name.
pub fn is_place_suffix(lower: &str) -> bool {
    PLACE_SUFFIXES.contains(&lower)
}

/// Words that mark an organisation: legal forms and the conjunctions of
/// partnership names (`Hoffman and Sons`, `Young & Griffin`).
const ORGANISATION_WORDS: &[&str] = &[
    "inc",
    "llc",
    "ltd",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "oy",
    "ab",
    "kg",
    "co",
    "corp",
    "corporation",
    "company",
    "group",
    "holdings",
    "partners",
    "associates",
    "and",
    "&",
    "und",
    "et",
    "y",
    "sons",
    "industries",
    "solutions",
    "systems",
    "services",
    "technologies",
    "bank",
    "university",
    "foundation",
    "limited",
    "lp",
    "llp",
    "pty",
    "ug",
    "ltda",
    "sl",
    "as",
    "asa",
    "oyj",
    "kk",
    "pvt",
    "international",
    "enterprises",
];

/// Whether a lowercase word (trailing `.` or `,` removed) marks an organisation.
pub fn is_organisation_word(lower: &str) -> bool {
    ORGANISATION_WORDS.contains(&lower)
}

/// Words of job titles and departments (`General Manager`, `Sales Support
/// Agent`, `IT Staff`, `Human Resources`): a value holding one names a role or
/// a part of an organisation, not a person, even where another of its words
/// is also a surname. Occupations that are common surnames (`Baker`, `Cook`,
/// `Taylor`, `Miller`) are left out: those stay names.
const ROLE_WORDS: &[&str] = &[
    "manager",
    "management",
    "agent",
    "staff",
    "support",
    "sales",
    "director",
    "engineer",
    "engineering",
    "assistant",
    "clerk",
    "officer",
    "specialist",
    "analyst",
    "consultant",
    "representative",
    "supervisor",
    "coordinator",
    "administrator",
    "admin",
    "developer",
    "president",
    "executive",
    "technician",
    "accountant",
    "accounting",
    "department",
    "team",
    "service",
    "services",
    "operations",
    "marketing",
    "finance",
    "financial",
    "resources",
    "intern",
    "trainee",
    "apprentice",
    "associate",
    "ceo",
    "cfo",
    "cto",
    "coo",
    "cashier",
    "receptionist",
    "secretary",
    "auditor",
    "architect",
    "designer",
    "buyer",
    "planner",
    "controller",
    "treasurer",
    "editor",
    "lecturer",
    "professor",
    "operator",
    "inspector",
    "dispatcher",
    "courier",
    "procurement",
    "purchasing",
    "logistics",
    "warehouse",
    "legal",
    "compliance",
    "research",
    "development",
    "customer",
    "helpdesk",
    "payroll",
    "recruiter",
    "recruiting",
    "instructor",
    "physician",
    "pharmacist",
    "attendant",
    "maintenance",
    "facilities",
    "production",
    "manufacturing",
    "division",
    "it",
    "hr",
    "qa",
    // The same in the languages the name words cover.
    "gerente",
    "jefe",
    "vendedor",
    "ventas",
    "geschaftsfuhrer",
    "abteilung",
    "mitarbeiter",
    "vertrieb",
    "directeur",
    "responsable",
    "commercial",
    "direttore",
    "impiegato",
    "medewerker",
    "afdeling",
    "chef",
];

/// Whether a lowercase, accent-folded word belongs to job titles or departments.
pub fn is_role_word(lower: &str) -> bool {
    ROLE_WORDS.contains(&fold(lower).as_ref())
}

/// Nouns of goods and words of product lines (`Johnson Baby Oil`, `Tommy
/// Hilfiger Jeans`, `Dodge Charger`, `Galaxy Pro Max`): a value holding one
/// names a product, even where its brand is a person's name. Words that are
/// also given names or surnames (`Max`, `Bell`, `Cook`) do not count (see
/// `is_product_word`): those stay names.
const PRODUCT_WORDS: &[&str] = &[
    // Care, food and drink.
    "oil",
    "cream",
    "lotion",
    "soap",
    "shampoo",
    "conditioner",
    "perfume",
    "cologne",
    "fragrance",
    "deodorant",
    "toothpaste",
    "powder",
    "soup",
    "sauce",
    "ketchup",
    "mayonnaise",
    "flakes",
    "cereal",
    "juice",
    "soda",
    "cola",
    "beer",
    "lager",
    "wine",
    "whisky",
    "whiskey",
    "vodka",
    "bourbon",
    "tequila",
    "coffee",
    "espresso",
    "chocolate",
    "candy",
    "cookies",
    "biscuits",
    "chips",
    "crisps",
    "crackers",
    "pie",
    "pizza",
    "burger",
    "noodles",
    "pasta",
    "yogurt",
    "yoghurt",
    "cheese",
    "butter",
    "margarine",
    "snack",
    "snacks",
    "gum",
    "mints",
    "drops",
    "tablets",
    "capsules",
    "syrup",
    "vitamins",
    "formula",
    "wipes",
    "diapers",
    "nappies",
    // Clothing and accessories.
    "jeans",
    "shirt",
    "shirts",
    "tee",
    "jacket",
    "coat",
    "shoes",
    "sneakers",
    "trainers",
    "boots",
    "sandals",
    "dress",
    "hoodie",
    "sweater",
    "jumper",
    "socks",
    "trousers",
    "pants",
    "shorts",
    "skirt",
    "handbag",
    "wallet",
    "sunglasses",
    "watch",
    "watches",
    "belt",
    "scarf",
    "cap",
    // Devices, vehicles and other goods.
    "phone",
    "smartphone",
    "laptop",
    "notebook",
    "tablet",
    "headphones",
    "earbuds",
    "speaker",
    "camera",
    "printer",
    "monitor",
    "keyboard",
    "console",
    "charger",
    "sedan",
    "coupe",
    "convertible",
    "hatchback",
    "wagon",
    "truck",
    "pickup",
    "suv",
    "motorcycle",
    "scooter",
    "bicycle",
    "tires",
    "tyres",
    "lamp",
    "sofa",
    "mattress",
    "pillow",
    "towel",
    "towels",
    "blanket",
    "candle",
    "mug",
    "cookware",
    "blender",
    "toaster",
    "vacuum",
    "toy",
    "puzzle",
    "album",
    "vinyl",
    "dvd",
    "kit",
    "bundle",
    "pack",
    "refill",
    "cartridge",
    // Lines and editions.
    "edition",
    "collection",
    "series",
    "pro",
    "ultra",
    "deluxe",
    "premium",
    "original",
    "limited",
    "classic",
    "signature",
    "special",
    "reserve",
    "lite",
    "mini",
    "plus",
    // The same in the languages the name words cover.
    "aceite",
    "crema",
    "jabon",
    "champu",
    "zapatos",
    "camisa",
    "coche",
    "sopa",
    "salsa",
    "galletas",
    "cerveza",
    "vino",
    "creme",
    "savon",
    "parfum",
    "chaussures",
    "chemise",
    "voiture",
    "biere",
    "olio",
    "sapone",
    "scarpe",
    "camicia",
    "birra",
    "seife",
    "schuhe",
    "hemd",
    "bier",
    "wein",
    "kaffee",
    "schokolade",
    "olie",
    "zeep",
    "schoenen",
];

/// Whether a lowercase, accent-folded word names goods or a product line
/// and is not also a person's name.
pub fn is_product_word(lower: &str) -> bool {
    let folded = fold(lower);
    PRODUCT_WORDS.contains(&folded.as_ref()) && !is_given_name(&folded) && !is_surname(&folded)
}

/// Titles and particles that may appear in a person's name.
const NAME_PARTICLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "dr", "prof", "dra", "sra", "srta", "me", "mevr", "dhr", "ir",
    "drs", "ing", "dott", "sig", "avv", "mag", "pan", "pani", "bay", "bayan", "hr", "fru", "sir",
    "jr", "sr", "ii", "iii", "iv", "phd", "md", "dds", "van", "von", "de", "der", "den", "da",
    "del", "della", "di", "du", "le", "la", "bin", "ibn", "al", "el", "dos", "das", "ter", "ten",
    "herr", "frau", "mme", "mlle", "sra", "sr",
];

/// Whether a lowercase word (trailing `.` removed) is a title or a name particle.
pub fn is_name_particle(lower: &str) -> bool {
    NAME_PARTICLES.contains(&lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_looked_up_in_lowercase() {
        assert!(is_given_name("mary"));
        assert!(is_given_name("giovanni"));
        assert!(is_surname("smith"));
        assert!(is_surname("müller"));
        assert!(!is_given_name("Mary"), "callers lowercase first");
        assert!(!is_surname("synergistic"));
    }

    #[test]
    fn streets_and_organisations() {
        assert!(is_street_type("avenue"));
        assert!(is_street_type("st"));
        assert!(is_compound_street("hauptstraße"));
        assert!(
            !is_compound_street("weg"),
            "the suffix alone is not a compound"
        );
        assert!(is_organisation_word("llc"));
        assert!(!is_organisation_word("smith"));
    }
}
