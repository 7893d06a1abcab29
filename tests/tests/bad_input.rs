//! Wrong input is the caller's mistake: `BAD_USER_INPUT` (naming the field
//! where one is at fault), never `INTERNAL`, never a 500, and never a
//! database or library message. Unknown IDs and codes that are well formed
//! are `NOT_FOUND`; a bad token is 401.

use api::ids::{NodeKind, encode};
use serde_json::{Value, json};
use tests::{TestApp, db_test, error_codes};
use uuid::Uuid;

/// Words that would show an internal message reached the client.
const LEAKS: [&str; 5] = ["sqlx", "sql", "sea_orm", "database", "panicked"];

fn assert_no_leak(body: &Value) {
    for error in body["errors"].as_array().into_iter().flatten() {
        let message = error["message"].as_str().unwrap_or("").to_lowercase();
        for word in LEAKS {
            assert!(
                !message.contains(word),
                "error message mentions {word:?}: {body}"
            );
        }
    }
}

/// Every error is BAD_USER_INPUT, there is at least one, and when `field`
/// is given some error names it in `extensions.field`.
fn assert_bad_input(body: &Value, field: Option<&str>, what: &str) {
    let codes = error_codes(body);
    assert!(!codes.is_empty(), "{what}: expected errors, got {body}");
    assert!(
        codes.iter().all(|c| c == "BAD_USER_INPUT"),
        "{what}: expected only BAD_USER_INPUT, got {codes:?} in {body}"
    );
    if let Some(field) = field {
        let named = body["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .any(|e| e["extensions"]["field"] == field);
        assert!(named, "{what}: no error names field {field:?}: {body}");
    }
    assert_no_leak(body);
}

/// POSTs `query` (status 200 is asserted by `gql`) and expects bad input.
async fn expect_bad_input(app: &TestApp, query: &str, variables: Value, field: Option<&str>) {
    let body = app.gql(query, variables.clone()).await;
    assert_bad_input(&body, field, &format!("{query} with {variables}"));
}

const FILTERED: &str = "query ($filter: PledgeFilter) { pledges(filter: $filter) { totalCount } }";

db_test!(
    an_unknown_municipality_code_in_the_filter_is_bad_input,
    |app| {
        expect_bad_input(
            &app,
            FILTERED,
            json!({ "filter": { "municipality": "9999" } }),
            Some("municipality"),
        )
        .await;
        // And written inline rather than as a variable.
        expect_bad_input(
            &app,
            r#"{ pledges(filter: { municipality: "9999" }) { totalCount } }"#,
            json!({}),
            Some("municipality"),
        )
        .await;
    }
);

db_test!(a_malformed_municipality_code_is_bad_input, |app| {
    for code in ["abc", "06833", "683", ""] {
        expect_bad_input(
            &app,
            FILTERED,
            json!({ "filter": { "municipality": code } }),
            Some("municipality"),
        )
        .await;
    }
});

db_test!(unknown_police_areas_and_focus_areas_are_bad_input, |app| {
    for (filter, field) in [
        (json!({ "policeArea": "lpo-atlantis" }), "policeArea"),
        (json!({ "policeArea": "LPO Värnamo" }), "policeArea"),
        (json!({ "focusArea": "KORRUPTION" }), "focusArea"),
        (json!({ "focusArea": "narkotika" }), "focusArea"),
    ] {
        expect_bad_input(&app, FILTERED, json!({ "filter": filter }), Some(field)).await;
    }
});

db_test!(a_cursor_the_server_did_not_hand_out_is_bad_input, |app| {
    let global_id = encode(NodeKind::Pledge, Uuid::new_v4());
    // base64url("pledges.v1:2024:nope"): the right tag, no UUID.
    let broken_cursor = "cGxlZGdlcy52MToyMDI0Om5vcGU";
    for after in ["nonsense", "", global_id.as_str(), broken_cursor] {
        expect_bad_input(
            &app,
            "query ($after: String) { pledges(after: $after) { totalCount } }",
            json!({ "after": after }),
            Some("after"),
        )
        .await;
    }
});

db_test!(a_malformed_id_is_bad_input_for_pledge_and_node, |app| {
    // base64url("Pledge:42"): the right kind, not a UUID.
    let sequential = "UGxlZGdlOjQy";
    for id in ["xyz", "", sequential] {
        for query in [
            "query ($id: ID!) { pledge(id: $id) { id } }",
            "query ($id: ID!) { node(id: $id) { id } }",
        ] {
            expect_bad_input(&app, query, json!({ "id": id }), Some("id")).await;
        }
    }
});

db_test!(a_page_size_outside_one_to_a_hundred_is_bad_input, |app| {
    for first in [-1, 0, 101, 1000] {
        expect_bad_input(
            &app,
            "query ($first: Int) { pledges(first: $first) { totalCount } }",
            json!({ "first": first }),
            Some("first"),
        )
        .await;
    }
    // The limits themselves are fine.
    for first in [1, 100] {
        let data = app
            .data(
                "query ($first: Int) { pledges(first: $first) { nodes { year } } }",
                json!({ "first": first }),
            )
            .await;
        let expected = if first == 1 { 1 } else { 4 };
        assert_eq!(
            data["pledges"]["nodes"].as_array().expect("nodes").len(),
            expected
        );
    }
});

db_test!(a_date_not_written_yyyy_mm_dd_is_bad_input, |app| {
    for day in [
        "2024-3-1",
        "01/03/2024",
        "2024-02-30",
        "2024-03-01T00:00:00Z",
    ] {
        expect_bad_input(
            &app,
            FILTERED,
            json!({ "filter": { "inForceOn": day } }),
            None,
        )
        .await;
        expect_bad_input(
            &app,
            &format!(r#"{{ pledges(filter: {{ inForceOn: "{day}" }}) {{ totalCount }} }}"#),
            json!({}),
            None,
        )
        .await;
    }
});

db_test!(a_status_outside_the_enum_is_bad_input, |app| {
    expect_bad_input(
        &app,
        "{ pledges(filter: { status: DONE }) { totalCount } }",
        json!({}),
        None,
    )
    .await;
    expect_bad_input(
        &app,
        FILTERED,
        json!({ "filter": { "status": "DONE" } }),
        None,
    )
    .await;
});

db_test!(a_query_that_does_not_parse_is_bad_input, |app| {
    expect_bad_input(&app, "{ pledges { totalCount ", json!({}), None).await;
    expect_bad_input(&app, "query {", json!({}), None).await;
    expect_bad_input(&app, "", json!({}), None).await;
});

db_test!(asking_for_a_field_that_does_not_exist_is_bad_input, |app| {
    expect_bad_input(
        &app,
        "{ pledges { totalCount nodes { secretField } } }",
        json!({}),
        None,
    )
    .await;
    expect_bad_input(&app, "{ everything }", json!({}), None).await;
});

db_test!(variables_of_the_wrong_type_are_bad_input, |app| {
    expect_bad_input(
        &app,
        "query ($first: Int) { pledges(first: $first) { totalCount } }",
        json!({ "first": "ten" }),
        None,
    )
    .await;
    expect_bad_input(
        &app,
        FILTERED,
        json!({ "filter": { "year": "2024" } }),
        None,
    )
    .await;
    expect_bad_input(
        &app,
        FILTERED,
        json!({ "filter": { "municipality": 683 } }),
        None,
    )
    .await;
    expect_bad_input(&app, FILTERED, json!({ "filter": "0683" }), None).await;
    // A required variable left out.
    expect_bad_input(
        &app,
        "query ($id: ID!) { pledge(id: $id) { id } }",
        json!({}),
        None,
    )
    .await;
});

/// Runs `query` with `id`; expects NOT_FOUND and `field` null.
async fn expect_not_found(app: &TestApp, query: &str, field: &str, id: Value) {
    let body = app.gql(query, json!({ "id": id })).await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{field}({id}): {body}");
    assert_eq!(body["data"][field], Value::Null, "{field}({id}): {body}");
    assert_no_leak(&body);
}

db_test!(a_well_formed_unknown_id_is_not_found, |app| {
    let unknown_pledge = json!(encode(NodeKind::Pledge, Uuid::new_v4()));
    expect_not_found(
        &app,
        "query ($id: ID!) { pledge(id: $id) { id } }",
        "pledge",
        unknown_pledge.clone(),
    )
    .await;
    expect_not_found(
        &app,
        "query ($id: ID!) { node(id: $id) { id } }",
        "node",
        unknown_pledge,
    )
    .await;
    // A real municipality's ID names no pledge.
    let data = app
        .data(r#"{ municipality(code: "0683") { id } }"#, json!({}))
        .await;
    expect_not_found(
        &app,
        "query ($id: ID!) { pledge(id: $id) { id } }",
        "pledge",
        data["municipality"]["id"].clone(),
    )
    .await;
});

db_test!(an_unknown_municipality_code_is_not_found, |app| {
    let body = app
        .gql(r#"{ municipality(code: "9999") { name } }"#, json!({}))
        .await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
    assert_eq!(body["data"]["municipality"], Value::Null);
    assert_no_leak(&body);
    // A code that cannot be one is bad input instead.
    expect_bad_input(
        &app,
        r#"{ municipality(code: "abc") { name } }"#,
        json!({}),
        None,
    )
    .await;
});

async fn post_raw(app: &TestApp, body: &'static str) -> (reqwest::StatusCode, Value) {
    let response = app
        .client
        .post(format!("{}/graphql", app.base_url))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("request reaches the server");
    let status = response.status();
    let body: Value = response.json().await.expect("the error body is JSON");
    (status, body)
}

db_test!(a_body_that_is_not_json_is_400_bad_input, |app| {
    for raw in ["this is not json", "{\"query\": ", "[1, 2"] {
        let (status, body) = post_raw(&app, raw).await;
        assert_eq!(status, 400, "{raw:?}: {body}");
        assert_bad_input(&body, None, raw);
        assert!(body.get("data").is_none(), "{raw:?}: {body}");
    }
});

db_test!(json_without_a_query_is_bad_input, |app| {
    // async-graphql reads a missing "query" as an empty document; either a
    // 400 or a 200 with a parse error is fair, a success or a 500 is not.
    let (status, body) = post_raw(&app, r#"{"variables": {}}"#).await;
    assert!(status == 400 || status == 200, "{status}: {body}");
    assert_bad_input(&body, None, "no query");
    assert!(
        body.get("data").is_none_or(Value::is_null),
        "no data without a query: {body}"
    );
});

db_test!(a_bearer_token_that_cannot_be_verified_is_401, |app| {
    for header in ["Bearer garbage", "Bearer ", "Basic dXNlcjpwYXNz"] {
        let response = app
            .client
            .post(format!("{}/graphql", app.base_url))
            .header("authorization", header)
            .json(&json!({ "query": "{ pledges { totalCount } }" }))
            .send()
            .await
            .expect("request reaches the server");
        assert_eq!(response.status(), 401, "{header:?}");
        let body: Value = response.json().await.expect("the body is JSON");
        assert_eq!(
            error_codes(&body),
            ["UNAUTHENTICATED"],
            "{header:?}: {body}"
        );
        assert!(
            body.get("data").is_none_or(Value::is_null),
            "no data for a bad token: {body}"
        );
        assert_no_leak(&body);
    }
});
