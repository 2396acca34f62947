//! Word lists the value detectors look words up in: people's given names and
//! surnames (US Census frequency lists plus common names of other languages),
//! street types (the USPS suffix list and its equivalents abroad) and the words
//! that mark an organisation rather than a person.

use std::collections::HashSet;
use std::sync::LazyLock;

fn word_set(text: &'static str) -> HashSet<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

static GIVEN_NAMES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| word_set(include_str!("../data/given_names.txt")));
static SURNAMES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| word_set(include_str!("../data/surnames.txt")));

/// Builds the lists now, so the first column classified does not pay for it.
pub fn warm_up() {
    LazyLock::force(&GIVEN_NAMES);
    LazyLock::force(&SURNAMES);
}

/// Whether a lowercase word is a known given name.
pub fn is_given_name(lower: &str) -> bool {
    GIVEN_NAMES.contains(lower)
}

/// Whether a lowercase word is a known surname.
pub fn is_surname(lower: &str) -> bool {
    SURNAMES.contains(lower)
}

/// Street types: the USPS Publication 28 suffixes with their common
/// abbreviations, and the words for a street in other languages. Lowercase,
/// without a trailing dot.
const STREET_TYPES: &[&str] = &[
    // USPS suffixes.
    "alley",
    "aly",
    "anex",
    "annex",
    "arcade",
    "arc",
    "avenue",
    "ave",
    "av",
    "bayou",
    "beach",
    "bend",
    "bluff",
    "bluffs",
    "bottom",
    "boulevard",
    "blvd",
    "branch",
    "br",
    "bridge",
    "brg",
    "brook",
    "brooks",
    "burg",
    "burgs",
    "bypass",
    "byp",
    "camp",
    "canyon",
    "cape",
    "causeway",
    "center",
    "centre",
    "ctr",
    "centers",
    "circle",
    "cir",
    "circles",
    "cliff",
    "cliffs",
    "club",
    "common",
    "commons",
    "corner",
    "corners",
    "course",
    "court",
    "ct",
    "courts",
    "cove",
    "coves",
    "creek",
    "crk",
    "crescent",
    "cres",
    "crest",
    "crossing",
    "xing",
    "crossroad",
    "crossroads",
    "curve",
    "dale",
    "dam",
    "divide",
    "drive",
    "dr",
    "drives",
    "estate",
    "estates",
    "expressway",
    "expy",
    "extension",
    "ext",
    "extensions",
    "fall",
    "falls",
    "ferry",
    "field",
    "fields",
    "flat",
    "flats",
    "ford",
    "fords",
    "forest",
    "forge",
    "forges",
    "fork",
    "forks",
    "fort",
    "freeway",
    "fwy",
    "garden",
    "gardens",
    "gdns",
    "gateway",
    "glen",
    "glens",
    "green",
    "greens",
    "grove",
    "groves",
    "harbor",
    "harbors",
    "haven",
    "heights",
    "hts",
    "highway",
    "hwy",
    "hill",
    "hills",
    "hollow",
    "inlet",
    "island",
    "islands",
    "isle",
    "junction",
    "junctions",
    "jct",
    "key",
    "keys",
    "knoll",
    "knolls",
    "lake",
    "lakes",
    "land",
    "landing",
    "lane",
    "ln",
    "light",
    "lights",
    "loaf",
    "lock",
    "locks",
    "lodge",
    "loop",
    "mall",
    "manor",
    "manors",
    "meadow",
    "meadows",
    "mews",
    "mill",
    "mills",
    "mission",
    "motorway",
    "mount",
    "mountain",
    "mountains",
    "mtn",
    "neck",
    "orchard",
    "oval",
    "overpass",
    "park",
    "parks",
    "parkway",
    "pkwy",
    "parkways",
    "pass",
    "passage",
    "path",
    "pike",
    "pine",
    "pines",
    "place",
    "pl",
    "plain",
    "plains",
    "plaza",
    "plz",
    "point",
    "pt",
    "points",
    "port",
    "ports",
    "prairie",
    "radial",
    "ramp",
    "ranch",
    "rapid",
    "rapids",
    "rest",
    "ridge",
    "ridges",
    "river",
    "road",
    "rd",
    "roads",
    "route",
    "rte",
    "row",
    "rue",
    "run",
    "shoal",
    "shoals",
    "shore",
    "shores",
    "skyway",
    "spring",
    "springs",
    "spur",
    "spurs",
    "square",
    "sq",
    "squares",
    "station",
    "sta",
    "stravenue",
    "stream",
    "street",
    "st",
    "str",
    "streets",
    "summit",
    "terrace",
    "ter",
    "throughway",
    "trace",
    "track",
    "trafficway",
    "trail",
    "trl",
    "trailer",
    "tunnel",
    "turnpike",
    "underpass",
    "union",
    "unions",
    "valley",
    "valleys",
    "viaduct",
    "view",
    "views",
    "village",
    "villages",
    "ville",
    "vista",
    "walk",
    "walks",
    "wall",
    "way",
    "ways",
    "well",
    "wells",
    // Other languages.
    "straße",
    "strasse",
    "weg",
    "gasse",
    "platz",
    "allee",
    "ring",
    "damm",
    "ufer",
    "chaussee",
    "calle",
    "avenida",
    "avda",
    "camino",
    "carrera",
    "paseo",
    "plaza",
    "rambla",
    "travesía",
    "boulevard",
    "chemin",
    "impasse",
    "allée",
    "quai",
    "place",
    "cours",
    "via",
    "viale",
    "piazza",
    "corso",
    "vicolo",
    "largo",
    "rua",
    "travessa",
    "praça",
    "estrada",
    "straat",
    "laan",
    "gracht",
    "plein",
    "kade",
    "steeg",
    "ulica",
    "ul",
    "utca",
    "gade",
    "gatan",
    "vej",
    "vägen",
    "veien",
    "gata",
];

/// Suffixes of compound street names written as one word (`Hauptstraße`,
/// `Kungsgatan`, `Kalverstraat`).
const STREET_COMPOUND_SUFFIXES: &[&str] = &[
    "straße", "strasse", "str.", "weg", "gasse", "platz", "allee", "damm", "ufer", "straat",
    "laan", "gracht", "plein", "gatan", "vägen", "veien", "gade", "vej",
];

/// Whether a lowercase word (trailing `.` or `,` removed) names a kind of street.
pub fn is_street_type(lower: &str) -> bool {
    STREET_TYPES.contains(&lower)
}

/// Whether a lowercase word is a compound street name (`hauptstraße`).
pub fn is_compound_street(lower: &str) -> bool {
    STREET_COMPOUND_SUFFIXES
        .iter()
        .any(|s| lower.len() > s.len() + 2 && lower.ends_with(s))
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

/// Titles and particles that may appear in a person's name.
const NAME_PARTICLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "jr", "sr", "ii", "iii", "iv", "phd", "md",
    "dds", "van", "von", "de", "der", "den", "da", "del", "della", "di", "du", "le", "la", "bin",
    "ibn", "al", "el", "dos", "das", "ter", "ten", "herr", "frau", "mme", "mlle", "sra", "sr",
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
