//! Follow-up reports: drafting, publishing and withdrawing them, and the
//! end-of-pledge outcome of each commitment.

use std::collections::{BTreeSet, HashSet};

use domain::{FollowUpStatus, PledgeStatus, ReportPeriod, ValidityPeriod};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use serde::Serialize;
use uuid::Uuid;

use super::audit::{self, Action, Entity};
use super::clock;
use super::{Actor, Write, expect_version, require_edit};
use crate::error::{ApiError, ApiResult};
use crate::store::entities::{
    commitment, commitment_outcome, commitment_progress, follow_up_report, pledge,
};
use crate::store::{Writer, follow_ups, pledges};

/// One commitment's progress in a report, validated.
#[derive(Debug, Clone)]
pub struct ProgressEntry {
    pub commitment_id: Uuid,
    pub status: domain::ProgressStatus,
    pub progress_percent: Option<domain::ProgressPercent>,
    pub actual_quantity: Option<f64>,
    pub comment: Option<String>,
}

/// `FollowUpReportInput`, validated.
#[derive(Debug, Clone)]
pub struct ReportFields {
    pub pledge_id: Uuid,
    pub period_kind: domain::PeriodKind,
    pub period_start: chrono::NaiveDate,
    pub period_end: chrono::NaiveDate,
    pub summary: Option<String>,
    pub presented_to: Option<String>,
    pub source_url: Option<String>,
    /// `None` leaves the progress entries as they are (on update).
    pub progress: Option<Vec<ProgressEntry>>,
}

#[derive(Debug, Serialize)]
struct Snapshot {
    #[serde(flatten)]
    report: follow_up_report::Model,
    progress: Vec<commitment_progress::Model>,
}

async fn snapshot(db: &impl ConnectionTrait, row: &follow_up_report::Model) -> ApiResult<Snapshot> {
    let progress = commitment_progress::Entity::find()
        .filter(commitment_progress::Column::ReportId.eq(row.id))
        .all(db)
        .await?;
    Ok(Snapshot {
        report: row.clone(),
        progress,
    })
}

fn status(row: &follow_up_report::Model) -> ApiResult<FollowUpStatus> {
    FollowUpStatus::parse(&row.status)
        .map_err(|e| ApiError::internal(format!("stored report status: {e}")))
}

fn pledge_period(pledge: &pledge::Model) -> ApiResult<ValidityPeriod> {
    ValidityPeriod::new(pledge.valid_from, pledge.valid_to)
        .map_err(|e| ApiError::internal(format!("stored pledge period: {e}")))
}

/// Checks the period against the pledge and the pledge's other live reports.
async fn check_period(
    db: &impl ConnectionTrait,
    pledge: &pledge::Model,
    fields: &ReportFields,
    own_id: Option<Uuid>,
) -> ApiResult<ReportPeriod> {
    let period = ReportPeriod::new(
        fields.period_kind,
        fields.period_start,
        fields.period_end,
        &pledge_period(pledge)?,
    )?;
    let others = follow_up_report::Entity::find()
        .filter(follow_up_report::Column::PledgeId.eq(pledge.id))
        .filter(follow_up_report::Column::Status.ne(FollowUpStatus::Withdrawn.as_str()))
        .all(db)
        .await?;
    for other in others.iter().filter(|o| Some(o.id) != own_id) {
        let Ok(kind) = domain::PeriodKind::parse(&other.period_kind) else {
            continue;
        };
        let Ok(theirs) = ReportPeriod::new(
            kind,
            other.period_start,
            other.period_end,
            &pledge_period(pledge)?,
        ) else {
            continue;
        };
        if !period.compatible_with(&theirs) {
            return Err(ApiError::bad_input(
                "periodStart",
                format!(
                    "the period overlaps the report for {} – {}; only reports starting on the pledge's first day (cumulative) may overlap",
                    other.period_start, other.period_end
                ),
            ));
        }
    }
    Ok(period)
}

/// Replaces the report's progress entries; each must be for a commitment
/// of the report's pledge, at most once.
async fn replace_progress(
    db: &impl ConnectionTrait,
    report_id: Uuid,
    pledge_id: Uuid,
    entries: &[ProgressEntry],
) -> ApiResult<()> {
    let own: HashSet<Uuid> = commitment::Entity::find()
        .filter(commitment::Column::PledgeId.eq(pledge_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let mut seen = HashSet::new();
    for entry in entries {
        if !own.contains(&entry.commitment_id) {
            return Err(ApiError::bad_input(
                "progress",
                "a progress entry names a commitment of another pledge",
            ));
        }
        if !seen.insert(entry.commitment_id) {
            return Err(ApiError::bad_input(
                "progress",
                "a commitment is listed twice",
            ));
        }
    }
    commitment_progress::Entity::delete_many()
        .filter(commitment_progress::Column::ReportId.eq(report_id))
        .exec(db)
        .await?;
    for e in entries {
        commitment_progress::Entity::insert(commitment_progress::ActiveModel {
            report_id: Set(report_id),
            commitment_id: Set(e.commitment_id),
            status: Set(e.status.as_str().to_owned()),
            progress_percent: Set(e.progress_percent.map(|p| i32::from(p.get()))),
            actual_quantity: Set(e.actual_quantity),
            comment: Set(e.comment.clone()),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// The pledge a report is for: visible, editable, SIGNED or PUBLISHED.
async fn reportable_pledge(
    db: &impl ConnectionTrait,
    actor: &Actor<'_>,
    pledge_id: Uuid,
) -> ApiResult<pledge::Model> {
    let pledge = pledges::lock_for_edit(db, actor.scope, pledge_id).await?;
    require_edit(actor, pledge.municipality_id)?;
    match PledgeStatus::parse(&pledge.status) {
        Ok(PledgeStatus::Signed | PledgeStatus::Published) => Ok(pledge),
        _ => Err(ApiError::InvalidState(format!(
            "follow-up is for signed or published pledges; this one is {}",
            pledge.status
        ))),
    }
}

/// `createFollowUpReport`: a DRAFT report.
pub async fn create(
    writer: &Writer,
    actor: &Actor<'_>,
    fields: ReportFields,
) -> ApiResult<follow_up_report::Model> {
    actor.caller()?;
    let write = Write::begin(writer).await?;
    let txn = &write.txn;
    let pledge = reportable_pledge(txn, actor, fields.pledge_id).await?;
    let period = check_period(txn, &pledge, &fields, None).await?;
    let at = clock::tick(txn, actor.now).await?;
    let id = Uuid::new_v4();
    let row = follow_up_report::ActiveModel {
        id: Set(id),
        pledge_id: Set(pledge.id),
        municipality_id: Set(pledge.municipality_id),
        year: Set(pledge.year),
        period_kind: Set(period.kind().as_str().to_owned()),
        period_start: Set(period.start()),
        period_end: Set(period.end()),
        status: Set(FollowUpStatus::Draft.as_str().to_owned()),
        summary: Set(fields.summary.clone()),
        presented_to: Set(fields.presented_to.clone()),
        source_url: Set(fields.source_url.clone()),
        published_at: Set(None),
        withdrawn_reason: Set(None),
        version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(txn)
    .await?;
    replace_progress(
        txn,
        id,
        pledge.id,
        fields.progress.as_deref().unwrap_or_default(),
    )
    .await?;
    let after = snapshot(txn, &row).await?;
    audit::record(
        &write,
        actor,
        row.municipality_id,
        Entity::FollowUpReport,
        id,
        Action::Create,
        None,
        Some(&after),
    )
    .await?;
    write.commit().await?;
    Ok(row)
}

/// `updateFollowUpReport`: changes a DRAFT report at `expected_version`.
pub async fn update(
    writer: &Writer,
    actor: &Actor<'_>,
    id: Uuid,
    expected_version: i32,
    fields: ReportFields,
) -> ApiResult<follow_up_report::Model> {
    actor.caller()?;
    let write = Write::begin(writer).await?;
    let txn = &write.txn;
    let row = follow_ups::lock_for_edit(txn, actor.scope, id).await?;
    require_edit(actor, row.municipality_id)?;
    expect_version(row.version, expected_version)?;
    if fields.pledge_id != row.pledge_id {
        return Err(ApiError::bad_input(
            "pledgeId",
            "a report cannot move to another pledge",
        ));
    }
    if status(&row)? != FollowUpStatus::Draft {
        return Err(ApiError::InvalidState(format!(
            "only a DRAFT report can change; this one is {}",
            row.status
        )));
    }
    let pledge = reportable_pledge(txn, actor, row.pledge_id).await?;
    let period = check_period(txn, &pledge, &fields, Some(row.id)).await?;
    let before = snapshot(txn, &row).await?;
    let at = clock::tick(txn, actor.now).await?;
    let mut am: follow_up_report::ActiveModel = row.clone().into();
    am.period_kind = Set(period.kind().as_str().to_owned());
    am.period_start = Set(period.start());
    am.period_end = Set(period.end());
    am.summary = Set(fields.summary.clone());
    am.presented_to = Set(fields.presented_to.clone());
    am.source_url = Set(fields.source_url.clone());
    am.version = Set(row.version + 1);
    am.updated_at = Set(at);
    let updated = am.update(txn).await?;
    if let Some(entries) = &fields.progress {
        replace_progress(txn, id, row.pledge_id, entries).await?;
    }
    let after = snapshot(txn, &updated).await?;
    audit::record(
        &write,
        actor,
        updated.municipality_id,
        Entity::FollowUpReport,
        id,
        Action::Update,
        Some(&before),
        Some(&after),
    )
    .await?;
    write.commit().await?;
    Ok(updated)
}

/// `publishFollowUpReport`: DRAFT -> PUBLISHED, once the pledge is public
/// and every commitment has its progress entry.
pub async fn publish(
    writer: &Writer,
    actor: &Actor<'_>,
    id: Uuid,
) -> ApiResult<follow_up_report::Model> {
    actor.caller()?;
    let write = Write::begin(writer).await?;
    let txn = &write.txn;
    let row = follow_ups::lock_for_edit(txn, actor.scope, id).await?;
    require_edit(actor, row.municipality_id)?;
    if status(&row)? != FollowUpStatus::Draft {
        return Err(ApiError::InvalidState(format!(
            "only a DRAFT report can be published; this one is {}",
            row.status
        )));
    }
    let pledge = pledges::lock(txn, actor.scope, row.pledge_id).await?;
    if pledge.status != PledgeStatus::Published.as_str() {
        return Err(ApiError::InvalidState(
            "publish the pledge before its follow-up".to_owned(),
        ));
    }
    let commitments: BTreeSet<Uuid> = commitment::Entity::find()
        .filter(commitment::Column::PledgeId.eq(row.pledge_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let before = snapshot(txn, &row).await?;
    let reported: BTreeSet<Uuid> = before.progress.iter().map(|p| p.commitment_id).collect();
    let missing = commitments.difference(&reported).count();
    if missing > 0 {
        return Err(ApiError::InvalidState(format!(
            "{missing} commitment(s) have no progress entry yet; a published report covers every commitment"
        )));
    }
    let at = clock::tick(txn, actor.now).await?;
    let mut am: follow_up_report::ActiveModel = row.clone().into();
    am.status = Set(FollowUpStatus::Published.as_str().to_owned());
    am.published_at = Set(Some(at));
    am.version = Set(row.version + 1);
    am.updated_at = Set(at);
    let updated = am.update(txn).await?;
    let after = snapshot(txn, &updated).await?;
    audit::record(
        &write,
        actor,
        updated.municipality_id,
        Entity::FollowUpReport,
        id,
        Action::Publish,
        Some(&before),
        Some(&after),
    )
    .await?;
    write.commit().await?;
    Ok(updated)
}

/// `withdrawFollowUpReport`: takes a report back; integrations see a
/// removal. Also says whether the report was published (public) before.
pub async fn withdraw(
    writer: &Writer,
    actor: &Actor<'_>,
    id: Uuid,
    reason: String,
) -> ApiResult<(follow_up_report::Model, bool)> {
    actor.caller()?;
    let write = Write::begin(writer).await?;
    let txn = &write.txn;
    let row = follow_ups::lock_for_edit(txn, actor.scope, id).await?;
    require_edit(actor, row.municipality_id)?;
    let was = status(&row)?;
    if was == FollowUpStatus::Withdrawn {
        return Err(ApiError::InvalidState(
            "the report is already withdrawn".to_owned(),
        ));
    }
    let before = snapshot(txn, &row).await?;
    let at = clock::tick(txn, actor.now).await?;
    let mut am: follow_up_report::ActiveModel = row.clone().into();
    am.status = Set(FollowUpStatus::Withdrawn.as_str().to_owned());
    am.withdrawn_reason = Set(Some(reason));
    am.version = Set(row.version + 1);
    am.updated_at = Set(at);
    let updated = am.update(txn).await?;
    let after = snapshot(txn, &updated).await?;
    audit::record(
        &write,
        actor,
        updated.municipality_id,
        Entity::FollowUpReport,
        id,
        Action::Withdraw,
        Some(&before),
        Some(&after),
    )
    .await?;
    write.commit().await?;
    Ok((updated, was == FollowUpStatus::Published))
}

/// Marks the reports of a pledge as changed (its visibility changed), so
/// that syncing integrations hear about it.
pub(crate) async fn touch_reports_of(
    txn: &impl ConnectionTrait,
    actor: &Actor<'_>,
    pledge_id: Uuid,
) -> ApiResult<()> {
    let reports = follow_up_report::Entity::find()
        .filter(follow_up_report::Column::PledgeId.eq(pledge_id))
        .all(txn)
        .await?;
    if reports.is_empty() {
        return Ok(());
    }
    let at = clock::tick(txn, actor.now).await?;
    for report in reports {
        let mut am: follow_up_report::ActiveModel = report.into();
        am.updated_at = Set(at);
        am.update(txn).await?;
    }
    Ok(())
}

/// `setCommitmentOutcome`: whether a commitment was kept, once its pledge
/// has ended.
pub async fn set_outcome(
    writer: &Writer,
    actor: &Actor<'_>,
    commitment_id: Uuid,
    outcome: domain::Outcome,
    comment: Option<String>,
) -> ApiResult<commitment_outcome::Model> {
    let caller = actor.caller()?;
    let write = Write::begin(writer).await?;
    let txn = &write.txn;
    let commitment =
        crate::store::commitments::lock_for_edit(txn, actor.scope, commitment_id).await?;
    let pledge = reportable_pledge(txn, actor, commitment.pledge_id).await?;
    if actor.today <= pledge.valid_to {
        return Err(ApiError::InvalidState(format!(
            "outcomes are rated when the pledge has ended ({})",
            pledge.valid_to
        )));
    }
    let before = commitment_outcome::Entity::find_by_id(commitment_id)
        .one(txn)
        .await?;
    let am = commitment_outcome::ActiveModel {
        commitment_id: Set(commitment_id),
        municipality_id: Set(commitment.municipality_id),
        outcome: Set(outcome.as_str().to_owned()),
        comment: Set(comment),
        rated_at: Set(actor.now),
        rated_by: Set(caller.subject.clone()),
    };
    let row = if before.is_some() {
        am.update(txn).await?
    } else {
        am.insert(txn).await?
    };
    let action = if before.is_some() {
        Action::Update
    } else {
        Action::Create
    };
    audit::record(
        &write,
        actor,
        row.municipality_id,
        Entity::Outcome,
        commitment_id,
        action,
        before.as_ref(),
        Some(&row),
    )
    .await?;
    write.commit().await?;
    Ok(row)
}
