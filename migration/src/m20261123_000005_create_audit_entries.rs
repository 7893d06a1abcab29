//! The audit log: one row per write, appended in the same transaction as
//! the write itself. No code path updates or deletes these rows.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::idents::AuditEntry;
use crate::support::index;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEntry::Table)
                    .col(pk_uuid(AuditEntry::Id))
                    .col(timestamp_with_time_zone(AuditEntry::OccurredAt))
                    .col(string_len(AuditEntry::Subject, 200))
                    .col(string_len_null(AuditEntry::Role, 32))
                    // No foreign key: the log must outlive anything it records.
                    .col(uuid_null(AuditEntry::MunicipalityId))
                    .col(string_len(AuditEntry::EntityType, 32))
                    .col(uuid(AuditEntry::EntityId))
                    .col(string_len(AuditEntry::Action, 32))
                    .col(json_null(AuditEntry::Before))
                    .col(json_null(AuditEntry::After))
                    .col(string_len_null(AuditEntry::RequestId, 100))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_audit_entries_municipality_time",
            AuditEntry::Table,
            &[AuditEntry::MunicipalityId, AuditEntry::OccurredAt],
        )
        .await?;
        index(
            manager,
            "ix_audit_entries_time",
            AuditEntry::Table,
            &[AuditEntry::OccurredAt, AuditEntry::Id],
        )
        .await?;
        index(
            manager,
            "ix_audit_entries_entity",
            AuditEntry::Table,
            &[AuditEntry::EntityType, AuditEntry::EntityId],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEntry::Table).to_owned())
            .await
    }
}
