//! The `Subscription` root, over `/graphql/ws`. Each event is re-read
//! through the subscriber's own scope, so a subscriber receives only what
//! it could query: anonymous subscribers get published data only, and
//! nobody hears of a draft outside their reach. A subscriber that could
//! see an entity before a change and cannot after it (a published pledge
//! or report withdrawn, for the public) gets a removal (`removed: true`,
//! identity only) so that it can drop its copy.

use std::collections::HashSet;
use std::future::Future;

use async_graphql::{Context, Subscription as SubscriptionRoot};
use futures::{Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use super::context::{RequestContext, request};
use super::types::follow_up::FollowUpReport;
use super::types::pledge::Pledge;
use crate::error::{ApiError, ApiResult};
use crate::events::{Event, EventKind};
use crate::store::Listed;

/// Live updates.
#[derive(Debug, Default)]
pub struct Subscription;

/// The events of `kinds` (for `municipality`, when given), as they come.
fn events(
    rc: &RequestContext,
    kinds: &'static [EventKind],
    municipality: Option<Uuid>,
) -> impl Stream<Item = Event> + use<> {
    let receiver = rc.events.listen();
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
        let wanted =
            kinds.contains(&event.kind) && municipality.is_none_or(|m| m == event.municipality_id);
        async move { wanted }
    })
}

/// What one subscriber hears of `events`: each entity as `read` finds it
/// through the subscriber's scope, given whether the subscriber could see
/// it before (it was sent to this subscriber, or the event says it was
/// public). `read` answers a removal when it could and no longer can;
/// nothing is sent for what the subscriber never could see. A failed read
/// skips the event rather than ending the subscription.
fn as_seen<T, O, F>(
    events: impl Stream<Item = Event> + Send + 'static,
    read: impl Fn(Event, bool) -> F + Send + 'static,
    wrap: impl Fn(Listed<T>) -> O + Send + 'static,
) -> impl Stream<Item = O> + Send + 'static
where
    F: Future<Output = ApiResult<Option<Listed<T>>>> + Send,
    T: Send + 'static,
    O: Send + 'static,
{
    let seen: HashSet<Uuid> = HashSet::new();
    let state = (Box::pin(events), seen, read, wrap);
    futures::stream::unfold(state, |(mut events, mut seen, read, wrap)| async move {
        loop {
            let event = events.next().await?;
            let could_see = seen.contains(&event.id) || event.public_before;
            let Ok(Some(entry)) = read(event, could_see).await else {
                continue;
            };
            match &entry {
                Listed::Shown(_) => seen.insert(event.id),
                Listed::Removed(_) => seen.remove(&event.id),
            };
            let item = wrap(entry);
            return Some((item, (events, seen, read, wrap)));
        }
    })
}

/// Live updates.
#[SubscriptionRoot]
impl Subscription {
    /// A follow-up report was published (optionally: in this municipality,
    /// by code). When a report is withdrawn, subscribers that may still
    /// see it get it as it now stands (status WITHDRAWN); those that could
    /// see it and no longer can get it with `removed: true`.
    async fn follow_up_published(
        &self,
        ctx: &Context<'_>,
        municipality: Option<String>,
    ) -> Result<impl Stream<Item = FollowUpReport> + use<>, ApiError> {
        let rc = request(ctx)?.clone();
        let filter = municipality
            .map(|code| rc.reference.municipality_key(&code))
            .transpose()?;
        const KINDS: &[EventKind] = &[EventKind::FollowUpPublished, EventKind::FollowUpWithdrawn];
        let events = events(&rc, KINDS, filter);
        Ok(as_seen(
            events,
            move |event, could_see| {
                let rc = rc.clone();
                async move { rc.reader.follow_up_change(event.id, could_see).await }
            },
            FollowUpReport::event,
        ))
    }

    /// A pledge or one of its commitments changed (optionally: in this
    /// municipality, by code). Only pledges the subscriber may see; one it
    /// could see and no longer can (withdrawn, for the public) comes once
    /// more with `removed: true`.
    async fn pledge_changed(
        &self,
        ctx: &Context<'_>,
        municipality: Option<String>,
    ) -> Result<impl Stream<Item = Pledge> + use<>, ApiError> {
        let rc = request(ctx)?.clone();
        let filter = municipality
            .map(|code| rc.reference.municipality_key(&code))
            .transpose()?;
        let events = events(&rc, &[EventKind::PledgeChanged], filter);
        Ok(as_seen(
            events,
            move |event, could_see| {
                let rc = rc.clone();
                async move { rc.reader.pledge_change(event.id, could_see).await }
            },
            Pledge::event,
        ))
    }
}
