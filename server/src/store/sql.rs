//! What every store module needs to write SQL: numbered placeholders, `LIKE`
//! patterns, statements built at run time with their binds, keyset pages, and
//! reading typed values out of rows — where a value that does not parse is an
//! error, never a silent `None` (a corrupt role must not read as "not a member").

use crate::error::{ApiError, ApiResult};
use domain::Timestamp;
use sqlx::any::AnyRow;
use sqlx::Any;
use std::borrow::Cow;
use std::str::FromStr;

/// `$from, $from+1, …` for `n` values.
pub fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A `LIKE` pattern matching `text` anywhere, lower-cased, with `%`, `_` and `\`
/// escaped (use with `ESCAPE '\'`).
pub fn contains_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A value to bind to a statement built at run time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bind {
    Text(String),
    Int(i64),
    /// SQL `NULL` as a text column's absent value.
    Null,
    /// SQL `NULL` as an integer column's (PostgreSQL types a parameter).
    NullInt,
}

impl From<&str> for Bind {
    fn from(text: &str) -> Self {
        Bind::Text(text.to_owned())
    }
}

impl From<&String> for Bind {
    fn from(text: &String) -> Self {
        Bind::Text(text.clone())
    }
}

impl From<String> for Bind {
    fn from(text: String) -> Self {
        Bind::Text(text)
    }
}

impl From<i64> for Bind {
    fn from(n: i64) -> Self {
        Bind::Int(n)
    }
}

impl From<Option<String>> for Bind {
    fn from(value: Option<String>) -> Self {
        value.map_or(Bind::Null, Bind::Text)
    }
}

impl From<Option<&str>> for Bind {
    fn from(value: Option<&str>) -> Self {
        value.map_or(Bind::Null, Into::into)
    }
}

impl From<Option<&String>> for Bind {
    fn from(value: Option<&String>) -> Self {
        value.map_or(Bind::Null, Into::into)
    }
}

impl From<Option<i64>> for Bind {
    fn from(value: Option<i64>) -> Self {
        value.map_or(Bind::NullInt, Bind::Int)
    }
}

/// `query` with `binds` bound in order.
pub(super) fn bound<'q>(
    mut query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    binds: Vec<Bind>,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    for bind in binds {
        query = match bind {
            Bind::Text(text) => query.bind(text),
            Bind::Int(n) => query.bind(n),
            Bind::Null => query.bind(None::<String>),
            Bind::NullInt => query.bind(None::<i64>),
        };
    }
    query
}

/// A row read by either access path — sqlx's (`AnyRow`) or the SQLite
/// readers' (`store::readers`) — so a row is decoded by one
/// function whichever path read it. Columns are named; text and integers are
/// the only types the schema stores.
pub trait Columns {
    fn text_opt(&self, column: &str) -> ApiResult<Option<String>>;
    fn int_opt(&self, column: &str) -> ApiResult<Option<i64>>;
}

impl Columns for AnyRow {
    fn text_opt(&self, column: &str) -> ApiResult<Option<String>> {
        Ok(sqlx::Row::try_get(self, column)?)
    }
    fn int_opt(&self, column: &str) -> ApiResult<Option<i64>> {
        Ok(sqlx::Row::try_get(self, column)?)
    }
}

/// A column's value as a Rust type: text, an integer, or either's `Option`
/// for a nullable column (a required column that is NULL is an error).
pub trait FromColumn: Sized {
    fn read(row: &dyn Columns, column: &str) -> ApiResult<Self>;
}

fn required<T>(column: &str, value: Option<T>) -> ApiResult<T> {
    value.ok_or_else(|| ApiError::Internal(format!("column {column} is NULL")))
}

impl FromColumn for String {
    fn read(row: &dyn Columns, column: &str) -> ApiResult<Self> {
        required(column, row.text_opt(column)?)
    }
}

impl FromColumn for Option<String> {
    fn read(row: &dyn Columns, column: &str) -> ApiResult<Self> {
        row.text_opt(column)
    }
}

impl FromColumn for i64 {
    fn read(row: &dyn Columns, column: &str) -> ApiResult<Self> {
        required(column, row.int_opt(column)?)
    }
}

impl FromColumn for Option<i64> {
    fn read(row: &dyn Columns, column: &str) -> ApiResult<Self> {
        row.int_opt(column)
    }
}

impl dyn Columns + '_ {
    /// The column's value as `T` ([`FromColumn`]).
    pub fn get<T: FromColumn>(&self, column: &str) -> ApiResult<T> {
        T::read(self, column)
    }
}

/// SQL built at run time together with its binds, so a placeholder's number is
/// always the position of its value.
#[derive(Clone, Debug, Default)]
pub struct Statement {
    /// Borrowed when the text is a constant (most reads): nothing is copied
    /// to run it.
    pub sql: Cow<'static, str>,
    pub binds: Vec<Bind>,
}

impl Statement {
    pub fn new(sql: impl Into<Cow<'static, str>>) -> Self {
        Self {
            sql: sql.into(),
            binds: Vec::new(),
        }
    }

    /// `sql` with its values, `$1` first.
    pub fn of(sql: impl Into<Cow<'static, str>>, binds: impl IntoIterator<Item = Bind>) -> Self {
        Self {
            sql: sql.into(),
            binds: binds.into_iter().collect(),
        }
    }

    /// Appends `text` to the statement's SQL.
    pub fn push_sql(&mut self, text: &str) {
        self.sql.to_mut().push_str(text);
    }

    /// Adds a value and returns its placeholder (`$3`).
    pub fn bind(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }

    /// Appends ` AND {condition}{placeholder of value}`.
    pub fn and(&mut self, condition: &str, value: Bind) {
        let placeholder = self.bind(value);
        self.push_sql(&format!(" AND {condition}{placeholder}"));
    }

    /// Appends ` AND {column} IN ($n, …)` over `values` (nothing matches an
    /// empty list).
    pub fn and_in(&mut self, column: &str, values: impl IntoIterator<Item = Bind>) {
        let first = self.binds.len() + 1;
        self.binds.extend(values);
        let n = self.binds.len() + 1 - first;
        if n == 0 {
            self.push_sql(" AND 1 = 0");
        } else {
            self.push_sql(&format!(" AND {column} IN ({})", placeholders(first, n)));
        }
    }

    /// Appends the order and `LIMIT limit + 1` of a keyset page: the extra
    /// row only says whether more follow ([`split_page`]).
    pub fn page(&mut self, order: &str, limit: usize) {
        self.push_sql(&format!(" ORDER BY {order} LIMIT {}", limit + 1));
    }
}

/// Splits the `limit + 1` rows read for a page into the page and the cursor
/// of the next one (the last kept row's), if more follow.
pub fn split_page<T, C>(
    mut rows: Vec<T>,
    limit: usize,
    cursor_of: impl Fn(&T) -> C,
) -> (Vec<T>, Option<C>) {
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(cursor_of);
        (rows, next)
    } else {
        (rows, None)
    }
}

/// Parses text read from `column`; a value that does not parse is an internal
/// error naming the column.
pub fn parse_column<T: FromStr>(column: &str, text: &str) -> ApiResult<T> {
    text.parse()
        .map_err(|_| ApiError::Internal(format!("column {column} holds unexpected {text:?}")))
}

/// Reads a column that must hold a value of a `FromStr` type (an id or an enum).
pub fn parsed<T: FromStr>(row: &dyn Columns, column: &str) -> ApiResult<T> {
    let text: String = row.get(column)?;
    parse_column(column, &text)
}

/// Reads a nullable column of a `FromStr` type: `None` for NULL, an error for a
/// value that does not parse.
pub fn parsed_opt<T: FromStr>(row: &dyn Columns, column: &str) -> ApiResult<Option<T>> {
    let text: Option<String> = row.get(column)?;
    text.map(|text| parse_column(column, &text)).transpose()
}

/// Parses an optional text read by a scalar query.
pub fn parse_opt<T: FromStr>(column: &str, text: Option<String>) -> ApiResult<Option<T>> {
    text.map(|text| parse_column(column, &text)).transpose()
}

/// Reads a nullable column of milliseconds since the epoch.
pub fn millis_opt(row: &dyn Columns, column: &str) -> ApiResult<Option<Timestamp>> {
    let value: Option<i64> = row.get(column)?;
    Ok(value.map(Timestamp::from_millis))
}

/// Reads a column of milliseconds since the epoch.
pub fn millis(row: &dyn Columns, column: &str) -> ApiResult<Timestamp> {
    Ok(Timestamp::from_millis(row.get(column)?))
}

/// A count read from the database, as an unsigned number.
pub fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern("Ana"), "%ana%");
        assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn placeholders_count_from_where_they_start() {
        assert_eq!(placeholders(2, 3), "$2, $3, $4");
        assert_eq!(placeholders(1, 0), "");
    }

    #[test]
    fn a_statement_numbers_its_binds_in_order() {
        let mut statement = Statement::new("SELECT x FROM t WHERE a = $1");
        statement.binds.push(Bind::Text("a".into()));
        statement.and("b > ", Bind::Int(3));
        statement.and_in("c", [Bind::Text("x".into()), Bind::Text("y".into())]);
        statement.and_in("d", []);
        statement.page("id", 50);
        assert_eq!(
            statement.sql,
            "SELECT x FROM t WHERE a = $1 AND b > $2 AND c IN ($3, $4) AND 1 = 0 ORDER BY id LIMIT 51"
        );
        assert_eq!(statement.binds.len(), 4);
    }

    #[test]
    fn a_page_keeps_limit_rows_and_names_the_next_cursor_only_when_more_follow() {
        assert_eq!(
            split_page(vec![1, 2, 3], 2, |n| n * 10),
            (vec![1, 2], Some(20))
        );
        assert_eq!(split_page(vec![1, 2], 2, |n| n * 10), (vec![1, 2], None));
        assert_eq!(split_page(Vec::<i32>::new(), 2, |n| *n), (vec![], None));
    }

    #[test]
    fn a_value_that_does_not_parse_is_an_error_naming_its_column() {
        let error = parse_column::<domain::OrgRole>("role", "emperor").unwrap_err();
        assert!(error.to_string().contains("role"), "{error}");
        assert_eq!(
            parse_opt::<domain::OrgRole>("role", Some("owner".into())).unwrap(),
            Some(domain::OrgRole::Owner)
        );
        assert!(parse_opt::<domain::OrgRole>("role", Some("x".into())).is_err());
        assert_eq!(parse_opt::<domain::OrgRole>("role", None).unwrap(), None);
    }
}
