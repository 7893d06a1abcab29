//! Under APP_ENV=production the schema explorer is closed unless asked for:
//! no introspection and no GraphiQL page.

use serde_json::json;
use tests::{Backend, TestApp};

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
    // Closed introspection answers null: nothing of the schema is disclosed.
    assert!(body["data"]["__schema"].is_null(), "{body}");
    assert!(body["data"]["__type"].is_null(), "{body}");
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
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
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
