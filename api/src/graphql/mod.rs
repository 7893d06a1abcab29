//! The GraphQL schema. `schema()` registers types only; the HTTP layer adds
//! per-request data (scope, loaders) to each request, so nothing tenant
//! specific ever lives in the schema itself.

mod batch;
pub mod context;
pub mod enums;
pub mod inputs;
mod limits;
pub mod mutation;
pub mod public_version;
pub mod query;
pub mod scalars;
pub mod subscription;
pub mod types;

use async_graphql::{Schema, SchemaBuilder};

use crate::config::QueryLimits;
use mutation::Mutation;
use query::Query;
use subscription::Subscription;

/// The executable schema type.
pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// The schema with every type registered and nothing else.
pub fn schema() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(Query, Mutation, Subscription)
}

/// The schema with the configured query limits: what the server runs.
pub fn build(limits: QueryLimits) -> AppSchema {
    schema()
        .extension(limits::Limits(limits))
        .extension(public_version::PublicVersion)
        .finish()
}

/// The schema in SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    schema().finish().sdl()
}
