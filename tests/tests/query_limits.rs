//! A query deeper, costlier or more aliased than the limits, or a batch
//! with too many operations, is refused with `QUERY_TOO_COMPLEX` before any
//! SQL runs. The limits are configurable (APP_MAX_*); the defaults are depth
//! 12, complexity 5000, 30 aliases and 10 operations per batch.

use serde_json::{Value, json};
use tests::{Backend, TestApp, db_test, error_codes};

/// `{ pledges { nodes { municipality { pledges { municipality … } } } } }`
/// exactly `depth` fields deep (at least 3), ending in a scalar.
fn nested(depth: usize) -> String {
    assert!(depth >= 3, "the shortest chain is pledges → nodes → title");
    let mut fields = vec!["pledges", "nodes"];
    while fields.len() < depth - 1 {
        let next = if fields.last() == Some(&"municipality") {
            "pledges"
        } else {
            "municipality"
        };
        fields.push(next);
    }
    let leaf = if fields.last() == Some(&"municipality") {
        "code"
    } else {
        "title"
    };
    let mut query = String::from("{ ");
    for field in &fields {
        query.push_str(field);
        query.push_str(" { ");
    }
    query.push_str(leaf);
    query.push_str(&" }".repeat(fields.len() + 1));
    query
}

/// A full page of pledges with their commitments' lists, under `copies`
/// aliases. Each copy costs 100 × (nodes + commitments + three lists with
/// one field each) = 800.
fn costly(copies: usize) -> String {
    let copies: String = (0..copies)
        .map(|i| {
            format!(
                "p{i}: pledges(first: 100) {{ nodes {{ commitments {{ \
                 focusAreas {{ code }} places {{ name }} activities {{ kind }} }} }} }} "
            )
        })
        .collect();
    format!("{{ {copies}}}")
}

/// `{ a0: focusAreas { code } a1: … }` with `n` aliases.
fn aliased(n: usize) -> String {
    let fields: String = (0..n)
        .map(|i| format!("a{i}: focusAreas {{ code }} "))
        .collect();
    format!("{{ {fields}}}")
}

/// POSTs `query` anonymously; asserts it ran without errors.
async fn assert_runs(app: &TestApp, what: &str, query: &str) -> Value {
    let (status, body) = app.gql_as(None, query, json!({})).await;
    assert_eq!(status, 200, "{what}: {body}");
    assert!(body.get("errors").is_none(), "{what}: {body}");
    assert!(body["data"].is_object(), "{what}: {body}");
    body
}

/// POSTs `query` anonymously; asserts QUERY_TOO_COMPLEX, no data and no
/// SQL statement during the request. Returns the error message.
async fn assert_refused(app: &TestApp, what: &str, query: &str) -> String {
    let before = app.statements();
    let (status, body) = app.gql_as(None, query, json!({})).await;
    let after = app.statements();
    assert!(
        status == 200 || status == 400,
        "{what}: status {status}, {body}"
    );
    assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "{what}: {body}");
    assert!(
        body.get("data").is_none_or(Value::is_null),
        "{what}: a refused query returns no data: {body}"
    );
    assert_eq!(after, before, "{what}: SQL ran for a refused query");
    body["errors"][0]["message"]
        .as_str()
        .expect("an error message")
        .to_owned()
}

/// POSTs a raw JSON body; status and JSON answer.
async fn post_raw(app: &TestApp, body: &Value) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}/graphql", app.base_url))
        .json(body)
        .send()
        .await
        .expect("request reaches the server");
    let status = response.status().as_u16();
    (status, response.json().await.expect("the body is JSON"))
}

fn batch(n: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| json!({ "query": format!("{{ focusAreas {{ code }} y{i}: __typename }}") }))
            .collect(),
    )
}

db_test!(
    a_query_deeper_than_twelve_levels_is_refused_before_any_sql,
    |app| {
        let body = assert_runs(&app, "depth 12", &nested(12)).await;
        assert!(
            body["data"]["pledges"]["nodes"][0]["municipality"]["pledges"].is_array(),
            "the depth-12 query really nests: {body}"
        );
        let message = assert_refused(&app, "depth 13", &nested(13)).await;
        assert!(
            message.contains("12"),
            "the message names the limit: {message}"
        );
        assert_refused(&app, "depth 20", &nested(20)).await;
    }
);

db_test!(nesting_hidden_in_fragments_counts_too, |app| {
    // Depth 13 once the fragments are spread.
    let query = r#"
        { pledges { nodes { ...P } } }
        fragment P on Pledge { municipality { pledges { municipality { ...M } } } }
        fragment M on Municipality {
          pledges { municipality { pledges { municipality { pledges { municipality { pledges { title } } } } } } }
        }
    "#;
    assert_refused(&app, "depth 13 through fragments", query).await;
});

db_test!(
    a_query_costlier_than_the_limit_is_refused_before_any_sql,
    |app| {
        // 6 × 800 = 4800 is within 5000; 7 × 800 = 5600 is not.
        assert_runs(&app, "cost 4800", &costly(6)).await;
        let message = assert_refused(&app, "cost 5600", &costly(7)).await;
        assert!(
            message.contains("5000"),
            "the message names the limit: {message}"
        );
        // The page size drives the cost: one huge page of a cheap list.
        let wide = "{ pledges(first: 100) { nodes { commitments { activities { place { name } } focusAreas { code nameSv nameEn } places { name kind } } signatories { name } } } }";
        let many: String = (0..5)
            .map(|i| format!("w{i}: {}", &wide[2..wide.len() - 2]))
            .collect::<Vec<_>>()
            .join(" ");
        assert_refused(&app, "five wide full pages", &format!("{{ {many} }}")).await;
    }
);

db_test!(more_than_thirty_aliases_are_refused_before_any_sql, |app| {
    assert_runs(&app, "30 aliases", &aliased(30)).await;
    let message = assert_refused(&app, "31 aliases", &aliased(31)).await;
    assert!(
        message.contains("30"),
        "the message names the limit: {message}"
    );
    // Aliases on nested fields count as well.
    let nested_aliases: String = (0..16)
        .map(|i| format!("m{i}: municipality(code: \"0683\") {{ c{i}: code }} "))
        .collect();
    assert_refused(
        &app,
        "16 + 16 nested aliases",
        &format!("{{ {nested_aliases}}}"),
    )
    .await;
});

db_test!(
    a_batch_of_eleven_operations_is_refused_with_400_before_any_sql,
    |app| {
        let before = app.statements();
        let (status, body) = post_raw(&app, &batch(11)).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "{body}");
        assert!(body.get("data").is_none_or(Value::is_null), "{body}");
        assert_eq!(app.statements(), before, "SQL ran for a refused batch");
    }
);

db_test!(
    a_batch_of_two_and_of_ten_operations_is_answered_in_order,
    |app| {
        for n in [2, 10] {
            let (status, body) = post_raw(&app, &batch(n)).await;
            assert_eq!(status, 200, "batch of {n}: {body}");
            let answers = body
                .as_array()
                .unwrap_or_else(|| panic!("a list of answers: {body}"));
            assert_eq!(answers.len(), n, "{body}");
            for (i, answer) in answers.iter().enumerate() {
                assert!(answer.get("errors").is_none(), "{answer}");
                assert_eq!(answer["data"][format!("y{i}")], "Query", "{answer}");
                assert_eq!(
                    answer["data"]["focusAreas"].as_array().map(Vec::len),
                    Some(11)
                );
            }
        }
    }
);

db_test!(a_refused_get_query_runs_no_sql_either, |app| {
    let before = app.statements();
    let response = app
        .client
        .get(format!("{}/graphql", app.base_url))
        .query(&[("query", nested(13))])
        .send()
        .await
        .expect("request reaches the server");
    let body: Value = response.json().await.expect("the body is JSON");
    assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "{body}");
    assert_eq!(app.statements(), before, "SQL ran for a refused GET query");
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_limits_are_configurable() {
    let default = TestApp::spawn(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    assert_runs(&default, "depth 4 by default", &nested(4)).await;
    assert_runs(&default, "3 aliases by default", &aliased(3)).await;
    let (status, body) = post_raw(&default, &batch(3)).await;
    assert_eq!(status, 200, "a batch of 3 by default: {body}");

    let strict = TestApp::spawn_with(
        Backend::Sqlite,
        &[
            ("APP_MAX_DEPTH", "3"),
            ("APP_MAX_ALIASES", "2"),
            ("APP_MAX_BATCH", "2"),
            ("APP_MAX_COMPLEXITY", "50"),
        ],
    )
    .await
    .expect("SQLite is always available");
    assert_runs(&strict, "depth 3", &nested(3)).await;
    let message = assert_refused(&strict, "depth 4 with APP_MAX_DEPTH=3", &nested(4)).await;
    assert!(message.contains('3'), "{message}");
    assert_runs(&strict, "2 aliases", &aliased(2)).await;
    assert_refused(&strict, "3 aliases with APP_MAX_ALIASES=2", &aliased(3)).await;
    assert_runs(&strict, "cost 40", "{ pledges { nodes { title } } }").await;
    assert_refused(
        &strict,
        "cost 200 with APP_MAX_COMPLEXITY=50",
        "{ pledges(first: 100) { nodes { title } } }",
    )
    .await;
    let (status, body) = post_raw(&strict, &batch(3)).await;
    assert_eq!(status, 400, "a batch of 3 with APP_MAX_BATCH=2: {body}");
    assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]

async fn a_refused_query_from_a_signed_in_caller_reads_only_the_reference_version() {
    let app = TestApp::spawn(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    for (who, token) in [
        ("viewer", tests::token("v", &["viewer"], &["0683"], &[])),
        (
            "police editor",
            tests::token("p", &["police_editor"], &[], &["lpo-varnamo"]),
        ),
    ] {
        let before = app.statements();
        let (_, body) = app.gql_as(Some(&token), &nested(13), json!({})).await;
        assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "{who}: {body}");
        // Resolving the token reads the reference version (one row by its
        // key); nothing of the refused query runs.
        assert_eq!(
            app.statements() - before,
            1,
            "{who}: SQL ran for a refused query"
        );
    }
}
