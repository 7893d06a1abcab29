//! The comparison figures kept beside the rows they count, in
//! `comparison_cells`: per municipality, calendar year and view, the pledge
//! in force and the figures a comparison shows for it. They are what makes
//! `regionalComparison` of every municipality one cheap read instead of
//! aggregating every commitment, progress entry and activity of two years
//! and choosing among candidate pledges on each request.
//!
//! Who computes them: every write transaction, for the municipalities its
//! audit entries name, after it bumped the data version and before it
//! commits (`commands::Write::commit`), so the figures change exactly when
//! the rows do; the data-version row lock orders write transactions, so a
//! refresh sees every commit before it. Seeding refreshes what it loaded,
//! and the server fills in figures missing after an upgrade when it starts.
//!
//! Why two views are enough: a caller sees a municipality either as one
//! who reaches it (every pledge but withdrawn ones, every activity) or as
//! the public does (published pledges, activities evidencing them); every
//! scope is, municipality by municipality, one of the two
//! (`visibility::comparison_cells`). And a caller who may read a pledge may
//! read its commitments, focus areas, published reports and the activities
//! that evidence its commitments, so a pledge's own figures are the same
//! for every caller who sees it. Dated activities count for their
//! municipality and year whatever pledge they evidence.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use domain::{FollowUpStatus, PledgeStatus, Year};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use super::counts::Counts;
use super::data_version::{self, Changed};
use super::entities::{
    activity, commitment, commitment_method, commitment_progress, comparison_cell,
    follow_up_report, pledge, pledge_focus_area,
};
use super::insert::insert_all;
use crate::error::{ApiError, ApiResult};

/// The figures of one pledge, of one municipality and year, or their sum
/// over several. Stored as JSON in `comparison_cells.figures`.
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
        let all = self.progress_by_status.total();
        if all == 0 {
            return Some(0.0);
        }
        let done: u64 = ["COMPLETED", "ONGOING"]
            .iter()
            .filter_map(|k| self.progress_by_status.get(k))
            .sum();
        Some(done as f64 / all as f64)
    }

    /// Adds `other` in (for totals over a selection).
    pub fn add(&mut self, other: &Figures) {
        self.pledges += other.pledges;
        self.commitments += other.commitments;
        self.commitments_by_responsible
            .add_all(&other.commitments_by_responsible);
        self.commitments_by_method
            .add_all(&other.commitments_by_method);
        self.focus_areas.add_all(&other.focus_areas);
        self.progress_by_status.add_all(&other.progress_by_status);
        self.reported |= other.reported;
        self.add_activities(&other.activities_by_kind);
    }

    /// Adds activities counted by kind.
    pub fn add_activities(&mut self, by_kind: &Counts) {
        self.activities += by_kind.total();
        self.activities_by_kind.add_all(by_kind);
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

pub(super) fn decode_figures(json: &str) -> ApiResult<Figures> {
    serde_json::from_str(json).map_err(ApiError::internal)
}

fn encode<T: Serialize>(value: &T) -> ApiResult<String> {
    serde_json::to_string(value).map_err(ApiError::internal)
}

/// The years cells are kept for: every year a comparison can show, its
/// own or as the year before.
fn comparable(year: i32) -> bool {
    (Year::MIN - 1..=Year::MAX).contains(&year)
}

/// What choosing the pledge in force needs of a pledge.
#[derive(Debug, Clone)]
struct Head {
    id: Uuid,
    municipality_id: Uuid,
    year: i32,
    status: PledgeStatus,
    valid_from: NaiveDate,
    valid_to: NaiveDate,
}

/// Which of a municipality's pledges in force in `year` is the one a
/// comparison shows: published before signed before draft, then the
/// pledge of that year, then the latest start.
fn rank(p: &Head, year: i32) -> (u8, bool, NaiveDate, i32, Uuid) {
    let status = match p.status {
        PledgeStatus::Published => 3,
        PledgeStatus::Signed => 2,
        PledgeStatus::Draft => 1,
        _ => 0,
    };
    (status, p.year == year, p.valid_from, p.year, p.id)
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
        let counted = compute(db, batch).await?;
        let rows = cells(&counted)?;
        comparison_cell::Entity::delete_many()
            .filter(comparison_cell::Column::MunicipalityId.is_in(batch.iter().copied()))
            .exec(db)
            .await?;
        insert_all::<_, comparison_cell::ActiveModel>(db, rows).await?;
    }
    Ok(())
}

/// The cells of what `compute` counted: for every municipality, every
/// year one of its pledges is in force or it has dated activities, and
/// both views.
fn cells(counted: &Counted) -> ApiResult<Vec<comparison_cell::Model>> {
    let mut years: BTreeSet<(Uuid, i32)> = counted.dated.keys().copied().collect();
    let mut in_force: HashMap<(Uuid, i32), Vec<&Head>> = HashMap::new();
    for head in counted.heads.iter() {
        for year in head.valid_from.year()..=head.valid_to.year() {
            if comparable(year) {
                years.insert((head.municipality_id, year));
                in_force
                    .entry((head.municipality_id, year))
                    .or_default()
                    .push(head);
            }
        }
    }
    let none = ActivityCounts::default();
    let mut rows = Vec::new();
    for (municipality_id, year) in years {
        let heads = in_force
            .get(&(municipality_id, year))
            .map_or(&[][..], Vec::as_slice);
        let dated = counted.dated.get(&(municipality_id, year)).unwrap_or(&none);
        for reach in [true, false] {
            let chosen = heads
                .iter()
                .filter(|p| reach || p.status == PledgeStatus::Published)
                .max_by_key(|p| rank(p, year));
            let activities = if reach { &dated.every } else { &dated.public };
            if chosen.is_none() && activities.is_empty() {
                continue;
            }
            let mut figures = chosen
                .and_then(|p| counted.figures.get(&p.id))
                .cloned()
                .unwrap_or_default();
            figures.add_activities(activities);
            rows.push(comparison_cell::Model {
                municipality_id,
                year,
                reach,
                pledge_id: chosen.map(|p| p.id),
                pledge_status: chosen.map(|p| p.status.as_str().to_owned()),
                figures: encode(&figures)?,
            });
        }
    }
    Ok(rows)
}

/// Computes the figures of every municipality that has a pledge (not
/// withdrawn) or a dated activity but no stored cell (a database from
/// before the cells were kept): run when the server starts. Returns how
/// many municipalities it computed.
pub async fn fill_missing(db: &DatabaseConnection) -> ApiResult<usize> {
    let kept = || {
        Query::select()
            .column(comparison_cell::Column::MunicipalityId)
            .from(comparison_cell::Entity)
            .to_owned()
    };
    let mut missing: BTreeSet<Uuid> = pledge::Entity::find()
        .select_only()
        .column(pledge::Column::MunicipalityId)
        .distinct()
        .filter(pledge::Column::Status.ne(PledgeStatus::Withdrawn.as_str()))
        .filter(pledge::Column::MunicipalityId.not_in_subquery(kept()))
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    missing.extend(
        activity::Entity::find()
            .select_only()
            .column(activity::Column::MunicipalityId)
            .distinct()
            .filter(activity::Column::Date.is_not_null())
            .filter(activity::Column::MunicipalityId.not_in_subquery(kept()))
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

/// What one refresh counted of its municipalities.
#[derive(Default)]
struct Counted {
    /// Their pledges but withdrawn ones.
    heads: Vec<Head>,
    /// The figures of each of those pledges.
    figures: HashMap<Uuid, Figures>,
    /// Their dated activities by municipality and year.
    dated: HashMap<(Uuid, i32), ActivityCounts>,
}

/// Counts the figures of every pledge of `municipalities` (withdrawn ones
/// are in no comparison) and their dated activities by year.
async fn compute(db: &impl ConnectionTrait, municipalities: &[Uuid]) -> ApiResult<Counted> {
    let keys = || municipalities.iter().copied();
    let pledges: Vec<(Uuid, Uuid, i32, String, NaiveDate, NaiveDate)> = pledge::Entity::find()
        .select_only()
        .column(pledge::Column::Id)
        .column(pledge::Column::MunicipalityId)
        .column(pledge::Column::Year)
        .column(pledge::Column::Status)
        .column(pledge::Column::ValidFrom)
        .column(pledge::Column::ValidTo)
        .filter(pledge::Column::MunicipalityId.is_in(keys()))
        .filter(pledge::Column::Status.ne(PledgeStatus::Withdrawn.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    let mut counted = Counted::default();
    for (id, municipality_id, year, status, valid_from, valid_to) in pledges {
        let status = PledgeStatus::parse(&status).map_err(ApiError::internal)?;
        counted.heads.push(Head {
            id,
            municipality_id,
            year,
            status,
            valid_from,
            valid_to,
        });
        counted.figures.insert(
            id,
            Figures {
                pledges: 1,
                ..Figures::default()
            },
        );
    }
    let by_pledge = &mut counted.figures;

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
        if let Some(f) = by_pledge.get_mut(&pledge_id) {
            f.commitments += n as u64;
            f.commitments_by_responsible.add(&responsible, n as u64);
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
        if let Some(f) = by_pledge.get_mut(&pledge_id) {
            f.commitments_by_method.add(&method, n as u64);
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
        if let Some(f) = by_pledge.get_mut(&pledge_id) {
            f.focus_areas.once(&code);
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
        if let Some(f) = by_pledge.get_mut(pledge_id) {
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
            if let Some(f) = report_of.get(&report_id).and_then(|p| by_pledge.get_mut(p)) {
                f.progress_by_status.add(&status, n as u64);
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
    let dated = &mut counted.dated;
    for row in db.query_all(&evidence).await? {
        let municipality: Uuid = row.try_get("", "municipality_id")?;
        let date: Option<NaiveDate> = row.try_get("", "date")?;
        let kind: String = row.try_get("", "kind")?;
        let pledge_id: Option<Uuid> = row.try_get("", "pledge_id")?;
        let status: Option<String> = row.try_get("", "status")?;
        match (date, pledge_id) {
            (Some(date), _) => {
                let counts = dated.entry((municipality, date.year())).or_default();
                counts.every.add(&kind, 1);
                if status.as_deref() == Some(PledgeStatus::Published.as_str()) {
                    counts.public.add(&kind, 1);
                }
            }
            (None, Some(pledge_id)) => {
                if let Some(f) = by_pledge.get_mut(&pledge_id) {
                    f.activities += 1;
                    f.activities_by_kind.add(&kind, 1);
                }
            }
            // Neither dated nor evidence: it belongs to no year or pledge.
            (None, None) => {}
        }
    }
    Ok(counted)
}
