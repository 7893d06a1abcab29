//! The GraphQL schema. `schema()` registers types only; the HTTP layer adds
//! per-request data (scope, loaders) to each request, so nothing tenant
//! specific ever lives in the schema itself.

mod batch;
pub mod context;
pub mod enums;
mod error_codes;
pub mod inputs;
mod limits;
pub mod mutation;
pub mod public_version;
pub mod query;
pub mod reference_mutation;
pub mod scalars;
pub mod subscription;
pub mod types;

use async_graphql::{MergedObject, Schema, SchemaBuilder};

use crate::config::QueryLimits;
pub use limits::Limited;
use mutation::WorkflowMutation;
use query::Query;
use reference_mutation::ReferenceMutation;
use subscription::Subscription;

/// Every write: the editing workflow and the admin's reference changes.
#[derive(MergedObject, Debug, Default)]
pub struct Mutation(WorkflowMutation, ReferenceMutation);

/// The executable schema type.
pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// The schema with every type registered and nothing else.
pub fn schema() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(Query, Mutation::default(), Subscription)
}

/// What the server executes requests with: one schema, built twice.
#[derive(Debug, Clone)]
pub struct Executors {
    /// Every request not answered through the public response cache:
    /// signed-in requests and subscriptions.
    pub uncached: Limited,
    /// Anonymous requests whose answers go into the public response
    /// cache: it also reads the data version just before resolvers run
    /// (`public_version`). That hook is an extension, and any extension
    /// puts every field on async-graphql's slower extension path, which
    /// is why the other requests run on a schema without one.
    pub cached: Limited,
    /// The fixed documents of `/export/` (`open_data::rows`): the server's
    /// own, paged, so the limits set for clients' documents do not apply
    /// (an operator lowering them must not break the downloads).
    pub exports: Limited,
}

/// Bounds the export documents stay well within.
const EXPORT_LIMITS: QueryLimits = QueryLimits {
    depth: 16,
    complexity: 100_000,
    aliases: 0,
    batch: 1,
};

/// The schemas with the configured query limits, answering introspection
/// when `introspection`: what the server runs.
pub fn build(limits: QueryLimits, introspection: bool) -> Executors {
    Executors {
        uncached: Limited::new(
            limits::limited(schema(), limits).finish(),
            limits,
            introspection,
        ),
        cached: Limited::new(
            limits::limited(schema(), limits)
                .extension(public_version::PublicVersion)
                .finish(),
            limits,
            introspection,
        ),
        exports: Limited::new(
            limits::limited(schema(), EXPORT_LIMITS).finish(),
            EXPORT_LIMITS,
            false,
        ),
    }
}

/// The schema in SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    schema().finish().sdl()
}
