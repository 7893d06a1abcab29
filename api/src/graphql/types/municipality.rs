//! `Municipality` (kommun, the tenant) and `County` (län). Both come from
//! the reference snapshot; only a municipality's pledges cost SQL.

use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use tokio::sync::OnceCell;

use crate::error::ApiResult;
use crate::graphql::batch::{Children, Item, once};
use crate::graphql::context::request;
use crate::ids::{self, NodeKind};
use crate::store::Listed;
use crate::store::rows::{CountyRow, MunicipalityRow, PledgeRow};

use super::coverage::PoliceAreaCoverage;
use super::pledge::{Pledge, PledgeLoaded};
use super::police_area::PoliceArea;
use super::police_organisation::{PoliceDistrict, PoliceRegion};

/// What has been loaded for a batch of municipalities.
#[derive(Debug, Default)]
pub(crate) struct MunicipalityLoaded {
    pledges: OnceCell<Children<Listed<PledgeRow>, PledgeLoaded>>,
}

/// A Swedish municipality (kommun). Each pledge belongs to one.
#[derive(Debug, Clone)]
pub struct Municipality(pub(crate) Item<Arc<MunicipalityRow>, MunicipalityLoaded>);

impl Municipality {
    /// One object per row, resolved together.
    pub(crate) fn list(rows: Vec<Arc<MunicipalityRow>>) -> Vec<Self> {
        Item::all(rows).into_iter().map(Self).collect()
    }

    pub(crate) fn row(&self) -> &MunicipalityRow {
        self.0.row()
    }
}

/// A Swedish municipality (kommun). Each pledge belongs to one.
#[Object]
impl Municipality {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::Municipality, self.row().id)
    }

    /// SCB municipality code, four digits, e.g. "0683".
    async fn code(&self) -> &str {
        &self.row().code
    }

    /// Name, e.g. "Värnamo".
    async fn name(&self) -> &str {
        &self.row().name
    }

    /// The county (län) the municipality lies in.
    async fn county(&self, ctx: &Context<'_>) -> ApiResult<Option<County>> {
        let rc = request(ctx)?;
        Ok(rc
            .reference
            .county(&self.row().county_code)
            .cloned()
            .map(County))
    }

    /// The local police area covering the municipality today.
    async fn police_area(&self, ctx: &Context<'_>) -> ApiResult<Option<PoliceArea>> {
        let rc = request(ctx)?;
        Ok(rc
            .reference
            .police_area_covering(self.row().id, rc.today)
            .cloned()
            .map(PoliceArea::one))
    }

    /// Which local police areas covered the municipality when, oldest
    /// first, with whether the dates are stated or inferred.
    async fn police_area_coverage(&self, ctx: &Context<'_>) -> ApiResult<Vec<PoliceAreaCoverage>> {
        let rc = request(ctx)?;
        Ok(rc
            .reference
            .coverage_of(self.row().id)
            .into_iter()
            .map(PoliceAreaCoverage)
            .collect())
    }

    /// The police district covering the municipality today, where a
    /// source names it.
    async fn police_district(&self, ctx: &Context<'_>) -> ApiResult<Option<PoliceDistrict>> {
        let rc = request(ctx)?;
        Ok(rc
            .reference
            .district_covering(self.row().id, rc.today)
            .cloned()
            .map(PoliceDistrict))
    }

    /// The police region of the municipality's county.
    async fn police_region(&self, ctx: &Context<'_>) -> ApiResult<Option<PoliceRegion>> {
        let rc = request(ctx)?;
        Ok(rc
            .reference
            .region_of_municipality(self.row())
            .cloned()
            .map(PoliceRegion))
    }

    /// The municipality's pledges the caller may see, newest year first.
    async fn pledges(&self, ctx: &Context<'_>) -> ApiResult<Vec<Pledge>> {
        let rc = request(ctx)?;
        let children = once(&self.0.loaded().pledges, || async {
            let ids: Vec<_> = self.0.siblings().iter().map(|m| m.id).collect();
            let rows = rc.reader.pledges_of_municipalities(&ids).await?;
            Ok(Pledge::children(rows, |p| p.municipality_id))
        })
        .await?;
        Ok(children.of(self.row().id).into_iter().map(Pledge).collect())
    }
}

/// A Swedish county (län).
#[derive(Debug, Clone)]
pub struct County(pub(crate) Arc<CountyRow>);

/// A Swedish county (län).
#[Object]
impl County {
    /// Two-digit county code, e.g. "06".
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Name, e.g. "Jönköpings län".
    async fn name(&self) -> &str {
        &self.0.name
    }
}
