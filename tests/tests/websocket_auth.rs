//! The websocket endpoint authenticates in `connection_init`: no
//! authorization is anonymous, a valid token is acknowledged, and a bad
//! token closes the connection with 4403 — never an anonymous session.

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tests::ws::connect;
use tests::{TestApp, db_test, token};
use tokio_tungstenite::tungstenite::Message;

/// Sends `connection_init` with `payload` and returns the server's answer.
async fn init(app: &TestApp, payload: Value) -> Message {
    let mut socket = connect(&app.base_url, &[]).await;
    let message = json!({ "type": "connection_init", "payload": payload }).to_string();
    socket
        .send(Message::Text(message.into()))
        .await
        .expect("send");
    tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
        .await
        .expect("the server answers in time")
        .expect("a message")
        .expect("a readable message")
}

fn close_code(message: &Message) -> Option<u16> {
    match message {
        Message::Close(Some(frame)) => Some(frame.code.into()),
        _ => None,
    }
}

fn is_ack(message: &Message) -> bool {
    match message {
        Message::Text(text) => serde_json::from_str::<Value>(text.as_str())
            .is_ok_and(|v| v["type"] == "connection_ack"),
        _ => false,
    }
}

db_test!(
    a_websocket_without_authorization_is_anonymous_and_acknowledged,
    |app| {
        assert!(is_ack(&init(&app, json!({})).await));
    }
);

db_test!(a_websocket_with_a_valid_token_is_acknowledged, |app| {
    let bearer = format!("Bearer {}", token("anna", &["viewer"], &["0683"], &[]));
    assert!(is_ack(
        &init(&app, json!({ "authorization": bearer })).await
    ));
});

db_test!(a_websocket_with_a_bad_token_is_closed_with_4403, |app| {
    for bad in [
        "Bearer garbage",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "eyJhbGciOi",
    ] {
        let answer = init(&app, json!({ "authorization": bad })).await;
        assert_eq!(close_code(&answer), Some(4403), "{bad:?} gave {answer:?}");
    }
    // A token signed with another secret is just as bad.
    let forged = api::auth::mint_hs256(
        "not-the-server-secret",
        &api::auth::TokenRequest {
            sub: "mallory".into(),
            roles: vec!["admin".into()],
            ttl_secs: 60,
            ..Default::default()
        },
    )
    .expect("sign");
    let answer = init(&app, json!({ "authorization": format!("Bearer {forged}") })).await;
    assert_eq!(close_code(&answer), Some(4403));
});

db_test!(
    a_websocket_that_does_not_start_with_connection_init_is_closed,
    |app| {
        let mut socket = connect(&app.base_url, &[]).await;
        socket
            .send(Message::Text(
                json!({ "type": "subscribe", "id": "1" }).to_string().into(),
            ))
            .await
            .expect("send");
        let answer = socket.next().await.expect("a message").expect("readable");
        assert_eq!(close_code(&answer), Some(4400));
    }
);

db_test!(a_websocket_ends_when_its_token_expires, |app| {
    let short = api::auth::mint_hs256(
        api::config::DEV_HS256_SECRET,
        &api::auth::TokenRequest {
            sub: "kort".into(),
            roles: vec!["viewer".into()],
            municipalities: vec!["0665".into()],
            ttl_secs: 2,
            ..Default::default()
        },
    )
    .expect("sign");
    let mut socket = connect(&app.base_url, &[]).await;
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {short}") } });
    socket
        .send(Message::Text(init.to_string().into()))
        .await
        .expect("send");
    let ack = socket.next().await.expect("a message").expect("readable");
    assert!(is_ack(&ack), "{ack:?}");
    // The scope was the token's; after it expires the server hangs up.
    let ended = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            match socket.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the connection outlived its token");
});
