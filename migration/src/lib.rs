//! Database schema, one file per change, applied in order by `api migrate`
//! (and by `api serve` on start). The same migrations produce the same schema
//! on SQLite and PostgreSQL. Migrations never import the api crate or its
//! entities: a migration describes the schema as it was on its day.

pub use sea_orm_migration::prelude::*;

mod idents;
mod m20261123_000001_create_reference_tables;
mod m20261123_000002_create_pledge_tables;
mod m20261123_000003_create_commitment_tables;
mod m20261123_000004_create_activity_tables;
mod m20261123_000005_create_audit_entries;
mod m20261123_000006_create_follow_up_tables;
mod m20261201_000007_create_data_version;
mod m20261202_000008_create_police_organisation;
mod m20261202_000009_record_provenance;
mod m20261202_000010_create_figures;
mod m20261202_000011_create_comparison_cells;
mod m20261203_000012_client_request_id;
mod m20261204_000013_data_changed_at;
mod support;

/// Runs every migration of this crate.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_reference_tables::Migration),
            Box::new(m20261123_000002_create_pledge_tables::Migration),
            Box::new(m20261123_000003_create_commitment_tables::Migration),
            Box::new(m20261123_000004_create_activity_tables::Migration),
            Box::new(m20261123_000005_create_audit_entries::Migration),
            Box::new(m20261123_000006_create_follow_up_tables::Migration),
            Box::new(m20261201_000007_create_data_version::Migration),
            Box::new(m20261202_000008_create_police_organisation::Migration),
            Box::new(m20261202_000009_record_provenance::Migration),
            Box::new(m20261202_000010_create_figures::Migration),
            Box::new(m20261202_000011_create_comparison_cells::Migration),
            Box::new(m20261203_000012_client_request_id::Migration),
            Box::new(m20261204_000013_data_changed_at::Migration),
        ]
    }
}
