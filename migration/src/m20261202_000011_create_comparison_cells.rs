//! `comparison_cells` replaces `pledge_figures` and `activity_year_counts`:
//! per municipality, calendar year and view, the pledge in force and the
//! figures a comparison shows for it, so that `regionalComparison` reads
//! one row per municipality and year instead of choosing among candidate
//! pledges and adding activity counts on every request.
//!
//! A view (`reach`) is one of the two ways any caller sees a municipality:
//! as a caller who reaches it (every pledge but withdrawn ones, every
//! activity), or as the public (published pledges, activities evidencing
//! them). Every scope is, municipality by municipality, one of the two.
//!
//! Like the tables it replaces, it has no foreign keys on purpose: a row
//! inserted under a key share-locks the row it points to, which a
//! concurrent command may hold while it waits for the data-version row the
//! refreshing transaction holds (a deadlock). A refresh replaces every row
//! of its municipalities, so no row outlives what it counts past a commit.
//! The server computes the rows when it starts and finds them missing.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::idents::{ActivityYearCounts, ComparisonCells, PledgeFigures};
use crate::support::index;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ActivityYearCounts::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PledgeFigures::Table).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ComparisonCells::Table)
                    .col(uuid(ComparisonCells::MunicipalityId))
                    .col(integer(ComparisonCells::Year))
                    .col(boolean(ComparisonCells::Reach))
                    .col(uuid_null(ComparisonCells::PledgeId))
                    .col(string_null(ComparisonCells::PledgeStatus))
                    .col(text(ComparisonCells::Figures))
                    .primary_key(
                        Index::create()
                            .col(ComparisonCells::MunicipalityId)
                            .col(ComparisonCells::Year)
                            .col(ComparisonCells::Reach),
                    )
                    .to_owned(),
            )
            .await?;
        // Comparisons read one or two years of every municipality in one view.
        index(
            manager,
            "ix_comparison_cells_year",
            ComparisonCells::Table,
            &[ComparisonCells::Year, ComparisonCells::Reach],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ComparisonCells::Table).to_owned())
            .await?;
        // The replaced tables, empty: the server of their day fills them
        // in when it starts.
        crate::m20261202_000010_create_figures::Migration
            .up(manager)
            .await
    }
}
