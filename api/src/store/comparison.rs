//! Regional comparison: per municipality of a selection, the pledge in
//! force in a year and the previous year, and figures about it, counted by
//! the database (GROUP BY) through the caller's scope.
//!
//! The statements are fixed, whatever the number of municipalities: the
//! candidate pledges of both years (1), commitments by responsible party
//! (2) and by method (2b: every method a commitment names), focus areas (3), the published reports' heads (4),
//! progress entries of each pledge's newest published report by status
//! (5), dated activities by municipality, year and kind (6) and undated
//! activities by pledge and kind (7). Every count is over rows the caller
//! may read, so a draft moves no anonymous figure.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use domain::PledgeStatus;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::decode::FastAll as _;
use super::directory::Period;
use super::entities::{
    activity, commitment, commitment_method, commitment_progress, follow_up_report, pledge,
    pledge_focus_area,
};
use super::reader::Reader;
use super::rows::{MunicipalityRow, PledgeRow};
use super::visibility;
use super::visible::Visible;
use crate::error::ApiResult;

/// Counts by key (a stored enum value or a focus-area code), in key order.
pub type Counts = BTreeMap<String, u64>;

/// The figures of one municipality and year, or their sum over several.
#[derive(Debug, Clone, Default, PartialEq)]
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
        self.activities += other.activities;
        add_counts(&mut self.activities_by_kind, &other.activities_by_kind);
    }
}

fn add_counts(into: &mut Counts, from: &Counts) {
    for (k, n) in from {
        *into.entry(k.clone()).or_default() += n;
    }
}

/// One municipality of a comparison.
#[derive(Debug, Clone)]
pub struct MunicipalityComparison {
    pub municipality: Arc<MunicipalityRow>,
    /// The pledge in force in the year, if the caller may read one.
    pub pledge: Option<Visible<PledgeRow>>,
    pub figures: Figures,
    pub previous: Figures,
}

/// A whole comparison.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub year: i32,
    pub municipalities: Vec<MunicipalityComparison>,
    pub totals: Figures,
    pub previous_totals: Figures,
}

/// The calendar year `year`.
pub fn calendar_year(year: i32) -> Option<Period> {
    Some(Period {
        first: NaiveDate::from_ymd_opt(year, 1, 1)?,
        last: NaiveDate::from_ymd_opt(year, 12, 31)?,
    })
}

/// Which of a municipality's candidate pledges is the one in force in
/// `year`: published before signed before draft, then the pledge of that
/// year, then the latest start.
fn rank(p: &PledgeRow, year: i32) -> (u8, bool, NaiveDate, i32, Uuid) {
    let status = match PledgeStatus::parse(&p.status) {
        Ok(PledgeStatus::Published) => 3,
        Ok(PledgeStatus::Signed) => 2,
        Ok(PledgeStatus::Draft) => 1,
        _ => 0,
    };
    (status, p.year == year, p.valid_from, p.year, p.id)
}

fn in_force_during(p: &PledgeRow, days: &Period) -> bool {
    p.valid_from <= days.last && days.first <= p.valid_to
}

impl Reader {
    /// The comparison of `municipalities` (a selection, in display order)
    /// for `year`, with the previous year beside it.
    pub async fn regional_comparison(
        &self,
        year: i32,
        municipalities: Vec<Arc<MunicipalityRow>>,
    ) -> ApiResult<Comparison> {
        let invalid =
            || crate::error::ApiError::bad_input("year", format!("year {year} is out of range"));
        let this = calendar_year(year).ok_or_else(invalid)?;
        let last = calendar_year(year - 1).ok_or_else(invalid)?;
        let both = Period {
            first: last.first,
            last: this.last,
        };
        let keys: Vec<Uuid> = municipalities.iter().map(|m| m.id).collect();

        // 1. Candidates: the visible, not withdrawn pledges in force at
        //    some time during either year.
        let candidates = pledge::Entity::find()
            .filter(visibility::pledges(&self.scope))
            .filter(pledge::Column::MunicipalityId.is_in(keys.iter().copied()))
            .filter(pledge::Column::Status.ne(PledgeStatus::Withdrawn.as_str()))
            .filter(pledge::Column::ValidFrom.lte(both.last))
            .filter(pledge::Column::ValidTo.gte(both.first))
            .fast_all(&self.db)
            .await?;
        let mut chosen: HashMap<(Uuid, i32), PledgeRow> = HashMap::new();
        for (y, days) in [(year, this), (year - 1, last)] {
            for p in candidates.iter().filter(|p| in_force_during(p, &days)) {
                let held = chosen
                    .entry((p.municipality_id, y))
                    .or_insert_with(|| p.clone());
                if rank(p, y) > rank(held, y) {
                    *held = p.clone();
                }
            }
        }
        let pledge_ids: Vec<Uuid> = {
            let mut ids: Vec<Uuid> = chosen.values().map(|p| p.id).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };

        let per_pledge = self.pledge_counts(&pledge_ids).await?;
        let dated = self.dated_activities(&keys, &both, year).await?;

        let mut out = Vec::with_capacity(municipalities.len());
        let mut totals = Figures::default();
        let mut previous_totals = Figures::default();
        for m in municipalities {
            let figures_of = |y: i32| {
                let mut f = chosen
                    .get(&(m.id, y))
                    .and_then(|p| per_pledge.get(&p.id))
                    .cloned()
                    .unwrap_or_default();
                if let Some(counts) = dated.get(&(m.id, y)) {
                    f.activities += counts.values().sum::<u64>();
                    add_counts(&mut f.activities_by_kind, counts);
                }
                f
            };
            let figures = figures_of(year);
            let previous = figures_of(year - 1);
            totals.add(&figures);
            previous_totals.add(&previous);
            out.push(MunicipalityComparison {
                pledge: chosen.get(&(m.id, year)).cloned().map(Visible::vouch),
                municipality: m,
                figures,
                previous,
            });
        }
        Ok(Comparison {
            year,
            municipalities: out,
            totals,
            previous_totals,
        })
    }

    /// Figures that hang off pledges (statements 2–5 and 7), by pledge.
    /// The pledges are visible, and so are their commitments, focus areas
    /// and published reports.
    async fn pledge_counts(&self, ids: &[Uuid]) -> ApiResult<HashMap<Uuid, Figures>> {
        let mut by_pledge: HashMap<Uuid, Figures> = ids
            .iter()
            .map(|id| {
                (
                    *id,
                    Figures {
                        pledges: 1,
                        ..Figures::default()
                    },
                )
            })
            .collect();

        // 2. Commitments by responsible party.
        let rows: Vec<(Uuid, String, i64)> = commitment::Entity::find()
            .select_only()
            .column(commitment::Column::PledgeId)
            .column(commitment::Column::Responsible)
            .column_as(commitment::Column::Id.count(), "n")
            .filter(commitment::Column::PledgeId.is_in(ids.iter().copied()))
            .group_by(commitment::Column::PledgeId)
            .group_by(commitment::Column::Responsible)
            .into_tuple()
            .all(&self.db)
            .await?;
        for (pledge_id, responsible, n) in rows {
            let Some(f) = by_pledge.get_mut(&pledge_id) else {
                continue;
            };
            let n = n as u64;
            f.commitments += n;
            *f.commitments_by_responsible.entry(responsible).or_default() += n;
        }

        // 2b. Commitments by method: every method a commitment names, so a
        //     commitment of three methods counts under each.
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
            .and_where(commitment::Column::PledgeId.is_in(ids.iter().copied()))
            .group_by_col((commitment::Entity, commitment::Column::PledgeId))
            .group_by_col((commitment_method::Entity, commitment_method::Column::Method))
            .to_owned();
        for row in self.db.query_all(&by_method).await? {
            let pledge_id: Uuid = row.try_get("", "pledge_id")?;
            let method: String = row.try_get("", "method")?;
            let n: i64 = row.try_get("", "n")?;
            if let Some(f) = by_pledge.get_mut(&pledge_id) {
                *f.commitments_by_method.entry(method).or_default() += n as u64;
            }
        }

        // 3. Focus areas named.
        let rows: Vec<(Uuid, String, i64)> = pledge_focus_area::Entity::find()
            .select_only()
            .column(pledge_focus_area::Column::PledgeId)
            .column(pledge_focus_area::Column::FocusAreaCode)
            .column_as(pledge_focus_area::Column::Position.count(), "n")
            .filter(pledge_focus_area::Column::PledgeId.is_in(ids.iter().copied()))
            .group_by(pledge_focus_area::Column::PledgeId)
            .group_by(pledge_focus_area::Column::FocusAreaCode)
            .into_tuple()
            .all(&self.db)
            .await?;
        for (pledge_id, code, _) in rows {
            if let Some(f) = by_pledge.get_mut(&pledge_id) {
                // One pledge names an area once, however many headings.
                f.focus_areas.insert(code, 1);
            }
        }

        // 4. The newest published report of each pledge, ranked as
        //    `latestProgress` ranks them.
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
            .filter(follow_up_report::Column::PledgeId.is_in(ids.iter().copied()))
            .filter(follow_up_report::Column::Status.eq(domain::FollowUpStatus::Published.as_str()))
            .into_tuple()
            .all(&self.db)
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

        // 5. Their progress entries by status.
        let rows: Vec<(Uuid, String, i64)> = commitment_progress::Entity::find()
            .select_only()
            .column(commitment_progress::Column::ReportId)
            .column(commitment_progress::Column::Status)
            .column_as(commitment_progress::Column::CommitmentId.count(), "n")
            .filter(commitment_progress::Column::ReportId.is_in(report_of.keys().copied()))
            .group_by(commitment_progress::Column::ReportId)
            .group_by(commitment_progress::Column::Status)
            .into_tuple()
            .all(&self.db)
            .await?;
        for (report_id, status, n) in rows {
            if let Some(f) = report_of.get(&report_id).and_then(|p| by_pledge.get_mut(p)) {
                *f.progress_by_status.entry(status).or_default() += n as u64;
            }
        }

        // 7. Undated activities count for the pledge whose commitment they
        //    evidence (a date would place them in a year instead).
        let undated = Query::select()
            .column((commitment::Entity, commitment::Column::PledgeId))
            .column((activity::Entity, activity::Column::Kind))
            .expr_as(
                Expr::col((activity::Entity, activity::Column::Id)).count(),
                "n",
            )
            .from(activity::Entity)
            .inner_join(
                commitment::Entity,
                Expr::col((commitment::Entity, commitment::Column::Id))
                    .equals((activity::Entity, activity::Column::CommitmentId)),
            )
            .and_where(activity::Column::Date.is_null())
            .and_where(commitment::Column::PledgeId.is_in(ids.iter().copied()))
            .cond_where(visibility::activities(&self.scope))
            .group_by_col((commitment::Entity, commitment::Column::PledgeId))
            .group_by_col((activity::Entity, activity::Column::Kind))
            .to_owned();
        for row in self.db.query_all(&undated).await? {
            let pledge_id: Uuid = row.try_get("", "pledge_id")?;
            let kind: String = row.try_get("", "kind")?;
            let n: i64 = row.try_get("", "n")?;
            if let Some(f) = by_pledge.get_mut(&pledge_id) {
                f.activities += n as u64;
                *f.activities_by_kind.entry(kind).or_default() += n as u64;
            }
        }
        Ok(by_pledge)
    }

    /// 6. Dated activities the caller may see, by municipality, calendar
    ///    year (`year` or the one before) and kind.
    async fn dated_activities(
        &self,
        municipalities: &[Uuid],
        days: &Period,
        year: i32,
    ) -> ApiResult<HashMap<(Uuid, i32), Counts>> {
        // The bucket is a literal (a number and a date formatted here, no
        // caller text), so PostgreSQL sees the same expression wherever
        // it appears; GROUP BY names the output column by position.
        let bucket = Expr::cust(format!(
            "CASE WHEN \"activities\".\"date\" >= '{}' THEN {} ELSE {} END",
            NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(days.first),
            year,
            year - 1
        ));
        let rows: Vec<(Uuid, String, i32, i64)> = activity::Entity::find()
            .select_only()
            .column(activity::Column::MunicipalityId)
            .column(activity::Column::Kind)
            .column_as(bucket, "bucket")
            .column_as(activity::Column::Id.count(), "n")
            .filter(activity::Column::MunicipalityId.is_in(municipalities.iter().copied()))
            .filter(activity::Column::Date.gte(days.first))
            .filter(activity::Column::Date.lte(days.last))
            .filter(visibility::activities(&self.scope))
            .group_by(activity::Column::MunicipalityId)
            .group_by(activity::Column::Kind)
            .group_by(Expr::cust("3"))
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut out: HashMap<(Uuid, i32), Counts> = HashMap::new();
        for (municipality, kind, bucket, n) in rows {
            *out.entry((municipality, bucket))
                .or_default()
                .entry(kind)
                .or_default() += n as u64;
        }
        Ok(out)
    }
}
