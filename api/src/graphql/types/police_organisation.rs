//! `PoliceRegion` (polisregion) and `PoliceDistrict` (polisområde): the
//! police organisation above local police areas, from the reference
//! snapshot (no SQL).

use std::sync::Arc;

use async_graphql::{Context, Object};

use crate::error::{ApiError, ApiResult};
use crate::graphql::context::request;
use crate::store::rows::{PoliceDistrictRow, PoliceRegionRow};

use super::municipality::Municipality;
use super::police_area::PoliceArea;
use crate::graphql::scalars::Date;

/// A police region (polisregion), one of the seven.
#[derive(Debug, Clone)]
pub struct PoliceRegion(pub(crate) Arc<PoliceRegionRow>);

/// A police region (polisregion), one of the seven.
#[Object]
impl PoliceRegion {
    /// Slug code, e.g. "pr-syd".
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Name, e.g. "Polisregion Syd".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Its police districts, by name.
    async fn districts(&self, ctx: &Context<'_>) -> ApiResult<Vec<PoliceDistrict>> {
        let rc = request(ctx)?;
        Ok(rc
            .reference
            .districts_of_region(&self.0.code)
            .into_iter()
            .map(PoliceDistrict)
            .collect())
    }

    /// The municipalities of its counties, by name. A region is made of
    /// whole counties.
    async fn municipalities(&self, ctx: &Context<'_>) -> ApiResult<Vec<Municipality>> {
        let rc = request(ctx)?;
        let rows = rc
            .reference
            .municipalities()
            .iter()
            .filter(|m| {
                rc.reference
                    .region_of_municipality(m)
                    .is_some_and(|r| r.code == self.0.code)
            })
            .cloned()
            .collect();
        Ok(Municipality::list(rows))
    }
}

/// A police district (polisområde) of a police region.
#[derive(Debug, Clone)]
pub struct PoliceDistrict(pub(crate) Arc<PoliceDistrictRow>);

/// A police district (polisområde) of a police region.
#[Object]
impl PoliceDistrict {
    /// Slug code, e.g. "po-kalmar-kronoberg".
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Name, e.g. "Polisområde Kalmar Kronoberg".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The first day of the district, where a source states it.
    async fn valid_from(&self) -> Option<Date> {
        self.0.valid_from.map(Date)
    }

    /// The last day of the district, where it has ended.
    async fn valid_to(&self) -> Option<Date> {
        self.0.valid_to.map(Date)
    }

    /// The region it belongs to.
    async fn region(&self, ctx: &Context<'_>) -> ApiResult<PoliceRegion> {
        let rc = request(ctx)?;
        // The foreign key keeps the region there.
        let row = rc.reference.police_region(&self.0.region_code).cloned();
        Ok(PoliceRegion(row.ok_or_else(|| {
            ApiError::internal(format!("district {} has no region", self.0.code))
        })?))
    }

    /// Its local police areas, by name (those a source names).
    async fn police_areas(&self, ctx: &Context<'_>) -> ApiResult<Vec<PoliceArea>> {
        let rc = request(ctx)?;
        Ok(PoliceArea::list(
            rc.reference.areas_of_district(&self.0.code),
        ))
    }
}
