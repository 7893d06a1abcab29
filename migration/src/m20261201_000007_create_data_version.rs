//! `data_version`: one row whose counters every write transaction bumps
//! before it commits (`data`; `reference` too when reference data changes).
//! A process that cached an answer compares the counter it was computed at
//! with the one in this row: equal means no write has committed since, on
//! any instance. Also an index matching the order of `pledges` pages
//! (newest year first, then id).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::idents::{DataVersion, Pledge};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DataVersion::Table)
                    .col(integer(DataVersion::Id).primary_key())
                    .col(big_integer(DataVersion::Data))
                    .col(big_integer(DataVersion::Reference))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(DataVersion::Table)
                    .columns([DataVersion::Id, DataVersion::Data, DataVersion::Reference])
                    .values_panic([1.into(), 1.into(), 1.into()])
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_pledges_page")
                    .table(Pledge::Table)
                    .col((Pledge::Year, IndexOrder::Desc))
                    .col(Pledge::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_pledges_page")
                    .table(Pledge::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(DataVersion::Table).to_owned())
            .await
    }
}
