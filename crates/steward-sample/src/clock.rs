//! Every timestamp is the fixed epoch plus a generated offset, never the wall
//! clock, so two runs write the same bytes.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// 2024-01-01T00:00:00Z, in Unix seconds.
pub const EPOCH: i64 = 1_704_067_200;
pub const HOUR: i64 = 3_600;
pub const DAY: i64 = 86_400;
/// Orders, payments, events and tickets cover two weeks from the epoch.
pub const BUSINESS_DAYS: i64 = 14;

/// Days from 0001-01-01 to 1970-01-01, to turn chrono dates into Arrow `Date32`.
const UNIX_DAYS_FROM_CE: i32 = 719_163;

pub fn datetime(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or(DateTime::UNIX_EPOCH)
}

pub fn date(secs: i64) -> NaiveDate {
    datetime(secs).date_naive()
}

/// `2024-01-03T10:15:22Z`, the lake's text timestamps.
pub fn iso(secs: i64) -> String {
    datetime(secs).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `2024-01-03 10:15:22`, how the operational SQLite stores times.
pub fn sql_time(secs: i64) -> String {
    datetime(secs).format("%Y-%m-%d %H:%M:%S").to_string()
}

pub fn micros(secs: i64) -> i64 {
    secs * 1_000_000
}

/// Arrow `Date32`: days since 1970-01-01.
pub fn date32(date: NaiveDate) -> i32 {
    date.num_days_from_ce() - UNIX_DAYS_FROM_CE
}

/// Whole years between `born` and `on`.
pub fn age(born: NaiveDate, on: NaiveDate) -> i32 {
    let mut years = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_is_new_year_2024() {
        assert_eq!(iso(EPOCH), "2024-01-01T00:00:00Z");
        assert_eq!(date32(date(0)), 0);
        assert_eq!(date32(date(EPOCH)), 19_723);
    }
}
