//! The `Subscription` root, over `/graphql/ws`. Each event is re-read
//! through the subscriber's own scope, so a subscriber receives only what
//! it could query: anonymous subscribers get published data only, and
//! nobody hears of a draft outside their reach.

use crate::error::ApiError;
use async_graphql::{Context, Subscription as SubscriptionRoot};
use futures::{Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use super::context::{RequestContext, request};
use super::types::follow_up::FollowUpReport;
use super::types::pledge::Pledge;
use crate::events::{Event, EventKind};

/// Live updates.
#[derive(Debug, Default)]
pub struct Subscription;

/// The events of `kind` (for `municipality`, when given), as they come.
fn events(
    rc: &RequestContext,
    kind: EventKind,
    municipality: Option<Uuid>,
) -> impl Stream<Item = Event> + use<> {
    let receiver = rc.events.subscribe();
    futures::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(event) => return Some((event, receiver)),
                // A slow subscriber skips what it missed rather than dying.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    })
    .filter(move |event| {
        let wanted = event.kind == kind && municipality.is_none_or(|m| m == event.municipality_id);
        async move { wanted }
    })
}

/// Live updates.
#[SubscriptionRoot]
impl Subscription {
    /// A follow-up report was published (optionally: in this municipality,
    /// by code).
    async fn follow_up_published(
        &self,
        ctx: &Context<'_>,
        municipality: Option<String>,
    ) -> Result<impl Stream<Item = FollowUpReport> + use<>, ApiError> {
        let rc = request(ctx)?.clone();
        let filter = municipality
            .map(|code| rc.reference.municipality_key(&code))
            .transpose()?;
        Ok(
            events(&rc, EventKind::FollowUpPublished, filter).filter_map(move |event| {
                let rc = rc.clone();
                async move {
                    let mut rows = rc.reader.follow_ups_by_ids(&[event.id]).await.ok()?;
                    rows.pop().map(FollowUpReport::one)
                }
            }),
        )
    }

    /// A pledge or one of its commitments changed (optionally: in this
    /// municipality, by code). Only pledges the subscriber may see.
    async fn pledge_changed(
        &self,
        ctx: &Context<'_>,
        municipality: Option<String>,
    ) -> Result<impl Stream<Item = Pledge> + use<>, ApiError> {
        let rc = request(ctx)?.clone();
        let filter = municipality
            .map(|code| rc.reference.municipality_key(&code))
            .transpose()?;
        Ok(
            events(&rc, EventKind::PledgeChanged, filter).filter_map(move |event| {
                let rc = rc.clone();
                async move {
                    let mut rows = rc.reader.pledges_by_ids(&[event.id]).await.ok()?;
                    rows.pop().map(Pledge::one)
                }
            }),
        )
    }
}
