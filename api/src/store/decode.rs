//! Decoding the rows of the read path straight from the driver's row.
//!
//! sea-orm's generated decoding asks the driver for each column twice (a
//! raw look for its type, then the value) and formats an error string for
//! every NULL it meets, which its `Option` decoding then throws away. On a
//! page of commitments with their progress that was a third of the
//! server's instructions. `Fast<M>` reads each column once (see `Row`), with
//! sqlx's own decoders, the ones sea-orm itself ends up calling, so the
//! values are the same on both databases. Only the hot reads use it; the
//! rest keep sea-orm's decoding.
//!
//! A row type lists its columns once, with `columns!`: the macro builds the
//! struct literal, so a field added to a model and not listed here is a
//! compile error, not a silently missing value. List them in the model's
//! order: that is the order `Row` finds them in without a name lookup.

use std::cell::Cell;

use sea_orm::sqlx::{self, Column as _, Postgres, Row as _, Sqlite};
use sea_orm::{DbErr, FromQueryResult, QueryResult};

/// A value both databases' drivers can decode.
pub(super) trait Decodable:
    for<'r> sqlx::Decode<'r, Postgres>
    + sqlx::Type<Postgres>
    + for<'r> sqlx::Decode<'r, Sqlite>
    + sqlx::Type<Sqlite>
{
}

impl<T> Decodable for T where
    T: for<'r> sqlx::Decode<'r, Postgres>
        + sqlx::Type<Postgres>
        + for<'r> sqlx::Decode<'r, Sqlite>
        + sqlx::Type<Sqlite>
{
}

/// One result row, to read columns from by name.
///
/// Reading by name asks the driver to hash the name and look it up in the
/// statement's column map, for every column of every row. A row type reads
/// its columns in the order its statement selects them (the entity's
/// order), so `get` first looks at the next position and takes it when the
/// name there matches, a short string comparison; any other order still
/// reads right, through the name lookup.
pub(super) struct Row<'a> {
    inner: Driver<'a>,
    next: Cell<usize>,
}

enum Driver<'a> {
    Postgres(&'a sqlx::postgres::PgRow),
    Sqlite(&'a sqlx::sqlite::SqliteRow),
}

impl<'a> Row<'a> {
    fn of(result: &'a QueryResult) -> Result<Self, DbErr> {
        let inner = if let Some(row) = result.try_as_pg_row() {
            Driver::Postgres(row)
        } else if let Some(row) = result.try_as_sqlite_row() {
            Driver::Sqlite(row)
        } else {
            return Err(DbErr::Type(
                "a row of neither PostgreSQL nor SQLite".to_owned(),
            ));
        };
        Ok(Self {
            inner,
            next: Cell::new(0),
        })
    }

    /// The value of column `name` (`Option<T>` for a nullable one).
    pub(super) fn get<T: Decodable>(&self, name: &str) -> Result<T, DbErr> {
        let at = self.next.get();
        self.next.set(at + 1);
        let decoded = match self.inner {
            Driver::Postgres(row) => match row.columns().get(at) {
                Some(column) if column.name() == name => row.try_get::<T, _>(at),
                _ => row.try_get::<T, _>(name),
            },
            Driver::Sqlite(row) => match row.columns().get(at) {
                Some(column) if column.name() == name => row.try_get::<T, _>(at),
                _ => row.try_get::<T, _>(name),
            },
        };
        decoded.map_err(|err| DbErr::Type(format!("column {name}: {err}")))
    }
}

/// A row type that reads its columns from a `Row`.
pub(super) trait Columns: Sized {
    fn read(row: &Row<'_>) -> Result<Self, DbErr>;
}

/// `M`, decoded by `Columns` instead of sea-orm's generated code: what
/// `Select::into_model::<Fast<M>>()` hands back.
pub(super) struct Fast<M>(pub(super) M);

impl<M: Columns> FromQueryResult for Fast<M> {
    fn from_query_result(result: &QueryResult, prefix: &str) -> Result<Self, DbErr> {
        if !prefix.is_empty() {
            // Joined selects name columns "A_x", "B_x"; the fast path reads
            // unprefixed names only, and is never used for those.
            return Err(DbErr::Type(format!(
                "fast decoding does not read prefixed columns ({prefix})"
            )));
        }
        M::read(&Row::of(result)?).map(Fast)
    }
}

/// `Columns` for a struct whose columns are named as its fields.
macro_rules! columns {
    ($model:path { $($field:ident),* $(,)? }) => {
        impl $crate::store::decode::Columns for $model {
            fn read(row: &$crate::store::decode::Row<'_>) -> Result<Self, sea_orm::DbErr> {
                Ok(Self { $($field: row.get(stringify!($field))?,)* })
            }
        }
        #[cfg(test)]
        impl tests::Named for $model {
            const NAMES: &'static [&'static str] = &[$(stringify!($field)),*];
        }
    };
}

/// `select.all(db)`, decoded with `Columns`: `.fast_all(db)` where a
/// read path would write `.all(db)`.
pub(super) trait FastAll<E: sea_orm::EntityTrait> {
    async fn fast_all(self, db: &impl sea_orm::ConnectionTrait) -> Result<Vec<E::Model>, DbErr>;
}

impl<E> FastAll<E> for sea_orm::Select<E>
where
    E: sea_orm::EntityTrait,
    E::Model: Columns,
{
    async fn fast_all(self, db: &impl sea_orm::ConnectionTrait) -> Result<Vec<E::Model>, DbErr> {
        Ok(self
            .into_model::<Fast<E::Model>>()
            .all(db)
            .await?
            .into_iter()
            .map(|fast| fast.0)
            .collect())
    }
}

use super::entities::{
    activity, commitment, commitment_focus_area, commitment_method, commitment_progress,
    follow_up_report, pledge, pledge_focus_area,
};

columns!(pledge::Model {
    id,
    municipality_id,
    police_area_id,
    year,
    title,
    valid_from,
    valid_to,
    status,
    signed_on,
    introduction,
    promise_statement,
    situation_picture,
    expected_effect,
    background,
    basis_kinds,
    follow_up_plan,
    prepared_by,
    source_title,
    source_url,
    municipality_approved_at,
    municipality_approved_by,
    police_approved_at,
    police_approved_by,
    withdrawn_reason,
    supersedes_id,
    version,
    created_at,
    updated_at,
    provenance,
    validity_stated,
    signed_on_stated,
    inference_note,
    source_notes,
});

columns!(commitment::Model {
    id,
    pledge_id,
    municipality_id,
    position,
    text,
    responsible,
    method,
    partners,
    target_groups,
    target_quantity,
    target_unit,
    target_period,
    version,
    created_at,
    updated_at,
});

columns!(commitment_progress::Model {
    report_id,
    commitment_id,
    status,
    progress_percent,
    actual_quantity,
    comment,
});

columns!(follow_up_report::Model {
    id,
    pledge_id,
    municipality_id,
    year,
    period_kind,
    period_start,
    period_end,
    status,
    summary,
    presented_to,
    source_url,
    published_at,
    withdrawn_reason,
    version,
    created_at,
    updated_at,
});

columns!(pledge_focus_area::Model {
    pledge_id,
    focus_area_code,
    position,
    heading,
    problem_text,
    special_focus,
});

columns!(commitment_focus_area::Model {
    commitment_id,
    focus_area_code,
});

columns!(activity::Model {
    id,
    municipality_id,
    commitment_id,
    kind,
    date,
    place_id,
    description,
    participants,
    source_title,
    source_url,
    version,
    created_at,
    updated_at,
    people,
});

columns!(commitment_method::Model {
    commitment_id,
    position,
    method,
});

#[cfg(test)]
mod tests {
    use sea_orm::{EntityTrait, IdenStatic, Iterable};

    use super::*;

    /// The column names a `columns!` list reads.
    pub(super) trait Named {
        const NAMES: &'static [&'static str];
    }

    /// The list must name the table's columns as the entity does: a field
    /// sea-orm maps to another column name would read the wrong column.
    fn reads_every_column_by_its_name<E>()
    where
        E: EntityTrait,
        E::Model: Named,
    {
        let table: Vec<String> = E::Column::iter().map(|c| c.as_str().to_owned()).collect();
        assert_eq!(
            <E::Model as Named>::NAMES,
            table,
            "{}",
            E::default().table_name()
        );
    }

    #[test]
    fn fast_rows_read_the_entities_columns() {
        reads_every_column_by_its_name::<pledge::Entity>();
        reads_every_column_by_its_name::<commitment::Entity>();
        reads_every_column_by_its_name::<commitment_progress::Entity>();
        reads_every_column_by_its_name::<follow_up_report::Entity>();
        reads_every_column_by_its_name::<pledge_focus_area::Entity>();
        reads_every_column_by_its_name::<commitment_focus_area::Entity>();
        reads_every_column_by_its_name::<activity::Entity>();
        reads_every_column_by_its_name::<commitment_method::Entity>();
    }
}
