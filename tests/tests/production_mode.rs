//! Under APP_ENV=production the schema explorer is closed unless asked for:
//! no introspection and no GraphiQL page.

use serde_json::json;
use tests::ws::{connect, next_json, send};
use tests::{Backend, TestApp, error_codes};

const SECRET: &str = "a-production-secret-that-is-long-enough";

async fn production(extra: &[(&str, &str)]) -> TestApp {
    let mut env = vec![("APP_ENV", "production"), ("AUTH_HS256_SECRET", SECRET)];
    env.extend_from_slice(extra);
    TestApp::spawn_with(Backend::Sqlite, &env)
        .await
        .expect("SQLite is always available")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_refuses_introspection_but_serves_queries() {
    let app = production(&[]).await;
    let body = app
        .gql(
            "{ __schema { types { name } } __type(name: \"Pledge\") { name } }",
            json!({}),
        )
        .await;
    // Closed introspection is refused with a code, before anything runs.
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    assert!(body["data"].is_null(), "{body}");
    // Also when asked for through a fragment, and for `__type` alone.
    for query in [
        "query { ...schema } fragment schema on Query { __schema { queryType { name } } }",
        "{ ... on Query { __type(name: \"Pledge\") { name } } }",
    ] {
        let body = app.gql(query, json!({})).await;
        assert_eq!(error_codes(&body), ["FORBIDDEN"], "{query}: {body}");
    }
    // `__typename` is no introspection of the schema.
    let data = app.data("{ __typename }", json!({})).await;
    assert_eq!(data["__typename"], "Query");
    let data = app.data("{ focusAreas { code } }", json!({})).await;
    assert!(!data["focusAreas"].as_array().expect("list").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_serves_no_graphiql_page() {
    let app = production(&[]).await;
    let response = app
        .client
        .get(format!("{}/graphql", app.base_url))
        .header("accept", "text/html")
        .send()
        .await
        .expect("request");
    let content_type = tests::content_type(&response);
    assert!(!content_type.starts_with("text/html"), "{content_type}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_can_open_introspection_when_asked() {
    let app = production(&[("APP_INTROSPECTION", "true")]).await;
    let data = app
        .data("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(data["__schema"]["queryType"]["name"], "Query");
}

#[tokio::test]
async fn production_refuses_to_start_on_the_development_secret() {
    let vars = [
        ("APP_ENV", "production"),
        ("AUTH_HS256_SECRET", api::config::DEV_HS256_SECRET),
    ];
    let err = api::config::Settings::from_lookup(|key| {
        vars.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| (*v).to_owned())
    })
    .expect_err("refused");
    assert!(err.to_string().contains("AUTH_HS256_SECRET"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_refuses_introspection_over_the_websocket() {
    let app = production(&[]).await;
    let mut socket = connect(&app.base_url, &[]).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": {} }),
    )
    .await;
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    send(
        &mut socket,
        json!({ "type": "subscribe", "id": "1",
                "payload": { "query": "{ __schema { types { name } } }" } }),
    )
    .await;
    let answer = next_json(&mut socket).await;
    assert_eq!(answer["id"], "1", "{answer}");
    // graphql-transport-ws: an `error` message with the errors, or a
    // `next` whose payload has them; in neither the schema.
    let errors = match answer["type"].as_str() {
        Some("error") => answer["payload"].clone(),
        Some("next") => answer["payload"]["errors"].clone(),
        other => panic!("unexpected {other:?}: {answer}"),
    };
    assert_eq!(errors[0]["extensions"]["code"], "FORBIDDEN", "{answer}");
    assert!(!answer.to_string().contains("\"types\""), "{answer}");
}
