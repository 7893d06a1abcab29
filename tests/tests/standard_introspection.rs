//! The introspection queries that standard tools send — graphql-js's
//! `getIntrospectionQuery()` (GraphiQL, graphql-codegen, Apollo tooling,
//! IDE plugins) and graphql-core's `get_introspection_query()` — are
//! answered in full under the default query limits, anonymously and
//! signed in. They are checked in as sent (`tests/fixtures/introspection`).
//! The data graph keeps its depth limit, and introspection its own bound.

use serde_json::{Value, json};
use tests::{TestApp, db_test, error_codes, token};

const GRAPHQL_JS: &str = include_str!("../fixtures/introspection/graphql-js-16.graphql");
const GRAPHQL_CORE: &str = include_str!("../fixtures/introspection/graphql-core-3.2.graphql");

/// The names of every type the schema has, as the server itself lists them.
fn type_names_of_the_schema() -> Vec<String> {
    let sdl = api::graphql::sdl();
    let mut names: Vec<String> = sdl
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            match words.next()? {
                "type" | "input" | "enum" | "scalar" | "interface" | "union" => {
                    words.next().map(|n| n.trim_end_matches('{').to_owned())
                }
                _ => None,
            }
        })
        .collect();
    names.sort();
    names
}

/// Asserts `body` is a whole introspection answer: no error, the root
/// types named, and every type of the schema listed with its fields.
fn assert_full_schema(what: &str, body: &Value) {
    assert!(body.get("errors").is_none(), "{what}: {body}");
    let schema = &body["data"]["__schema"];
    assert_eq!(schema["queryType"]["name"], "Query", "{what}");
    assert_eq!(schema["mutationType"]["name"], "Mutation", "{what}");
    assert_eq!(schema["subscriptionType"]["name"], "Subscription", "{what}");
    let types = schema["types"].as_array().expect("types");
    let listed: Vec<String> = types
        .iter()
        .filter_map(|t| t["name"].as_str())
        .filter(|name| !name.starts_with("__"))
        .map(str::to_owned)
        .collect();
    for name in type_names_of_the_schema() {
        assert!(listed.contains(&name), "{what}: type {name} missing");
    }
    let pledge = types
        .iter()
        .find(|t| t["name"] == "Pledge")
        .expect("Pledge is listed");
    let fields = pledge["fields"].as_array().expect("Pledge has fields");
    // The deepest part of the queries: type references unwrapped through
    // NON_NULL and LIST down to the named type.
    let commitments = fields
        .iter()
        .find(|f| f["name"] == "commitments")
        .expect("Pledge.commitments");
    let mut ty = &commitments["type"];
    while ty["name"].is_null() {
        assert!(ty["ofType"].is_object(), "{what}: unwrapped type {ty}");
        ty = &ty["ofType"];
    }
    assert_eq!(ty["name"], "Commitment", "{what}");
}

async fn introspect(app: &TestApp, bearer: Option<&str>, query: &str) -> Value {
    let (status, body) = app.gql_as(bearer, query, json!({})).await;
    assert_eq!(status, 200, "{body}");
    body
}

db_test!(
    the_standard_tools_introspection_queries_get_the_whole_schema,
    |app| {
        let editor = token("anna-vaggeryd", &["municipality_editor"], &["0665"], &[]);
        for (tool, query) in [("graphql-js", GRAPHQL_JS), ("graphql-core", GRAPHQL_CORE)] {
            let anonymous = introspect(&app, None, query).await;
            assert_full_schema(&format!("{tool}, anonymous"), &anonymous);
            let signed_in = introspect(&app, Some(&editor), query).await;
            assert_full_schema(&format!("{tool}, signed in"), &signed_in);
        }
    }
);

db_test!(
    introspection_has_its_own_depth_bound_and_data_keeps_its_limit,
    |app| {
        // 13 levels of data are still refused when the operation also asks
        // for `__typename` or a small `__schema`.
        let deep_data = "{ __schema { queryType { name } } pledges { nodes { municipality { \
            pledges { nodes { municipality { pledges { nodes { municipality { pledges { nodes { \
            municipality { code } } } } } } } } } } } } }";
        let body = introspect(&app, None, deep_data).await;
        assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "{body}");
        // An introspection chain far deeper than any tool's is refused.
        let mut chain = String::from("{ __schema { types { ");
        for _ in 0..12 {
            chain.push_str("fields { type { ");
        }
        chain.push_str("name");
        chain.push_str(&" } }".repeat(12));
        chain.push_str(" } } }");
        let body = introspect(&app, None, &chain).await;
        assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("introspection"), "{message}");
    }
);
