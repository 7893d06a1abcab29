//! Subscriptions over `/graphql/ws` with a real graphql-transport-ws
//! client: `pledgeChanged` reaches staff while a pledge is a draft and the
//! public only once it is published; `followUpPublished(municipality:)`
//! delivers the municipality's reports and nothing of others; and with
//! PostgreSQL an event raised in one `api serve` process reaches a
//! subscriber of another process on the same database (LISTEN/NOTIFY).
//!
//! A bad token in `connection_init` closing the socket with 4403 is
//! asserted in `websocket_auth.rs`.
//!
//! graphql-transport-ws does not acknowledge a `subscribe`, so a test
//! waits until the server counts its subscriptions as listening
//! (`TestApp::listening` in process, `/metrics` for another process). A
//! negative check ("receives nothing of X") waits for nothing: it is an
//! event the subscriber must receive, raised after X, arriving first.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tests::{PostgresDatabase, ServerProcess, db_test, error_codes, token};
use tokio_tungstenite::tungstenite::Message;

use tests::ws::Socket;

/// How long an event may take to arrive.
const DELIVERY: Duration = Duration::from_secs(10);

const PLEDGE_CHANGED: &str =
    "subscription ($m: String) { pledgeChanged(municipality: $m) { id title status } }";
const FOLLOW_UP_PUBLISHED: &str = "subscription ($m: String) {
  followUpPublished(municipality: $m) {
    id status periodKind periodStart pledge { id municipality { code } } progress { comment }
  }
}";

fn vaggeryd_editor() -> String {
    token("anna-vaggeryd", &["municipality_editor"], &["0665"], &[])
}

fn varnamo_editor() -> String {
    token("eva-varnamo", &["municipality_editor"], &["0683"], &[])
}

fn lpo_varnamo_editor() -> String {
    token("per-lpo-varnamo", &["police_editor"], &[], &["lpo-varnamo"])
}

/// One graphql-transport-ws connection with one subscription (id "1").
#[derive(Debug)]
struct Subscriber {
    name: &'static str,
    socket: Socket,
}

impl Subscriber {
    /// Connects to `base_url`, initialises with `token` (none: anonymous)
    /// and subscribes to `query` with `variables`.
    async fn start(
        name: &'static str,
        base_url: &str,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Self {
        let socket = tests::ws::connect(base_url, &[]).await;
        let mut subscriber = Self { name, socket };
        let payload = match token {
            Some(token) => json!({ "authorization": format!("Bearer {token}") }),
            None => json!({}),
        };
        subscriber
            .send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        let ack = subscriber
            .message(DELIVERY)
            .await
            .unwrap_or_else(|| panic!("{name}: no connection_ack"));
        assert_eq!(ack["type"], "connection_ack", "{name}: {ack}");
        subscriber
            .send(json!({
                "id": "1",
                "type": "subscribe",
                "payload": { "query": query, "variables": variables },
            }))
            .await;
        subscriber
    }

    async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::Text(message.to_string().into()))
            .await
            .expect("the message is sent");
    }

    /// The next protocol message within `within` (answering pings on the
    /// way); `None` when nothing came. Panics when the socket closes.
    async fn message(&mut self, within: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let next = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .ok()?;
            let message = match next {
                Some(Ok(message)) => message,
                other => panic!("{}: the socket ended: {other:?}", self.name),
            };
            match message {
                Message::Text(text) => {
                    let value: Value = serde_json::from_str(text.as_str())
                        .unwrap_or_else(|e| panic!("{}: not JSON ({e}): {text}", self.name));
                    if value["type"] == "ping" {
                        self.send(json!({ "type": "pong" })).await;
                        continue;
                    }
                    return Some(value);
                }
                Message::Ping(_) | Message::Pong(_) => {}
                other => panic!("{}: unexpected message {other:?}", self.name),
            }
        }
    }

    /// The data of the next event within `within`; `None` when none came.
    /// Panics on anything but a `next` without errors.
    async fn event(&mut self, within: Duration) -> Option<Value> {
        let message = self.message(within).await?;
        assert_eq!(message["type"], "next", "{}: {message}", self.name);
        assert_eq!(message["id"], "1", "{}: {message}", self.name);
        assert!(
            message["payload"].get("errors").is_none(),
            "{}: {message}",
            self.name
        );
        Some(message["payload"]["data"].clone())
    }

    /// The next event, which must come within `DELIVERY`.
    async fn expect_event(&mut self) -> Value {
        self.event(DELIVERY)
            .await
            .unwrap_or_else(|| panic!("{}: no event within {DELIVERY:?}", self.name))
    }

    /// The next `field` event that is not of the entity `skip` (events of
    /// an earlier step still on their way).
    async fn expect_event_past(&mut self, field: &str, skip: &str) -> Value {
        loop {
            let event = self.expect_event().await;
            if event[field]["id"] != skip {
                return event;
            }
        }
    }
}

/// POSTs a GraphQL query to `base_url` as `token`; asserts no errors and
/// returns `data`.
async fn gql(base_url: &str, token: &str, query: &str, variables: Value) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{base_url}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("the request reaches the server");
    let status = response.status();
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{query}: {body}");
    body["data"].clone()
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, got {value}"))
        .to_owned()
}

/// Global IDs of a pledge and its commitments.
#[derive(Debug, Clone)]
struct Pledge {
    id: String,
    commitments: Vec<String>,
}

/// The Vaggeryd editor creates a DRAFT for `year` with one commitment.
async fn create_vaggeryd_draft(base_url: &str, title: &str, year: i32) -> Pledge {
    let editor = vaggeryd_editor();
    let created = gql(
        base_url,
        &editor,
        "mutation ($title: String!, $year: Int!, $from: Date!, $to: Date!) {
           createPledge(input: { municipality: \"0665\", policeArea: \"lpo-varnamo\", year: $year,
             title: $title, validFrom: $from, validTo: $to }) { id status }
         }",
        json!({
            "title": title, "year": year,
            "from": format!("{year}-01-01"), "to": format!("{year}-12-31"),
        }),
    )
    .await;
    let id = text(&created["createPledge"]["id"]);
    let added = gql(
        base_url,
        &editor,
        "mutation ($id: ID!) {
           addCommitment(pledgeId: $id, input: { text: \"Trygghetsvandringar i Skillingaryd.\",
             responsible: JOINT }) { id }
         }",
        json!({ "id": id }),
    )
    .await;
    Pledge {
        id,
        commitments: vec![text(&added["addCommitment"]["id"])],
    }
}

/// Both sides approve `pledge` and the Vaggeryd editor publishes it.
async fn sign_and_publish(base_url: &str, pledge: &Pledge) {
    let approve = "mutation ($id: ID!) { approvePledge(id: $id) { status } }";
    gql(
        base_url,
        &vaggeryd_editor(),
        approve,
        json!({ "id": pledge.id }),
    )
    .await;
    let signed = gql(
        base_url,
        &lpo_varnamo_editor(),
        approve,
        json!({ "id": pledge.id }),
    )
    .await;
    assert_eq!(signed["approvePledge"]["status"], "SIGNED", "{signed}");
    let published = gql(
        base_url,
        &vaggeryd_editor(),
        "mutation ($id: ID!) { publishPledge(id: $id) { status } }",
        json!({ "id": pledge.id }),
    )
    .await;
    assert_eq!(published["publishPledge"]["status"], "PUBLISHED");
}

async fn published_vaggeryd_pledge(base_url: &str, title: &str, year: i32) -> Pledge {
    let pledge = create_vaggeryd_draft(base_url, title, year).await;
    sign_and_publish(base_url, &pledge).await;
    pledge
}

/// Creates a report of `pledge` as `editor` from the pledge's first day
/// (a cumulative report never collides with another) to `end`, with
/// progress for every commitment, and publishes it. Returns its global ID.
async fn publish_report(
    base_url: &str,
    editor: &str,
    pledge: &Pledge,
    start: &str,
    end: &str,
    comment: &str,
) -> String {
    let progress: Vec<Value> = pledge
        .commitments
        .iter()
        .map(|c| json!({ "commitmentId": c, "status": "ONGOING", "comment": comment }))
        .collect();
    let created = gql(
        base_url,
        editor,
        "mutation ($input: FollowUpReportInput!) { createFollowUpReport(input: $input) { id } }",
        json!({ "input": {
            "pledgeId": pledge.id, "periodKind": "AD_HOC",
            "periodStart": start, "periodEnd": end, "progress": progress,
        }}),
    )
    .await;
    let id = text(&created["createFollowUpReport"]["id"]);
    let published = gql(
        base_url,
        editor,
        "mutation ($id: ID!) { publishFollowUpReport(id: $id) { status } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(published["publishFollowUpReport"]["status"], "PUBLISHED");
    id
}

/// The seeded, published Värnamo 2024 pledge.
async fn varnamo_2024(base_url: &str) -> (Pledge, String) {
    let data = gql(
        base_url,
        &varnamo_editor(),
        r#"{ pledges(filter: { municipality: "0683", year: 2024 }) {
               nodes { id status validFrom commitments { id } } } }"#,
        json!({}),
    )
    .await;
    let node = &data["pledges"]["nodes"][0];
    assert_eq!(node["status"], "PUBLISHED", "{data}");
    let pledge = Pledge {
        id: text(&node["id"]),
        commitments: node["commitments"]
            .as_array()
            .expect("commitments")
            .iter()
            .map(|c| text(&c["id"]))
            .collect(),
    };
    (pledge, text(&node["validFrom"]))
}

/// Drains `subscriber` until an event for pledge `id` with `status`
/// arrives; returns every event on the way.
async fn events_until(subscriber: &mut Subscriber, id: &str, status: &str) -> Vec<Value> {
    let mut seen = Vec::new();
    loop {
        let event = subscriber.expect_event().await;
        let done = event["pledgeChanged"]["id"] == id && event["pledgeChanged"]["status"] == status;
        seen.push(event);
        if done {
            return seen;
        }
    }
}

db_test!(
    pledge_changed_shows_a_draft_to_its_editors_and_to_the_public_only_once_published,
    |app| {
        let base = app.base_url.as_str();
        let vars = json!({ "m": "0665" });
        let mut public =
            Subscriber::start("anonymous", base, None, PLEDGE_CHANGED, vars.clone()).await;
        let editor_token = vaggeryd_editor();
        let mut staff = Subscriber::start(
            "Vaggeryd editor",
            base,
            Some(&editor_token),
            PLEDGE_CHANGED,
            vars,
        )
        .await;
        app.listening(2).await;

        // Warm-up: a pledge goes all the way to PUBLISHED. The public hears
        // of it first when it is published; both subscribers are listening.
        let first = published_vaggeryd_pledge(base, "Uppvärmning", 2026).await;
        let heard = public.expect_event().await;
        assert_eq!(heard["pledgeChanged"]["id"], first.id.as_str(), "{heard}");
        assert_eq!(heard["pledgeChanged"]["status"], "PUBLISHED", "{heard}");
        // Staff hear every write of it; each event is read when it arrives,
        // so on a busy machine even the first may already read PUBLISHED.
        // What staff hear of drafts is asserted below, with no publication
        // racing the reads.
        let staff_heard = events_until(&mut staff, &first.id, "PUBLISHED").await;
        assert!(!staff_heard.is_empty());
        // Events of the warm-up pledge may still be on their way (one per
        // write, each read when it arrives); what follows skips them.

        // A draft is created and changed: staff hear both writes.
        let draft = create_vaggeryd_draft(base, "Hemligt utkast", 2027).await;
        let version = gql(
            base,
            &editor_token,
            "query ($id: ID!) { pledge(id: $id) { version } }",
            json!({ "id": draft.id }),
        )
        .await["pledge"]["version"]
            .clone();
        let renamed = gql(
            base,
            &editor_token,
            "mutation ($id: ID!, $v: Int!) {
               updatePledge(id: $id, expectedVersion: $v, input: { title: \"Hemligt utkast, omdöpt\" }) { title }
             }",
            json!({ "id": draft.id, "v": version }),
        )
        .await;
        assert_eq!(
            renamed["updatePledge"]["title"], "Hemligt utkast, omdöpt",
            "{renamed}"
        );
        let mut staff_events = Vec::new();
        for _ in 0..3 {
            let event = staff.expect_event_past("pledgeChanged", &first.id).await;
            assert_eq!(event["pledgeChanged"]["id"], draft.id.as_str(), "{event}");
            assert_eq!(event["pledgeChanged"]["status"], "DRAFT", "{event}");
            staff_events.push(event);
        }
        assert_eq!(
            staff_events[2]["pledgeChanged"]["title"], "Hemligt utkast, omdöpt",
            "{staff_events:?}"
        );
        // Signed (still not public), then published: now the public hears,
        // and nothing before, of the draft's three writes and its signing.
        sign_and_publish(base, &draft).await;
        let heard = public.expect_event_past("pledgeChanged", &first.id).await;
        assert_eq!(
            heard["pledgeChanged"],
            json!({ "id": draft.id, "title": "Hemligt utkast, omdöpt", "status": "PUBLISHED" }),
            "the first thing the public hears of the draft is its publication"
        );
    }
);

db_test!(
    follow_up_published_delivers_a_municipality_s_reports_and_nothing_of_others,
    |app| {
        let base = app.base_url.as_str();
        let vaggeryd = published_vaggeryd_pledge(base, "Löfte med uppföljning", 2026).await;
        let (varnamo, varnamo_from) = varnamo_2024(base).await;
        let mut vaggeryd_sub = Subscriber::start(
            "anonymous on 0665",
            base,
            None,
            FOLLOW_UP_PUBLISHED,
            json!({ "m": "0665" }),
        )
        .await;
        let mut varnamo_sub = Subscriber::start(
            "anonymous on 0683",
            base,
            None,
            FOLLOW_UP_PUBLISHED,
            json!({ "m": "0683" }),
        )
        .await;
        app.listening(2).await;

        // Värnamo publishes: the 0683 subscriber hears it (and is listening).
        let first = publish_report(
            base,
            &varnamo_editor(),
            &varnamo,
            &varnamo_from,
            "2024-02-29",
            "Värnamo, första",
        )
        .await;
        let heard = varnamo_sub.expect_event().await;
        assert_eq!(heard["followUpPublished"]["id"], first.as_str(), "{heard}");

        // Vaggeryd publishes: only the 0665 subscriber hears it, in full.
        let report = publish_report(
            base,
            &vaggeryd_editor(),
            &vaggeryd,
            "2026-01-01",
            "2026-03-31",
            "Å ä ö, \"citat\"",
        )
        .await;
        let heard = vaggeryd_sub.expect_event().await;
        assert_eq!(
            heard["followUpPublished"],
            json!({
                "id": report, "status": "PUBLISHED", "periodKind": "AD_HOC",
                "periodStart": "2026-01-01",
                "pledge": { "id": vaggeryd.id, "municipality": { "code": "0665" } },
                "progress": [{ "comment": "Å ä ö, \"citat\"" }],
            }),
            "the first report the 0665 subscriber hears of is Vaggeryd's"
        );

        // Värnamo again: the 0683 subscriber hears it as the next report
        // (nothing of Vaggeryd's came before); the 0665 subscriber does not.
        let second = publish_report(
            base,
            &varnamo_editor(),
            &varnamo,
            &varnamo_from,
            "2024-03-31",
            "Värnamo, andra",
        )
        .await;
        let heard = varnamo_sub.expect_event().await;
        assert_eq!(heard["followUpPublished"]["id"], second.as_str(), "{heard}");
        // A later Vaggeryd report is the next thing the 0665 subscriber
        // hears: the Värnamo report before it never reached it.
        let later = publish_report(
            base,
            &vaggeryd_editor(),
            &vaggeryd,
            "2026-04-01",
            "2026-06-30",
            "Vaggeryd, andra",
        )
        .await;
        let heard = vaggeryd_sub.expect_event().await;
        assert_eq!(
            heard["followUpPublished"]["id"],
            later.as_str(),
            "the 0665 subscriber heard of a Värnamo report: {heard}"
        );
    }
);

db_test!(
    the_public_hears_that_a_published_pledge_and_report_were_withdrawn,
    |app| {
        let base = app.base_url.as_str();
        let pledge = published_vaggeryd_pledge(base, "Snart tillbakadraget", 2026).await;
        let vars = json!({ "m": "0665" });
        let mut pledges = Subscriber::start(
            "anonymous pledgeChanged",
            base,
            None,
            "subscription ($m: String) { pledgeChanged(municipality: $m) { id status removed title commitments { id } } }",
            vars.clone(),
        )
        .await;
        let mut reports = Subscriber::start(
            "anonymous followUpPublished",
            base,
            None,
            "subscription ($m: String) { followUpPublished(municipality: $m) { id removed summary progress { comment } } }",
            vars,
        )
        .await;
        app.listening(2).await;

        // A report is published and withdrawn: the public hears of both,
        // the second time as a removal with no content.
        let report = publish_report(
            base,
            &vaggeryd_editor(),
            &pledge,
            "2026-01-01",
            "2026-03-31",
            "Synlig en stund",
        )
        .await;
        let heard = reports.expect_event().await;
        assert_eq!(heard["followUpPublished"]["id"], report.as_str(), "{heard}");
        assert_eq!(heard["followUpPublished"]["removed"], false, "{heard}");
        gql(
            base,
            &vaggeryd_editor(),
            "mutation ($id: ID!) { withdrawFollowUpReport(id: $id, reason: \"Fel siffror\") { status } }",
            json!({ "id": report }),
        )
        .await;
        let heard = reports.expect_event().await;
        assert_eq!(
            heard["followUpPublished"],
            json!({ "id": report, "removed": true, "summary": null, "progress": [] }),
            "{heard}"
        );

        // The pledge was published before the public subscribed (it never
        // received it) and is withdrawn: the public hears of the removal,
        // with its identity and nothing of its content.
        gql(
            base,
            &vaggeryd_editor(),
            "mutation ($id: ID!) { withdrawPledge(id: $id, reason: \"Ersätts\") { status } }",
            json!({ "id": pledge.id }),
        )
        .await;
        let heard = pledges.expect_event().await;
        assert_eq!(
            heard["pledgeChanged"],
            json!({
                "id": pledge.id, "status": "WITHDRAWN", "removed": true,
                "title": "Snart tillbakadraget", "commitments": [],
            }),
            "{heard}"
        );
    }
);

db_test!(
    a_subscription_to_an_unknown_municipality_is_refused_with_bad_user_input,
    |app| {
        for query in [PLEDGE_CHANGED, FOLLOW_UP_PUBLISHED] {
            let mut subscriber = Subscriber::start(
                "anonymous",
                &app.base_url,
                None,
                query,
                json!({ "m": "9999" }),
            )
            .await;
            let message = subscriber
                .message(DELIVERY)
                .await
                .expect("an answer to the subscription");
            assert_eq!(message["type"], "next", "{message}");
            assert_eq!(
                error_codes(&message["payload"]),
                ["BAD_USER_INPUT"],
                "{message}"
            );
            let complete = subscriber
                .message(DELIVERY)
                .await
                .expect("the subscription completes");
            assert_eq!(complete["type"], "complete", "{complete}");
        }
    }
);

db_test!(errors_over_the_websocket_carry_a_code_as_over_http, |app| {
    // Syntax and validation errors: async-graphql gives them no code.
    for broken in ["subscription { pledgeChanged { id }", "{ noSuchField }"] {
        let mut subscriber =
            Subscriber::start("anonymous", &app.base_url, None, broken, json!({})).await;
        let message = subscriber
            .message(DELIVERY)
            .await
            .expect("an answer to the operation");
        assert_eq!(message["type"], "next", "{message}");
        assert_eq!(
            error_codes(&message["payload"]),
            ["BAD_USER_INPUT"],
            "{broken}: {message}"
        );
    }
});

// ---------------------------------------------------------------------------
// Two `api serve` processes on one PostgreSQL database.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_raised_in_one_server_process_reaches_a_subscriber_of_another() {
    let Some(database) = PostgresDatabase::create().await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set (PostgreSQL only)");
        return;
    };
    // The first process migrates and seeds the empty database; the second
    // starts on the ready one. Declared after the database: dropped
    // (killed) before it.
    let a = ServerProcess::start(database.url()).await;
    let b = ServerProcess::start(database.url()).await;

    let vars = json!({ "m": "0665" });
    let mut reports_on_b = Subscriber::start(
        "B: followUpPublished",
        &b.base_url,
        None,
        FOLLOW_UP_PUBLISHED,
        vars.clone(),
    )
    .await;
    let mut pledges_on_b =
        Subscriber::start("B: pledgeChanged", &b.base_url, None, PLEDGE_CHANGED, vars).await;
    b.listening(2).await;

    // Every write goes through A.
    let pledge = published_vaggeryd_pledge(&a.base_url, "Löfte över processgränsen", 2026).await;
    let heard = pledges_on_b.expect_event().await;
    assert_eq!(
        heard["pledgeChanged"],
        json!({ "id": pledge.id, "title": "Löfte över processgränsen", "status": "PUBLISHED" }),
        "B's anonymous subscriber hears of the pledge published through A"
    );
    let report = publish_report(
        &a.base_url,
        &vaggeryd_editor(),
        &pledge,
        "2026-01-01",
        "2026-04-30",
        "Hörd i process B",
    )
    .await;
    let heard = reports_on_b.expect_event().await;
    assert_eq!(heard["followUpPublished"]["id"], report.as_str(), "{heard}");
    assert_eq!(
        heard["followUpPublished"]["progress"],
        json!([{ "comment": "Hörd i process B" }])
    );
    drop((a, b));
    drop(database);
}
