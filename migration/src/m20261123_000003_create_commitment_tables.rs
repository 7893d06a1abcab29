//! Commitments ("Detta gör vi genom att …") and their links to focus areas
//! and places.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::idents::{
    Commitment, CommitmentFocusArea, CommitmentPlace, FocusArea, Municipality, Place, Pledge,
};
use crate::support::index;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Commitment::Table)
                    .col(pk_uuid(Commitment::Id))
                    .col(uuid(Commitment::PledgeId))
                    // Copied from the pledge so that tenant scoping of a
                    // commitment never needs a join.
                    .col(uuid(Commitment::MunicipalityId))
                    .col(integer(Commitment::Position))
                    .col(text(Commitment::Text))
                    .col(string_len(Commitment::Responsible, 16))
                    .col(string_len_null(Commitment::Method, 32))
                    .col(json(Commitment::Partners))
                    .col(json(Commitment::TargetGroups))
                    .col(double_null(Commitment::TargetQuantity))
                    .col(string_len_null(Commitment::TargetUnit, 100))
                    .col(string_len_null(Commitment::TargetPeriod, 16))
                    .col(integer(Commitment::Version).default(1))
                    .col(timestamp_with_time_zone(Commitment::CreatedAt))
                    .col(timestamp_with_time_zone(Commitment::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_commitments_pledge")
                            .from(Commitment::Table, Commitment::PledgeId)
                            .to(Pledge::Table, Pledge::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_commitments_municipality")
                            .from(Commitment::Table, Commitment::MunicipalityId)
                            .to(Municipality::Table, Municipality::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // Commitments are ordered within their pledge; a position is taken once.
        manager
            .create_index(
                Index::create()
                    .name("ux_commitments_pledge_position")
                    .table(Commitment::Table)
                    .col(Commitment::PledgeId)
                    .col(Commitment::Position)
                    .unique()
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_commitments_municipality",
            Commitment::Table,
            &[Commitment::MunicipalityId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(CommitmentFocusArea::Table)
                    .col(uuid(CommitmentFocusArea::CommitmentId))
                    .col(string_len(CommitmentFocusArea::FocusAreaCode, 48))
                    .primary_key(
                        Index::create()
                            .col(CommitmentFocusArea::CommitmentId)
                            .col(CommitmentFocusArea::FocusAreaCode),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_commitment_focus_areas_commitment")
                            .from(
                                CommitmentFocusArea::Table,
                                CommitmentFocusArea::CommitmentId,
                            )
                            .to(Commitment::Table, Commitment::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_commitment_focus_areas_focus_area")
                            .from(
                                CommitmentFocusArea::Table,
                                CommitmentFocusArea::FocusAreaCode,
                            )
                            .to(FocusArea::Table, FocusArea::Code),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CommitmentPlace::Table)
                    .col(uuid(CommitmentPlace::CommitmentId))
                    .col(uuid(CommitmentPlace::PlaceId))
                    .primary_key(
                        Index::create()
                            .col(CommitmentPlace::CommitmentId)
                            .col(CommitmentPlace::PlaceId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_commitment_places_commitment")
                            .from(CommitmentPlace::Table, CommitmentPlace::CommitmentId)
                            .to(Commitment::Table, Commitment::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_commitment_places_place")
                            .from(CommitmentPlace::Table, CommitmentPlace::PlaceId)
                            .to(Place::Table, Place::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CommitmentPlace::Table.into_iden(),
            CommitmentFocusArea::Table.into_iden(),
            Commitment::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
