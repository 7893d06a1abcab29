//! `PoliceArea`: a local police area (lokalpolisområde), from the
//! reference snapshot.

use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use tokio::sync::OnceCell;

use crate::error::ApiResult;
use crate::graphql::batch::{Children, Item, once};
use crate::graphql::context::request;
use crate::ids::{self, NodeKind};
use crate::store::rows::{MunicipalityRow, PoliceAreaRow};

use super::municipality::{Municipality, MunicipalityLoaded};
use super::police_organisation::{PoliceDistrict, PoliceRegion};

/// What has been loaded for a batch of police areas.
#[derive(Debug, Default)]
pub(crate) struct PoliceAreaLoaded {
    /// The covered municipalities of all the batch's areas, as one batch,
    /// so their pledges load together.
    municipalities: OnceCell<Children<Arc<MunicipalityRow>, MunicipalityLoaded>>,
}

/// A local police area (lokalpolisområde, LPO): the Police side of pledges.
#[derive(Debug, Clone)]
pub struct PoliceArea(pub(crate) Item<Arc<PoliceAreaRow>, PoliceAreaLoaded>);

impl PoliceArea {
    /// One object per row, resolved together.
    pub(crate) fn list(rows: Vec<Arc<PoliceAreaRow>>) -> Vec<Self> {
        Item::all(rows).into_iter().map(Self).collect()
    }

    pub(crate) fn one(row: Arc<PoliceAreaRow>) -> Self {
        Self(Item::one(row))
    }

    pub(crate) fn row(&self) -> &PoliceAreaRow {
        self.0.row()
    }
}

/// A local police area (lokalpolisområde, LPO): the Police side of pledges.
#[Object]
impl PoliceArea {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::PoliceArea, self.row().id)
    }

    /// Slug code, e.g. "lpo-varnamo".
    async fn code(&self) -> &str {
        &self.row().code
    }

    /// Name, e.g. "Lokalpolisområde Värnamo".
    async fn name(&self) -> &str {
        &self.row().name
    }

    /// The police district (polisområde) it belongs to; null where no
    /// source names it.
    async fn district(&self, ctx: &Context<'_>) -> ApiResult<Option<PoliceDistrict>> {
        let rc = request(ctx)?;
        Ok(self
            .row()
            .district_code
            .as_deref()
            .and_then(|code| rc.reference.police_district(code))
            .cloned()
            .map(PoliceDistrict))
    }

    /// The police region (polisregion) it belongs to.
    async fn region(&self, ctx: &Context<'_>) -> ApiResult<Option<PoliceRegion>> {
        let rc = request(ctx)?;
        Ok(rc
            .reference
            .region_of_area(self.row())
            .cloned()
            .map(PoliceRegion))
    }

    /// The municipalities it covers today, by name.
    async fn municipalities(&self, ctx: &Context<'_>) -> ApiResult<Vec<Municipality>> {
        let rc = request(ctx)?;
        let children = once(&self.0.loaded().municipalities, || async {
            let mut pairs = Vec::new();
            for area in self.0.siblings() {
                for m in rc.reference.municipalities_covered_by(area.id, rc.today) {
                    pairs.push((area.id, m));
                }
            }
            Ok(Children::from_pairs(pairs))
        })
        .await?;
        Ok(children
            .of(self.row().id)
            .into_iter()
            .map(Municipality)
            .collect())
    }
}
