//! `FollowUpReport`, `CommitmentProgress` and `CommitmentOutcome`.

use std::collections::HashMap;

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, NaiveDate, Utc};
use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::graphql::batch::{Children, Item, grouped, keyed, once};
use crate::graphql::context::request;
use crate::graphql::enums::{FollowUpStatus, Outcome, PeriodKind, ProgressStatus};
use crate::graphql::scalars::Date;
use crate::ids::{self, NodeKind, TimeCursor, TimeList};
use crate::store::Visible;
use crate::store::follow_ups::{Listed, ProgressEntry};
use crate::store::rows::{FollowUpRow, OutcomeRow};

use super::commitment::Commitment;
use super::pledge::Pledge;
use super::stored;

/// What has been loaded for a batch of reports.
#[derive(Debug, Default)]
pub(crate) struct FollowUpLoaded {
    /// Scoped: a removed report's pledge may be invisible.
    pledges: OnceCell<HashMap<Uuid, Pledge>>,
    progress: OnceCell<Children<Visible<ProgressEntry>, ProgressLoaded>>,
}

/// A follow-up (uppföljning) of one pledge for one period. In a sync
/// (`updatedSince`) a report the caller may no longer see comes back with
/// `removed: true` and no content: drop your copy.
#[derive(Debug, Clone)]
pub struct FollowUpReport(pub(crate) Item<Listed, FollowUpLoaded>);

impl FollowUpReport {
    /// One object per report, resolved together.
    pub(crate) fn list(rows: Vec<Listed>) -> Vec<Self> {
        Item::all(rows).into_iter().map(Self).collect()
    }

    /// A report of a subscription event: shown, or a removal.
    pub(crate) fn event(entry: Listed) -> Self {
        Self(Item::one(entry))
    }

    pub(crate) fn one(row: Visible<FollowUpRow>) -> Self {
        Self(Item::one(Listed::Shown(row)))
    }

    fn row(&self) -> &FollowUpRow {
        self.0.row().row()
    }

    /// Position in the sync order, for `after`.
    pub(crate) fn cursor(&self) -> String {
        TimeCursor {
            at: self.row().updated_at,
            id: self.row().id,
        }
        .encode(TimeList::FollowUps)
    }

    /// Whether the caller may see the content (false: a removal).
    fn shown(&self) -> bool {
        self.0.row().shown().is_some()
    }

    /// The pledge, if the caller may see it (loaded for the whole batch).
    async fn pledge_of(&self, ctx: &Context<'_>) -> ApiResult<Option<Pledge>> {
        let rc = request(ctx)?;
        let all = once(&self.0.loaded().pledges, || async {
            let ids: Vec<Uuid> = self
                .0
                .siblings()
                .iter()
                .map(|r| r.row().pledge_id)
                .collect();
            let rows = rc.reader.pledges_by_ids(&ids).await?;
            Ok(Pledge::keyed(rows))
        })
        .await?;
        Ok(all.get(&self.row().pledge_id).cloned())
    }
}

/// A follow-up (uppföljning) of one pledge for one period. In a sync
/// (`updatedSince`) a report the caller may no longer see comes back with
/// `removed: true` and no content: drop your copy.
#[Object]
impl FollowUpReport {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::FollowUpReport, self.row().id)
    }

    /// The pledge followed up (null if the caller can no longer see it).
    async fn pledge(&self, ctx: &Context<'_>) -> ApiResult<Option<Pledge>> {
        self.pledge_of(ctx).await
    }

    /// Kind of period: tertial, quarter, year-end or ad hoc.
    async fn period_kind(&self) -> ApiResult<PeriodKind> {
        Ok(stored(domain::PeriodKind::parse(&self.row().period_kind))?.into())
    }

    /// First day the report covers.
    async fn period_start(&self) -> Date {
        self.row().period_start.into()
    }

    /// Last day the report covers (inclusive).
    async fn period_end(&self) -> Date {
        self.row().period_end.into()
    }

    /// Whether the report covers everything from the pledge's first day
    /// (cumulative reports may overlap other reports).
    async fn cumulative(&self, ctx: &Context<'_>) -> ApiResult<Option<bool>> {
        let pledge = self.pledge_of(ctx).await?;
        Ok(pledge.map(|p| p.row().valid_from == self.row().period_start))
    }

    /// Lifecycle status.
    async fn status(&self) -> ApiResult<FollowUpStatus> {
        Ok(stored(domain::FollowUpStatus::parse(&self.row().status))?.into())
    }

    /// True when the caller may no longer see this report's content (for
    /// the public: it was withdrawn, or its pledge was); a sync client
    /// drops its copy. Staff of the municipality still see a withdrawn
    /// report, with status WITHDRAWN.
    async fn removed(&self) -> bool {
        !self.shown()
    }

    /// Summary of the period.
    async fn summary(&self) -> Option<&str> {
        self.shown()
            .then_some(())
            .and(self.row().summary.as_deref())
    }

    /// Who the report was presented to, e.g. the crime-prevention council.
    async fn presented_to(&self) -> Option<&str> {
        self.shown()
            .then_some(())
            .and(self.row().presented_to.as_deref())
    }

    /// Where the report is published.
    async fn source_url(&self) -> Option<&str> {
        self.shown()
            .then_some(())
            .and(self.row().source_url.as_deref())
    }

    /// When it was first published.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.row().published_at
    }

    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.row().version
    }

    /// When the report (or its visibility) last changed; the sync order.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.row().updated_at
    }

    /// One entry per commitment of the pledge.
    async fn progress(&self, ctx: &Context<'_>) -> ApiResult<Vec<CommitmentProgress>> {
        if !self.shown() {
            return Ok(Vec::new());
        }
        let rc = request(ctx)?;
        let children = once(&self.0.loaded().progress, || async {
            let shown = self.0.siblings().iter().filter_map(Listed::shown);
            let rows = rc.reader.progress_of_reports(shown).await?;
            Ok(Children::new(rows, |e| e.entry.report_id))
        })
        .await?;
        Ok(children
            .of(self.row().id)
            .into_iter()
            .map(CommitmentProgress)
            .collect())
    }
}

/// What has been loaded for a batch of progress entries.
#[derive(Debug, Default)]
pub(crate) struct ProgressLoaded {
    commitments: OnceCell<HashMap<Uuid, Commitment>>,
    /// Dates of the activities evidencing each entry's commitment (None: undated).
    activity_dates: OnceCell<HashMap<Uuid, Vec<Option<NaiveDate>>>>,
    /// The entries' reports, as one batch.
    reports: OnceCell<HashMap<Uuid, FollowUpReport>>,
}

/// How one commitment stood in one follow-up report.
#[derive(Debug, Clone)]
pub struct CommitmentProgress(pub(crate) Item<Visible<ProgressEntry>, ProgressLoaded>);

impl CommitmentProgress {
    pub(crate) fn entry(&self) -> &ProgressEntry {
        self.0.row()
    }
}

/// How one commitment stood in one follow-up report.
#[Object]
impl CommitmentProgress {
    /// The commitment.
    async fn commitment(&self, ctx: &Context<'_>) -> ApiResult<Commitment> {
        let rc = request(ctx)?;
        let all = once(&self.0.loaded().commitments, || async {
            let rows = rc.reader.commitments_of_progress(self.0.siblings()).await?;
            Ok(keyed(rows, |c| c.id, Commitment))
        })
        .await?;
        Ok(all
            .get(&self.entry().entry.commitment_id)
            .cloned()
            .ok_or_else(|| ApiError::internal("progress of an invisible commitment"))?)
    }

    /// The report this entry belongs to.
    async fn report(&self, ctx: &Context<'_>) -> ApiResult<Option<FollowUpReport>> {
        let rc = request(ctx)?;
        let all = once(&self.0.loaded().reports, || async {
            let rows = rc.reader.reports_of_progress(self.0.siblings()).await?;
            let listed = rows.into_iter().map(Listed::Shown).collect();
            Ok(keyed(listed, |r: &Listed| r.row().id, FollowUpReport))
        })
        .await?;
        Ok(all.get(&self.entry().report.id).cloned())
    }

    /// Status in the period.
    async fn status(&self) -> ApiResult<ProgressStatus> {
        Ok(stored(domain::ProgressStatus::parse(&self.entry().entry.status))?.into())
    }

    /// Progress in percent (0–100), when given.
    async fn progress_percent(&self) -> Option<i32> {
        self.entry().entry.progress_percent
    }

    /// Quantity achieved, against the commitment's target, when given.
    async fn actual_quantity(&self) -> Option<f64> {
        self.entry().entry.actual_quantity
    }

    /// Activities recorded for the commitment within the report's period:
    /// counted from the evidence, not typed in. An undated activity counts
    /// in no period.
    async fn counted_activities(&self, ctx: &Context<'_>) -> ApiResult<i32> {
        let rc = request(ctx)?;
        let all = once(&self.0.loaded().activity_dates, || async {
            Ok(grouped(
                rc.reader.activity_dates_of(self.0.siblings()).await?,
            ))
        })
        .await?;
        let report = &self.entry().report;
        let inside = all
            .get(&self.entry().entry.commitment_id)
            .into_iter()
            .flatten()
            .filter(|d| domain::counts_in_period(**d, report.period_start, report.period_end))
            .count();
        Ok(i32::try_from(inside).unwrap_or(i32::MAX))
    }

    /// Comment.
    async fn comment(&self) -> Option<&str> {
        self.entry().entry.comment.as_deref()
    }
}

/// Whether a commitment was kept, rated when its pledge ended.
#[derive(Debug, Clone)]
pub struct CommitmentOutcome(pub(crate) Item<OutcomeRow, ()>);

/// Whether a commitment was kept, rated when its pledge ended.
#[Object]
impl CommitmentOutcome {
    /// The verdict.
    async fn outcome(&self) -> ApiResult<Outcome> {
        Ok(stored(domain::Outcome::parse(&self.0.row().outcome))?.into())
    }

    /// Why.
    async fn comment(&self) -> Option<&str> {
        self.0.row().comment.as_deref()
    }

    /// When it was rated.
    async fn rated_at(&self) -> DateTime<Utc> {
        self.0.row().rated_at
    }
}
