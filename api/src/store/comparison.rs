//! Regional comparison: per municipality of a selection, the pledge in
//! force in a year and the previous year, and figures about it, through
//! the caller's scope. The pledge and figures of each municipality, year
//! and view are what `store::figures` keeps in `comparison_cells`, so the
//! statements are fixed and cheap whatever the number of municipalities:
//! the cells of both years in the caller's view of each municipality (1),
//! and, only when the caller asks for the pledges themselves, the chosen
//! pledges' rows (2). Every count is over rows the caller may read, so a
//! draft moves no anonymous figure.

use std::collections::HashMap;
use std::sync::Arc;

use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::decode::{Columns, Fast, FastAll as _, Row};
use super::directory::Period;
use super::entities::{comparison_cell, pledge};
use super::figures::decode_figures;
pub use super::figures::{Counts, Figures};
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
        first: chrono::NaiveDate::from_ymd_opt(year, 1, 1)?,
        last: chrono::NaiveDate::from_ymd_opt(year, 12, 31)?,
    })
}

/// How much of the pledges in force a comparison reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PledgeRows {
    /// None: the query does not show them.
    None,
    /// Their heads only: the query asks for no field but the ones
    /// `graphql::types::pledge::Pledge::HEAD_FIELDS` lists. The 290 whole
    /// rows of a comparison of every municipality, with their texts and
    /// JSON columns, were the largest single cost of the request when only
    /// `pledge { id title }` was shown.
    Heads,
    /// Whole rows.
    Whole,
}

/// The columns of a pledge that identify, name and date it: what a list of
/// pledges shows by name.
struct PledgeHead {
    id: Uuid,
    municipality_id: Uuid,
    police_area_id: Uuid,
    year: i32,
    title: String,
    valid_from: chrono::NaiveDate,
    valid_to: chrono::NaiveDate,
    status: String,
    signed_on: Option<chrono::NaiveDate>,
    version: i32,
}

impl Columns for PledgeHead {
    fn read(row: &Row<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.get("id")?,
            municipality_id: row.get("municipality_id")?,
            police_area_id: row.get("police_area_id")?,
            year: row.get("year")?,
            title: row.get("title")?,
            valid_from: row.get("valid_from")?,
            valid_to: row.get("valid_to")?,
            status: row.get("status")?,
            signed_on: row.get("signed_on")?,
            version: row.get("version")?,
        })
    }
}

impl PledgeHead {
    const COLUMNS: [pledge::Column; 10] = [
        pledge::Column::Id,
        pledge::Column::MunicipalityId,
        pledge::Column::PoliceAreaId,
        pledge::Column::Year,
        pledge::Column::Title,
        pledge::Column::ValidFrom,
        pledge::Column::ValidTo,
        pledge::Column::Status,
        pledge::Column::SignedOn,
        pledge::Column::Version,
    ];

    /// A row with the head's columns and every other column empty. Only
    /// for a query that reads the head fields alone (`PledgeRows::Heads`):
    /// no resolver it runs looks at the empty columns.
    fn into_row(self) -> PledgeRow {
        PledgeRow {
            id: self.id,
            municipality_id: self.municipality_id,
            police_area_id: self.police_area_id,
            year: self.year,
            title: self.title,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            status: self.status,
            signed_on: self.signed_on,
            version: self.version,
            introduction: None,
            promise_statement: None,
            situation_picture: None,
            expected_effect: None,
            background: None,
            basis_kinds: serde_json::Value::Null,
            follow_up_plan: None,
            prepared_by: None,
            source_title: None,
            source_url: None,
            municipality_approved_at: None,
            municipality_approved_by: None,
            police_approved_at: None,
            police_approved_by: None,
            withdrawn_reason: None,
            supersedes_id: None,
            created_at: chrono::DateTime::UNIX_EPOCH,
            updated_at: chrono::DateTime::UNIX_EPOCH,
            provenance: String::new(),
            validity_stated: false,
            signed_on_stated: false,
            inference_note: None,
            source_notes: serde_json::Value::Null,
        }
    }
}

/// One stored cell as the comparison reads it.
struct Cell {
    municipality_id: Uuid,
    year: i32,
    pledge_id: Option<Uuid>,
    pledge_status: Option<String>,
    figures: String,
}

impl Columns for Cell {
    fn read(row: &Row<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            municipality_id: row.get("municipality_id")?,
            year: row.get("year")?,
            pledge_id: row.get("pledge_id")?,
            pledge_status: row.get("pledge_status")?,
            figures: row.get("figures")?,
        })
    }
}

impl Reader {
    /// The comparison of `among` for `year`, with the previous year beside
    /// it; `pledges`: how much of the pledges in force to load (the rows
    /// behind `pledge { ... }`).
    pub async fn regional_comparison(
        &self,
        year: i32,
        among: Among,
        pledges: PledgeRows,
    ) -> ApiResult<Comparison> {
        let invalid =
            || crate::error::ApiError::bad_input("year", format!("year {year} is out of range"));
        calendar_year(year).ok_or_else(invalid)?;
        calendar_year(year - 1).ok_or_else(invalid)?;

        // 1. Both years' cells, each municipality in the caller's view.
        let mut cells = comparison_cell::Entity::find()
            .select_only()
            .columns([
                comparison_cell::Column::MunicipalityId,
                comparison_cell::Column::Year,
                comparison_cell::Column::PledgeId,
                comparison_cell::Column::PledgeStatus,
                comparison_cell::Column::Figures,
            ])
            .filter(comparison_cell::Column::Year.is_in([year - 1, year]))
            .filter(visibility::comparison_cells(&self.scope));
        if !among.every {
            cells = cells.filter(
                comparison_cell::Column::MunicipalityId
                    .is_in(among.municipalities.iter().map(|m| m.id)),
            );
        }
        let mut stored: HashMap<(Uuid, i32), Cell> = cells
            .into_model::<Fast<Cell>>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|Fast(cell)| ((cell.municipality_id, cell.year), cell))
            .collect();

        // 2. The pledges in force in the year, if asked for.
        let ids: Vec<Uuid> = match pledges {
            PledgeRows::None => Vec::new(),
            _ => among
                .municipalities
                .iter()
                .filter_map(|m| stored.get(&(m.id, year)).and_then(|c| c.pledge_id))
                .collect(),
        };
        let mut rows: HashMap<Uuid, PledgeRow> = HashMap::new();
        if !ids.is_empty() {
            let select = pledge::Entity::find()
                .filter(visibility::pledges(&self.scope))
                .filter(pledge::Column::Id.is_in(ids));
            let read: Vec<PledgeRow> = match pledges {
                PledgeRows::Heads => select
                    .select_only()
                    .columns(PledgeHead::COLUMNS)
                    .into_model::<Fast<PledgeHead>>()
                    .all(&self.db)
                    .await?
                    .into_iter()
                    .map(|Fast(head)| head.into_row())
                    .collect(),
                _ => select.fast_all(&self.db).await?,
            };
            rows = read.into_iter().map(|p| (p.id, p)).collect();
        }

        let mut out = Vec::with_capacity(among.municipalities.len());
        let mut totals = Figures::default();
        let mut previous_totals = Figures::default();
        for m in among.municipalities {
            let this = stored.remove(&(m.id, year));
            let figures = figures_of(this.as_ref())?;
            let previous = figures_of(stored.get(&(m.id, year - 1)))?;
            totals.add(&figures);
            previous_totals.add(&previous);
            let (pledge_id, pledge_status) =
                this.map_or((None, None), |c| (c.pledge_id, c.pledge_status));
            out.push(MunicipalityComparison {
                pledge_status,
                pledge: pledge_id
                    .and_then(|id| rows.remove(&id))
                    .map(Visible::vouch),
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

/// A cell's figures; a municipality and year without a cell has none.
fn figures_of(cell: Option<&Cell>) -> ApiResult<Figures> {
    cell.map_or_else(|| Ok(Figures::default()), |c| decode_figures(&c.figures))
}
