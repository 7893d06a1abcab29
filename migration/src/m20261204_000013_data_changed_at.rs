//! `data_version.changed_at`: when the last committed write happened, set
//! with the `data` counter. Anonymous downloads under `/export/` send it as
//! `Last-Modified`. Empty until the first write after this migration.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::idents::DataVersion;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(DataVersion::Table)
                    .add_column(timestamp_with_time_zone_null(DataVersion::ChangedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(DataVersion::Table)
                    .drop_column(DataVersion::ChangedAt)
                    .to_owned(),
            )
            .await
    }
}
