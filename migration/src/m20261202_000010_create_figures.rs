//! Counts kept beside the rows they count, for `regionalComparison`: the
//! comparison of every municipality would otherwise aggregate tens of
//! thousands of rows on each request.
//!
//! - `pledge_figures`: per pledge, what its figures are whoever reads them
//!   (a caller who may read the pledge may read its commitments, focus
//!   areas, published reports and the activities evidencing it), as JSON.
//! - `activity_year_counts`: per municipality and calendar year, its dated
//!   activities by kind: `every` one, and the `public` ones (evidencing a
//!   commitment of a published pledge), the two counts any caller's scope
//!   is made of.
//!
//! Every write transaction recomputes the rows of the municipalities it
//! changed before it commits; the server fills in rows missing after this
//! migration when it starts.
//!
//! `pledge_figures` has no foreign key to `pledges` on purpose: inserting
//! a row under one would share-lock the pledge, which a concurrent command
//! may hold locked while it waits for the data-version row the refreshing
//! transaction holds (a deadlock). A refresh replaces every row of its
//! municipalities, so no row outlives its pledge past a commit.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::idents::{ActivityYearCounts, Municipality, PledgeFigures};
use crate::support::index;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PledgeFigures::Table)
                    .col(uuid(PledgeFigures::PledgeId).primary_key())
                    .col(uuid(PledgeFigures::MunicipalityId))
                    .col(text(PledgeFigures::Figures))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_pledge_figures_municipality",
            PledgeFigures::Table,
            &[PledgeFigures::MunicipalityId],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(ActivityYearCounts::Table)
                    .col(uuid(ActivityYearCounts::MunicipalityId))
                    .col(integer(ActivityYearCounts::Year))
                    .col(text(ActivityYearCounts::Every))
                    .col(text(ActivityYearCounts::Public))
                    .primary_key(
                        Index::create()
                            .col(ActivityYearCounts::MunicipalityId)
                            .col(ActivityYearCounts::Year),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_activity_year_counts_municipality")
                            .from(
                                ActivityYearCounts::Table,
                                ActivityYearCounts::MunicipalityId,
                            )
                            .to(Municipality::Table, Municipality::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // Comparisons read one or two years of every municipality.
        index(
            manager,
            "ix_activity_year_counts_year",
            ActivityYearCounts::Table,
            &[ActivityYearCounts::Year],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ActivityYearCounts::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PledgeFigures::Table).to_owned())
            .await
    }
}
