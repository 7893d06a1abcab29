//! The one place that turns a `Scope` into SQL conditions. Every scoped
//! query in `store` starts from these, so widening or narrowing what a kind
//! of caller sees is a change here and nowhere else.

use domain::PledgeStatus;
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition};

use super::entities::{commitment, pledge};
use crate::scope::{Reach, Scope};

/// Rows of `pledges` the caller may see: published ones, plus everything of
/// the municipalities the caller reaches.
pub(super) fn pledges(scope: &Scope) -> Condition {
    let published = pledge::Column::Status.eq(PledgeStatus::Published.as_str());
    match scope.reach() {
        Some(Reach::All) => Condition::all(),
        Some(Reach::Only(set)) if !set.is_empty() => Condition::any()
            .add(published)
            .add(pledge::Column::MunicipalityId.is_in(set.iter().copied())),
        _ => Condition::all().add(published),
    }
}

/// `SELECT id FROM pledges WHERE <visible>`, for child tables.
pub(super) fn pledge_ids(scope: &Scope) -> SelectStatement {
    Query::select()
        .column(pledge::Column::Id)
        .from(pledge::Entity)
        .cond_where(pledges(scope))
        .to_owned()
}

/// `SELECT id FROM commitments WHERE pledge_id IN <visible pledges>`.
pub(super) fn commitment_ids(scope: &Scope) -> SelectStatement {
    Query::select()
        .column(commitment::Column::Id)
        .from(commitment::Entity)
        .and_where(commitment::Column::PledgeId.in_subquery(pledge_ids(scope)))
        .to_owned()
}
