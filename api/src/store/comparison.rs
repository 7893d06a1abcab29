//! Regional comparison: per municipality of a selection, the pledge in
//! force in a year and the previous year, and figures about it, through
//! the caller's scope. The figures are the ones `store::figures` keeps
//! beside the rows, so the statements are fixed and cheap whatever the
//! number of municipalities: the candidate pledges of both years with
//! their figures (1), the dated activities of both years (2), and, only
//! when the caller asks for the pledges themselves, the chosen pledges'
//! rows (3). Every count is over rows the caller may read, so a draft
//! moves no anonymous figure.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use domain::PledgeStatus;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
};
use uuid::Uuid;

use super::decode::{Columns, Fast, FastAll as _, Row};
use super::directory::Period;
use super::entities::{activity_year_count, pledge, pledge_figures};
pub use super::figures::{Counts, Figures};
use super::figures::{decode_counts, decode_figures};
use super::reader::Reader;
use super::rows::{MunicipalityRow, PledgeRow};
use super::visibility;
use super::visible::Visible;
use crate::error::ApiResult;

/// One municipality of a comparison.
#[derive(Debug, Clone)]
pub struct MunicipalityComparison {
    pub municipality: Arc<MunicipalityRow>,
    /// The status of the pledge in force in the year, if the caller may
    /// read one.
    pub pledge_status: Option<String>,
    /// That pledge, when the comparison was asked for with the pledges.
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

/// Which municipalities a comparison is of.
#[derive(Debug, Clone)]
pub struct Among {
    /// In display order.
    pub municipalities: Vec<Arc<MunicipalityRow>>,
    /// Whether they are every municipality there is: the statements then
    /// need no list of keys.
    pub every: bool,
}

/// The calendar year `year`.
pub fn calendar_year(year: i32) -> Option<Period> {
    Some(Period {
        first: NaiveDate::from_ymd_opt(year, 1, 1)?,
        last: NaiveDate::from_ymd_opt(year, 12, 31)?,
    })
}

/// A visible pledge that may be in force in one of the two years: what
/// choosing needs, and its stored figures.
#[derive(Debug, Clone)]
struct Candidate {
    id: Uuid,
    municipality_id: Uuid,
    year: i32,
    status: String,
    valid_from: NaiveDate,
    valid_to: NaiveDate,
    figures: Option<String>,
}

impl Columns for Candidate {
    fn read(row: &Row<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.get("id")?,
            municipality_id: row.get("municipality_id")?,
            year: row.get("year")?,
            status: row.get("status")?,
            valid_from: row.get("valid_from")?,
            valid_to: row.get("valid_to")?,
            figures: row.get("figures")?,
        })
    }
}

/// Which of a municipality's candidate pledges is the one in force in
/// `year`: published before signed before draft, then the pledge of that
/// year, then the latest start.
fn rank(p: &Candidate, year: i32) -> (u8, bool, NaiveDate, i32, Uuid) {
    let status = match PledgeStatus::parse(&p.status) {
        Ok(PledgeStatus::Published) => 3,
        Ok(PledgeStatus::Signed) => 2,
        Ok(PledgeStatus::Draft) => 1,
        _ => 0,
    };
    (status, p.year == year, p.valid_from, p.year, p.id)
}

fn in_force_during(p: &Candidate, days: &Period) -> bool {
    p.valid_from <= days.last && days.first <= p.valid_to
}

/// A pledge's stored figures; a pledge written by an instance that did
/// not keep them yet counts as a pledge with nothing in it until its
/// municipality's next write.
fn figures_of(p: &Candidate) -> ApiResult<Figures> {
    match &p.figures {
        Some(json) => decode_figures(json),
        None => {
            tracing::warn!(pledge = %p.id, "a pledge has no stored comparison figures");
            Ok(Figures {
                pledges: 1,
                ..Figures::default()
            })
        }
    }
}

impl Reader {
    /// The comparison of `among` for `year`, with the previous year beside
    /// it; `with_pledges`: also load the pledges in force (the rows behind
    /// `pledge { ... }`).
    pub async fn regional_comparison(
        &self,
        year: i32,
        among: Among,
        with_pledges: bool,
    ) -> ApiResult<Comparison> {
        let invalid =
            || crate::error::ApiError::bad_input("year", format!("year {year} is out of range"));
        let this = calendar_year(year).ok_or_else(invalid)?;
        let last = calendar_year(year - 1).ok_or_else(invalid)?;
        let both = Period {
            first: last.first,
            last: this.last,
        };
        let keys: Option<Vec<Uuid>> =
            (!among.every).then(|| among.municipalities.iter().map(|m| m.id).collect());

        // 1. Candidates: the visible, not withdrawn pledges in force at
        //    some time during either year, with their figures.
        let mut candidates = Query::select();
        candidates
            .columns([
                (pledge::Entity, pledge::Column::Id),
                (pledge::Entity, pledge::Column::MunicipalityId),
                (pledge::Entity, pledge::Column::Year),
                (pledge::Entity, pledge::Column::Status),
                (pledge::Entity, pledge::Column::ValidFrom),
                (pledge::Entity, pledge::Column::ValidTo),
            ])
            .column((pledge_figures::Entity, pledge_figures::Column::Figures))
            .from(pledge::Entity)
            .left_join(
                pledge_figures::Entity,
                Expr::col((pledge_figures::Entity, pledge_figures::Column::PledgeId))
                    .equals((pledge::Entity, pledge::Column::Id)),
            )
            .cond_where(visibility::pledges(&self.scope))
            .and_where(pledge::Column::Status.ne(PledgeStatus::Withdrawn.as_str()))
            .and_where(pledge::Column::ValidFrom.lte(both.last))
            .and_where(pledge::Column::ValidTo.gte(both.first));
        if let Some(keys) = &keys {
            candidates.and_where(pledge::Column::MunicipalityId.is_in(keys.iter().copied()));
        }
        let candidates: Vec<Candidate> = self
            .db
            .query_all(&candidates)
            .await?
            .iter()
            .map(|row| Fast::<Candidate>::from_query_result(row, "").map(|f| f.0))
            .collect::<Result<_, _>>()?;
        let mut chosen: HashMap<(Uuid, i32), &Candidate> = HashMap::new();
        for (y, days) in [(year, this), (year - 1, last)] {
            for p in candidates.iter().filter(|p| in_force_during(p, &days)) {
                let held = chosen.entry((p.municipality_id, y)).or_insert(p);
                if rank(p, y) > rank(held, y) {
                    *held = p;
                }
            }
        }

        // 2. Dated activities by municipality, year and kind: every one in
        //    a municipality the caller reaches, else those evidencing a
        //    published pledge (what `visibility::activities` lets through).
        let mut counts = activity_year_count::Entity::find()
            .select_only()
            .columns([
                activity_year_count::Column::MunicipalityId,
                activity_year_count::Column::Year,
                activity_year_count::Column::Every,
                activity_year_count::Column::Public,
            ])
            .filter(activity_year_count::Column::Year.is_in([year - 1, year]));
        if let Some(keys) = &keys {
            counts = counts
                .filter(activity_year_count::Column::MunicipalityId.is_in(keys.iter().copied()));
        }
        let mut dated: HashMap<(Uuid, i32), Counts> = HashMap::new();
        for (municipality, y, every, public) in counts
            .into_tuple::<(Uuid, i32, String, String)>()
            .all(&self.db)
            .await?
        {
            let visible = if self.scope.reaches(municipality) {
                every
            } else {
                public
            };
            dated.insert((municipality, y), decode_counts(&visible)?);
        }

        // 3. The pledges in force in the year, if asked for.
        let mut rows: HashMap<Uuid, PledgeRow> = HashMap::new();
        if with_pledges {
            let ids: Vec<Uuid> = among
                .municipalities
                .iter()
                .filter_map(|m| chosen.get(&(m.id, year)).map(|p| p.id))
                .collect();
            if !ids.is_empty() {
                rows = pledge::Entity::find()
                    .filter(visibility::pledges(&self.scope))
                    .filter(pledge::Column::Id.is_in(ids))
                    .fast_all(&self.db)
                    .await?
                    .into_iter()
                    .map(|p| (p.id, p))
                    .collect();
            }
        }

        let mut out = Vec::with_capacity(among.municipalities.len());
        let mut totals = Figures::default();
        let mut previous_totals = Figures::default();
        for m in among.municipalities {
            let figures_in = |y: i32| -> ApiResult<Figures> {
                let mut f = match chosen.get(&(m.id, y)) {
                    Some(p) => figures_of(p)?,
                    None => Figures::default(),
                };
                if let Some(by_kind) = dated.get(&(m.id, y)) {
                    f.add_activities(by_kind);
                }
                Ok(f)
            };
            let figures = figures_in(year)?;
            let previous = figures_in(year - 1)?;
            totals.add(&figures);
            previous_totals.add(&previous);
            let pledge = chosen.get(&(m.id, year));
            out.push(MunicipalityComparison {
                pledge_status: pledge.map(|p| p.status.clone()),
                pledge: pledge.and_then(|p| rows.remove(&p.id)).map(Visible::vouch),
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
}
