//! Rows arranged and read with SQL, for tests that need a state the API
//! cannot make (a draft nobody wrote, a hundred thousand rows at once) or
//! rows no API shows. The server's storage types are private to it: a test
//! sees the tables as any SQL client does. The statements are built with
//! sea-query, so each backend gets its own placeholders.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Asterisk, Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};
use serde_json::json;
use uuid::Uuid;

/// A row to write straight into its table; columns it does not name get
/// their defaults (NULL).
pub trait NewRow {
    const TABLE: &'static str;

    /// Its columns with their values, the same columns for every row.
    fn columns(&self) -> Vec<(&'static str, Value)>;
}

/// Inserts `rows` (at least one) with one statement.
pub async fn insert<R: NewRow>(db: &impl ConnectionTrait, rows: &[R]) -> Result<(), DbErr> {
    let mut insert = Query::insert();
    insert.into_table(R::TABLE);
    for (i, row) in rows.iter().enumerate() {
        let (names, values): (Vec<_>, Vec<_>) = row.columns().into_iter().unzip();
        if i == 0 {
            insert.columns(names);
        }
        insert.values_panic(values.into_iter().map(Expr::val));
    }
    db.execute(&insert).await?;
    Ok(())
}

/// The `id` of the row of `table` whose `code` is `code`, if there is one.
pub async fn id_by_code(
    db: &impl ConnectionTrait,
    table: &'static str,
    code: &str,
) -> Option<Uuid> {
    let select = Query::select()
        .column("id")
        .from(table)
        .and_where(Expr::col("code").eq(code))
        .to_owned();
    let row = db.query_one(&select).await.expect("query by code")?;
    Some(row.try_get("", "id").expect("an id"))
}

/// Every row of `table` ordered by `order_by`, read as `T`.
pub async fn all<T: FromQueryResult>(
    db: &impl ConnectionTrait,
    table: &'static str,
    order_by: &[&'static str],
) -> Vec<T> {
    let mut select = Query::select();
    select.column(Asterisk).from(table);
    for column in order_by {
        select.order_by(*column, Order::Asc);
    }
    let statement = db.get_database_backend().build(&select);
    T::find_by_statement(statement)
        .all(db)
        .await
        .unwrap_or_else(|err| panic!("reading {table}: {err}"))
}

/// A pledge valid for the whole of its year, at version 1, with no texts,
/// approvals or basis.
#[derive(Debug, Clone)]
pub struct NewPledge<'a> {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub police_area_id: Uuid,
    pub year: i32,
    pub title: &'a str,
    pub status: &'a str,
    pub withdrawn_reason: Option<&'a str>,
}

impl NewPledge<'_> {
    /// Its first and last day.
    pub fn validity(&self) -> (NaiveDate, NaiveDate) {
        let day = |month, day| NaiveDate::from_ymd_opt(self.year, month, day).expect("a date");
        (day(1, 1), day(12, 31))
    }
}

impl NewRow for NewPledge<'_> {
    const TABLE: &'static str = "pledges";

    fn columns(&self) -> Vec<(&'static str, Value)> {
        let (from, to) = self.validity();
        let now = Utc::now();
        vec![
            ("id", self.id.into()),
            ("municipality_id", self.municipality_id.into()),
            ("police_area_id", self.police_area_id.into()),
            ("year", self.year.into()),
            ("title", self.title.into()),
            ("valid_from", from.into()),
            ("valid_to", to.into()),
            ("status", self.status.into()),
            ("basis_kinds", json!([]).into()),
            (
                "withdrawn_reason",
                self.withdrawn_reason.map(str::to_owned).into(),
            ),
            ("version", 1.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ]
    }
}

/// A JOINT commitment at version 1, with no partners or target groups,
/// written at `at`.
#[derive(Debug, Clone)]
pub struct NewCommitment<'a> {
    pub id: Uuid,
    pub pledge_id: Uuid,
    pub municipality_id: Uuid,
    pub position: i32,
    pub text: String,
    pub method: Option<&'a str>,
    pub target_quantity: Option<f64>,
    pub target_unit: Option<&'a str>,
    pub at: DateTime<Utc>,
}

impl NewRow for NewCommitment<'_> {
    const TABLE: &'static str = "commitments";

    fn columns(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("id", self.id.into()),
            ("pledge_id", self.pledge_id.into()),
            ("municipality_id", self.municipality_id.into()),
            ("position", self.position.into()),
            ("text", self.text.clone().into()),
            ("responsible", "JOINT".into()),
            ("method", self.method.map(str::to_owned).into()),
            ("partners", json!([]).into()),
            ("target_groups", json!([]).into()),
            ("target_quantity", self.target_quantity.into()),
            ("target_unit", self.target_unit.map(str::to_owned).into()),
            ("version", 1.into()),
            ("created_at", self.at.into()),
            ("updated_at", self.at.into()),
        ]
    }
}

/// A PUBLISHED ad hoc follow-up report.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub id: Uuid,
    pub pledge_id: Uuid,
    pub municipality_id: Uuid,
    pub year: i32,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub summary: Option<String>,
    pub version: i32,
    pub published_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl NewRow for NewReport {
    const TABLE: &'static str = "follow_up_reports";

    fn columns(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("id", self.id.into()),
            ("pledge_id", self.pledge_id.into()),
            ("municipality_id", self.municipality_id.into()),
            ("year", self.year.into()),
            ("period_kind", "AD_HOC".into()),
            ("period_start", self.period_start.into()),
            ("period_end", self.period_end.into()),
            ("status", "PUBLISHED".into()),
            ("summary", self.summary.clone().into()),
            ("published_at", self.published_at.into()),
            ("version", self.version.into()),
            ("created_at", self.created_at.into()),
            ("updated_at", self.updated_at.into()),
        ]
    }
}

/// A commitment's progress entry in a report.
#[derive(Debug, Clone)]
pub struct NewProgress<'a> {
    pub report_id: Uuid,
    pub commitment_id: Uuid,
    pub status: &'a str,
    pub progress_percent: Option<i32>,
    pub actual_quantity: Option<f64>,
    pub comment: Option<&'a str>,
}

impl NewRow for NewProgress<'_> {
    const TABLE: &'static str = "commitment_progress";

    fn columns(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("report_id", self.report_id.into()),
            ("commitment_id", self.commitment_id.into()),
            ("status", self.status.into()),
            ("progress_percent", self.progress_percent.into()),
            ("actual_quantity", self.actual_quantity.into()),
            ("comment", self.comment.map(str::to_owned).into()),
        ]
    }
}
