//! Where a record comes from, and what in it was inferred.
//!
//! - `pledges.provenance`: IMPORTED (taken from a published document, as
//!   the seed does) or RECORDED (written and signed through the API).
//!   `validity_stated` / `signed_on_stated` are false where the dates are
//!   inferred rather than given by the source, `inference_note` says what
//!   was inferred and why, and `source_notes` keeps text about the pledge
//!   from other published sources (a JSON list of {text, source_title,
//!   source_url}).
//! - `signatories.signed_on_stated`: the same for a signatory's date.
//! - `activities.people`: people the source names in the activity, with
//!   the role it gives them (a JSON list of strings).
//! - `commitment_methods`: every method a commitment names, in written
//!   order; `commitments.method` stays and holds the first of them.
//!
//! Existing rows: a SIGNED or PUBLISHED pledge without any recorded
//! approval cannot have come through the API, which records both before
//! signing, so it was imported; every other pledge was recorded. Each
//! commitment's one method becomes its list of methods.
//!
//! SQLite alters one column per statement, so each column is added alone.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::idents::{Activity, Commitment, CommitmentMethod, Pledge, Signatory};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

async fn add(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    column: ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).add_column(column).to_owned())
        .await
}

async fn drop(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    column: impl IntoIden,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).drop_column(column).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns: [(DynIden, ColumnDef); 7] = [
            (
                Pledge::Table.into_iden(),
                string_len(Pledge::Provenance, 16)
                    .default("RECORDED")
                    .to_owned(),
            ),
            (
                Pledge::Table.into_iden(),
                boolean(Pledge::ValidityStated).default(true).to_owned(),
            ),
            (
                Pledge::Table.into_iden(),
                boolean(Pledge::SignedOnStated).default(true).to_owned(),
            ),
            (Pledge::Table.into_iden(), text_null(Pledge::InferenceNote)),
            (
                Pledge::Table.into_iden(),
                json(Pledge::SourceNotes).default("[]").to_owned(),
            ),
            (
                Signatory::Table.into_iden(),
                boolean(Signatory::SignedOnStated).default(true).to_owned(),
            ),
            (
                Activity::Table.into_iden(),
                json(Activity::People).default("[]").to_owned(),
            ),
        ];
        for (table, column) in columns {
            add(manager, table, column).await?;
        }

        manager
            .exec_stmt(
                Query::update()
                    .table(Pledge::Table)
                    .value(Pledge::Provenance, "IMPORTED")
                    .and_where(Expr::col(Pledge::Status).is_in(["SIGNED", "PUBLISHED"]))
                    .and_where(Expr::col(Pledge::MunicipalityApprovedAt).is_null())
                    .and_where(Expr::col(Pledge::PoliceApprovedAt).is_null())
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CommitmentMethod::Table)
                    .col(uuid(CommitmentMethod::CommitmentId))
                    // 1-based, in the order the commitment names them.
                    .col(integer(CommitmentMethod::Position))
                    .col(string_len(CommitmentMethod::Method, 32))
                    .primary_key(
                        Index::create()
                            .col(CommitmentMethod::CommitmentId)
                            .col(CommitmentMethod::Method),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_commitment_methods_commitment")
                            .from(CommitmentMethod::Table, CommitmentMethod::CommitmentId)
                            .to(Commitment::Table, Commitment::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(CommitmentMethod::Table)
                    .columns([
                        CommitmentMethod::CommitmentId,
                        CommitmentMethod::Position,
                        CommitmentMethod::Method,
                    ])
                    .select_from(
                        Query::select()
                            .column(Commitment::Id)
                            .expr(Expr::val(1))
                            .column(Commitment::Method)
                            .from(Commitment::Table)
                            .and_where(Expr::col(Commitment::Method).is_not_null())
                            .to_owned(),
                    )
                    .map_err(|e| DbErr::Migration(e.to_string()))?
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CommitmentMethod::Table).to_owned())
            .await?;
        drop(manager, Activity::Table, Activity::People).await?;
        drop(manager, Signatory::Table, Signatory::SignedOnStated).await?;
        for column in [
            Pledge::SourceNotes,
            Pledge::InferenceNote,
            Pledge::SignedOnStated,
            Pledge::ValidityStated,
            Pledge::Provenance,
        ] {
            drop(manager, Pledge::Table, column).await?;
        }
        Ok(())
    }
}
