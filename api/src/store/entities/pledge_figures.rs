//! Table `pledge_figures`: a pledge's comparison figures (see
//! `store::figures`).

use sea_orm::entity::prelude::*;

/// One pledge's figures, as `store::figures::Figures` in JSON.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "pledge_figures")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub pledge_id: Uuid,
    pub municipality_id: Uuid,
    pub figures: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
