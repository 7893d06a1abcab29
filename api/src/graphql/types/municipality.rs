//! `Municipality` (kommun, the tenant) and `County` (län).

use async_graphql::{Context, ID, Object, Result};

use crate::graphql::context::request;
use crate::graphql::loaders::{CountyByCode, PledgesOfMunicipality, PoliceAreaOfMunicipality};
use crate::ids::{self, NodeKind};
use crate::store::entities::{county, municipality};

use super::pledge::Pledge;
use super::police_area::PoliceArea;

/// A Swedish municipality (kommun). Each pledge belongs to one.
#[derive(Debug, Clone)]
pub struct Municipality(pub municipality::Model);

/// A Swedish municipality (kommun). Each pledge belongs to one.
#[Object]
impl Municipality {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::Municipality, self.0.id)
    }

    /// SCB municipality code, four digits, e.g. "0683".
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Name, e.g. "Värnamo".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The county (län) the municipality lies in.
    async fn county(&self, ctx: &Context<'_>) -> Result<Option<County>> {
        let rc = request(ctx)?;
        Ok(rc
            .load(CountyByCode(self.0.county_code.clone()))
            .await?
            .map(County))
    }

    /// The local police area covering the municipality today.
    async fn police_area(&self, ctx: &Context<'_>) -> Result<Option<PoliceArea>> {
        let rc = request(ctx)?;
        Ok(rc
            .load(PoliceAreaOfMunicipality(self.0.id))
            .await?
            .map(PoliceArea))
    }

    /// The municipality's pledges the caller may see, newest year first.
    async fn pledges(&self, ctx: &Context<'_>) -> Result<Vec<Pledge>> {
        let rc = request(ctx)?;
        Ok(rc
            .load_list(PledgesOfMunicipality(self.0.id))
            .await?
            .into_iter()
            .map(Pledge)
            .collect())
    }
}

/// A Swedish county (län).
#[derive(Debug, Clone)]
pub struct County(pub county::Model);

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
