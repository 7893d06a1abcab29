//! HTTP caching of public answers: an anonymous GraphQL-over-HTTP GET of
//! published data gets a strong ETag and `Cache-Control: public,
//! no-cache`, and `If-None-Match` with that tag gives 304. A signed-in
//! caller's answer is never cacheable, and an error is kept nowhere.

use reqwest::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH, VARY};
use serde_json::Value;
use tests::{db_test, token};

const QUERY: &str =
    "{ pledges(filter: { municipality: \"0683\" }) { totalCount nodes { title } } }";

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

async fn get(
    base_url: &str,
    query: &str,
    token: Option<&str>,
    tag: Option<&str>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .get(format!("{base_url}/graphql"))
        .query(&[("query", query)]);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(tag) = tag {
        request = request.header(IF_NONE_MATCH, tag);
    }
    request.send().await.expect("answered")
}

db_test!(an_anonymous_get_has_an_etag_and_revalidates_to_304, |app| {
    let first = get(&app.base_url, QUERY, None, None).await;
    assert_eq!(first.status(), 200);
    let tag = header(&first, ETAG).expect("an ETag");
    assert!(
        tag.starts_with('"') && tag.ends_with('"'),
        "a strong tag: {tag}"
    );
    assert_eq!(
        header(&first, CACHE_CONTROL).as_deref(),
        Some("public, no-cache")
    );
    let vary = header(&first, VARY).unwrap_or_default();
    assert!(
        vary.contains("authorization") && vary.contains("accept"),
        "{vary}"
    );
    let body: Value = first.json().await.expect("json");
    assert!(
        body["data"]["pledges"]["totalCount"]
            .as_u64()
            .is_some_and(|n| n > 0),
        "{body}"
    );

    // The same question with the tag: unchanged, so 304 and no body.
    let again = get(&app.base_url, QUERY, None, Some(&tag)).await;
    assert_eq!(again.status(), 304);
    assert_eq!(header(&again, ETAG).as_deref(), Some(tag.as_str()));
    assert!(again.bytes().await.expect("read").is_empty());

    // A stale tag gets the answer.
    let stale = get(&app.base_url, QUERY, None, Some("\"0000000000000000\"")).await;
    assert_eq!(stale.status(), 200);
    assert_eq!(header(&stale, ETAG).as_deref(), Some(tag.as_str()));

    // Another answer has another tag.
    let other = get(&app.base_url, "{ focusAreas { code } }", None, None).await;
    assert_ne!(header(&other, ETAG), Some(tag));
});

db_test!(a_signed_in_callers_answer_is_never_cacheable, |app| {
    let editor = token("eva-varnamo", &["municipality_editor"], &["0683"], &[]);
    let answer = get(&app.base_url, QUERY, Some(&editor), None).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(header(&answer, ETAG), None);
    assert_eq!(
        header(&answer, CACHE_CONTROL).as_deref(),
        Some("private, no-store")
    );
    // Even with the tag of the public answer to the same URL.
    let public = get(&app.base_url, QUERY, None, None).await;
    let tag = header(&public, ETAG).expect("an ETag");
    let answer = get(&app.base_url, QUERY, Some(&editor), Some(&tag)).await;
    assert_eq!(answer.status(), 200);
});

db_test!(errors_and_posts_get_no_etag, |app| {
    let broken = get(&app.base_url, "{ noSuchField }", None, None).await;
    assert_eq!(header(&broken, ETAG), None);
    assert_eq!(header(&broken, CACHE_CONTROL).as_deref(), Some("no-store"));
    let posted = reqwest::Client::new()
        .post(format!("{}/graphql", app.base_url))
        .json(&serde_json::json!({ "query": QUERY }))
        .send()
        .await
        .expect("answered");
    assert_eq!(posted.status(), 200);
    assert_eq!(header(&posted, ETAG), None);
});
