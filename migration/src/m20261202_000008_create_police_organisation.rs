//! The police organisation as records: police regions, police districts
//! (polisområden) and the links of local police areas to them; which
//! police region each county belongs to; which district covers which
//! municipality when; and, on every coverage row, whether its dates are
//! stated by a source or inferred, with the source.
//!
//! The free-text `district` and `region` columns of `police_areas` give
//! way to codes. Existing police areas keep their rows; their new links
//! start empty and the seed fills them in (a migration does not know the
//! reference data).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::idents::{
    Added, County, Coverage, DistrictCoverage, Municipality, PoliceArea, PoliceDistrict,
    PoliceRegion,
};
use crate::support::index;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// `ALTER TABLE … ADD COLUMN`, one per statement (SQLite takes one change
/// per `ALTER`).
async fn add_column(
    manager: &SchemaManager<'_>,
    table: impl IntoIden + 'static,
    column: ColumnDef,
) -> Result<(), DbErr> {
    let mut column = column;
    manager
        .alter_table(
            Table::alter()
                .table(table)
                .add_column(&mut column)
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PoliceRegion::Table)
                    .col(string_len(PoliceRegion::Code, 64).primary_key())
                    .col(string_len(PoliceRegion::Name, 200))
                    .to_owned(),
            )
            .await?;

        // A district's validity is known only where a source dates it (the
        // 2018 reorganisation of region Syd); NULL is "not stated".
        manager
            .create_table(
                Table::create()
                    .table(PoliceDistrict::Table)
                    .col(string_len(PoliceDistrict::Code, 64).primary_key())
                    .col(string_len(PoliceDistrict::Name, 200))
                    .col(string_len(PoliceDistrict::RegionCode, 64))
                    .col(date_null(PoliceDistrict::ValidFrom))
                    .col(date_null(PoliceDistrict::ValidTo))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_police_districts_region")
                            .from(PoliceDistrict::Table, PoliceDistrict::RegionCode)
                            .to(PoliceRegion::Table, PoliceRegion::Code),
                    )
                    .to_owned(),
            )
            .await?;

        // Added columns carry no foreign key: SQLite cannot add one to an
        // existing table. The reference commands check the codes.
        add_column(
            manager,
            PoliceArea::Table,
            string_len_null(Added::DistrictCode, 64),
        )
        .await?;
        add_column(
            manager,
            PoliceArea::Table,
            string_len_null(Added::RegionCode, 64),
        )
        .await?;
        for old in [PoliceArea::District, PoliceArea::Region] {
            manager
                .alter_table(
                    Table::alter()
                        .table(PoliceArea::Table)
                        .drop_column(old)
                        .to_owned(),
                )
                .await?;
        }
        add_column(
            manager,
            County::Table,
            string_len_null(Added::PoliceRegionCode, 64),
        )
        .await?;
        add_column(
            manager,
            Coverage::Table,
            boolean(Added::Inferred).default(false).to_owned(),
        )
        .await?;
        add_column(manager, Coverage::Table, text_null(Added::Source)).await?;

        // Districts are named for municipalities where no local police area
        // is known, so their coverage is kept apart from the areas'.
        manager
            .create_table(
                Table::create()
                    .table(DistrictCoverage::Table)
                    .col(pk_uuid(DistrictCoverage::Id))
                    .col(string_len(DistrictCoverage::DistrictCode, 64))
                    .col(uuid(DistrictCoverage::MunicipalityId))
                    .col(date(DistrictCoverage::ValidFrom))
                    .col(date_null(DistrictCoverage::ValidTo))
                    .col(boolean(DistrictCoverage::Inferred).default(false))
                    .col(text_null(DistrictCoverage::Source))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_district_coverage_district")
                            .from(DistrictCoverage::Table, DistrictCoverage::DistrictCode)
                            .to(PoliceDistrict::Table, PoliceDistrict::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_district_coverage_municipality")
                            .from(DistrictCoverage::Table, DistrictCoverage::MunicipalityId)
                            .to(Municipality::Table, Municipality::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_district_coverage_municipality",
            DistrictCoverage::Table,
            &[DistrictCoverage::MunicipalityId],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DistrictCoverage::Table).to_owned())
            .await?;
        for (table, column) in [
            (Coverage::Table.into_iden(), Added::Source.into_iden()),
            (Coverage::Table.into_iden(), Added::Inferred.into_iden()),
            (
                County::Table.into_iden(),
                Added::PoliceRegionCode.into_iden(),
            ),
            (PoliceArea::Table.into_iden(), Added::RegionCode.into_iden()),
            (
                PoliceArea::Table.into_iden(),
                Added::DistrictCode.into_iden(),
            ),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        add_column(
            manager,
            PoliceArea::Table,
            string_len(PoliceArea::District, 200).default("").to_owned(),
        )
        .await?;
        add_column(
            manager,
            PoliceArea::Table,
            string_len(PoliceArea::Region, 200).default("").to_owned(),
        )
        .await?;
        for table in [
            PoliceDistrict::Table.into_iden(),
            PoliceRegion::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
