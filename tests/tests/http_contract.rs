//! GraphQL over HTTP as API.md describes it: the response media type the
//! client accepts, queries over GET, GraphiQL for browsers, and a request
//! id on every response.

use std::collections::HashSet;

use reqwest::Response;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::{Value, json};
use tests::{TestApp, db_test};

const FOCUS_AREAS: &str = "{focusAreas{code}}";
/// `FOCUS_AREAS` percent-encoded for a query string.
const FOCUS_AREAS_ENCODED: &str = "%7BfocusAreas%7Bcode%7D%7D";

fn graphql_url(app: &TestApp) -> String {
    format!("{}/graphql", app.base_url)
}

fn content_type(response: &Response) -> String {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no readable content-type on {}", response.url()))
        .to_owned()
}

fn request_id(response: &Response) -> String {
    let id = response
        .headers()
        .get("x-request-id")
        .unwrap_or_else(|| panic!("no x-request-id on a {} response", response.status()))
        .to_str()
        .expect("x-request-id is text")
        .to_owned();
    assert!(!id.trim().is_empty(), "x-request-id is empty");
    id
}

async fn post_with_accept(app: &TestApp, accept: &str) -> Response {
    app.client
        .post(graphql_url(app))
        .header(ACCEPT, accept)
        .json(&json!({ "query": FOCUS_AREAS }))
        .send()
        .await
        .expect("request reaches the server")
}

/// The eleven catalogue codes a `{focusAreas{code}}` response carries.
fn focus_area_count(body: &Value) -> usize {
    assert!(body.get("errors").is_none(), "unexpected errors: {body}");
    let list = body["data"]["focusAreas"]
        .as_array()
        .unwrap_or_else(|| panic!("no focusAreas in {body}"));
    assert!(
        list.iter().any(|f| f["code"] == "TRYGGHET"),
        "TRYGGHET missing: {body}"
    );
    list.len()
}

db_test!(accepting_graphql_response_json_gets_it_back, |app| {
    let response = post_with_accept(&app, "application/graphql-response+json").await;
    assert_eq!(response.status(), 200);
    assert!(
        content_type(&response).starts_with("application/graphql-response+json"),
        "{}",
        content_type(&response)
    );
    let body: Value = response.json().await.expect("JSON body");
    assert_eq!(focus_area_count(&body), 11);
});

db_test!(accepting_plain_json_gets_plain_json_back, |app| {
    let response = post_with_accept(&app, "application/json").await;
    assert_eq!(response.status(), 200);
    assert!(
        content_type(&response).starts_with("application/json"),
        "{}",
        content_type(&response)
    );
    let body: Value = response.json().await.expect("JSON body");
    assert_eq!(focus_area_count(&body), 11);
});

db_test!(a_query_can_be_sent_with_get, |app| {
    let response = app
        .client
        .get(format!("{}?query={FOCUS_AREAS_ENCODED}", graphql_url(&app)))
        .header(ACCEPT, "application/json")
        .send()
        .await
        .expect("request reaches the server");
    assert_eq!(response.status(), 200);
    assert!(content_type(&response).starts_with("application/json"));
    let body: Value = response.json().await.expect("JSON body");
    assert_eq!(focus_area_count(&body), 11);
});

db_test!(a_browser_asking_for_html_gets_graphiql, |app| {
    let response = app
        .client
        .get(graphql_url(&app))
        .header(ACCEPT, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
        .send()
        .await
        .expect("request reaches the server");
    assert_eq!(response.status(), 200);
    assert!(
        content_type(&response).starts_with("text/html"),
        "{}",
        content_type(&response)
    );
    let html = response.text().await.expect("a body");
    assert!(
        html.to_lowercase().contains("graphiql"),
        "not GraphiQL: {}",
        html.chars().take(300).collect::<String>()
    );
});

db_test!(every_response_carries_its_own_request_id, |app| {
    let url = graphql_url(&app);
    let responses = [
        // Success.
        post_with_accept(&app, "application/json").await,
        // GraphQL errors in a 200.
        app.client
            .post(&url)
            .json(&json!({ "query": "{ nothing }" }))
            .send()
            .await
            .expect("request reaches the server"),
        // 400: not JSON.
        app.client
            .post(&url)
            .header(CONTENT_TYPE, "application/json")
            .body("not json")
            .send()
            .await
            .expect("request reaches the server"),
        // 401: bad token.
        app.client
            .post(&url)
            .header("authorization", "Bearer garbage")
            .json(&json!({ "query": FOCUS_AREAS }))
            .send()
            .await
            .expect("request reaches the server"),
        // GraphiQL.
        app.client
            .get(&url)
            .header(ACCEPT, "text/html")
            .send()
            .await
            .expect("request reaches the server"),
        // GET query.
        app.client
            .get(format!("{url}?query={FOCUS_AREAS_ENCODED}"))
            .send()
            .await
            .expect("request reaches the server"),
    ];
    let statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses, [200, 200, 400, 401, 200, 200]);
    let ids: HashSet<String> = responses.iter().map(request_id).collect();
    assert_eq!(ids.len(), responses.len(), "request ids repeat: {ids:?}");
});

/// Posts `query` with the given Accept header; returns status and body.
async fn post_query(app: &TestApp, accept: &str, query: &str) -> (u16, Value) {
    let response = app
        .client
        .post(graphql_url(app))
        .header(ACCEPT, accept)
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("request reaches the server");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json"))
}

db_test!(
    request_errors_are_400_for_graphql_response_json_and_200_for_plain_json,
    |app| {
        for broken in ["{ focusAreas { code }", "{ noSuchField }"] {
            let (status, body) =
                post_query(&app, "application/graphql-response+json", broken).await;
            assert_eq!(status, 400, "{broken}: {body}");
            assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
            let (status, _) = post_query(&app, "application/json", broken).await;
            assert_eq!(status, 200, "{broken} as plain JSON");
        }
        // A field error is not a request error: the operation ran.
        let (status, body) = post_query(
            &app,
            "application/graphql-response+json",
            r#"{ municipality(code: "9999") { name } }"#,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");
    }
);

db_test!(a_post_that_is_not_declared_json_is_415, |app| {
    let body = json!({ "query": FOCUS_AREAS }).to_string();
    // No content-type at all, and what fetch() sends for a string body.
    for content_type in [None, Some("text/plain;charset=UTF-8")] {
        let mut request = app.client.post(graphql_url(&app)).body(body.clone());
        if let Some(value) = content_type {
            request = request.header(CONTENT_TYPE, value);
        }
        let response = request.send().await.expect("request reaches the server");
        assert_eq!(response.status(), 415, "{content_type:?}");
        let answer: Value = response.json().await.expect("json");
        assert_eq!(
            answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{answer}"
        );
    }
    // A charset is fine.
    let response = app
        .client
        .post(graphql_url(&app))
        .header(CONTENT_TYPE, "application/json; charset=utf-8")
        .body(body)
        .send()
        .await
        .expect("request reaches the server");
    assert_eq!(response.status(), 200);
});

db_test!(a_request_error_has_no_data_entry, |app| {
    // Syntax and validation: the operation never ran, so there is no
    // `data` at all (not even null).
    for broken in ["{ focusAreas { code }", "{ noSuchField }"] {
        for accept in ["application/graphql-response+json", "application/json"] {
            let (_, body) = post_query(&app, accept, broken).await;
            assert!(body.get("data").is_none(), "{broken} ({accept}): {body}");
            assert!(body["errors"][0]["message"].is_string(), "{body}");
        }
    }
    // An operation that ran keeps its `data` entry (here null: the failed
    // field is non-null).
    let (_, body) = post_query(
        &app,
        "application/graphql-response+json",
        r#"{ municipality(code: "9999") { name } }"#,
    )
    .await;
    assert!(body.get("data").is_some(), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");
});
