//! Table `commitment_progress`: how one commitment stood in one report.

use sea_orm::entity::prelude::*;

/// Progress of one commitment in one follow-up report.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "commitment_progress")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub report_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub commitment_id: Uuid,
    pub status: String,
    pub progress_percent: Option<i32>,
    pub actual_quantity: Option<f64>,
    #[sea_orm(column_type = "Text")]
    pub comment: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Used to list a report's entries in commitment order.
    #[sea_orm(
        belongs_to = "super::commitment::Entity",
        from = "Column::CommitmentId",
        to = "super::commitment::Column::Id"
    )]
    Commitment,
    /// Used to read entries with their reports in one statement.
    #[sea_orm(
        belongs_to = "super::follow_up_report::Entity",
        from = "Column::ReportId",
        to = "super::follow_up_report::Column::Id"
    )]
    Report,
}

impl ActiveModelBehavior for ActiveModel {}
