//! A whole table at once: neighbouring columns settle what one column alone
//! cannot (five digits beside a city and a street are a postal code), an
//! optional second opinion is asked about the columns still ambiguous, and
//! columns that together single people out are flagged as quasi-identifiers.

use crate::column::{self, Candidate, ClassifierOptions, ColumnDecision, ColumnSample};
use crate::label::Label;
use crate::name;

/// A column the rules could not settle, put to a second opinion.
#[derive(Debug)]
pub struct AmbiguousColumn<'a> {
    pub table: &'a str,
    pub column: &'a ColumnSample<'a>,
    /// The names of the other columns of the table, for context.
    pub neighbours: Vec<&'a str>,
    /// The best candidate the rules found, below the acceptance threshold.
    pub candidate: &'a Candidate,
}

/// What a second opinion says about an ambiguous column.
#[derive(Debug, Clone, PartialEq)]
pub struct Opinion {
    /// The label it chose, or `None` for "not sensitive".
    pub label: Option<Label>,
    pub confidence: f64,
    /// Why, in words; stored with the evidence.
    pub reason: String,
}

/// A second opinion for ambiguous columns, such as the local language model.
/// It sees sample values in memory and must neither store nor log them.
pub trait SecondOpinion: Send + Sync {
    /// Judges one column. An error or no answer leaves the column unlabelled.
    fn judge(&self, question: &AmbiguousColumn<'_>) -> Option<Opinion>;
}

/// A shared opinion (one model for every table of a scan) is an opinion.
impl<T: SecondOpinion + ?Sized> SecondOpinion for std::sync::Arc<T> {
    fn judge(&self, question: &AmbiguousColumn<'_>) -> Option<Opinion> {
        (**self).judge(question)
    }
}

/// Columns that together re-identify people.
#[derive(Debug, Clone, PartialEq)]
pub struct QuasiIdentifier {
    /// Indices into the table's columns.
    pub columns: Vec<usize>,
    /// What each contributes: `postal code`, `birth date`, `gender`, ...
    pub kinds: Vec<&'static str>,
    pub evidence: String,
}

/// What the classifier decided for a table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableDecision {
    pub columns: Vec<ColumnDecision>,
    pub quasi_identifiers: Vec<QuasiIdentifier>,
}

/// The column classifier with its options and an optional second opinion.
pub struct Classifier {
    pub options: ClassifierOptions,
    opinion: Option<Box<dyn SecondOpinion>>,
}

impl std::fmt::Debug for Classifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Classifier")
            .field("options", &self.options)
            .field("second_opinion", &self.opinion.is_some())
            .finish()
    }
}

impl Default for Classifier {
    fn default() -> Self {
        Self::new(ClassifierOptions::default())
    }
}

/// Names of the columns of an address block around a postal code.
const LOCATION_WORDS: &[&str] = &[
    "city", "town", "state", "province", "county", "country", "ciudad", "stadt", "ville", "ort",
    "comune", "street", "address", "addr",
];
/// A city column, without which bare digits are not taken for postal codes.
const CITY_WORDS: &[&str] = &["city", "town", "ciudad", "stadt", "ville", "ort", "comune"];
const GENDER_WORDS: &[&str] = &["gender", "sex", "geschlecht", "sexo", "genre", "sesso"];
const GENDER_VALUES: &[&str] = &[
    "m",
    "f",
    "male",
    "female",
    "man",
    "woman",
    "x",
    "other",
    "non-binary",
    "nonbinary",
    "u",
    "unknown",
    "w",
    "d",
    "männlich",
    "weiblich",
    "hombre",
    "mujer",
    "homme",
    "femme",
];
const BIRTH_YEAR_WORDS: &[&str] = &["age", "yob", "birth_year", "birthyear", "year_of_birth"];

fn has_token(name: &str, words: &[&str]) -> bool {
    let tokens = name::tokens(name);
    let pairs: Vec<String> = tokens.windows(2).map(|p| p.join("_")).collect();
    tokens
        .iter()
        .chain(pairs.iter())
        .any(|t| words.contains(&t.as_str()))
}

fn is_gender(column: &ColumnSample<'_>) -> bool {
    if has_token(column.name, GENDER_WORDS) {
        return true;
    }
    let mut distinct: Vec<String> = column
        .values
        .iter()
        .map(|v| v.trim().to_lowercase())
        .collect();
    distinct.sort();
    distinct.dedup();
    column.values.len() >= 10
        && (2..=4).contains(&distinct.len())
        && distinct.iter().all(|v| GENDER_VALUES.contains(&v.as_str()))
}

impl Classifier {
    pub fn new(options: ClassifierOptions) -> Self {
        Self {
            options,
            opinion: None,
        }
    }

    /// Asks `opinion` about columns whose best candidate falls between
    /// `ask_from` and `accept`.
    pub fn with_second_opinion(mut self, opinion: Box<dyn SecondOpinion>) -> Self {
        self.opinion = Some(opinion);
        self
    }

    /// Classifies one column without its table.
    pub fn classify_column(&self, column: &ColumnSample<'_>) -> ColumnDecision {
        column::classify_column(column, &self.options)
    }

    /// Classifies every column of a table, using the neighbours, the second
    /// opinion and the quasi-identifier rules.
    pub fn classify_table(&self, table: &str, columns: &[ColumnSample<'_>]) -> TableDecision {
        let mut ranked: Vec<Vec<Candidate>> = columns
            .iter()
            .map(|c| column::candidates(c, &self.options))
            .collect();
        self.use_neighbours(columns, &mut ranked);
        let mut decisions: Vec<ColumnDecision> = columns
            .iter()
            .zip(ranked)
            .map(|(c, r)| column::decide(c, r, &self.options))
            .collect();
        if let Some(opinion) = &self.opinion {
            for (i, decision) in decisions.iter_mut().enumerate() {
                let Some(candidate) = decision.ambiguous.clone() else {
                    continue;
                };
                let neighbours = columns
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, c)| c.name)
                    .collect();
                let question = AmbiguousColumn {
                    table,
                    column: &columns[i],
                    neighbours,
                    candidate: &candidate,
                };
                if let Some(answer) = opinion.judge(&question) {
                    // A checksum the values passed is not overturned by a
                    // reading of them: the column stays for a steward, with
                    // the disagreement on record.
                    if candidate.checksum_backed() && answer.label != Some(candidate.label) {
                        decision.evidence.push(format!(
                            "second opinion disagreed ({}), but the values pass a checksum: \
                             left for a steward",
                            answer.reason
                        ));
                        continue;
                    }
                    decision
                        .evidence
                        .push(format!("second opinion: {}", answer.reason));
                    if let Some(label) = answer.label {
                        decision.by_second_opinion = true;
                        decision.label = Some(label);
                        decision.confidence = answer.confidence.clamp(0.0, 1.0);
                        decision.share = candidate.share;
                        decision.evidence.extend(candidate.evidence.iter().cloned());
                    }
                }
            }
        }
        let quasi_identifiers = quasi_identifiers(columns, &decisions);
        TableDecision {
            columns: decisions,
            quasi_identifiers,
        }
    }

    /// Raises a weak postal-code candidate (bare digits) in a table that
    /// describes a place: a city and a state, country or street beside it, and
    /// no other postal-code column.
    fn use_neighbours(&self, columns: &[ColumnSample<'_>], ranked: &mut [Vec<Candidate>]) {
        let located: Vec<&str> = columns
            .iter()
            .zip(ranked.iter())
            .filter(|(c, r)| {
                has_token(c.name, LOCATION_WORDS)
                    || r.first().is_some_and(|best| {
                        best.label == Label::StreetAddress && best.confidence >= self.options.accept
                    })
            })
            .map(|(c, _)| c.name)
            .collect();
        let has_city = columns.iter().any(|c| has_token(c.name, CITY_WORDS));
        let postal_elsewhere = |i: usize| {
            ranked.iter().enumerate().any(|(j, r)| {
                j != i
                    && r.first().is_some_and(|best| {
                        best.label == Label::PostalCode && best.confidence >= self.options.accept
                    })
            })
        };
        let mut raise = Vec::new();
        for (i, candidates) in ranked.iter().enumerate() {
            let Some(best) = candidates.first() else {
                continue;
            };
            if best.label == Label::PostalCode
                && best.confidence < self.options.accept
                && has_city
                && located.len() >= 2
                && !postal_elsewhere(i)
            {
                raise.push(i);
            }
        }
        for i in raise {
            if let Some(best) = ranked[i].first_mut() {
                best.confidence = self.options.accept;
                best.evidence.push(format!(
                    "beside the address columns {}",
                    located
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
}

/// Postal code, birth date and gender together single out most people
/// (Sweeney: 87% of the US population); two of them with the birth date
/// still narrow a person down to a handful.
fn quasi_identifiers(
    columns: &[ColumnSample<'_>],
    decisions: &[ColumnDecision],
) -> Vec<QuasiIdentifier> {
    let find =
        |kind: &'static str, test: &dyn Fn(usize) -> bool| -> Option<(usize, &'static str)> {
            (0..columns.len()).find(|&i| test(i)).map(|i| (i, kind))
        };
    let location = find("postal code", &|i| {
        decisions[i].label == Some(Label::PostalCode)
    });
    let birth = find("birth date", &|i| {
        decisions[i].label == Some(Label::DateOfBirth)
            || has_token(columns[i].name, BIRTH_YEAR_WORDS)
    });
    let gender = find("gender", &|i| {
        decisions[i].label.is_none() && is_gender(&columns[i])
    });
    let parts: Vec<(usize, &'static str)> =
        [location, birth, gender].into_iter().flatten().collect();
    let strong = parts.len() == 3 || (location.is_some() && birth.is_some());
    if !strong {
        return Vec::new();
    }
    let names: Vec<String> = parts
        .iter()
        .map(|(i, _)| format!("`{}`", columns[*i].name))
        .collect();
    let kinds: Vec<&'static str> = parts.iter().map(|(_, k)| *k).collect();
    vec![QuasiIdentifier {
        columns: parts.iter().map(|(i, _)| *i).collect(),
        kinds: kinds.clone(),
        evidence: format!(
            "{} together ({}) can re-identify people even without a name: postal code, birth date and gender single out 87% of US residents",
            names.join(", "),
            kinds.join(" + ")
        ),
    }]
}
