//! The GraphQL schema. `schema()` registers types only; the HTTP layer adds
//! per-request data (scope, loaders) to each request, so nothing tenant
//! specific ever lives in the schema itself.

pub mod context;
pub mod enums;
pub mod loaders;
mod prefetch;
pub mod query;
pub mod scalars;
pub mod types;

use async_graphql::{EmptyMutation, EmptySubscription, Schema, SchemaBuilder};

use query::Query;

/// The executable schema type.
pub type AppSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// The schema with every type registered and nothing else.
pub fn schema() -> SchemaBuilder<Query, EmptyMutation, EmptySubscription> {
    Schema::build(Query, EmptyMutation, EmptySubscription)
}

/// The schema in SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    schema().finish().sdl()
}
