//! Rows read inside a write transaction (`store::tx`): sqlx's, or owned
//! copies of the SQLite writer's, decoded through [`Columns`] by the same
//! functions as every other read.

use super::sql::{Columns, FromColumn};
use crate::error::{ApiError, ApiResult};
use sqlx::any::AnyRow;
use std::sync::Arc;

/// A row read in a write transaction: sqlx's, or an owned copy of the SQLite
/// writer's.
pub enum Row {
    Any(AnyRow),
    Owned(OwnedRow),
}

impl Row {
    /// The column's value as `T` (named after sqlx's `Row::try_get`).
    pub fn try_get<T: FromColumn>(&self, column: &str) -> ApiResult<T> {
        T::read(self, column)
    }

    /// The first column's value.
    pub(super) fn first<T: FromColumn>(&self) -> ApiResult<T> {
        let name = match self {
            Row::Any(row) => sqlx::Row::columns(row)
                .first()
                .map(|column| sqlx::Column::name(column).to_owned()),
            Row::Owned(row) => row.names.first().cloned(),
        };
        let name = name.ok_or_else(|| ApiError::Internal("a row without columns".into()))?;
        self.try_get(&name)
    }
}

impl Columns for Row {
    fn text_opt(&self, column: &str) -> ApiResult<Option<String>> {
        match self {
            Row::Any(row) => row.text_opt(column),
            Row::Owned(row) => row.text_opt(column),
        }
    }

    fn int_opt(&self, column: &str) -> ApiResult<Option<i64>> {
        match self {
            Row::Any(row) => row.int_opt(column),
            Row::Owned(row) => row.int_opt(column),
        }
    }
}

/// A value SQLite returned: the schema stores text and integers.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    /// A real or a blob, which no column of the schema holds: an error when
    /// read.
    Other(&'static str),
}

/// A row copied out of a SQLite statement, with its statement's column names.
#[derive(Clone, Debug)]
pub struct OwnedRow {
    pub(super) names: Arc<[String]>,
    pub(super) values: Vec<Value>,
}

impl OwnedRow {
    fn value(&self, column: &str) -> ApiResult<&Value> {
        self.names
            .iter()
            .position(|name| name == column)
            .and_then(|index| self.values.get(index))
            .ok_or_else(|| ApiError::Internal(format!("no column {column} in the row")))
    }
}

impl Columns for OwnedRow {
    fn text_opt(&self, column: &str) -> ApiResult<Option<String>> {
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::Text(text) => Ok(Some(text.clone())),
            Value::Int(_) => Err(unexpected(column, "an integer", "text")),
            Value::Other(found) => Err(unexpected(column, found, "text")),
        }
    }

    fn int_opt(&self, column: &str) -> ApiResult<Option<i64>> {
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::Int(n) => Ok(Some(*n)),
            Value::Text(_) => Err(unexpected(column, "text", "an integer")),
            Value::Other(found) => Err(unexpected(column, found, "an integer")),
        }
    }
}

fn unexpected(column: &str, found: &str, wanted: &str) -> ApiError {
    ApiError::Internal(format!("column {column} holds {found}, not {wanted}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> Row {
        Row::Owned(OwnedRow {
            names: vec!["id".to_owned(), "n".to_owned(), "note".to_owned()].into(),
            values: vec![Value::Text("a".into()), Value::Int(3), Value::Null],
        })
    }

    #[test]
    fn an_owned_row_reads_by_name_and_its_first_column() {
        let row = row();
        assert_eq!(row.try_get::<String>("id").unwrap(), "a");
        assert_eq!(row.try_get::<i64>("n").unwrap(), 3);
        assert_eq!(row.try_get::<Option<String>>("note").unwrap(), None);
        assert_eq!(row.first::<String>().unwrap(), "a");
    }

    #[test]
    fn a_wrong_type_a_null_where_a_value_belongs_and_a_missing_column_are_errors() {
        let row = row();
        assert!(row.try_get::<i64>("id").is_err());
        assert!(row.try_get::<String>("n").is_err());
        assert!(row.try_get::<String>("note").is_err());
        assert!(row.try_get::<String>("absent").is_err());
        let real = Row::Owned(OwnedRow {
            names: vec!["x".to_owned()].into(),
            values: vec![Value::Other("a real")],
        });
        let error = real.try_get::<Option<i64>>("x").unwrap_err();
        assert!(error.to_string().contains("a real"), "{error}");
    }
}
