//! Small helpers the migrations share.

use sea_orm_migration::prelude::*;

/// A plain (non-unique) index over `cols` of `table`.
pub(crate) async fn index<T, C>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    cols: &[C],
) -> Result<(), DbErr>
where
    T: IntoIden + Clone + 'static,
    C: IntoIden + Clone + 'static,
{
    let mut statement = Index::create();
    statement.name(name).table(table);
    for col in cols {
        statement.col(col.clone());
    }
    manager.create_index(statement.to_owned()).await
}
