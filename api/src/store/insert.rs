//! Multi-row INSERTs (seeding, stored figures): each statement as large as the
//! database's bound-parameter limit allows.

use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, IntoActiveModel, Iterable,
};

/// Bound parameters one statement may carry: SQLite's default
/// SQLITE_MAX_VARIABLE_NUMBER (since 3.32), and PostgreSQL's wire-protocol
/// limit (a 16-bit count).
fn parameter_limit(backend: DbBackend) -> usize {
    match backend {
        DbBackend::Sqlite => 32_766,
        _ => 65_535,
    }
}

/// Inserts `rows` in as few statements as the parameter limit allows.
pub(crate) async fn insert_all<M, A>(db: &impl ConnectionTrait, rows: Vec<M>) -> Result<(), DbErr>
where
    M: IntoActiveModel<A>,
    A: ActiveModelTrait + Send,
{
    let columns = <A::Entity as EntityTrait>::Column::iter().count().max(1);
    let per_statement = (parameter_limit(db.get_database_backend()) / columns).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk = rows
            .by_ref()
            .take(per_statement)
            .map(IntoActiveModel::into_active_model);
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
