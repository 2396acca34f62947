//! Sample values never persist in clear where a column could hold personal
//! data: what is stored of a profile is masked according to what the
//! classifier (or a steward) says of the column.
//!
//! - `Sensitive` columns are masked whatever their type.
//! - `Unknown` columns (not classified, or ambiguous) get the conservative
//!   rule: text, binary and date values are masked, and so are integers long
//!   enough to be a phone, card, account or national id number.
//! - `Clear` columns (classified as not sensitive, with few distinct values:
//!   status codes, currencies, flags) are stored as they are.
//!
//! Counts, lengths, means and timestamps of events are stored as they are.

use chrono::{DateTime, Utc};
use steward_types::{Column, ColumnProfile, Id, ValueCount, mask_value};
use steward_warehouse::{ColumnStats, TableProfile};

/// Integers with at least this many digits may identify a person.
const IDENTIFYING_DIGITS: usize = 7;

fn is_textual(data_type: &str) -> bool {
    let t = data_type.to_ascii_lowercase();
    t.contains("utf8") || t.contains("binary") || t.starts_with("date") || t.contains("dictionary")
}

fn is_integer(data_type: &str) -> bool {
    let t = data_type.to_ascii_lowercase();
    t.starts_with("int") || t.starts_with("uint")
}

/// How much of a column's values may be stored in clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exposure {
    Sensitive,
    Unknown,
    Clear,
}

/// Columns with at most this many distinct values are categories (statuses,
/// currencies) that may be shown when the classifier found nothing in them.
const CATEGORY_DISTINCT: i64 = 50;

impl Exposure {
    /// From the classification: sensitive when labelled or ambiguous, clear
    /// for a category the classifier looked at and found nothing in.
    pub fn of(
        decision: Option<&steward_pii::ColumnDecision>,
        distinct: Option<i64>,
        steward_rejected: bool,
    ) -> Exposure {
        let Some(decision) = decision else {
            return Exposure::Unknown;
        };
        if decision.label.is_some() || decision.ambiguous.is_some() {
            return Exposure::Sensitive;
        }
        let category = distinct.is_some_and(|d| d <= CATEGORY_DISTINCT);
        if (category || steward_rejected) && decision.values_seen > 0 {
            Exposure::Clear
        } else {
            Exposure::Unknown
        }
    }
}

/// The value as it may be stored for a column of `data_type`.
fn guard_as(exposure: Exposure, data_type: &str, value: &str) -> String {
    match exposure {
        Exposure::Sensitive => mask_value(value),
        Exposure::Clear => value.to_string(),
        Exposure::Unknown => guard(data_type, value),
    }
}

/// The conservative rule for a column nothing is known of.
fn guard(data_type: &str, value: &str) -> String {
    if is_textual(data_type) {
        return mask_value(value);
    }
    if is_integer(data_type) && value.trim_start_matches('-').len() >= IDENTIFYING_DIGITS {
        return mask_value(value);
    }
    value.to_string()
}

/// The stored form of one column's statistics.
pub fn masked_profile(
    column_id: Id<Column>,
    data_type: &str,
    stats: &ColumnStats,
    profile: &TableProfile,
    profiled_at: DateTime<Utc>,
    exposure: Exposure,
) -> ColumnProfile {
    let guard = |data_type: &str, value: &str| guard_as(exposure, data_type, value);
    ColumnProfile {
        column_id,
        profiled_at,
        row_count: stats.row_count,
        null_count: stats.null_count,
        distinct_approx: stats.distinct_approx,
        min: stats.min.as_deref().map(|v| guard(data_type, v)),
        max: stats.max.as_deref().map(|v| guard(data_type, v)),
        mean: stats.mean,
        stddev: stats.stddev,
        min_length: stats.min_length,
        avg_length: stats.avg_length,
        max_length: stats.max_length,
        top_values: stats
            .top_values
            .iter()
            .map(|(value, count)| ValueCount {
                value: guard(data_type, value),
                count: *count,
            })
            .collect(),
        sampling: profile.sampling,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_values_are_masked_and_measures_kept() {
        assert_eq!(guard("Utf8", "jane@example.com"), "j***@e***.c***");
        assert_eq!(guard("Utf8View", "Jane Doe"), "J*** D***");
        assert_eq!(guard("Date32", "1984-07-02"), "1***-0***-0***");
        assert_eq!(guard("Int64", "4111111111111111"), "4***");
        assert_eq!(guard("Int64", "-5551234"), "-5***");
        assert_eq!(guard("Int64", "42"), "42");
        assert_eq!(guard("Float64", "19.99"), "19.99");
        assert_eq!(
            guard("Timestamp(µs, \"UTC\")", "2024-01-01T10:00:00Z"),
            "2024-01-01T10:00:00Z"
        );
        assert_eq!(guard("Boolean", "true"), "true");
    }

    #[test]
    fn the_classification_decides_what_is_shown() {
        assert_eq!(guard_as(Exposure::Sensitive, "Int64", "02134"), "0***");
        assert_eq!(guard_as(Exposure::Clear, "Utf8", "shipped"), "shipped");
        assert_eq!(guard_as(Exposure::Unknown, "Utf8", "shipped"), "s***");
    }
}
