//! The audit log's request id is the server's own: a client's
//! `x-request-id` is kept beside it as `clientRequestId` and never taken
//! as the id, the id is the one the response carried, and every mutation
//! sent over the websocket gets an id of its own.

use serde_json::{Value, json};
use tests::ws::{connect, next_json, send};
use tests::{TestApp, db_test, token};
use uuid::Uuid;

const CREATE: &str = "mutation ($year: Int!, $from: Date!, $to: Date!) {
  createPledge(input: { municipality: \"0665\", policeArea: \"lpo-varnamo\", year: $year,
    title: \"Trygg i Vaggeryd\", validFrom: $from, validTo: $to }) { id }
}";

const LOG: &str = "query ($id: ID!) {
  auditLog(filter: { entityId: $id }) { totalCount nodes { action requestId clientRequestId } }
}";

fn editor() -> String {
    token("anna-vaggeryd", &["municipality_editor"], &["0665"], &[])
}

fn admin() -> String {
    token("root", &["admin"], &[], &[])
}

fn year_vars(year: i32) -> Value {
    json!({ "year": year, "from": format!("{year}-01-01"), "to": format!("{year}-12-31") })
}

/// The one audit entry of the pledge `id` (its creation).
async fn entry_of(app: &TestApp, id: &str) -> Value {
    let log = app.data_as(&admin(), LOG, json!({ "id": id })).await;
    assert_eq!(log["auditLog"]["totalCount"], 1, "{log}");
    log["auditLog"]["nodes"][0].clone()
}

db_test!(a_client_request_id_is_kept_apart_and_never_the_id, |app| {
    let response = app
        .client
        .post(format!("{}/graphql", app.base_url))
        .bearer_auth(editor())
        .header("x-request-id", "forged")
        .json(&json!({ "query": CREATE, "variables": year_vars(2031) }))
        .send()
        .await
        .expect("request reaches the server");
    let answered = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("the response carries a request id")
        .to_owned();
    let body: Value = response.json().await.expect("json");
    assert!(body.get("errors").is_none(), "{body}");
    assert_ne!(answered, "forged", "the response echoed the client's id");

    let entry = entry_of(
        &app,
        body["data"]["createPledge"]["id"].as_str().expect("id"),
    )
    .await;
    assert_eq!(entry["action"], "CREATE");
    assert_eq!(entry["requestId"], answered.as_str(), "{entry}");
    assert_eq!(entry["clientRequestId"], "forged", "{entry}");
});

db_test!(a_request_without_a_client_id_has_only_the_servers, |app| {
    let (status, body) = app.gql_as(Some(&editor()), CREATE, year_vars(2031)).await;
    assert_eq!(status, 200, "{body}");
    let entry = entry_of(
        &app,
        body["data"]["createPledge"]["id"].as_str().expect("id"),
    )
    .await;
    let id = entry["requestId"].as_str().expect("a request id");
    assert!(Uuid::parse_str(id).is_ok(), "{entry}");
    assert_eq!(entry["clientRequestId"], Value::Null);
});

db_test!(each_websocket_mutation_gets_its_own_request_id, |app| {
    let mut socket = connect(&app.base_url, &[("x-request-id", "forged")]).await;
    let bearer = format!("Bearer {}", editor());
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "authorization": bearer } }),
    )
    .await;
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");

    let mut ids = Vec::new();
    for (n, year) in [(1, 2032), (2, 2033)] {
        send(
            &mut socket,
            json!({ "id": n.to_string(), "type": "subscribe",
                    "payload": { "query": CREATE, "variables": year_vars(year) } }),
        )
        .await;
        let answer = next_json(&mut socket).await;
        assert_eq!(answer["type"], "next", "{answer}");
        let pledge = answer["payload"]["data"]["createPledge"]["id"]
            .as_str()
            .expect("a created pledge")
            .to_owned();
        assert_eq!(next_json(&mut socket).await["type"], "complete");
        let entry = entry_of(&app, &pledge).await;
        let id = entry["requestId"]
            .as_str()
            .expect("a request id")
            .to_owned();
        assert!(Uuid::parse_str(&id).is_ok(), "{entry}");
        assert_eq!(entry["clientRequestId"], "forged", "{entry}");
        ids.push(id);
    }
    assert_ne!(ids[0], ids[1], "two operations share a request id");
});
