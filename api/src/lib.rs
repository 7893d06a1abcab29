//! The medborgarlöften server: a GraphQL API over citizen pledges.
//!
//! Data flows one way: HTTP (`http`) -> scope from credentials (`scope`) ->
//! GraphQL resolvers (`graphql`) -> repositories taking the scope (`store`)
//! -> rows read back through the domain's types (`domain` crate).
//!
//! `store` is the only module of this crate that reads or writes rows:
//! scoped reads (`store::Reader`), writes (`store::commands`, through a
//! `store::Writer`) and seeding (`store::seed`) all live there, and the
//! sea-orm entity types are private to it.

pub mod auth;
pub mod calendar;
pub mod config;
pub mod db;
pub mod error;
pub mod events;
pub mod graphql;
pub mod http;
pub mod ids;
pub mod metrics;
pub mod open_data;
pub mod request_id;
pub mod scope;
pub mod services;
pub mod shutdown;
pub mod startup;
pub mod store;
pub mod tabular;
pub mod telemetry;
