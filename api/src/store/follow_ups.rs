//! Follow-up reports and their progress entries, through the caller's scope.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait,
};
use uuid::Uuid;

use super::decode::{self, Columns, Fast, FastAll as _};
use super::entities::{commitment_outcome, commitment_progress, follow_up_report};
use super::reader::{Reader, keys};
use super::rows::{CommitmentRow, FollowUpRow, OutcomeRow, PledgeRow, ProgressRow};
use super::visibility;
use super::visible::Visible;
use crate::error::ApiResult;
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

/// A report of a sync page or an event (see `Listed`).
pub type Listed = crate::store::Listed<FollowUpRow>;

/// A progress entry with what the read path needs of its report (shared
/// by the report's entries, not copied). The report's texts are not read
/// with every entry: `Reader::reports_of_progress` loads whole reports
/// when they are asked for.
#[derive(Debug, Clone)]
pub struct ProgressEntry {
    pub entry: ProgressRow,
    pub report: Arc<ReportHead>,
}

/// The columns of a report that place and rank its progress entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportHead {
    pub id: Uuid,
    pub pledge_id: Uuid,
    pub status: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub updated_at: DateTime<Utc>,
}

impl ReportHead {
    fn of(report: &FollowUpRow) -> Self {
        Self {
            id: report.id,
            pledge_id: report.pledge_id,
            status: report.status.clone(),
            period_start: report.period_start,
            period_end: report.period_end,
            updated_at: report.updated_at,
        }
    }
}

/// A progress entry and its report's head, as one joined row.
struct EntryAndHead {
    entry: ProgressRow,
    head: ReportHead,
}

impl Columns for EntryAndHead {
    fn read(row: &decode::Row<'_>) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            entry: ProgressRow::read(row)?,
            head: ReportHead {
                id: row.get("report_id")?,
                pledge_id: row.get("report_pledge_id")?,
                status: row.get("report_status")?,
                period_start: row.get("report_period_start")?,
                period_end: row.get("report_period_end")?,
                updated_at: row.get("report_updated_at")?,
            },
        })
    }
}

impl Reader {
    /// One page in (updated_at, id) order, oldest change first: the order
    /// an integration syncs in. Removals come as `Listed::Removed`.
    pub async fn follow_up_page(
        &self,
        filter: &FollowUpFilter,
        after: Option<TimeCursor>,
        first: u64,
    ) -> ApiResult<(Vec<Listed>, bool)> {
        let mut query = follow_up_report::Entity::find().filter(filter.condition(&self.scope));
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
            .fast_all(&self.db)
            .await?;
        let has_next = rows.len() as u64 > first;
        rows.truncate(first as usize);
        // Without `updatedSince` the filter admits visible rows only.
        let visible = if filter.updated_since.is_some() {
            self.visible_report_ids(rows.iter().map(|r| r.id)).await?
        } else {
            rows.iter().map(|r| r.id).collect()
        };
        Ok((
            rows.into_iter()
                .map(|r| {
                    if visible.contains(&r.id) {
                        Listed::Shown(Visible::vouch(r))
                    } else {
                        Listed::Removed(r)
                    }
                })
                .collect(),
            has_next,
        ))
    }

    /// Which of `ids` the caller may see the content of.
    async fn visible_report_ids(
        &self,
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
            .filter(visibility::follow_ups(&self.scope))
            .into_tuple::<Uuid>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect())
    }

    pub async fn follow_up_count(&self, filter: &FollowUpFilter) -> ApiResult<u64> {
        Ok(follow_up_report::Entity::find()
            .filter(filter.condition(&self.scope))
            .count(&self.db)
            .await?)
    }

    /// The visible reports among `ids`.
    pub async fn follow_ups_by_ids(&self, ids: &[Uuid]) -> ApiResult<Vec<Visible<FollowUpRow>>> {
        Ok(Visible::all(
            follow_up_report::Entity::find()
                .filter(follow_up_report::Column::Id.is_in(ids.iter().copied()))
                .filter(visibility::follow_ups(&self.scope))
                .fast_all(&self.db)
                .await?,
        ))
    }

    /// How the caller should hear of a change to report `id`: the report
    /// when it may see it; its removal when it cannot but could before
    /// (`could_see_before`); nothing otherwise.
    pub async fn follow_up_change(
        &self,
        id: Uuid,
        could_see_before: bool,
    ) -> ApiResult<Option<Listed>> {
        if let Some(row) = self.follow_ups_by_ids(&[id]).await?.pop() {
            return Ok(Some(Listed::Shown(row)));
        }
        if !could_see_before {
            return Ok(None);
        }
        let mut rows = follow_up_report::Entity::find_by_id(id)
            .fast_all(&self.db)
            .await?;
        Ok(rows.pop().map(Listed::Removed))
    }

    /// The visible reports of the (visible) pledges, by period.
    pub async fn follow_ups_of<'a>(
        &self,
        pledges: impl IntoIterator<Item = &'a Visible<PledgeRow>>,
    ) -> ApiResult<Vec<Visible<FollowUpRow>>> {
        Ok(Visible::all(
            follow_up_report::Entity::find()
                .filter(follow_up_report::Column::PledgeId.is_in(keys(pledges, |p| p.id)))
                .filter(visibility::reports_of_visible_pledges(&self.scope))
                .order_by_asc(follow_up_report::Column::PeriodEnd)
                .order_by_asc(follow_up_report::Column::PeriodStart)
                .fast_all(&self.db)
                .await?,
        ))
    }

    /// The progress entries of the (visible) reports, in commitment order.
    pub async fn progress_of_reports<'a>(
        &self,
        reports: impl IntoIterator<Item = &'a Visible<FollowUpRow>>,
    ) -> ApiResult<Vec<Visible<ProgressEntry>>> {
        let reports: HashMap<Uuid, Arc<ReportHead>> = reports
            .into_iter()
            .map(|r| (r.id, Arc::new(ReportHead::of(r))))
            .collect();
        let entries = commitment_progress::Entity::find()
            .join(
                JoinType::InnerJoin,
                commitment_progress::Relation::Commitment.def(),
            )
            .filter(commitment_progress::Column::ReportId.is_in(reports.keys().copied()))
            .order_by_asc(commitment_progress::Column::ReportId)
            .order_by_asc(super::entities::commitment::Column::Position)
            .fast_all(&self.db)
            .await?;
        Ok(entries
            .into_iter()
            .filter_map(|entry| {
                let report = reports.get(&entry.report_id)?.clone();
                Some(Visible::vouch(ProgressEntry { entry, report }))
            })
            .collect())
    }

    /// Every progress entry of the (visible) commitments in a report the
    /// caller may see, newest period first, with its report's head: one
    /// statement.
    pub async fn progress_of_commitments<'a>(
        &self,
        commitments: impl IntoIterator<Item = &'a Visible<CommitmentRow>>,
    ) -> ApiResult<Vec<Visible<ProgressEntry>>> {
        let rows = commitment_progress::Entity::find()
            .join(
                JoinType::InnerJoin,
                commitment_progress::Relation::Report.def(),
            )
            .column_as(follow_up_report::Column::PledgeId, "report_pledge_id")
            .column_as(follow_up_report::Column::Status, "report_status")
            .column_as(follow_up_report::Column::PeriodStart, "report_period_start")
            .column_as(follow_up_report::Column::PeriodEnd, "report_period_end")
            .column_as(follow_up_report::Column::UpdatedAt, "report_updated_at")
            .filter(commitment_progress::Column::CommitmentId.is_in(keys(commitments, |c| c.id)))
            .filter(visibility::reports_of_visible_pledges(&self.scope))
            .into_model::<Fast<EntryAndHead>>()
            .all(&self.db)
            .await?;
        let mut reports: HashMap<Uuid, Arc<ReportHead>> = HashMap::new();
        let mut out: Vec<ProgressEntry> = rows
            .into_iter()
            .map(|Fast(row)| {
                let report = reports
                    .entry(row.head.id)
                    .or_insert_with(|| Arc::new(row.head))
                    .clone();
                ProgressEntry {
                    entry: row.entry,
                    report,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            let key = |e: &ProgressEntry| {
                (
                    e.report.period_end,
                    e.report.period_start,
                    e.report.updated_at,
                )
            };
            key(b).cmp(&key(a))
        });
        Ok(Visible::all(out))
    }

    /// The whole reports of (visible) progress entries: visible too.
    pub async fn reports_of_progress<'a>(
        &self,
        entries: impl IntoIterator<Item = &'a Visible<ProgressEntry>>,
    ) -> ApiResult<Vec<Visible<FollowUpRow>>> {
        let ids = keys(entries, |e| e.report.id);
        Ok(Visible::all(
            follow_up_report::Entity::find()
                .filter(follow_up_report::Column::Id.is_in(ids))
                .fast_all(&self.db)
                .await?,
        ))
    }

    /// Outcomes of the (visible) commitments.
    pub async fn outcomes_of<'a>(
        &self,
        commitments: impl IntoIterator<Item = &'a Visible<CommitmentRow>>,
    ) -> ApiResult<Vec<OutcomeRow>> {
        Ok(commitment_outcome::Entity::find()
            .filter(commitment_outcome::Column::CommitmentId.is_in(keys(commitments, |c| c.id)))
            .all(&self.db)
            .await?)
    }
}

/// The report `id` if the caller may change it, locked for the
/// transaction (the edit right is part of the statement).
pub async fn lock_for_edit(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: Uuid,
) -> ApiResult<follow_up_report::Model> {
    let locked = follow_up_report::Entity::find_by_id(id)
        .filter(visibility::follow_ups(scope))
        .filter(visibility::editable(
            scope,
            follow_up_report::Column::MunicipalityId,
        ))
        .lock_exclusive()
        .one(db)
        .await?;
    match locked {
        Some(row) => Ok(row),
        None => {
            let visible = follow_up_report::Entity::find_by_id(id)
                .filter(visibility::follow_ups(scope))
                .one(db)
                .await?
                .is_some();
            Err(super::pledges::refused(visible))
        }
    }
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
fn export_statement(
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

/// The rows of a follow-up export, as the database cursor yields them.
pub type ExportRows = futures::stream::BoxStream<'static, ApiResult<ExportRow>>;

impl Reader {
    /// The follow-up export: every progress entry the caller may see that
    /// matches `filter`, in sync order, streamed from a database cursor. A
    /// consumer that stops reading holds the cursor back, so an export is
    /// never held in memory.
    pub async fn follow_up_export(&self, filter: &FollowUpFilter) -> ApiResult<ExportRows> {
        use futures::StreamExt;
        use sea_orm::{FromQueryResult, StreamTrait};

        let statement = export_statement(self.db.get_database_backend(), &self.scope, filter);
        let rows = self.db.stream_raw(statement).await?;
        Ok(rows
            .map(|row| Ok(ExportRow::from_query_result(&row?, "")?))
            .boxed())
    }
}
