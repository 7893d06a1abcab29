//! The one place that turns a `Scope` into SQL conditions. Every scoped
//! query in `store` starts from these, so widening or narrowing what a kind
//! of caller sees is a change here and nowhere else.

use domain::PledgeStatus;
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition};

use super::entities::{activity, commitment, comparison_cell, follow_up_report, pledge};
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

/// Rows of `comparison_cells` in the caller's view of each municipality:
/// the view of a caller who reaches it (`reach` true) for the
/// municipalities it reaches, the public's for the others. This is the
/// same line `pledges` and `activities` draw, kept per view by
/// `store::figures`.
pub(super) fn comparison_cells(scope: &Scope) -> Condition {
    let reach = comparison_cell::Column::Reach;
    let municipality = comparison_cell::Column::MunicipalityId;
    match scope.reach() {
        Some(Reach::All) => Condition::all().add(reach.eq(true)),
        Some(Reach::Only(set)) if !set.is_empty() => Condition::any()
            .add(
                Condition::all()
                    .add(reach.eq(true))
                    .add(municipality.is_in(set.iter().copied())),
            )
            .add(
                Condition::all()
                    .add(reach.eq(false))
                    .add(municipality.is_not_in(set.iter().copied())),
            ),
        _ => Condition::all().add(reach.eq(false)),
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

/// Rows of `follow_up_reports` whose content the caller may see: everything
/// of the municipalities it reaches, and published reports of pledges it
/// may see.
pub(super) fn follow_ups(scope: &Scope) -> Condition {
    let public = Condition::all()
        .add(follow_up_report::Column::Status.eq(domain::FollowUpStatus::Published.as_str()))
        .add(follow_up_report::Column::PledgeId.in_subquery(pledge_ids(scope)));
    match scope.reach() {
        Some(Reach::All) => Condition::all(),
        Some(Reach::Only(set)) if !set.is_empty() => Condition::any()
            .add(public)
            .add(follow_up_report::Column::MunicipalityId.is_in(set.iter().copied())),
        _ => public,
    }
}

/// Rows the caller may change: those of the municipalities it edits
/// (admins: all; nobody else: none), by `municipality`, the row's
/// municipality column. Writes lock rows with this in the statement, so a
/// row the caller may not change is never locked.
pub(super) fn editable(scope: &Scope, municipality: impl ColumnTrait) -> Condition {
    match scope.editable() {
        None => Condition::all(),
        Some(set) => Condition::all().add(municipality.is_in(set)),
    }
}

/// Reports of pledges the caller already sees: published ones, and all of
/// the municipalities it reaches. No subquery: the pledges were scoped.
pub(super) fn reports_of_visible_pledges(scope: &Scope) -> Condition {
    let published = follow_up_report::Column::Status.eq(domain::FollowUpStatus::Published.as_str());
    match scope.reach() {
        Some(Reach::All) => Condition::all(),
        Some(Reach::Only(set)) if !set.is_empty() => Condition::any()
            .add(published)
            .add(follow_up_report::Column::MunicipalityId.is_in(set.iter().copied())),
        _ => Condition::all().add(published),
    }
}

/// Rows an integration syncing with `updatedSince` must hear about: those
/// it may see, plus every report that was ever published (as a removal,
/// once it is withdrawn or its pledge is no longer public).
pub(super) fn follow_ups_for_sync(scope: &Scope) -> Condition {
    Condition::any()
        .add(follow_ups(scope))
        .add(follow_up_report::Column::PublishedAt.is_not_null())
}

/// Rows of `activities` the caller may see: evidence of a visible
/// commitment, and every activity of the municipalities it reaches.
pub(super) fn activities(scope: &Scope) -> Condition {
    let of_visible = activity::Column::CommitmentId.in_subquery(commitment_ids(scope));
    match scope.reach() {
        Some(Reach::All) => Condition::all(),
        Some(Reach::Only(set)) if !set.is_empty() => Condition::any()
            .add(of_visible)
            .add(activity::Column::MunicipalityId.is_in(set.iter().copied())),
        _ => Condition::all().add(of_visible),
    }
}
