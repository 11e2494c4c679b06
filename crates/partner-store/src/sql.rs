//! What every domain's SQL shares: a statement and its values, the connection that runs it on
//! either database, reading a row's columns, and paging.
//!
//! Only portable SQL is written: `$n` placeholders, `TEXT` and `BIGINT` columns,
//! `ON CONFLICT DO NOTHING`, and casts of aggregates to `BIGINT` (PostgreSQL sums `BIGINT`
//! into `NUMERIC`). Each domain's file (`partners.rs`, `funds.rs`, …) holds its statements and
//! implements its `*Rows` trait once, for every [`Backend`]. What differs between the
//! databases is only what a backend (`sqlite.rs`, `postgres.rs`) says here: how a locking read
//! ends, and how a statement assembled row by row spells its placeholders.
//!
//! A fuzzy filter asks whether a column contains a text with `replace(col, $n, '') <> col`
//! (`$n` never empty): portable, exact, and blind to what `LIKE` would see in the text
//! (`%`, `_`, `\`) and to SQLite's folding of ASCII case in `LIKE`.

use std::borrow::Cow;

use async_trait::async_trait;
use partner_domain::{
    Money, Timestamp,
    customers::FuzzyPattern,
    paging::{Page, Paged},
};

use crate::StoreError;

/// Rows one multi-row statement carries at most: the widest row binds 9 values, and 500 of
/// them stay far below both engines' limits on bound parameters.
pub(crate) const MAX_ROWS_PER_STATEMENT: usize = 500;

/// A backend's transaction, as the domains' SQL uses it.
pub(crate) trait Backend: Send {
    type Connection: Connection;
    /// What a locking read appends to its query.
    const LOCK_ROWS: &'static str;
    /// How a statement assembled row by row spells its placeholders.
    const PLACEHOLDERS: Placeholders;

    fn connection(&mut self) -> &mut Self::Connection;
}

/// The spelling of the placeholders [`Statement::push_bind`] writes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Placeholders {
    /// `$1`, `$2`, …: PostgreSQL's only kind.
    Numbered,
    /// `?` each: SQLite finds a named parameter such as `$7` by a linear search (also at every
    /// bind), so a group commit's statement with thousands of them would cost quadratic time.
    Anonymous,
}

/// One SQL statement and the values of its placeholders, in order.
#[derive(Debug)]
pub(crate) struct Statement<'a> {
    sql: Cow<'static, str>,
    args: Vec<Arg<'a>>,
    placeholders: Placeholders,
}

/// A value bound to a placeholder: the column types both databases share. `None` is `NULL`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Arg<'a> {
    Text(Option<&'a str>),
    Int(Option<i64>),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(text: &'a str) -> Arg<'a> {
        Arg::Text(Some(text))
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(text: &'a String) -> Arg<'a> {
        Arg::Text(Some(text))
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(text: Option<&'a str>) -> Arg<'a> {
        Arg::Text(text)
    }
}

impl From<i64> for Arg<'_> {
    fn from(int: i64) -> Self {
        Arg::Int(Some(int))
    }
}

impl From<Option<i64>> for Arg<'_> {
    fn from(int: Option<i64>) -> Self {
        Arg::Int(int)
    }
}

impl<'a> Statement<'a> {
    /// A statement whose text numbers its placeholders (`$1`, `$2`…) itself; `bind` gives them
    /// their values in that order.
    pub(crate) fn new(sql: impl Into<Cow<'static, str>>) -> Statement<'a> {
        Statement { sql: sql.into(), args: Vec::new(), placeholders: Placeholders::Numbered }
    }

    /// A statement assembled piece by piece, starting with `sql`, whose placeholders only
    /// [`Statement::push_bind`] writes.
    pub(crate) fn assemble(placeholders: Placeholders, sql: &str) -> Statement<'a> {
        Statement { sql: Cow::Owned(sql.to_owned()), args: Vec::new(), placeholders }
    }

    pub(crate) fn bind(mut self, value: impl Into<Arg<'a>>) -> Statement<'a> {
        self.args.push(value.into());
        self
    }

    pub(crate) fn push(&mut self, sql: &str) -> &mut Statement<'a> {
        self.sql.to_mut().push_str(sql);
        self
    }

    /// Appends a placeholder for `value`.
    pub(crate) fn push_bind(&mut self, value: impl Into<Arg<'a>>) -> &mut Statement<'a> {
        self.args.push(value.into());
        let sql = self.sql.to_mut();
        match self.placeholders {
            Placeholders::Numbered => {
                sql.push('$');
                sql.push_str(&self.args.len().to_string());
            }
            Placeholders::Anonymous => sql.push('?'),
        }
        self
    }

    /// Appends `$a, $b, …`, one placeholder per value.
    pub(crate) fn push_list<T: Into<Arg<'a>>>(
        &mut self,
        values: impl IntoIterator<Item = T>,
    ) -> &mut Statement<'a> {
        for (n, value) in values.into_iter().enumerate() {
            if n > 0 {
                self.push(", ");
            }
            self.push_bind(value);
        }
        self
    }

    /// Appends `VALUES (…), (…)`, one parenthesized row of placeholders per item.
    pub(crate) fn push_values<I, const N: usize>(
        &mut self,
        items: impl IntoIterator<Item = I>,
        row: impl Fn(I) -> [Arg<'a>; N],
    ) -> &mut Statement<'a> {
        self.push("VALUES ");
        for (n, item) in items.into_iter().enumerate() {
            self.push(if n > 0 { ", (" } else { "(" });
            self.push_list(row(item));
            self.push(")");
        }
        self
    }
}

/// Where the domains' statements run: a connection of either database.
#[async_trait]
pub(crate) trait Connection: Send {
    type Row: Columns + Send;

    async fn fetch_all(&mut self, statement: Statement<'_>) -> Result<Vec<Self::Row>, StoreError>;
    async fn fetch_optional(
        &mut self,
        statement: Statement<'_>,
    ) -> Result<Option<Self::Row>, StoreError>;
    async fn fetch_one(&mut self, statement: Statement<'_>) -> Result<Self::Row, StoreError>;
    /// Runs a statement for its effect: how many rows it changed.
    async fn execute(&mut self, statement: Statement<'_>) -> Result<u64, StoreError>;
}

#[async_trait]
impl<C, DB> Connection for C
where
    C: sqlx::Connection<Database = DB>,
    DB: sqlx::Database,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> Option<&'q str>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    DB::Row: Columns,
    DB::QueryResult: RowsAffected,
{
    type Row = DB::Row;

    async fn fetch_all(&mut self, statement: Statement<'_>) -> Result<Vec<DB::Row>, StoreError> {
        Ok(query(&statement).fetch_all(self).await?)
    }

    async fn fetch_optional(
        &mut self,
        statement: Statement<'_>,
    ) -> Result<Option<DB::Row>, StoreError> {
        Ok(query(&statement).fetch_optional(self).await?)
    }

    async fn fetch_one(&mut self, statement: Statement<'_>) -> Result<DB::Row, StoreError> {
        Ok(query(&statement).fetch_one(self).await?)
    }

    async fn execute(&mut self, statement: Statement<'_>) -> Result<u64, StoreError> {
        Ok(query(&statement).execute(self).await?.rows_affected())
    }
}

/// What sqlx tells of a statement's effect, which it has no trait for.
pub(crate) trait RowsAffected {
    fn rows_affected(&self) -> u64;
}

impl RowsAffected for sqlx::sqlite::SqliteQueryResult {
    fn rows_affected(&self) -> u64 {
        self.rows_affected()
    }
}

impl RowsAffected for sqlx::postgres::PgQueryResult {
    fn rows_affected(&self) -> u64 {
        self.rows_affected()
    }
}

/// A statement as a (prepared and cached) sqlx query of one database.
fn query<'q, DB>(statement: &'q Statement<'q>) -> sqlx::query::Query<'q, DB, DB::Arguments<'q>>
where
    DB: sqlx::Database,
    Option<&'q str>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let mut query = sqlx::query(&statement.sql);
    for arg in &statement.args {
        query = match *arg {
            Arg::Text(text) => query.bind(text),
            Arg::Int(int) => query.bind(int),
        };
    }
    query
}

/// A row's columns by name, in the types both databases share.
pub(crate) trait Columns {
    fn text(&self, column: &str) -> Result<String, StoreError>;
    fn text_or_null(&self, column: &str) -> Result<Option<String>, StoreError>;
    fn int(&self, column: &str) -> Result<i64, StoreError>;
    fn int_or_null(&self, column: &str) -> Result<Option<i64>, StoreError>;
}

impl<R> Columns for R
where
    R: sqlx::Row,
    for<'i> &'i str: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    fn text(&self, column: &str) -> Result<String, StoreError> {
        Ok(self.try_get(column)?)
    }

    fn text_or_null(&self, column: &str) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(column)?)
    }

    fn int(&self, column: &str) -> Result<i64, StoreError> {
        Ok(self.try_get(column)?)
    }

    fn int_or_null(&self, column: &str) -> Result<Option<i64>, StoreError> {
        Ok(self.try_get(column)?)
    }
}

/// `LIMIT $n OFFSET $m` of a page, for a statement that binds `limit` then `offset`.
pub(crate) fn limit_offset(page: Page) -> (i64, i64) {
    let bound = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    (bound(page.limit()), bound(page.offset()))
}

/// A page of a list and its total, read the way every list reads them: each row of `page`
/// carries the number of all matching rows in its `total` column (`COUNT(*) OVER ()`), so one
/// statement sees the page and its total at one instant. Only a page past the last row has
/// no row to carry the total, which `count` (a statement counting into `total`) then counts.
pub(crate) async fn paged<'s, C, T>(
    conn: &mut C,
    page: Statement<'s>,
    count: impl FnOnce() -> Statement<'s>,
    row: impl Fn(&C::Row) -> Result<T, StoreError>,
) -> Result<Paged<T>, StoreError>
where
    C: Connection + ?Sized,
{
    let rows = conn.fetch_all(page).await?;
    let total = match rows.first() {
        Some(first) => first.int("total")?,
        None => conn.fetch_one(count()).await?.int("total")?,
    };
    let rows = rows.iter().map(row).collect::<Result<Vec<T>, StoreError>>()?;
    Ok(Paged { total: u64::try_from(total).unwrap_or(0), rows })
}

/// The text a fuzzy filter binds: what the column must contain, or `None` (NULL) for no
/// filter. (A filter that matches nothing binds nothing: its list is empty without a query.)
pub(crate) fn contained(pattern: &FuzzyPattern) -> Option<&str> {
    match pattern {
        FuzzyPattern::Contains(text) => Some(text),
        FuzzyPattern::MatchesAll | FuzzyPattern::MatchesNone => None,
    }
}

pub(crate) fn corrupt(column: &str, value: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{column} = {value}"))
}

pub(crate) fn money(micros: i64) -> Money {
    Money::from_micros(micros)
}

pub(crate) fn at(millis: i64) -> Timestamp {
    Timestamp::from_millis(millis)
}
