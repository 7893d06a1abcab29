//! The black-box tests, one test binary with a module per behaviour: each
//! extra integration-test binary would link the whole dependency tree
//! again. Every database test starts the real server on port 0 against a
//! fresh database (see `tests/src/lib.rs`); the tests that run the `api`
//! executable itself live in `api/tests/cli/`, because Cargo hands a
//! package's binaries (`CARGO_BIN_EXE_api`) only to that package's tests.

mod audit_request_ids;
mod authorization_matrix;
mod bad_input;
mod concurrent_queries;
mod concurrent_writers;
mod dashboard;
mod database_outage;
mod dev_tokens_and_me;
mod drafts_are_invisible_to_the_public;
mod editing_workflow;
mod faithful_seed;
mod follow_up_cycle;
mod follow_up_export;
mod follow_up_sync;
mod graceful_shutdown;
mod harness;
mod http_caching;
mod http_contract;
mod http_limits;
mod jwt_attacks;
mod mutation_results;
mod open_data_catalog;
mod open_data_downloads;
mod open_data_round_trip;
mod operator_endpoints;
mod pagination_and_filters;
mod persisted_operations;
mod police_cosigning;
mod police_organisation;
mod production_mode;
mod public_cache;
mod query_limits;
mod rate_limit;
mod reference_admin;
mod reference_data;
mod regional_comparison;
mod replicas_starting_together;
mod schema_sdl;
mod seeded_pledges;
mod spreadsheet_safe_exports;
mod standard_introspection;
mod statement_count;
mod stored_figures;
mod subscriptions;
mod synthetic_seed;
mod trace_export;
mod two_people_sign;
mod two_replicas;
mod websocket_auth;
