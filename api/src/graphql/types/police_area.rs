//! `PoliceArea`: a local police area (lokalpolisområde).

use async_graphql::{Context, ID, Object, Result};

use crate::graphql::context::request;
use crate::graphql::loaders::MunicipalitiesOfPoliceArea;
use crate::ids::{self, NodeKind};
use crate::store::entities::police_area;

use super::municipality::Municipality;

/// A local police area (lokalpolisområde, LPO): the Police side of pledges.
#[derive(Debug, Clone)]
pub struct PoliceArea(pub police_area::Model);

/// A local police area (lokalpolisområde, LPO): the Police side of pledges.
#[Object]
impl PoliceArea {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::PoliceArea, self.0.id)
    }

    /// Slug code, e.g. "lpo-varnamo".
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Name, e.g. "Lokalpolisområde Värnamo".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The police district (polisområde) it belongs to.
    async fn district(&self) -> &str {
        &self.0.district
    }

    /// The police region (polisregion) it belongs to.
    async fn region(&self) -> &str {
        &self.0.region
    }

    /// The municipalities it covers today, by name.
    async fn municipalities(&self, ctx: &Context<'_>) -> Result<Vec<Municipality>> {
        let rc = request(ctx)?;
        Ok(rc
            .load_list(MunicipalitiesOfPoliceArea(self.0.id))
            .await?
            .into_iter()
            .map(Municipality)
            .collect())
    }
}
