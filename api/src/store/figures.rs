//! The comparison figures kept beside the rows they count: per pledge
//! (`pledge_figures`) and per municipality and calendar year
//! (`activity_year_counts`). They are what makes `regionalComparison` of
//! every municipality one cheap read instead of aggregating every
//! commitment, progress entry and activity of two years on each request.
//!
//! Who computes them: every write transaction, for the municipalities its
//! audit entries name, after it bumped the data version and before it
//! commits (`commands::Write::commit`), so the figures change exactly when
//! the rows do; the data-version row lock orders write transactions, so a
//! refresh sees every commit before it. Seeding refreshes what it loaded,
//! and the server fills in figures missing after an upgrade when it starts.
//!
//! Why per pledge is enough: a caller who may read a pledge may read its
//! commitments, focus areas, published reports and the activities that
//! evidence its commitments, so a pledge's figures are the same for every
//! caller who sees it. Dated activities count for their municipality and
//! year whatever pledge they evidence; a caller sees all of them in a
//! municipality it reaches and otherwise those evidencing a published
//! pledge, so both counts are kept.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use domain::{FollowUpStatus, PledgeStatus};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::data_version::{self, Changed};
use super::entities::{
    activity, activity_year_count, commitment, commitment_method, commitment_progress,
    follow_up_report, pledge, pledge_figures, pledge_focus_area,
};
use super::insert::insert_all;
use crate::error::{ApiError, ApiResult};

/// Counts by key (a stored enum value or a focus-area code), in key order.
pub type Counts = BTreeMap<String, u64>;

/// The figures of one pledge, of one municipality and year, or their sum
/// over several. Stored as JSON in `pledge_figures.figures`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Figures {
    pub pledges: u64,
    pub commitments: u64,
    pub commitments_by_responsible: Counts,
    pub commitments_by_method: Counts,
    /// Pledges naming each focus area.
    pub focus_areas: Counts,
    /// Entries of the newest published report of each pledge, by status.
    pub progress_by_status: Counts,
    /// Whether any of the pledges has a published report.
    pub reported: bool,
    pub activities: u64,
    pub activities_by_kind: Counts,
}

impl Figures {
    /// The share of progress entries COMPLETED or ONGOING; `None` without
    /// a published report.
    pub fn completion_rate(&self) -> Option<f64> {
        if !self.reported {
            return None;
        }
        let all: u64 = self.progress_by_status.values().sum();
        if all == 0 {
            return Some(0.0);
        }
        let done: u64 = ["COMPLETED", "ONGOING"]
            .iter()
            .filter_map(|k| self.progress_by_status.get(*k))
            .sum();
        Some(done as f64 / all as f64)
    }

    /// Adds `other` in (for totals over a selection).
    pub fn add(&mut self, other: &Figures) {
        self.pledges += other.pledges;
        self.commitments += other.commitments;
        add_counts(
            &mut self.commitments_by_responsible,
            &other.commitments_by_responsible,
        );
        add_counts(
            &mut self.commitments_by_method,
            &other.commitments_by_method,
        );
        add_counts(&mut self.focus_areas, &other.focus_areas);
        add_counts(&mut self.progress_by_status, &other.progress_by_status);
        self.reported |= other.reported;
        self.add_activities(&other.activities_by_kind);
    }

    /// Adds activities counted by kind.
    pub fn add_activities(&mut self, by_kind: &Counts) {
        self.activities += by_kind.values().sum::<u64>();
        add_counts(&mut self.activities_by_kind, by_kind);
    }
}

fn add_counts(into: &mut Counts, from: &Counts) {
    for (k, n) in from {
        *into.entry(k.clone()).or_default() += n;
    }
}

/// A municipality's dated activities of one year, by kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActivityCounts {
    /// Every one.
    pub every: Counts,
    /// Those evidencing a commitment of a published pledge.
    pub public: Counts,
}

pub(super) fn decode_counts(json: &str) -> ApiResult<Counts> {
    serde_json::from_str(json).map_err(ApiError::internal)
}

pub(super) fn decode_figures(json: &str) -> ApiResult<Figures> {
    serde_json::from_str(json).map_err(ApiError::internal)
}

fn encode<T: Serialize>(value: &T) -> ApiResult<String> {
    serde_json::to_string(value).map_err(ApiError::internal)
}

/// How many municipalities one refresh reads at a time: keeps every
/// statement's key list far below the databases' parameter limits.
const MUNICIPALITIES_PER_BATCH: usize = 100;

/// Recomputes the stored figures of `municipalities` from their rows, in
/// the caller's transaction.
pub(crate) async fn refresh(
    db: &impl ConnectionTrait,
    municipalities: &BTreeSet<Uuid>,
) -> ApiResult<()> {
    let all: Vec<Uuid> = municipalities.iter().copied().collect();
    for batch in all.chunks(MUNICIPALITIES_PER_BATCH) {
        let (pledges, activities) = compute(db, batch).await?;
        pledge_figures::Entity::delete_many()
            .filter(pledge_figures::Column::MunicipalityId.is_in(batch.iter().copied()))
            .exec(db)
            .await?;
        activity_year_count::Entity::delete_many()
            .filter(activity_year_count::Column::MunicipalityId.is_in(batch.iter().copied()))
            .exec(db)
            .await?;
        let mut rows = Vec::with_capacity(pledges.len());
        for (pledge_id, (municipality_id, figures)) in pledges {
            rows.push(pledge_figures::Model {
                pledge_id,
                municipality_id,
                figures: encode(&figures)?,
            });
        }
        insert_all::<_, pledge_figures::ActiveModel>(db, rows).await?;
        let mut rows = Vec::with_capacity(activities.len());
        for ((municipality_id, year), counts) in activities {
            rows.push(activity_year_count::Model {
                municipality_id,
                year,
                every: encode(&counts.every)?,
                public: encode(&counts.public)?,
            });
        }
        insert_all::<_, activity_year_count::ActiveModel>(db, rows).await?;
    }
    Ok(())
}

/// Computes the figures of every municipality that has a pledge without
/// stored figures, or dated activities without stored counts (a database
/// from before the figures were kept): run when the server starts.
/// Returns how many municipalities it computed.
pub async fn fill_missing(db: &DatabaseConnection) -> ApiResult<usize> {
    let stored_pledges = Query::select()
        .column(pledge_figures::Column::PledgeId)
        .from(pledge_figures::Entity)
        .to_owned();
    let mut missing: BTreeSet<Uuid> = pledge::Entity::find()
        .select_only()
        .column(pledge::Column::MunicipalityId)
        .distinct()
        .filter(pledge::Column::Id.not_in_subquery(stored_pledges))
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let counted = Query::select()
        .column(activity_year_count::Column::MunicipalityId)
        .from(activity_year_count::Entity)
        .to_owned();
    missing.extend(
        activity::Entity::find()
            .select_only()
            .column(activity::Column::MunicipalityId)
            .distinct()
            .filter(activity::Column::Date.is_not_null())
            .filter(activity::Column::MunicipalityId.not_in_subquery(counted))
            .into_tuple::<Uuid>()
            .all(db)
            .await?,
    );
    refresh_on_their_own(db, &missing).await?;
    Ok(missing.len())
}

/// Recomputes the figures of every municipality: for a database changed
/// around the commands (an operator's SQL, a test's data set).
pub async fn recompute_all(db: &DatabaseConnection) -> ApiResult<()> {
    let txn = db.begin().await?;
    data_version::bump(&txn, Changed::Data).await?;
    refresh_every(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// `refresh` of every municipality, in the caller's transaction.
pub(crate) async fn refresh_every(db: &impl ConnectionTrait) -> ApiResult<()> {
    let every: BTreeSet<Uuid> = super::entities::municipality::Entity::find()
        .select_only()
        .column(super::entities::municipality::Column::Id)
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    refresh(db, &every).await
}

/// `refresh` in a transaction of its own. It bumps the data version first,
/// as a command does, so the refresh is ordered with every other write
/// transaction (of any instance) and cached answers are dropped.
async fn refresh_on_their_own(
    db: &DatabaseConnection,
    municipalities: &BTreeSet<Uuid>,
) -> ApiResult<()> {
    if municipalities.is_empty() {
        return Ok(());
    }
    let txn = db.begin().await?;
    data_version::bump(&txn, Changed::Data).await?;
    refresh(&txn, municipalities).await?;
    txn.commit().await?;
    Ok(())
}

/// The figures being counted of pledge `id`.
fn of<'a>(by_pledge: &'a mut HashMap<Uuid, (Uuid, Figures)>, id: &Uuid) -> Option<&'a mut Figures> {
    by_pledge.get_mut(id).map(|(_, f)| f)
}

/// The figures of every pledge of `municipalities` (by pledge: its
/// municipality and figures) and their dated activities by year.
#[allow(clippy::type_complexity)]
async fn compute(
    db: &impl ConnectionTrait,
    municipalities: &[Uuid],
) -> ApiResult<(
    HashMap<Uuid, (Uuid, Figures)>,
    HashMap<(Uuid, i32), ActivityCounts>,
)> {
    let keys = || municipalities.iter().copied();
    let pledges: Vec<(Uuid, Uuid)> = pledge::Entity::find()
        .select_only()
        .column(pledge::Column::Id)
        .column(pledge::Column::MunicipalityId)
        .filter(pledge::Column::MunicipalityId.is_in(keys()))
        .into_tuple()
        .all(db)
        .await?;
    let mut by_pledge: HashMap<Uuid, (Uuid, Figures)> = pledges
        .into_iter()
        .map(|(id, municipality)| {
            (
                id,
                (
                    municipality,
                    Figures {
                        pledges: 1,
                        ..Figures::default()
                    },
                ),
            )
        })
        .collect();

    // Commitments by responsible party.
    let rows: Vec<(Uuid, String, i64)> = commitment::Entity::find()
        .select_only()
        .column(commitment::Column::PledgeId)
        .column(commitment::Column::Responsible)
        .column_as(commitment::Column::Id.count(), "n")
        .filter(commitment::Column::MunicipalityId.is_in(keys()))
        .group_by(commitment::Column::PledgeId)
        .group_by(commitment::Column::Responsible)
        .into_tuple()
        .all(db)
        .await?;
    for (pledge_id, responsible, n) in rows {
        if let Some(f) = of(&mut by_pledge, &pledge_id) {
            f.commitments += n as u64;
            *f.commitments_by_responsible.entry(responsible).or_default() += n as u64;
        }
    }

    // Commitments by method: every method a commitment names, so a
    // commitment of three methods counts under each.
    let by_method = Query::select()
        .column((commitment::Entity, commitment::Column::PledgeId))
        .column((commitment_method::Entity, commitment_method::Column::Method))
        .expr_as(
            Expr::col((
                commitment_method::Entity,
                commitment_method::Column::CommitmentId,
            ))
            .count(),
            "n",
        )
        .from(commitment_method::Entity)
        .inner_join(
            commitment::Entity,
            Expr::col((commitment::Entity, commitment::Column::Id)).equals((
                commitment_method::Entity,
                commitment_method::Column::CommitmentId,
            )),
        )
        .and_where(commitment::Column::MunicipalityId.is_in(keys()))
        .group_by_col((commitment::Entity, commitment::Column::PledgeId))
        .group_by_col((commitment_method::Entity, commitment_method::Column::Method))
        .to_owned();
    for row in db.query_all(&by_method).await? {
        let pledge_id: Uuid = row.try_get("", "pledge_id")?;
        let method: String = row.try_get("", "method")?;
        let n: i64 = row.try_get("", "n")?;
        if let Some(f) = of(&mut by_pledge, &pledge_id) {
            *f.commitments_by_method.entry(method).or_default() += n as u64;
        }
    }

    // Focus areas named: one pledge names an area once, however many
    // headings it is under.
    let named = Query::select()
        .column((
            pledge_focus_area::Entity,
            pledge_focus_area::Column::PledgeId,
        ))
        .column((
            pledge_focus_area::Entity,
            pledge_focus_area::Column::FocusAreaCode,
        ))
        .from(pledge_focus_area::Entity)
        .inner_join(
            pledge::Entity,
            Expr::col((pledge::Entity, pledge::Column::Id)).equals((
                pledge_focus_area::Entity,
                pledge_focus_area::Column::PledgeId,
            )),
        )
        .and_where(pledge::Column::MunicipalityId.is_in(keys()))
        .to_owned();
    for row in db.query_all(&named).await? {
        let pledge_id: Uuid = row.try_get("", "pledge_id")?;
        let code: String = row.try_get("", "focus_area_code")?;
        if let Some(f) = of(&mut by_pledge, &pledge_id) {
            f.focus_areas.insert(code, 1);
        }
    }

    // The newest published report of each pledge, ranked as
    // `latestProgress` ranks them, and its progress entries by status.
    let heads: Vec<(
        Uuid,
        Uuid,
        NaiveDate,
        NaiveDate,
        chrono::DateTime<chrono::Utc>,
    )> = follow_up_report::Entity::find()
        .select_only()
        .column(follow_up_report::Column::Id)
        .column(follow_up_report::Column::PledgeId)
        .column(follow_up_report::Column::PeriodStart)
        .column(follow_up_report::Column::PeriodEnd)
        .column(follow_up_report::Column::UpdatedAt)
        .filter(follow_up_report::Column::MunicipalityId.is_in(keys()))
        .filter(follow_up_report::Column::Status.eq(FollowUpStatus::Published.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    let mut newest: HashMap<Uuid, (NaiveDate, NaiveDate, chrono::DateTime<chrono::Utc>, Uuid)> =
        HashMap::new();
    for (id, pledge_id, start, end, updated) in heads {
        let key = (end, start, updated, id);
        let held = newest.entry(pledge_id).or_insert(key);
        if key > *held {
            *held = key;
        }
    }
    let report_of: HashMap<Uuid, Uuid> = newest.iter().map(|(p, k)| (k.3, *p)).collect();
    for pledge_id in newest.keys() {
        if let Some(f) = of(&mut by_pledge, pledge_id) {
            f.reported = true;
        }
    }
    if !report_of.is_empty() {
        let rows: Vec<(Uuid, String, i64)> = commitment_progress::Entity::find()
            .select_only()
            .column(commitment_progress::Column::ReportId)
            .column(commitment_progress::Column::Status)
            .column_as(commitment_progress::Column::CommitmentId.count(), "n")
            .filter(commitment_progress::Column::ReportId.is_in(report_of.keys().copied()))
            .group_by(commitment_progress::Column::ReportId)
            .group_by(commitment_progress::Column::Status)
            .into_tuple()
            .all(db)
            .await?;
        for (report_id, status, n) in rows {
            if let Some(f) = report_of
                .get(&report_id)
                .and_then(|p| of(&mut by_pledge, p))
            {
                *f.progress_by_status.entry(status).or_default() += n as u64;
            }
        }
    }

    // Activities, with the status of the pledge whose commitment each
    // evidences (none: it evidences no commitment). Undated ones count for
    // that pledge; dated ones for their municipality and year.
    let evidence = Query::select()
        .column((activity::Entity, activity::Column::MunicipalityId))
        .column((activity::Entity, activity::Column::Date))
        .column((activity::Entity, activity::Column::Kind))
        .column((commitment::Entity, commitment::Column::PledgeId))
        .column((pledge::Entity, pledge::Column::Status))
        .from(activity::Entity)
        .left_join(
            commitment::Entity,
            Expr::col((commitment::Entity, commitment::Column::Id))
                .equals((activity::Entity, activity::Column::CommitmentId)),
        )
        .left_join(
            pledge::Entity,
            Expr::col((pledge::Entity, pledge::Column::Id))
                .equals((commitment::Entity, commitment::Column::PledgeId)),
        )
        .and_where(Expr::col((activity::Entity, activity::Column::MunicipalityId)).is_in(keys()))
        .to_owned();
    let mut dated: HashMap<(Uuid, i32), ActivityCounts> = HashMap::new();
    for row in db.query_all(&evidence).await? {
        let municipality: Uuid = row.try_get("", "municipality_id")?;
        let date: Option<NaiveDate> = row.try_get("", "date")?;
        let kind: String = row.try_get("", "kind")?;
        let pledge_id: Option<Uuid> = row.try_get("", "pledge_id")?;
        let status: Option<String> = row.try_get("", "status")?;
        match (date, pledge_id) {
            (Some(date), _) => {
                let counts = dated.entry((municipality, date.year())).or_default();
                *counts.every.entry(kind.clone()).or_default() += 1;
                if status.as_deref() == Some(PledgeStatus::Published.as_str()) {
                    *counts.public.entry(kind).or_default() += 1;
                }
            }
            (None, Some(pledge_id)) => {
                if let Some(f) = of(&mut by_pledge, &pledge_id) {
                    f.activities += 1;
                    *f.activities_by_kind.entry(kind).or_default() += 1;
                }
            }
            // Neither dated nor evidence: it belongs to no year or pledge.
            (None, None) => {}
        }
    }
    Ok((by_pledge, dated))
}
