//! `FollowUpReport`, `CommitmentProgress` and `CommitmentOutcome`.

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};

use crate::error::ApiError;
use crate::graphql::context::request;
use crate::graphql::enums::{FollowUpStatus, Outcome, PeriodKind, ProgressStatus};
use crate::graphql::loaders::{
    ActivitiesOfCommitment, CommitmentById, PledgeById, ProgressOfReport,
};
use crate::graphql::scalars::Date;
use crate::ids::{self, NodeKind};
use crate::store::entities::{commitment_outcome, commitment_progress, follow_up_report};

use super::commitment::Commitment;
use super::pledge::Pledge;
use super::stored;

/// A follow-up (uppföljning) of one pledge for one period. In a sync
/// (`updatedSince`) a report the caller may no longer see comes back with
/// `removed: true` and no content: drop your copy.
#[derive(Debug, Clone)]
pub struct FollowUpReport {
    pub(crate) row: follow_up_report::Model,
    /// Whether the caller may see the content (false: a removal).
    pub(crate) shown: bool,
}

impl FollowUpReport {
    pub(crate) fn shown(row: follow_up_report::Model) -> Self {
        Self { row, shown: true }
    }
}

/// A follow-up (uppföljning) of one pledge for one period. In a sync
/// (`updatedSince`) a report the caller may no longer see comes back with
/// `removed: true` and no content: drop your copy.
#[Object]
impl FollowUpReport {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::FollowUpReport, self.row.id)
    }

    /// The pledge followed up (null if the caller can no longer see it).
    async fn pledge(&self, ctx: &Context<'_>) -> Result<Option<Pledge>> {
        Ok(request(ctx)?
            .load(PledgeById(self.row.pledge_id))
            .await?
            .map(Pledge))
    }

    /// Kind of period: tertial, quarter, year-end or ad hoc.
    async fn period_kind(&self) -> Result<PeriodKind> {
        Ok(stored(domain::PeriodKind::parse(&self.row.period_kind))?.into())
    }

    /// First day the report covers.
    async fn period_start(&self) -> Date {
        self.row.period_start.into()
    }

    /// Last day the report covers (inclusive).
    async fn period_end(&self) -> Date {
        self.row.period_end.into()
    }

    /// Whether the report covers everything from the pledge's first day
    /// (cumulative reports may overlap other reports).
    async fn cumulative(&self, ctx: &Context<'_>) -> Result<Option<bool>> {
        let pledge = request(ctx)?.load(PledgeById(self.row.pledge_id)).await?;
        Ok(pledge.map(|p| p.valid_from == self.row.period_start))
    }

    /// Lifecycle status.
    async fn status(&self) -> Result<FollowUpStatus> {
        Ok(stored(domain::FollowUpStatus::parse(&self.row.status))?.into())
    }

    /// True when the caller may no longer see this report's content (for
    /// the public: it was withdrawn, or its pledge was); a sync client
    /// drops its copy. Staff of the municipality still see a withdrawn
    /// report, with status WITHDRAWN.
    async fn removed(&self) -> bool {
        !self.shown
    }

    /// Summary of the period.
    async fn summary(&self) -> Option<&str> {
        self.shown.then_some(()).and(self.row.summary.as_deref())
    }

    /// Who the report was presented to, e.g. the crime-prevention council.
    async fn presented_to(&self) -> Option<&str> {
        self.shown
            .then_some(())
            .and(self.row.presented_to.as_deref())
    }

    /// Where the report is published.
    async fn source_url(&self) -> Option<&str> {
        self.shown.then_some(()).and(self.row.source_url.as_deref())
    }

    /// When it was first published.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.row.published_at
    }

    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.row.version
    }

    /// When the report (or its visibility) last changed; the sync order.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.row.updated_at
    }

    /// One entry per commitment of the pledge.
    async fn progress(&self, ctx: &Context<'_>) -> Result<Vec<CommitmentProgress>> {
        if !self.shown {
            return Ok(Vec::new());
        }
        Ok(request(ctx)?
            .load_list(ProgressOfReport(self.row.id))
            .await?
            .into_iter()
            .map(|entry| CommitmentProgress {
                entry,
                report: Some(self.row.clone()),
            })
            .collect())
    }
}

/// How one commitment stood in one follow-up report.
#[derive(Debug, Clone)]
pub struct CommitmentProgress {
    pub(crate) entry: commitment_progress::Model,
    pub(crate) report: Option<follow_up_report::Model>,
}

/// How one commitment stood in one follow-up report.
#[Object]
impl CommitmentProgress {
    /// The commitment.
    async fn commitment(&self, ctx: &Context<'_>) -> Result<Commitment> {
        let row = request(ctx)?
            .load(CommitmentById(self.entry.commitment_id))
            .await?
            .ok_or_else(|| ApiError::internal("progress of an invisible commitment"))?;
        Ok(Commitment(row))
    }

    /// The report this entry belongs to.
    async fn report(&self) -> Option<FollowUpReport> {
        self.report.clone().map(FollowUpReport::shown)
    }

    /// Status in the period.
    async fn status(&self) -> Result<ProgressStatus> {
        Ok(stored(domain::ProgressStatus::parse(&self.entry.status))?.into())
    }

    /// Progress in percent (0–100), when given.
    async fn progress_percent(&self) -> Option<i32> {
        self.entry.progress_percent
    }

    /// Quantity achieved, against the commitment's target, when given.
    async fn actual_quantity(&self) -> Option<f64> {
        self.entry.actual_quantity
    }

    /// Activities recorded for the commitment within the report's period:
    /// counted from the evidence, not typed in.
    async fn counted_activities(&self, ctx: &Context<'_>) -> Result<i32> {
        let Some(report) = &self.report else {
            return Ok(0);
        };
        let activities = request(ctx)?
            .load_list(ActivitiesOfCommitment(self.entry.commitment_id))
            .await?;
        let inside = activities
            .iter()
            .filter(|a| {
                a.date
                    .is_some_and(|d| report.period_start <= d && d <= report.period_end)
            })
            .count();
        Ok(i32::try_from(inside).unwrap_or(i32::MAX))
    }

    /// Comment.
    async fn comment(&self) -> Option<&str> {
        self.entry.comment.as_deref()
    }
}

/// Whether a commitment was kept, rated when its pledge ended.
#[derive(Debug, Clone)]
pub struct CommitmentOutcome(pub commitment_outcome::Model);

/// Whether a commitment was kept, rated when its pledge ended.
#[Object]
impl CommitmentOutcome {
    /// The verdict.
    async fn outcome(&self) -> Result<Outcome> {
        Ok(stored(domain::Outcome::parse(&self.0.outcome))?.into())
    }

    /// Why.
    async fn comment(&self) -> Option<&str> {
        self.0.comment.as_deref()
    }

    /// When it was rated.
    async fn rated_at(&self) -> DateTime<Utc> {
        self.0.rated_at
    }
}
