//! `Activity`: something done, the evidence behind follow-ups.

use async_graphql::{Context, ID, Object, Result};

use crate::graphql::context::request;
use crate::graphql::enums::Method;
use crate::graphql::loaders::{CommitmentById, PlaceById};
use crate::graphql::scalars::Date;
use crate::ids::{self, NodeKind};
use crate::store::entities::activity;

use super::commitment::Commitment;
use super::place::Place;
use super::{stored, strings};

/// An activity held (a safety walk, a dialogue, a patrol…). "Four safety
/// walks held" is a count of these, never a typed-in number.
#[derive(Debug, Clone)]
pub struct Activity(pub activity::Model);

/// An activity held (a safety walk, a dialogue, a patrol…). "Four safety
/// walks held" is a count of these, never a typed-in number.
#[Object]
impl Activity {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::Activity, self.0.id)
    }

    /// What kind of activity.
    async fn kind(&self) -> Result<Method> {
        Ok(stored(domain::Method::parse(&self.0.kind))?.into())
    }

    /// When it took place; null when the source does not say.
    async fn date(&self) -> Option<Date> {
        self.0.date.map(Date)
    }

    /// What was done, in Swedish.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Where it took place.
    async fn place(&self, ctx: &Context<'_>) -> Result<Option<Place>> {
        let Some(id) = self.0.place_id else {
            return Ok(None);
        };
        Ok(request(ctx)?.load(PlaceById(id)).await?.map(Place))
    }

    /// Organisations that took part.
    async fn participants(&self) -> Vec<String> {
        strings(&self.0.participants)
    }

    /// The commitment this activity is evidence for.
    async fn commitment(&self, ctx: &Context<'_>) -> Result<Option<Commitment>> {
        let Some(id) = self.0.commitment_id else {
            return Ok(None);
        };
        Ok(request(ctx)?
            .load(CommitmentById(id))
            .await?
            .map(Commitment))
    }

    /// Title of the source that reports the activity.
    async fn source_title(&self) -> Option<&str> {
        self.0.source_title.as_deref()
    }

    /// Where that source is published.
    async fn source_url(&self) -> Option<&str> {
        self.0.source_url.as_deref()
    }
}
