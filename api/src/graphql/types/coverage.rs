//! `PoliceAreaCoverage`: a local police area covering a municipality
//! during a period, with whether a source states the dates.

use async_graphql::{Context, Object};

use crate::error::{ApiError, ApiResult};
use crate::graphql::context::request;
use crate::graphql::scalars::Date;
use crate::store::rows::CoverageRow;

use super::municipality::Municipality;
use super::police_area::PoliceArea;

/// A local police area covering a municipality during a period.
#[derive(Debug, Clone)]
pub struct PoliceAreaCoverage(pub(crate) CoverageRow);

/// A local police area covering a municipality during a period.
#[Object]
impl PoliceAreaCoverage {
    /// The local police area.
    async fn police_area(&self, ctx: &Context<'_>) -> ApiResult<PoliceArea> {
        let rc = request(ctx)?;
        let reference = rc
            .reference_knowing(|r| r.police_area(self.0.police_area_id).is_some())
            .await?;
        let row = reference.police_area(self.0.police_area_id).cloned();
        Ok(PoliceArea::one(row.ok_or_else(|| {
            ApiError::internal("a coverage row names an unknown police area")
        })?))
    }

    /// The municipality covered.
    async fn municipality(&self, ctx: &Context<'_>) -> ApiResult<Municipality> {
        let rc = request(ctx)?;
        let row = rc.reference.municipality(self.0.municipality_id).cloned();
        Ok(Municipality::list(vec![row.ok_or_else(|| {
            ApiError::internal("a coverage row names an unknown municipality")
        })?])
        .remove(0))
    }

    /// The first day of coverage.
    async fn valid_from(&self) -> Date {
        Date(self.0.valid_from)
    }

    /// The last day of coverage; null while it lasts.
    async fn valid_to(&self) -> Option<Date> {
        self.0.valid_to.map(Date)
    }

    /// True where no source states the dates and they are inferred (for
    /// the national data: a start of 2015-01-01, when the local police
    /// areas were created, for a source that speaks of a later time).
    async fn inferred(&self) -> bool {
        self.0.inferred
    }

    /// The source of the row, where one was recorded.
    async fn source(&self) -> Option<&str> {
        self.0.source.as_deref()
    }
}
