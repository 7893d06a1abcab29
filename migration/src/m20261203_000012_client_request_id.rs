//! `audit_entries.client_request_id`: the `x-request-id` a client sent,
//! kept beside the server's own `request_id` and never in its place (see
//! the api's `request_id` module). Bounded to 128 characters, the longest
//! the server keeps. Older rows have none: what they hold in `request_id`
//! may have been the client's.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::idents::AuditEntry;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEntry::Table)
                    .add_column(string_len_null(AuditEntry::ClientRequestId, 128))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEntry::Table)
                    .drop_column(AuditEntry::ClientRequestId)
                    .to_owned(),
            )
            .await
    }
}
