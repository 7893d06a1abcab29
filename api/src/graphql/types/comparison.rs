//! `RegionalComparison`: figures per municipality of a selection for a
//! year and the year before, and their totals, as `store::comparison`
//! counted them. The nested pledges and municipalities form one batch
//! each, so their own fields load as on any list.

use async_graphql::{Object, SimpleObject};

use crate::graphql::enums::PledgeStatus;
use crate::store::comparison::{Comparison, Counts, Figures};

use super::municipality::Municipality;
use super::pledge::Pledge;
use super::stored;

/// How many of something have a key (an enum value or a code).
#[derive(Debug, Clone, SimpleObject)]
pub struct KeyCount {
    /// The key: an enum value (e.g. "POLICE", "FOOT_PATROL", "COMPLETED")
    /// or a focus-area code.
    pub key: String,
    /// How many have it.
    pub count: i64,
}

fn key_counts(counts: &Counts) -> Vec<KeyCount> {
    counts
        .iter()
        .map(|(key, n)| KeyCount {
            key: key.clone(),
            count: *n as i64,
        })
        .collect()
}

/// Figures about the pledges in force in one year: of one municipality,
/// or summed over a selection.
#[derive(Debug, Clone)]
pub struct ComparisonFigures(Figures);

/// Figures about the pledges in force in one year: of one municipality,
/// or summed over a selection. Only what the caller may read is counted.
#[Object]
impl ComparisonFigures {
    /// Pledges in force (per municipality: 0 or 1).
    async fn pledges(&self) -> i64 {
        self.0.pledges as i64
    }

    /// Commitments of those pledges.
    async fn commitments(&self) -> i64 {
        self.0.commitments as i64
    }

    /// Commitments by responsible party (POLICE, MUNICIPALITY, JOINT).
    async fn commitments_by_responsible(&self) -> Vec<KeyCount> {
        key_counts(&self.0.commitments_by_responsible)
    }

    /// Commitments by method (a Method value); a commitment without a
    /// method is not counted here.
    async fn commitments_by_method(&self) -> Vec<KeyCount> {
        key_counts(&self.0.commitments_by_method)
    }

    /// Focus areas by code: how many of the pledges name each.
    async fn focus_areas(&self) -> Vec<KeyCount> {
        key_counts(&self.0.focus_areas)
    }

    /// Progress entries of each pledge's newest published follow-up
    /// report, by ProgressStatus.
    async fn progress_by_status(&self) -> Vec<KeyCount> {
        key_counts(&self.0.progress_by_status)
    }

    /// The share (0–1) of those entries that are COMPLETED or ONGOING;
    /// null when no pledge has a published report.
    async fn completion_rate(&self) -> Option<f64> {
        self.0.completion_rate()
    }

    /// Activities: those dated in the year, and undated ones evidencing a
    /// commitment of the pledge in force (an undated activity belongs to
    /// no year of its own).
    async fn activities(&self) -> i64 {
        self.0.activities as i64
    }

    /// The same activities by kind (a Method value).
    async fn activities_by_kind(&self) -> Vec<KeyCount> {
        key_counts(&self.0.activities_by_kind)
    }
}

/// One municipality of a comparison.
#[derive(Debug)]
pub struct MunicipalityComparison {
    municipality: Municipality,
    pledge: Option<Pledge>,
    figures: Figures,
    previous: Figures,
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
    async fn pledge_status(&self) -> async_graphql::Result<Option<PledgeStatus>> {
        Ok(match &self.pledge {
            Some(p) => Some(stored(domain::PledgeStatus::parse(&p.row().status))?.into()),
            None => None,
        })
    }

    /// Figures for the year.
    async fn figures(&self) -> ComparisonFigures {
        ComparisonFigures(self.figures.clone())
    }

    /// Figures for the year before.
    async fn previous(&self) -> ComparisonFigures {
        ComparisonFigures(self.previous.clone())
    }
}

/// Municipalities of a selection compared for a year and the year before.
#[derive(Debug)]
pub struct RegionalComparison {
    year: i32,
    municipalities: Vec<MunicipalityComparison>,
    totals: Figures,
    previous_totals: Figures,
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
                figures: m.figures,
                previous: m.previous,
            })
            .collect();
        Self {
            year: comparison.year,
            municipalities,
            totals: comparison.totals,
            previous_totals: comparison.previous_totals,
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
    async fn totals(&self) -> ComparisonFigures {
        ComparisonFigures(self.totals.clone())
    }

    /// Over the selection, for the year before.
    async fn previous_totals(&self) -> ComparisonFigures {
        ComparisonFigures(self.previous_totals.clone())
    }
}
