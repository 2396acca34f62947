//! What kind of question a steward asks, which decides the agent's plan.
//! Words that name the kind decide it; a question they do not settle is put
//! to the model as a choice among the kinds (its label choice from logits,
//! not free text).

use serde::{Deserialize, Serialize};

/// The kinds of questions the Ask agent answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Where is some data: which tables or columns hold it.
    Discovery,
    /// What is sensitive, and why; is something safe to share.
    Sensitivity,
    /// Where data comes from, where it goes, what a change breaks.
    Lineage,
    /// Who reads what, when.
    Usage,
    /// What data costs and what could be saved.
    Cost,
    /// Findings and policies.
    Policy,
    /// Facts only the data itself holds: its values, units, counts, what
    /// its rows say (answered with a read-only query).
    Data,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Discovery,
        Kind::Sensitivity,
        Kind::Lineage,
        Kind::Usage,
        Kind::Cost,
        Kind::Policy,
        Kind::Data,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Discovery => "discovery",
            Kind::Sensitivity => "sensitivity",
            Kind::Lineage => "lineage",
            Kind::Usage => "usage",
            Kind::Cost => "cost",
            Kind::Policy => "policy",
            Kind::Data => "data",
        }
    }

    /// What the kind means, as the model is asked to choose.
    pub fn meaning(self) -> &'static str {
        match self {
            Kind::Discovery => "finding where some data is kept",
            Kind::Sensitivity => {
                "personal or sensitive data, masking, whether data is safe to share"
            }
            Kind::Lineage => "where data comes from or goes to, what a change would break",
            Kind::Usage => "who reads or queries data and when",
            Kind::Cost => "what data costs and what could be saved",
            Kind::Policy => "governance findings, policies and compliance issues",
            Kind::Data => "what the data itself holds: values, units, counts, totals, rows",
        }
    }
}

/// Words (lower case, matched at word starts; one that ends in a space is
/// matched as a whole word) that say what a question asks.
/// Checked in this order: a lineage question may mention sensitive data, a
/// usage question a table's cost.
const WORDS: &[(Kind, &[&str])] = &[
    // Money first: "how much would we save by dropping X" asks for a saving,
    // not for what the drop breaks.
    (
        Kind::Cost,
        &[
            "money",
            "save money",
            "save on",
            "we save",
            "be saved",
            "savings",
            "cheaper",
        ],
    ),
    (
        Kind::Lineage,
        &[
            "come from",
            "comes from",
            "came from",
            "coming from",
            "derived from",
            "source of",
            "sources of",
            "upstream",
            "downstream",
            "lineage",
            "feeds",
            "feed into",
            "fed by",
            "flows",
            "flow into",
            "depends on",
            "depend on",
            "dependent",
            "impact",
            "break",
            "if we drop",
            "if i drop",
            "drop the",
            "dropping",
            "rename",
            "affected",
            "built from",
            "populated",
            "goes to",
            "get its",
            "gets its",
            "get their",
            "gets their",
            "from where",
            "go to",
            "end up",
            "ends up",
            "copied to",
            "copied into",
            "copied from",
            "computed from",
            "calculated from",
            "trace",
            "source column",
            "source table",
            "restructur",
            "rework",
        ],
    ),
    (
        Kind::Usage,
        &[
            "who reads",
            "who read",
            "who queries",
            "who queried",
            "who uses",
            "who used",
            "who accessed",
            "who access",
            "used by",
            "read by",
            "queried by",
            "usage",
            "accessed",
            "last read",
            "last queried",
            "unused",
            "nobody reads",
            "no one reads",
            "at night",
            "off-hours",
            "off hours",
            "weekend",
            "queried",
            "how often",
            "read by whom",
        ],
    ),
    (
        Kind::Data,
        &[
            "what unit",
            "which unit",
            "in what unit",
            "units",
            "what currency",
            "which currency",
            "currency",
            "currencies",
            "data dictionary",
            "what values",
            "which values",
            "distinct values",
            "values does",
            "values do",
            "how many rows",
            "rows where",
            "rows with",
            "sample rows",
            "example rows",
            "in the data",
        ],
    ),
    (
        Kind::Cost,
        &[
            "cost",
            "costs",
            "expensive",
            "spend",
            "spending",
            "saving",
            "bytes",
            "storage",
            // Whole words: "billing country" and "billed in" are not cost.
            "bill ",
            "bills ",
        ],
    ),
    (
        Kind::Policy,
        &[
            "finding",
            "findings",
            "policy",
            "policies",
            "violation",
            "violate",
            "compliance",
            "compliant",
            "comply",
            "waive",
            "waiver",
            "governance issue",
            "open issues",
        ],
    ),
    (
        Kind::Sensitivity,
        &[
            "sensitive",
            "identity",
            "national id",
            "pii",
            "personal",
            "gdpr",
            "hipaa",
            "ccpa",
            "mask",
            "masked",
            "confidential",
            "private",
            "privacy",
            "safe to share",
            "safe to",
            "is it safe",
            "e-mail",
            "email",
            "phone",
            "ssn",
            "social security",
            "credit card",
            "card number",
            "iban",
            "passport",
            "address",
            "birth",
            "secret",
            "password",
            "api key",
            "quasi-identifier",
            "identify people",
            "re-identify",
        ],
    ),
    (
        Kind::Discovery,
        &[
            "where is",
            "where are",
            "where can",
            "which table",
            "which tables",
            "what table",
            "what tables",
            "which column",
            "which columns",
            "find",
            "look for",
            "is there",
            "do we have",
            "do we keep",
            "where do we keep",
            "stored",
            "kept",
            "describe",
            "what is in",
            "what's in",
            "what does",
            "contain",
            "columns of",
        ],
    ),
    // A price is often a column ("which table has the menu price"): a cost
    // word only when nothing asks where data is.
    (Kind::Cost, &["price", "prices", "pricing"]),
];

/// The kind the question's words say, if they say one.
pub fn route_by_words(question: &str) -> Option<Kind> {
    let q = format!(
        " {} ",
        question.to_lowercase().replace(['?', ',', '.', '!'], " ")
    );
    let says = |words: &[&str]| words.iter().any(|w| q.contains(&format!(" {w}")));
    let asks_values = says(VALUE_WORDS);
    match WORDS.iter().find(|(_, words)| says(words)).map(|(k, _)| *k) {
        // "Which birth country has the most players", "how many customers
        // have a phone number": a count over the rows, not a question about
        // where sensitive data is, unless it speaks of tables or columns.
        Some(Kind::Sensitivity | Kind::Discovery) if asks_values && !says(METADATA_WORDS) => {
            Some(Kind::Data)
        }
        Some(kind) => Some(kind),
        None => asks_values.then_some(Kind::Data),
    }
}

/// Words that make a question one about the catalog's assets.
const METADATA_WORDS: &[&str] = &[
    "table", "column", "field", "dataset", "asset", "schema", "mart", "source",
];

/// Words that ask for a count, an extreme or a comparison of values, or for
/// what free text in the rows says. They are a weaker sign than the kinds'
/// own words ("which table costs the most" is a cost question, "summarise
/// the open findings" a policy one), so they decide only when no kind's
/// words are there.
const VALUE_WORDS: &[&str] = &[
    "how many",
    "average",
    "on average",
    "the highest",
    "the lowest",
    "the largest",
    "the smallest",
    "the earliest",
    "the latest",
    "the total",
    "share of",
    "what share",
    "percentage",
    "percent of",
    "proportion",
    "most often",
    "most common",
    "least common",
    "the most",
    "the fewest",
    "the least",
    "the longest",
    "the shortest",
    "the oldest",
    "the newest",
    "the biggest",
    "longer than",
    "shorter than",
    "more than",
    "fewer than",
    "less than",
    "at least",
    "at most",
    "saying",
    "say about",
    "go past",
    "go back",
    "go beyond",
    "only ever",
    "summarise",
    "summarize",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_route_by_what_they_ask() {
        for (question, kind) in [
            (
                "Where does mart.revenue get its amounts from?",
                Kind::Lineage,
            ),
            ("What breaks if we drop raw.orders?", Kind::Lineage),
            ("Which columns hold e-mail addresses?", Kind::Sensitivity),
            (
                "Is it safe to share staging.customers with a vendor?",
                Kind::Sensitivity,
            ),
            ("Who reads raw.payments at night?", Kind::Usage),
            ("What does the events table cost us a month?", Kind::Cost),
            ("Are there open findings on raw.customers?", Kind::Policy),
            ("Which table has the product catalogue?", Kind::Discovery),
            (
                "What currency are the amounts of raw.orders in?",
                Kind::Data,
            ),
            ("How many rows of raw.orders have no customer?", Kind::Data),
        ] {
            assert_eq!(route_by_words(question), Some(kind), "{question}");
        }
        assert_eq!(route_by_words("Tell me about raw.orders"), None);
        // A whole-word cost word does not match inside a longer word.
        assert_eq!(
            route_by_words("Where can I see revenue by billing country?"),
            Some(Kind::Discovery)
        );
        assert_eq!(
            route_by_words("Why is our cloud bill so high?"),
            Some(Kind::Cost)
        );
    }

    #[test]
    fn counts_and_extremes_are_data_only_when_no_kind_is_named() {
        for (question, kind) in [
            ("How many tracks run longer than ten minutes?", Kind::Data),
            ("Which genre has the most tracks?", Kind::Data),
            ("How many orders were placed on a Sunday?", Kind::Data),
            ("Which table costs the most?", Kind::Cost),
            ("How much could we save on raw.payments?", Kind::Cost),
            ("Which table is queried the most?", Kind::Usage),
            ("How many columns hold e-mail addresses?", Kind::Sensitivity),
            ("How many open findings are there?", Kind::Policy),
            ("What are customers saying in raw.feedback?", Kind::Data),
            ("Summarise the notes column of crm.calls.", Kind::Data),
            ("Summarise the open findings on crm.calls.", Kind::Policy),
            ("Which birth country has the most players?", Kind::Data),
            (
                "Which currencies are the amounts of raw.orders in?",
                Kind::Data,
            ),
            ("How many customers have a phone number?", Kind::Data),
            (
                "Which table holds the most e-mail addresses?",
                Kind::Sensitivity,
            ),
            ("Do our salary records go past 2016?", Kind::Data),
            ("How much money would dropping raw.logs save?", Kind::Cost),
            ("What would dropping raw.logs break?", Kind::Lineage),
            (
                "We plan to restructure crm.calls; what needs rework?",
                Kind::Lineage,
            ),
            ("Trace mart.x.email back to its column.", Kind::Lineage),
            (
                "Which table makes our queries scan the most bytes?",
                Kind::Cost,
            ),
            // Extremes and totals are values unless a kind is named.
            (
                "Which table takes the largest share of the bytes scanned?",
                Kind::Cost,
            ),
            ("What is the total storage cost of raw.logs?", Kind::Cost),
            ("When was raw.logs last read, the latest time?", Kind::Usage),
            ("What is the largest amount in raw.payments?", Kind::Data),
            // Shares and frequencies ask for values, even of a phone column.
            (
                "What share of calls came in by phone rather than e-mail?",
                Kind::Data,
            ),
            ("Which plan do subscribers pick most often?", Kind::Data),
            // A price is a column unless nothing asks where data is.
            (
                "Which table has the list price of each product?",
                Kind::Discovery,
            ),
            ("What is the price of keeping raw.logs?", Kind::Cost),
        ] {
            assert_eq!(route_by_words(question), Some(kind), "{question}");
        }
    }
}
