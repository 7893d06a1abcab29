//! `Activity`: something done, the evidence behind follow-ups.

use std::collections::HashMap;

use async_graphql::{Context, ID, Object};
use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::error::ApiResult;
use crate::graphql::batch::{Children, Item, keyed, once};
use crate::graphql::context::request;
use crate::graphql::enums::Method;
use crate::graphql::scalars::Date;
use crate::ids::{self, NodeKind};
use crate::store::Visible;
use crate::store::rows::{ActivityRow, PlaceRow};

use super::commitment::Commitment;
use super::place::Place;
use super::{stored, strings};

/// What has been loaded for a batch of activities.
#[derive(Debug, Default)]
pub(crate) struct ActivityLoaded {
    places: OnceCell<Children<PlaceRow, ()>>,
    /// Scoped: an activity may be visible without its commitment.
    commitments: OnceCell<HashMap<Uuid, Commitment>>,
}

/// An activity held (a safety walk, a dialogue, a patrol…). "Four safety
/// walks held" is a count of these, never a typed-in number.
#[derive(Debug, Clone)]
pub struct Activity(pub(crate) Item<Visible<ActivityRow>, ActivityLoaded>);

impl Activity {
    pub(crate) fn one(row: Visible<ActivityRow>) -> Self {
        Self(Item::one(row))
    }

    fn row(&self) -> &ActivityRow {
        self.0.row()
    }
}

/// An activity held (a safety walk, a dialogue, a patrol…). "Four safety
/// walks held" is a count of these, never a typed-in number.
#[Object]
impl Activity {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::Activity, self.row().id)
    }

    /// What kind of activity.
    async fn kind(&self) -> ApiResult<Method> {
        Ok(stored(domain::Method::parse(&self.row().kind))?.into())
    }

    /// When it took place; null when the source does not say.
    async fn date(&self) -> Option<Date> {
        self.row().date.map(Date)
    }

    /// What was done, in Swedish.
    async fn description(&self) -> &str {
        &self.row().description
    }

    /// Where it took place.
    async fn place(&self, ctx: &Context<'_>) -> ApiResult<Option<Place>> {
        let Some(id) = self.row().place_id else {
            return Ok(None);
        };
        let rc = request(ctx)?;
        let children = once(&self.0.loaded().places, || async {
            let rows = rc.reader.places_of_activities(self.0.siblings()).await?;
            Ok(Children::new(rows, |p| p.id))
        })
        .await?;
        Ok(children.first_of(id).map(Place))
    }

    /// Organisations that took part.
    async fn participants(&self) -> Vec<String> {
        strings(&self.row().participants)
    }

    /// People the source names with the activity (who took part,
    /// presented or is quoted about it), with the role it gives them, as
    /// the source spells them, e.g. "kommunpolis Andreas Sjöqvist".
    async fn people(&self) -> Vec<String> {
        strings(&self.row().people)
    }

    /// The commitment this activity is evidence for.
    async fn commitment(&self, ctx: &Context<'_>) -> ApiResult<Option<Commitment>> {
        let Some(id) = self.row().commitment_id else {
            return Ok(None);
        };
        let rc = request(ctx)?;
        let all = once(&self.0.loaded().commitments, || async {
            let ids: Vec<Uuid> = self
                .0
                .siblings()
                .iter()
                .filter_map(|a| a.commitment_id)
                .collect();
            let rows = rc.reader.commitments_by_ids(&ids).await?;
            Ok(keyed(rows, |c| c.id, Commitment))
        })
        .await?;
        Ok(all.get(&id).cloned())
    }

    /// Title of the source that reports the activity.
    async fn source_title(&self) -> Option<&str> {
        self.row().source_title.as_deref()
    }

    /// Where that source is published.
    async fn source_url(&self) -> Option<&str> {
        self.row().source_url.as_deref()
    }
}
