//! The two backends' rows and bind parameters behind one small vocabulary, so each
//! entity's mapping is written once for both.

use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::types::Json;

use crate::error::StoreError;

/// A bind parameter. Nulls carry their type: PostgreSQL rejects a text-typed
/// null bound to a bigint column.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    Bool(bool),
    Time(Option<DateTime<Utc>>),
    Json(serde_json::Value),
}

impl Value {
    pub(crate) fn json(value: &impl Serialize) -> Self {
        // Serializing plain data (strings, maps, numbers) into a Value cannot fail.
        Self::Json(serde_json::to_value(value).unwrap_or(serde_json::Value::Null))
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Int(Some(v))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Self::Int(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Self::Real(Some(v))
    }
}
impl From<Option<f64>> for Value {
    fn from(v: Option<f64>) -> Self {
        Self::Real(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::Text(Some(v.to_string()))
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Self::Text(Some(v.clone()))
    }
}
impl From<&Option<String>> for Value {
    fn from(v: &Option<String>) -> Self {
        Self::Text(v.clone())
    }
}
// A secret (a hash) is stored as the text it is; it is only masked on display.
impl From<&steward_types::Secret> for Value {
    fn from(v: &steward_types::Secret) -> Self {
        Self::Text(Some(v.expose().to_string()))
    }
}
impl From<&Option<steward_types::Secret>> for Value {
    fn from(v: &Option<steward_types::Secret>) -> Self {
        Self::Text(v.as_ref().map(|s| s.expose().to_string()))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}
// Timestamps are kept to the microsecond, PostgreSQL's precision, on both backends.
impl From<DateTime<Utc>> for Value {
    fn from(v: DateTime<Utc>) -> Self {
        Self::Time(Some(v.trunc_subsecs(6)))
    }
}
impl From<Option<DateTime<Utc>>> for Value {
    fn from(v: Option<DateTime<Utc>>) -> Self {
        Self::Time(v.map(|v| v.trunc_subsecs(6)))
    }
}

/// Binds values in order to a query of either backend.
macro_rules! bind_values {
    ($query:expr, $values:expr) => {{
        let mut query = $query;
        for value in $values {
            query = match value {
                $crate::row::Value::Int(v) => query.bind(v),
                $crate::row::Value::Real(v) => query.bind(v),
                $crate::row::Value::Text(v) => query.bind(v),
                $crate::row::Value::Bool(v) => query.bind(v),
                $crate::row::Value::Time(v) => query.bind(v),
                $crate::row::Value::Json(v) => query.bind(sqlx::types::Json(v)),
            };
        }
        query
    }};
}
pub(crate) use bind_values;

/// Reads typed fields from a row of either backend.
pub(crate) trait DbRow {
    fn get_i64(&self, field: &str) -> Result<Option<i64>, sqlx::Error>;
    fn get_f64(&self, field: &str) -> Result<Option<f64>, sqlx::Error>;
    fn get_text(&self, field: &str) -> Result<Option<String>, sqlx::Error>;
    fn get_bool(&self, field: &str) -> Result<Option<bool>, sqlx::Error>;
    fn get_time(&self, field: &str) -> Result<Option<DateTime<Utc>>, sqlx::Error>;
    fn get_json(&self, field: &str) -> Result<Option<serde_json::Value>, sqlx::Error>;
}

macro_rules! impl_db_row {
    ($row:ty) => {
        impl DbRow for $row {
            fn get_i64(&self, field: &str) -> Result<Option<i64>, sqlx::Error> {
                self.try_get(field)
            }
            fn get_f64(&self, field: &str) -> Result<Option<f64>, sqlx::Error> {
                self.try_get(field)
            }
            fn get_text(&self, field: &str) -> Result<Option<String>, sqlx::Error> {
                self.try_get(field)
            }
            fn get_bool(&self, field: &str) -> Result<Option<bool>, sqlx::Error> {
                self.try_get(field)
            }
            fn get_time(&self, field: &str) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
                self.try_get(field)
            }
            fn get_json(&self, field: &str) -> Result<Option<serde_json::Value>, sqlx::Error> {
                self.try_get::<Option<Json<serde_json::Value>>, _>(field)
                    .map(|v| v.map(|Json(v)| v))
            }
        }
    };
}
impl_db_row!(SqliteRow);
impl_db_row!(PgRow);

/// A row being read as one entity: every failure names the entity and the field.
pub(crate) struct Fields<'r> {
    row: &'r dyn DbRow,
    entity: &'static str,
}

impl<'r> Fields<'r> {
    pub(crate) fn new(row: &'r dyn DbRow, entity: &'static str) -> Self {
        Self { row, entity }
    }

    fn decode_err(&self, field: &'static str, reason: impl ToString) -> StoreError {
        StoreError::Decode {
            entity: self.entity,
            field,
            reason: reason.to_string(),
        }
    }

    fn required<T>(&self, field: &'static str, value: Option<T>) -> Result<T, StoreError> {
        value.ok_or_else(|| self.decode_err(field, "unexpected null"))
    }

    pub(crate) fn opt_i64(&self, field: &'static str) -> Result<Option<i64>, StoreError> {
        self.row
            .get_i64(field)
            .map_err(|e| self.decode_err(field, e))
    }
    pub(crate) fn i64(&self, field: &'static str) -> Result<i64, StoreError> {
        self.required(field, self.opt_i64(field)?)
    }
    pub(crate) fn opt_f64(&self, field: &'static str) -> Result<Option<f64>, StoreError> {
        self.row
            .get_f64(field)
            .map_err(|e| self.decode_err(field, e))
    }
    pub(crate) fn f64(&self, field: &'static str) -> Result<f64, StoreError> {
        self.required(field, self.opt_f64(field)?)
    }
    pub(crate) fn opt_text(&self, field: &'static str) -> Result<Option<String>, StoreError> {
        self.row
            .get_text(field)
            .map_err(|e| self.decode_err(field, e))
    }
    pub(crate) fn text(&self, field: &'static str) -> Result<String, StoreError> {
        self.required(field, self.opt_text(field)?)
    }
    pub(crate) fn bool(&self, field: &'static str) -> Result<bool, StoreError> {
        let value = self
            .row
            .get_bool(field)
            .map_err(|e| self.decode_err(field, e))?;
        self.required(field, value)
    }
    pub(crate) fn opt_time(
        &self,
        field: &'static str,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.row
            .get_time(field)
            .map_err(|e| self.decode_err(field, e))
    }
    pub(crate) fn time(&self, field: &'static str) -> Result<DateTime<Utc>, StoreError> {
        self.required(field, self.opt_time(field)?)
    }
    /// A JSON field read as `T`; a stored JSON null reads as `T::default()`.
    pub(crate) fn json<T: DeserializeOwned + Default>(
        &self,
        field: &'static str,
    ) -> Result<T, StoreError> {
        match self
            .row
            .get_json(field)
            .map_err(|e| self.decode_err(field, e))?
        {
            None | Some(serde_json::Value::Null) => Ok(T::default()),
            Some(value) => serde_json::from_value(value).map_err(|e| self.decode_err(field, e)),
        }
    }
    /// A text field holding one of an enum's stored spellings.
    pub(crate) fn parse<T>(&self, field: &'static str) -> Result<T, StoreError>
    where
        T: std::str::FromStr,
        T::Err: ToString,
    {
        self.text(field)?
            .parse()
            .map_err(|e: T::Err| self.decode_err(field, e))
    }
}
