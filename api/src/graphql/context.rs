//! What every resolver gets for its request: the caller's scope, the
//! database, and the request's own DataLoader. The loader is made per
//! request because its cache holds rows the caller was allowed to see; a
//! schema-wide loader would hand them to the next caller.

use std::sync::Arc;

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, HashMapCache};
use chrono::{DurationRound, NaiveDate, Utc};
use sea_orm::DatabaseConnection;

use std::hash::Hash;

use async_graphql::dataloader::Loader;

use super::loaders::{self, LoadError, Loaders};
use crate::commands::Actor;
use crate::db::WriteGate;
use crate::error::{ApiError, ApiResult};
use crate::events::Events;
use crate::scope::Scope;
use crate::services::Services;

/// Per-request data, put into the GraphQL request by the HTTP handler.
#[derive(Clone)]
pub struct RequestContext {
    pub db: DatabaseConnection,
    pub scope: Arc<Scope>,
    pub loader: Arc<DataLoader<Loaders, HashMapCache>>,
    /// "Today" for this request, so a request spanning midnight stays consistent.
    pub today: NaiveDate,
    /// The request id (x-request-id), for the audit log.
    pub request_id: Option<String>,
    /// Turn-taking for writes (SQLite).
    pub writes: WriteGate,
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
    pub fn new(
        services: &Services,
        scope: Scope,
        today: NaiveDate,
        request_id: Option<String>,
    ) -> Self {
        let db = services.db.clone();
        let scope = Arc::new(scope);
        let loaders = Loaders {
            db: db.clone(),
            scope: scope.clone(),
            today,
        };
        Self {
            db,
            scope,
            loader: Arc::new(DataLoader::with_cache(
                loaders,
                tokio::spawn,
                HashMapCache::default(),
            )),
            today,
            request_id,
            writes: services.writes.clone(),
            events: services.events.clone(),
        }
    }

    /// The request as the author of a write.
    pub fn actor(&self) -> Actor<'_> {
        Actor {
            scope: &self.scope,
            request_id: self.request_id.as_deref(),
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

    /// Forgets everything the loader cached: after a write, what was read
    /// before it may be stale for the rest of this request.
    pub fn after_write(&self) {
        macro_rules! clear {
            ($($key:ident),+) => { $(self.loader.clear::<loaders::$key>();)+ };
        }
        clear!(
            MunicipalityById,
            PoliceAreaById,
            CountyByCode,
            FocusAreaByCode,
            PoliceAreaOfMunicipality,
            MunicipalitiesOfPoliceArea,
            PledgesOfMunicipality,
            PledgeById,
            CommitmentById,
            ActivityById,
            CommitmentsOfPledge,
            SignatoriesOfPledge,
            FocusAreasOfPledge,
            FocusAreaCodesOfCommitment,
            PlacesOfCommitment,
            ActivitiesOfCommitment,
            PlaceById
        );
    }
}

impl RequestContext {
    /// Loads one value through the request's batch loader.
    pub async fn load<K>(&self, key: K) -> ApiResult<Option<<Loaders as Loader<K>>::Value>>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        Loaders: Loader<K, Error = LoadError>,
    {
        self.loader.load_one(key).await.map_err(|e| (*e).clone())
    }

    /// Loads many keys in one batch.
    pub async fn load_many<K>(
        &self,
        keys: Vec<K>,
    ) -> ApiResult<std::collections::HashMap<K, <Loaders as Loader<K>>::Value>>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        Loaders: Loader<K, Error = LoadError>,
    {
        self.loader.load_many(keys).await.map_err(|e| (*e).clone())
    }

    /// Loads a list-valued key; no entry means an empty list.
    pub async fn load_list<K, V>(&self, key: K) -> ApiResult<Vec<V>>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        V: Send + Sync + Clone + 'static,
        Loaders: Loader<K, Value = Vec<V>, Error = LoadError>,
    {
        Ok(self.load(key).await?.unwrap_or_default())
    }
}

/// The request context of a resolver. Missing context is a wiring bug.
pub fn request<'a>(ctx: &Context<'a>) -> ApiResult<&'a RequestContext> {
    ctx.data::<RequestContext>()
        .map_err(|_| ApiError::internal("request context missing"))
}
