//! Reference data: counties, police areas, municipalities (the tenants), the
//! time-bounded coverage of municipalities by police areas, the focus-area
//! catalogue and named places.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::idents::{County, Coverage, FocusArea, Municipality, Place, PoliceArea};
use crate::support::index;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(County::Table)
                    .col(string_len(County::Code, 2).primary_key())
                    .col(string_len(County::Name, 100))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PoliceArea::Table)
                    .col(pk_uuid(PoliceArea::Id))
                    .col(string_len_uniq(PoliceArea::Code, 64))
                    .col(string_len(PoliceArea::Name, 200))
                    .col(string_len(PoliceArea::District, 200))
                    .col(string_len(PoliceArea::Region, 200))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Municipality::Table)
                    .col(pk_uuid(Municipality::Id))
                    .col(string_len_uniq(Municipality::Code, 4))
                    .col(string_len(Municipality::Name, 100))
                    .col(string_len(Municipality::CountyCode, 2))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_municipalities_county")
                            .from(Municipality::Table, Municipality::CountyCode)
                            .to(County::Table, County::Code),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_municipalities_county",
            Municipality::Table,
            &[Municipality::CountyCode],
        )
        .await?;

        // Which police area covered which municipality when: police
        // reorganisations move municipalities between areas, and co-signing
        // rights follow the coverage on a pledge's start date.
        manager
            .create_table(
                Table::create()
                    .table(Coverage::Table)
                    .col(pk_uuid(Coverage::Id))
                    .col(uuid(Coverage::PoliceAreaId))
                    .col(uuid(Coverage::MunicipalityId))
                    .col(date(Coverage::ValidFrom))
                    .col(date_null(Coverage::ValidTo))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_coverage_police_area")
                            .from(Coverage::Table, Coverage::PoliceAreaId)
                            .to(PoliceArea::Table, PoliceArea::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_coverage_municipality")
                            .from(Coverage::Table, Coverage::MunicipalityId)
                            .to(Municipality::Table, Municipality::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_coverage_area_municipality_from")
                    .table(Coverage::Table)
                    .col(Coverage::PoliceAreaId)
                    .col(Coverage::MunicipalityId)
                    .col(Coverage::ValidFrom)
                    .unique()
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_coverage_municipality",
            Coverage::Table,
            &[Coverage::MunicipalityId, Coverage::ValidFrom],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(FocusArea::Table)
                    .col(string_len(FocusArea::Code, 48).primary_key())
                    .col(string_len(FocusArea::NameSv, 200))
                    .col(string_len(FocusArea::NameEn, 200))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Place::Table)
                    .col(pk_uuid(Place::Id))
                    .col(uuid(Place::MunicipalityId))
                    .col(string_len(Place::Name, 200))
                    .col(string_len(Place::Kind, 32))
                    .col(double_null(Place::Latitude))
                    .col(double_null(Place::Longitude))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_places_municipality")
                            .from(Place::Table, Place::MunicipalityId)
                            .to(Municipality::Table, Municipality::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // A place name is unique within its municipality (the tenant).
        manager
            .create_index(
                Index::create()
                    .name("ux_places_municipality_name")
                    .table(Place::Table)
                    .col(Place::MunicipalityId)
                    .col(Place::Name)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Place::Table.into_iden(),
            FocusArea::Table.into_iden(),
            Coverage::Table.into_iden(),
            Municipality::Table.into_iden(),
            PoliceArea::Table.into_iden(),
            County::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
