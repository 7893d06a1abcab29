//! What every resolver gets for its request: the caller's scope, a
//! `Reader` for scoped reads, a `Writer` for commands, and the reference
//! snapshot. It holds no database connection: every read and write goes
//! through `store`. Nothing here outlives the request: whatever a resolver
//! loads lives in the batches of the objects it returns (see `batch`), not
//! in a cache of the context.

use std::sync::Arc;

use async_graphql::Context;
use chrono::{DurationRound, NaiveDate, Utc};

use crate::error::{ApiError, ApiResult};
use crate::events::Events;
use crate::request_id::RequestId;
use crate::scope::Scope;
use crate::services::Services;
use crate::store::commands::Actor;
use crate::store::directory::{Directory, Reference};
use crate::store::{Reader, Writer};

/// Per-request data, put into the GraphQL request by the HTTP handler.
#[derive(Clone)]
pub struct RequestContext {
    pub scope: Arc<Scope>,
    /// Every read of tenant data goes through this, with `scope`.
    pub reader: Reader,
    /// Reference data, one snapshot for the whole request.
    pub reference: Arc<Reference>,
    directory: Arc<Directory>,
    /// Every command (write) goes through this; reads use `reader`.
    pub(crate) writer: Writer,
    /// "Today" for this request, so a request spanning midnight stays consistent.
    pub today: NaiveDate,
    /// The server's id of this request or websocket operation (and the
    /// client's, kept apart), for the audit log and the logs.
    pub request_id: RequestId,
    /// Where committed changes are announced.
    pub events: Events,
}

impl std::fmt::Debug for RequestContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestContext")
            .field("scope", &self.scope)
            .field("today", &self.today)
            .finish_non_exhaustive()
    }
}

impl RequestContext {
    pub fn new(services: &Services, scope: Scope, today: NaiveDate, request_id: RequestId) -> Self {
        Self::with_reference(
            services,
            scope,
            today,
            request_id,
            services.directory.current(),
        )
    }

    /// A context answering from `reference` (a snapshot already checked
    /// against the data version).
    pub fn with_reference(
        services: &Services,
        scope: Scope,
        today: NaiveDate,
        request_id: RequestId,
        reference: Arc<Reference>,
    ) -> Self {
        let scope = Arc::new(scope);
        Self {
            reader: services.reader(scope.clone()),
            scope,
            reference,
            directory: services.directory.clone(),
            writer: services.writer.clone(),
            today,
            request_id,
            events: services.events.clone(),
        }
    }

    /// The request's snapshot if it knows every key `known` is asked
    /// about, else a fresh one: a row that names a municipality or police
    /// area the snapshot lacks was written after the snapshot was taken.
    pub async fn reference_knowing(
        &self,
        known: impl Fn(&Reference) -> bool,
    ) -> ApiResult<Arc<Reference>> {
        if known(&self.reference) {
            return Ok(self.reference.clone());
        }
        self.reader.refreshed_reference(&self.directory).await
    }

    /// After a committed change of reference data: this instance re-reads
    /// its snapshot now, and every instance hears of it (on PostgreSQL
    /// through NOTIFY). Later requests see the change; this one keeps the
    /// snapshot it started with, so its answer stays consistent.
    pub async fn reference_changed(&self) -> ApiResult<()> {
        self.reader.refreshed_reference(&self.directory).await?;
        self.events.reference_changed().await;
        Ok(())
    }

    /// The request as the author of a write.
    pub fn actor(&self) -> Actor<'_> {
        Actor {
            scope: &self.scope,
            request_id: Some(self.request_id.own()),
            client_request_id: self.request_id.client(),
            today: self.today,
            // Microseconds: what PostgreSQL keeps, so both databases store
            // and return the same timestamps.
            now: Utc::now()
                .duration_trunc(chrono::Duration::microseconds(1))
                .unwrap_or_else(|_| Utc::now()),
            acting_role: None,
        }
    }

    /// The request as the author of a write, which needs a signed-in
    /// caller: anonymous writes are `UNAUTHENTICATED` before any input is
    /// looked at.
    pub fn author(&self) -> ApiResult<Actor<'_>> {
        let actor = self.actor();
        actor.caller()?;
        Ok(actor)
    }
}

/// The request context of a resolver. Missing context is a wiring bug.
pub fn request<'a>(ctx: &Context<'a>) -> ApiResult<&'a RequestContext> {
    ctx.data::<RequestContext>()
        .map_err(|_| ApiError::internal("request context missing"))
}
