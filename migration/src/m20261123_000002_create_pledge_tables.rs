//! Pledges (medborgarlöften) with their signatories and per-pledge focus areas.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::idents::{FocusArea, Municipality, Pledge, PledgeFocusArea, PoliceArea, Signatory};
use crate::support::index;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Pledge::Table)
                    .col(pk_uuid(Pledge::Id))
                    // The tenant: every pledge belongs to exactly one municipality.
                    .col(uuid(Pledge::MunicipalityId))
                    .col(uuid(Pledge::PoliceAreaId))
                    .col(integer(Pledge::Year))
                    .col(string_len(Pledge::Title, 200))
                    .col(date(Pledge::ValidFrom))
                    .col(date(Pledge::ValidTo))
                    .col(string_len(Pledge::Status, 16))
                    .col(date_null(Pledge::SignedOn))
                    .col(text_null(Pledge::Introduction))
                    .col(text_null(Pledge::PromiseStatement))
                    .col(text_null(Pledge::SituationPicture))
                    .col(text_null(Pledge::ExpectedEffect))
                    .col(text_null(Pledge::Background))
                    .col(json(Pledge::BasisKinds))
                    .col(text_null(Pledge::FollowUpPlan))
                    .col(text_null(Pledge::PreparedBy))
                    .col(string_len_null(Pledge::SourceTitle, 300))
                    .col(string_len_null(Pledge::SourceUrl, 2000))
                    .col(timestamp_with_time_zone_null(
                        Pledge::MunicipalityApprovedAt,
                    ))
                    .col(string_len_null(Pledge::MunicipalityApprovedBy, 200))
                    .col(timestamp_with_time_zone_null(Pledge::PoliceApprovedAt))
                    .col(string_len_null(Pledge::PoliceApprovedBy, 200))
                    .col(text_null(Pledge::WithdrawnReason))
                    .col(uuid_null(Pledge::SupersedesId))
                    // Optimistic concurrency: writers send the version they read.
                    .col(integer(Pledge::Version).default(1))
                    .col(timestamp_with_time_zone(Pledge::CreatedAt))
                    .col(timestamp_with_time_zone(Pledge::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_pledges_municipality")
                            .from(Pledge::Table, Pledge::MunicipalityId)
                            .to(Municipality::Table, Municipality::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_pledges_police_area")
                            .from(Pledge::Table, Pledge::PoliceAreaId)
                            .to(PoliceArea::Table, PoliceArea::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_pledges_supersedes")
                            .from(Pledge::Table, Pledge::SupersedesId)
                            .to(Pledge::Table, Pledge::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One index per filter of `pledges(filter:)`, each led by the column
        // the filter names; the list is ordered by (year desc, id).
        index(
            manager,
            "ix_pledges_municipality_year",
            Pledge::Table,
            &[Pledge::MunicipalityId, Pledge::Year],
        )
        .await?;
        index(
            manager,
            "ix_pledges_police_area_year",
            Pledge::Table,
            &[Pledge::PoliceAreaId, Pledge::Year],
        )
        .await?;
        index(
            manager,
            "ix_pledges_year",
            Pledge::Table,
            &[Pledge::Year, Pledge::Id],
        )
        .await?;
        index(
            manager,
            "ix_pledges_status",
            Pledge::Table,
            &[Pledge::Status],
        )
        .await?;
        index(
            manager,
            "ix_pledges_updated_at",
            Pledge::Table,
            &[Pledge::UpdatedAt],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Signatory::Table)
                    .col(pk_uuid(Signatory::Id))
                    .col(uuid(Signatory::PledgeId))
                    .col(integer(Signatory::Position))
                    .col(string_len(Signatory::Name, 200))
                    .col(string_len_null(Signatory::Title, 200))
                    .col(string_len(Signatory::Party, 16))
                    .col(date_null(Signatory::SignedOn))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_signatories_pledge")
                            .from(Signatory::Table, Signatory::PledgeId)
                            .to(Pledge::Table, Pledge::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_signatories_pledge_position")
                    .table(Signatory::Table)
                    .col(Signatory::PledgeId)
                    .col(Signatory::Position)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PledgeFocusArea::Table)
                    .col(uuid(PledgeFocusArea::PledgeId))
                    .col(string_len(PledgeFocusArea::FocusAreaCode, 48))
                    .col(integer(PledgeFocusArea::Position))
                    .col(string_len_null(PledgeFocusArea::Heading, 300))
                    .col(text_null(PledgeFocusArea::ProblemText))
                    .col(json(PledgeFocusArea::SpecialFocus))
                    .primary_key(
                        Index::create()
                            .col(PledgeFocusArea::PledgeId)
                            .col(PledgeFocusArea::FocusAreaCode),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_pledge_focus_areas_pledge")
                            .from(PledgeFocusArea::Table, PledgeFocusArea::PledgeId)
                            .to(Pledge::Table, Pledge::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_pledge_focus_areas_focus_area")
                            .from(PledgeFocusArea::Table, PledgeFocusArea::FocusAreaCode)
                            .to(FocusArea::Table, FocusArea::Code),
                    )
                    .to_owned(),
            )
            .await?;
        // For the focusArea filter: pledges that link a given area.
        index(
            manager,
            "ix_pledge_focus_areas_code",
            PledgeFocusArea::Table,
            &[PledgeFocusArea::FocusAreaCode],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PledgeFocusArea::Table.into_iden(),
            Signatory::Table.into_iden(),
            Pledge::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
