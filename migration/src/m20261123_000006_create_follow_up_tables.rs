//! Follow-up: reports per pledge and period, one progress entry per
//! commitment and report, per-commitment outcomes at the end of a pledge,
//! and the sync clock that orders follow-up changes for integrations.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::idents::{
    Commitment, CommitmentOutcome, CommitmentProgress, FollowUpReport, Municipality, Pledge,
    SyncClock,
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
                    .table(FollowUpReport::Table)
                    .col(pk_uuid(FollowUpReport::Id))
                    .col(uuid(FollowUpReport::PledgeId))
                    .col(uuid(FollowUpReport::MunicipalityId))
                    // The pledge's year, copied for the `year` filter.
                    .col(integer(FollowUpReport::Year))
                    .col(string_len(FollowUpReport::PeriodKind, 16))
                    .col(date(FollowUpReport::PeriodStart))
                    .col(date(FollowUpReport::PeriodEnd))
                    .col(string_len(FollowUpReport::Status, 16))
                    .col(text_null(FollowUpReport::Summary))
                    .col(string_len_null(FollowUpReport::PresentedTo, 300))
                    .col(string_len_null(FollowUpReport::SourceUrl, 2000))
                    .col(timestamp_with_time_zone_null(FollowUpReport::PublishedAt))
                    .col(text_null(FollowUpReport::WithdrawnReason))
                    .col(integer(FollowUpReport::Version).default(1))
                    .col(timestamp_with_time_zone(FollowUpReport::CreatedAt))
                    .col(timestamp_with_time_zone(FollowUpReport::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_follow_up_reports_pledge")
                            .from(FollowUpReport::Table, FollowUpReport::PledgeId)
                            .to(Pledge::Table, Pledge::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_follow_up_reports_municipality")
                            .from(FollowUpReport::Table, FollowUpReport::MunicipalityId)
                            .to(Municipality::Table, Municipality::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // Incremental sync reads in (updated_at, id) order, overall and per
        // municipality; reports of a pledge are listed by period.
        index(
            manager,
            "ix_follow_up_reports_updated",
            FollowUpReport::Table,
            &[FollowUpReport::UpdatedAt, FollowUpReport::Id],
        )
        .await?;
        index(
            manager,
            "ix_follow_up_reports_municipality_updated",
            FollowUpReport::Table,
            &[FollowUpReport::MunicipalityId, FollowUpReport::UpdatedAt],
        )
        .await?;
        index(
            manager,
            "ix_follow_up_reports_pledge_period",
            FollowUpReport::Table,
            &[FollowUpReport::PledgeId, FollowUpReport::PeriodEnd],
        )
        .await?;
        index(
            manager,
            "ix_follow_up_reports_year",
            FollowUpReport::Table,
            &[FollowUpReport::Year],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(CommitmentProgress::Table)
                    .col(uuid(CommitmentProgress::ReportId))
                    .col(uuid(CommitmentProgress::CommitmentId))
                    .col(string_len(CommitmentProgress::Status, 32))
                    .col(integer_null(CommitmentProgress::ProgressPercent))
                    .col(double_null(CommitmentProgress::ActualQuantity))
                    .col(text_null(CommitmentProgress::Comment))
                    .primary_key(
                        Index::create()
                            .col(CommitmentProgress::ReportId)
                            .col(CommitmentProgress::CommitmentId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_commitment_progress_report")
                            .from(CommitmentProgress::Table, CommitmentProgress::ReportId)
                            .to(FollowUpReport::Table, FollowUpReport::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_commitment_progress_commitment")
                            .from(CommitmentProgress::Table, CommitmentProgress::CommitmentId)
                            .to(Commitment::Table, Commitment::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_commitment_progress_commitment",
            CommitmentProgress::Table,
            &[CommitmentProgress::CommitmentId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(CommitmentOutcome::Table)
                    .col(uuid(CommitmentOutcome::CommitmentId).primary_key())
                    .col(uuid(CommitmentOutcome::MunicipalityId))
                    .col(string_len(CommitmentOutcome::Outcome, 16))
                    .col(text_null(CommitmentOutcome::Comment))
                    .col(timestamp_with_time_zone(CommitmentOutcome::RatedAt))
                    .col(string_len(CommitmentOutcome::RatedBy, 200))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_commitment_outcomes_commitment")
                            .from(CommitmentOutcome::Table, CommitmentOutcome::CommitmentId)
                            .to(Commitment::Table, Commitment::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        // One row: the last timestamp handed to a follow-up change. Writers
        // lock it, so follow-up changes get strictly increasing updated_at
        // in commit order — what makes `updatedSince` polling lossless.
        manager
            .create_table(
                Table::create()
                    .table(SyncClock::Table)
                    .col(integer(SyncClock::Id).primary_key())
                    .col(timestamp_with_time_zone(SyncClock::LastAt))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(SyncClock::Table)
                    .columns([SyncClock::Id, SyncClock::LastAt])
                    .values_panic([1.into(), Expr::current_timestamp()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SyncClock::Table.into_iden(),
            CommitmentOutcome::Table.into_iden(),
            CommitmentProgress::Table.into_iden(),
            FollowUpReport::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
