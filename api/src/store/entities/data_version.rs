//! Table `data_version`: one row of change counters (see `store::data_version`).

use sea_orm::entity::prelude::*;

/// The counters' single row.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "data_version")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// Bumped by every committed write.
    pub data: i64,
    /// Bumped by every committed change to reference data.
    pub reference: i64,
    /// When the last write committed (`data` moved); `None` before the
    /// first write.
    pub changed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
