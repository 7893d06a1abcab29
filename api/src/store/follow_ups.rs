//! Follow-up reports and their progress entries, through the caller's scope.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait,
};
use uuid::Uuid;

use super::entities::{commitment_outcome, commitment_progress, follow_up_report};
use super::visibility;
use crate::error::{ApiError, ApiResult};
use crate::ids::TimeCursor;
use crate::scope::Scope;

/// Filter of `followUps(filter:)`, codes resolved to keys.
#[derive(Debug, Clone, Default)]
pub struct FollowUpFilter {
    pub municipality_id: Option<Uuid>,
    pub pledge_id: Option<Uuid>,
    /// The pledge's year.
    pub year: Option<i32>,
    pub status: Option<domain::FollowUpStatus>,
    /// Changes at or after this time; also turns on removals (sync mode).
    pub updated_since: Option<DateTime<Utc>>,
}

impl FollowUpFilter {
    fn condition(&self, scope: &Scope) -> Condition {
        let mut c = Condition::all().add(if self.updated_since.is_some() {
            visibility::follow_ups_for_sync(scope)
        } else {
            visibility::follow_ups(scope)
        });
        if let Some(id) = self.municipality_id {
            c = c.add(follow_up_report::Column::MunicipalityId.eq(id));
        }
        if let Some(id) = self.pledge_id {
            c = c.add(follow_up_report::Column::PledgeId.eq(id));
        }
        if let Some(year) = self.year {
            c = c.add(follow_up_report::Column::Year.eq(year));
        }
        if let Some(status) = self.status {
            c = c.add(follow_up_report::Column::Status.eq(status.as_str()));
        }
        if let Some(since) = self.updated_since {
            c = c.add(follow_up_report::Column::UpdatedAt.gte(since));
        }
        c
    }
}

/// One page in (updated_at, id) order, oldest change first: the order an
/// integration syncs in. Each row comes with whether the caller may see
/// its content (false: a removal to apply).
pub async fn page(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &FollowUpFilter,
    after: Option<TimeCursor>,
    first: u64,
) -> ApiResult<(Vec<(follow_up_report::Model, bool)>, bool)> {
    let mut query = follow_up_report::Entity::find().filter(filter.condition(scope));
    if let Some(cursor) = after {
        query = query.filter(
            Condition::any()
                .add(follow_up_report::Column::UpdatedAt.gt(cursor.at))
                .add(
                    Condition::all()
                        .add(follow_up_report::Column::UpdatedAt.eq(cursor.at))
                        .add(follow_up_report::Column::Id.gt(cursor.id)),
                ),
        );
    }
    let mut rows = query
        .order_by_asc(follow_up_report::Column::UpdatedAt)
        .order_by_asc(follow_up_report::Column::Id)
        .limit(first + 1)
        .all(db)
        .await?;
    let has_next = rows.len() as u64 > first;
    rows.truncate(first as usize);
    let visible = visible_ids(db, scope, rows.iter().map(|r| r.id)).await?;
    Ok((
        rows.into_iter()
            .map(|r| {
                let shown = visible.contains(&r.id);
                (r, shown)
            })
            .collect(),
        has_next,
    ))
}

/// Which of `ids` the caller may see the content of.
async fn visible_ids(
    db: &impl ConnectionTrait,
    scope: &Scope,
    ids: impl Iterator<Item = Uuid>,
) -> ApiResult<HashSet<Uuid>> {
    let ids: Vec<Uuid> = ids.collect();
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(follow_up_report::Entity::find()
        .select_only()
        .column(follow_up_report::Column::Id)
        .filter(follow_up_report::Column::Id.is_in(ids))
        .filter(visibility::follow_ups(scope))
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

pub async fn count(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &FollowUpFilter,
) -> ApiResult<u64> {
    Ok(follow_up_report::Entity::find()
        .filter(filter.condition(scope))
        .count(db)
        .await?)
}

/// Visible reports by key.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    scope: &Scope,
    ids: &[Uuid],
) -> ApiResult<Vec<follow_up_report::Model>> {
    Ok(follow_up_report::Entity::find()
        .filter(follow_up_report::Column::Id.is_in(ids.iter().copied()))
        .filter(visibility::follow_ups(scope))
        .all(db)
        .await?)
}

/// Visible reports of the given pledges, by period.
pub async fn of_pledges(
    db: &impl ConnectionTrait,
    scope: &Scope,
    pledge_ids: &[Uuid],
) -> ApiResult<Vec<follow_up_report::Model>> {
    Ok(follow_up_report::Entity::find()
        .filter(follow_up_report::Column::PledgeId.is_in(pledge_ids.iter().copied()))
        .filter(visibility::follow_ups(scope))
        .order_by_asc(follow_up_report::Column::PeriodEnd)
        .order_by_asc(follow_up_report::Column::PeriodStart)
        .all(db)
        .await?)
}

/// Progress entries of the given (visible) reports.
pub async fn progress_of_reports(
    db: &impl ConnectionTrait,
    scope: &Scope,
    report_ids: &[Uuid],
) -> ApiResult<Vec<commitment_progress::Model>> {
    Ok(commitment_progress::Entity::find()
        .join(
            JoinType::InnerJoin,
            commitment_progress::Relation::Commitment.def(),
        )
        .filter(commitment_progress::Column::ReportId.is_in(report_ids.iter().copied()))
        .filter(commitment_progress::Column::ReportId.in_subquery(visibility::follow_up_ids(scope)))
        .order_by_asc(super::entities::commitment::Column::Position)
        .all(db)
        .await?)
}

/// Every visible progress entry of the given commitments, with its report,
/// newest period first.
pub async fn progress_of_commitments(
    db: &impl ConnectionTrait,
    scope: &Scope,
    commitment_ids: &[Uuid],
) -> ApiResult<Vec<(commitment_progress::Model, follow_up_report::Model)>> {
    let entries = commitment_progress::Entity::find()
        .filter(commitment_progress::Column::CommitmentId.is_in(commitment_ids.iter().copied()))
        .filter(commitment_progress::Column::ReportId.in_subquery(visibility::follow_up_ids(scope)))
        .all(db)
        .await?;
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let reports: HashMap<Uuid, follow_up_report::Model> = follow_up_report::Entity::find()
        .filter(follow_up_report::Column::Id.is_in(entries.iter().map(|e| e.report_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut out: Vec<_> = entries
        .into_iter()
        .filter_map(|e| reports.get(&e.report_id).cloned().map(|r| (e, r)))
        .collect();
    out.sort_by(|(_, a), (_, b)| {
        (b.period_end, b.period_start, b.updated_at).cmp(&(
            a.period_end,
            a.period_start,
            a.updated_at,
        ))
    });
    Ok(out)
}

/// Outcomes of the given commitments (visible when the commitment is).
pub async fn outcomes_of(
    db: &impl ConnectionTrait,
    scope: &Scope,
    commitment_ids: &[Uuid],
) -> ApiResult<Vec<commitment_outcome::Model>> {
    Ok(commitment_outcome::Entity::find()
        .filter(commitment_outcome::Column::CommitmentId.is_in(commitment_ids.iter().copied()))
        .filter(
            commitment_outcome::Column::CommitmentId.in_subquery(visibility::commitment_ids(scope)),
        )
        .all(db)
        .await?)
}

/// The report `id` if the caller may see it, locked for the transaction.
pub async fn lock(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: Uuid,
) -> ApiResult<follow_up_report::Model> {
    follow_up_report::Entity::find_by_id(id)
        .filter(visibility::follow_ups(scope))
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)
}

/// One line of the follow-up export: a progress entry with its context.
#[derive(Debug, Clone, sea_orm::FromQueryResult, serde::Serialize)]
pub struct ExportRow {
    pub report_id: Uuid,
    pub pledge_id: Uuid,
    pub municipality_code: String,
    pub municipality_name: String,
    pub pledge_year: i32,
    pub pledge_title: String,
    pub period_kind: String,
    pub period_start: chrono::NaiveDate,
    pub period_end: chrono::NaiveDate,
    pub report_status: String,
    pub commitment_id: Uuid,
    pub commitment_position: i32,
    pub commitment_text: String,
    pub progress_status: String,
    pub progress_percent: Option<i32>,
    pub actual_quantity: Option<f64>,
    pub target_quantity: Option<f64>,
    pub target_unit: Option<String>,
    pub comment: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// The export query: every progress entry of the reports the caller may
/// see, matching `filter`, in sync order. Read it as a stream.
pub fn export_statement(
    backend: sea_orm::DatabaseBackend,
    scope: &Scope,
    filter: &FollowUpFilter,
) -> sea_orm::Statement {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};

    use super::entities::{commitment, municipality, pledge};

    let content_only = FollowUpFilter {
        // Exports carry content; removals are the sync feed's business.
        updated_since: None,
        ..filter.clone()
    };
    let mut condition = content_only.condition(scope);
    if let Some(since) = filter.updated_since {
        condition = condition.add(follow_up_report::Column::UpdatedAt.gte(since));
    }
    let r = follow_up_report::Entity;
    let statement = Query::select()
        .expr_as(
            Expr::col((r, follow_up_report::Column::Id)),
            Alias::new("report_id"),
        )
        .expr_as(
            Expr::col((r, follow_up_report::Column::PledgeId)),
            Alias::new("pledge_id"),
        )
        .expr_as(
            Expr::col((municipality::Entity, municipality::Column::Code)),
            Alias::new("municipality_code"),
        )
        .expr_as(
            Expr::col((municipality::Entity, municipality::Column::Name)),
            Alias::new("municipality_name"),
        )
        .expr_as(
            Expr::col((pledge::Entity, pledge::Column::Year)),
            Alias::new("pledge_year"),
        )
        .expr_as(
            Expr::col((pledge::Entity, pledge::Column::Title)),
            Alias::new("pledge_title"),
        )
        .expr_as(
            Expr::col((r, follow_up_report::Column::PeriodKind)),
            Alias::new("period_kind"),
        )
        .expr_as(
            Expr::col((r, follow_up_report::Column::PeriodStart)),
            Alias::new("period_start"),
        )
        .expr_as(
            Expr::col((r, follow_up_report::Column::PeriodEnd)),
            Alias::new("period_end"),
        )
        .expr_as(
            Expr::col((r, follow_up_report::Column::Status)),
            Alias::new("report_status"),
        )
        .expr_as(
            Expr::col((commitment::Entity, commitment::Column::Id)),
            Alias::new("commitment_id"),
        )
        .expr_as(
            Expr::col((commitment::Entity, commitment::Column::Position)),
            Alias::new("commitment_position"),
        )
        .expr_as(
            Expr::col((commitment::Entity, commitment::Column::Text)),
            Alias::new("commitment_text"),
        )
        .expr_as(
            Expr::col((
                commitment_progress::Entity,
                commitment_progress::Column::Status,
            )),
            Alias::new("progress_status"),
        )
        .expr_as(
            Expr::col((
                commitment_progress::Entity,
                commitment_progress::Column::ProgressPercent,
            )),
            Alias::new("progress_percent"),
        )
        .expr_as(
            Expr::col((
                commitment_progress::Entity,
                commitment_progress::Column::ActualQuantity,
            )),
            Alias::new("actual_quantity"),
        )
        .expr_as(
            Expr::col((commitment::Entity, commitment::Column::TargetQuantity)),
            Alias::new("target_quantity"),
        )
        .expr_as(
            Expr::col((commitment::Entity, commitment::Column::TargetUnit)),
            Alias::new("target_unit"),
        )
        .expr_as(
            Expr::col((
                commitment_progress::Entity,
                commitment_progress::Column::Comment,
            )),
            Alias::new("comment"),
        )
        .expr_as(
            Expr::col((r, follow_up_report::Column::UpdatedAt)),
            Alias::new("updated_at"),
        )
        .from(commitment_progress::Entity)
        .inner_join(
            r,
            Expr::col((r, follow_up_report::Column::Id)).equals((
                commitment_progress::Entity,
                commitment_progress::Column::ReportId,
            )),
        )
        .inner_join(
            commitment::Entity,
            Expr::col((commitment::Entity, commitment::Column::Id)).equals((
                commitment_progress::Entity,
                commitment_progress::Column::CommitmentId,
            )),
        )
        .inner_join(
            pledge::Entity,
            Expr::col((pledge::Entity, pledge::Column::Id))
                .equals((r, follow_up_report::Column::PledgeId)),
        )
        .inner_join(
            municipality::Entity,
            Expr::col((municipality::Entity, municipality::Column::Id))
                .equals((r, follow_up_report::Column::MunicipalityId)),
        )
        .cond_where(condition)
        .order_by(
            (r, follow_up_report::Column::UpdatedAt),
            sea_orm::Order::Asc,
        )
        .order_by((r, follow_up_report::Column::Id), sea_orm::Order::Asc)
        .order_by(
            (commitment::Entity, commitment::Column::Position),
            sea_orm::Order::Asc,
        )
        .to_owned();
    backend.build(&statement)
}
