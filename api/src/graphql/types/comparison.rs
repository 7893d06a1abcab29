//! `RegionalComparison`: figures per municipality of a selection for a
//! year and the year before, and their totals, as `store::comparison`
//! counted them. The nested pledges and municipalities form one batch
//! each, so their own fields load as on any list.

use async_graphql::Object;

use crate::error::ApiResult;
use crate::graphql::enums::PledgeStatus;
use crate::store::comparison::Comparison;

use super::comparison_figures::ComparisonFigures;
use super::municipality::Municipality;
use super::pledge::Pledge;
use super::stored;

/// One municipality of a comparison.
#[derive(Debug)]
pub struct MunicipalityComparison {
    municipality: Municipality,
    pledge: Option<Pledge>,
    pledge_status: Option<String>,
    figures: ComparisonFigures,
    previous: ComparisonFigures,
}

/// One municipality of a comparison.
#[Object]
impl MunicipalityComparison {
    /// The municipality compared.
    async fn municipality(&self) -> &Municipality {
        &self.municipality
    }

    /// The pledge in force in the year that the caller may read (published
    /// before signed before draft, then the one of that year); null if none.
    async fn pledge(&self) -> Option<&Pledge> {
        self.pledge.as_ref()
    }

    /// The status of that pledge; null if none.
    async fn pledge_status(&self) -> ApiResult<Option<PledgeStatus>> {
        Ok(match &self.pledge_status {
            Some(status) => Some(stored(domain::PledgeStatus::parse(status))?.into()),
            None => None,
        })
    }

    /// Figures for the year.
    async fn figures(&self) -> &ComparisonFigures {
        &self.figures
    }

    /// Figures for the year before.
    async fn previous(&self) -> &ComparisonFigures {
        &self.previous
    }
}

/// Municipalities of a selection compared for a year and the year before.
#[derive(Debug)]
pub struct RegionalComparison {
    year: i32,
    municipalities: Vec<MunicipalityComparison>,
    totals: ComparisonFigures,
    previous_totals: ComparisonFigures,
}

impl RegionalComparison {
    pub(crate) fn new(comparison: Comparison) -> Self {
        let rows: Vec<_> = comparison
            .municipalities
            .iter()
            .map(|m| m.municipality.clone())
            .collect();
        let pledge_rows: Vec<_> = comparison
            .municipalities
            .iter()
            .filter_map(|m| m.pledge.clone())
            .collect();
        let mut pledges = Pledge::list(pledge_rows).into_iter();
        let municipalities = Municipality::list(rows)
            .into_iter()
            .zip(comparison.municipalities)
            .map(|(municipality, m)| MunicipalityComparison {
                municipality,
                pledge: m.pledge.as_ref().and_then(|_| pledges.next()),
                pledge_status: m.pledge_status,
                figures: ComparisonFigures(m.figures),
                previous: ComparisonFigures(m.previous),
            })
            .collect();
        Self {
            year: comparison.year,
            municipalities,
            totals: ComparisonFigures(comparison.totals),
            previous_totals: ComparisonFigures(comparison.previous_totals),
        }
    }
}

/// Municipalities of a selection compared for a year and the year before.
#[Object]
impl RegionalComparison {
    /// The year compared (figures; `previous`: the year before).
    async fn year(&self) -> i32 {
        self.year
    }

    /// One per municipality of the selection, in Swedish name order.
    async fn municipalities(&self) -> &[MunicipalityComparison] {
        &self.municipalities
    }

    /// Over the selection, for `year`.
    async fn totals(&self) -> &ComparisonFigures {
        &self.totals
    }

    /// Over the selection, for the year before.
    async fn previous_totals(&self) -> &ComparisonFigures {
        &self.previous_totals
    }
}
