//! Activities: the evidence behind follow-ups ("4 trygghetsvandringar held"
//! is a count of these rows, never a typed-in number).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::idents::{Activity, Commitment, Municipality, Place};
use crate::support::index;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Activity::Table)
                    .col(pk_uuid(Activity::Id))
                    .col(uuid(Activity::MunicipalityId))
                    .col(uuid_null(Activity::CommitmentId))
                    .col(string_len(Activity::Kind, 32))
                    // Nullable: a source may report an activity without a date.
                    .col(date_null(Activity::Date))
                    .col(uuid_null(Activity::PlaceId))
                    .col(text(Activity::Description))
                    .col(json(Activity::Participants))
                    .col(string_len_null(Activity::SourceTitle, 300))
                    .col(string_len_null(Activity::SourceUrl, 2000))
                    .col(integer(Activity::Version).default(1))
                    .col(timestamp_with_time_zone(Activity::CreatedAt))
                    .col(timestamp_with_time_zone(Activity::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_activities_municipality")
                            .from(Activity::Table, Activity::MunicipalityId)
                            .to(Municipality::Table, Municipality::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_activities_commitment")
                            .from(Activity::Table, Activity::CommitmentId)
                            .to(Commitment::Table, Commitment::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_activities_place")
                            .from(Activity::Table, Activity::PlaceId)
                            .to(Place::Table, Place::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_activities_municipality_date",
            Activity::Table,
            &[Activity::MunicipalityId, Activity::Date],
        )
        .await?;
        index(
            manager,
            "ix_activities_commitment",
            Activity::Table,
            &[Activity::CommitmentId],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Activity::Table).to_owned())
            .await
    }
}
