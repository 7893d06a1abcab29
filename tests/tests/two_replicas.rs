//! Two replicas on one PostgreSQL behind one address, as "Running in
//! production" runs the API: two `api serve` processes on one fresh
//! database and a `Balancer` in front of them (PostgreSQL only).
//!
//! - A write through one replica is seen at once through the other: by
//!   the public response cache (an answer B cached before the write), by
//!   a signed-in read, and by the public in the reference data an admin
//!   changes. Signed-in callers of the other replica see a reference
//!   change only once that replica has heard of it (the ignored test
//!   below shows the gap).
//! - A subscriber on one replica hears of a write through the other.
//! - SIGTERM to one replica, as a rolling update sends it, loses no
//!   request: a client asking through the balancer all along, a fresh
//!   connection per request, gets every answer right, the request the
//!   replica was reading completes, and the replica exits 0.
//!
//! Nothing here sleeps to synchronise: a test waits for what a server
//! reports (`/metrics`, a refused connection, its exit) or for what its
//! clients have counted, each wait bounded.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tests::slow_request::{SlowRequest, until_refused};
use tests::workflow::{
    VAGGERYD_PLEDGES, VAGGERYD_REPORTS, draft, publish_report, sign_and_publish, vaggeryd_editor,
    warm,
};
use tests::ws::{self, Socket};
use tests::{Balancer, PostgresDatabase, ServerProcess, data_at, token};
use tokio::sync::watch;

/// The longest any awaited condition may take.
const PATIENCE: Duration = Duration::from_secs(30);

fn varnamo_editor() -> String {
    token("eva-varnamo", &["municipality_editor"], &["0683"], &[])
}

fn admin() -> String {
    token("ada-admin", &["admin"], &[], &[])
}

fn analyst() -> String {
    token("ana", &["regional_analyst"], &[], &[])
}

/// Two replicas on one fresh database, and the balancer in front of them
/// (upstream 0 is A, 1 is B).
#[derive(Debug)]
struct Replicas {
    balancer: Balancer,
    /// The balancer's base URL: the one address clients know.
    front: String,
    a: ServerProcess,
    b: ServerProcess,
    /// Dropped last: after the processes are killed.
    _database: PostgresDatabase,
}

impl Replicas {
    async fn start(database: PostgresDatabase) -> Self {
        // A migrates and seeds the empty database; B starts on the ready one.
        let a = ServerProcess::start(database.url()).await;
        let b = ServerProcess::start(database.url()).await;
        let (balancer, front) = Balancer::in_front_of(&[&a.base_url, &b.base_url]).await;
        Self {
            balancer,
            front,
            a,
            b,
            _database: database,
        }
    }
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, got {value}"))
        .to_owned()
}

// ---------------------------------------------------------------------------
// A write through A, read through B.

/// One pledge as its editors see it.
const PLEDGE: &str = "query ($id: ID!) { pledge(id: $id) { id title status version } }";

const POLICE_AREAS: &str = "{ policeAreas { code name } }";

/// The node of `list` (a connection) with `id`; `null` when it has none.
fn node(list: &Value, id: &str) -> Value {
    list["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("expected nodes in {list}"))
        .iter()
        .find(|n| n["id"] == id)
        .cloned()
        .unwrap_or_default()
}

/// The name `policeAreas` gives Ljungby's local police area.
fn ljungby(data: &Value) -> Value {
    data["policeAreas"]
        .as_array()
        .unwrap_or_else(|| panic!("expected policeAreas in {data}"))
        .iter()
        .find(|a| a["code"] == "lpo-ljungby")
        .map(|a| a["name"].clone())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_through_one_replica_is_seen_at_once_through_the_other() {
    let Some(database) = PostgresDatabase::create().await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set (PostgreSQL only)");
        return;
    };
    let replicas = Replicas::start(database).await;
    let (a, b) = (replicas.a.base_url.as_str(), replicas.b.base_url.as_str());
    let editor = vaggeryd_editor();

    // A draft through A: B's signed-in reads have it, and each change of
    // it, at once.
    let cached = warm(b, VAGGERYD_PLEDGES).await;
    let (pledge, commitment) = draft(a, "Löfte genom A", 2026).await;
    let seen = data_at(b, Some(&editor), PLEDGE, json!({ "id": pledge })).await;
    assert_eq!(seen["pledge"]["title"], "Löfte genom A", "{seen}");
    assert_eq!(seen["pledge"]["status"], "DRAFT", "{seen}");
    let renamed = data_at(
        a,
        Some(&editor),
        "mutation ($id: ID!, $v: Int!) {
           updatePledge(id: $id, expectedVersion: $v, input: { title: \"Löfte genom A, omdöpt\" }) { version } }",
        json!({ "id": pledge, "v": seen["pledge"]["version"] }),
    )
    .await;
    let seen = data_at(b, Some(&editor), PLEDGE, json!({ "id": pledge })).await;
    assert_eq!(
        seen["pledge"],
        json!({ "id": pledge, "title": "Löfte genom A, omdöpt", "status": "DRAFT",
                "version": renamed["updatePledge"]["version"] }),
        "B's signed-in read is older than the write through A"
    );
    // A draft is no public data: B's cached answer still holds.
    assert_eq!(data_at(b, None, VAGGERYD_PLEDGES, json!({})).await, cached);

    // Published through A: B's public answer, cached just before, shows
    // it at once.
    let cached = warm(b, VAGGERYD_PLEDGES).await;
    assert_eq!(node(&cached["pledges"], &pledge), Value::Null);
    sign_and_publish(a, &pledge).await;
    let public = data_at(b, None, VAGGERYD_PLEDGES, json!({})).await;
    assert_eq!(
        node(&public["pledges"], &pledge),
        json!({ "id": pledge, "title": "Löfte genom A, omdöpt", "status": "PUBLISHED",
                "commitments": [{ "text": "Trygghetsvandringar.", "latestProgress": null }] }),
        "B served its answer from before the publication through A: {public}"
    );
    let seen = data_at(b, Some(&editor), PLEDGE, json!({ "id": pledge })).await;
    assert_eq!(seen["pledge"]["status"], "PUBLISHED", "{seen}");

    // A follow-up report published through A: both of B's cached answers
    // it changes show it at once.
    warm(b, VAGGERYD_PLEDGES).await;
    let cached_reports = warm(b, VAGGERYD_REPORTS).await;
    let report = publish_report(a, &pledge, &commitment, "Rapport genom A").await;
    let reports = data_at(b, None, VAGGERYD_REPORTS, json!({})).await;
    assert_eq!(
        node(&reports["followUps"], &report),
        json!({ "id": report, "summary": "Rapport genom A", "status": "PUBLISHED" }),
        "B served its report list from before the report: {cached_reports}"
    );
    let public = data_at(b, None, VAGGERYD_PLEDGES, json!({})).await;
    assert_eq!(
        node(&public["pledges"], &pledge)["commitments"],
        json!([{ "text": "Trygghetsvandringar.",
                 "latestProgress": { "status": "ONGOING", "comment": "Rapport genom A" } }]),
        "{public}"
    );

    // Reference data (an in-memory snapshot on each replica): an admin
    // renames a police area through A. B's public answer, cached before,
    // has the new name at once: the reference version in the database
    // tells B to re-read its snapshot first.
    let cached = warm(b, POLICE_AREAS).await;
    assert_eq!(ljungby(&cached), "Lokalpolisområde Ljungby");
    rename_ljungby(a, "Lokalpolisområde Ljungby–Älmhult").await;
    assert_eq!(
        ljungby(&data_at(b, None, POLICE_AREAS, json!({})).await),
        "Lokalpolisområde Ljungby–Älmhult",
        "B served the public the police area's old name"
    );

    // A coverage ended through A: B's very next signed-in request is
    // resolved against it (B checks the reference version in the database
    // before it resolves a token, as it does before a public answer), so
    // Ljungby's police no longer reach Älmhult through B either.
    let police = ljungby_police();
    assert_eq!(
        readable(&data_at(b, Some(&police), ME, json!({})).await),
        ["0781", "0767", "0765"]
    );
    end_almhult_coverage(a).await;
    assert_eq!(
        readable(&data_at(a, Some(&police), ME, json!({})).await),
        ["0781", "0767"],
        "A itself"
    );
    assert_eq!(
        readable(&data_at(b, Some(&police), ME, json!({})).await),
        ["0781", "0767"],
        "B still lets Ljungby's police read Älmhult"
    );
    // The rename, too, for B's signed-in callers.
    assert_eq!(
        ljungby(&data_at(b, Some(&analyst()), POLICE_AREAS, json!({})).await),
        "Lokalpolisområde Ljungby–Älmhult",
        "B's signed-in read has the old name"
    );
}

/// Ljungby's local police area, as a police editor's token names it.
fn ljungby_police() -> String {
    token("polis-ljungby", &["police_editor"], &[], &["lpo-ljungby"])
}

/// The municipalities whose unpublished data the caller reads.
const ME: &str = "{ me { readableMunicipalities { code } } }";

fn readable(data: &Value) -> Vec<String> {
    data["me"]["readableMunicipalities"]
        .as_array()
        .unwrap_or_else(|| panic!("expected readableMunicipalities in {data}"))
        .iter()
        .map(|m| text(&m["code"]))
        .collect()
}

/// The admin renames Ljungby's local police area through `base_url`.
async fn rename_ljungby(base_url: &str, name: &str) {
    let renamed = data_at(
        base_url,
        Some(&admin()),
        "mutation ($n: String!) { renamePoliceArea(code: \"lpo-ljungby\", name: $n) { name } }",
        json!({ "n": name }),
    )
    .await;
    assert_eq!(renamed["renamePoliceArea"]["name"], name);
}

/// The admin ends Ljungby's coverage of Älmhult (0765) yesterday, through
/// `base_url`: from today Ljungby's police no longer reach Älmhult.
async fn end_almhult_coverage(base_url: &str) {
    // Yesterday as the server counts days: in Sweden.
    let yesterday = api::calendar::today() - chrono::Duration::days(1);
    let ended = data_at(
        base_url,
        Some(&admin()),
        "mutation ($to: Date!) {
           endPoliceAreaCoverage(municipality: \"0765\", policeArea: \"lpo-ljungby\", validTo: $to) { validTo } }",
        json!({ "to": yesterday.to_string() }),
    )
    .await;
    assert_eq!(
        ended["endPoliceAreaCoverage"]["validTo"],
        yesterday.to_string()
    );
}

// ---------------------------------------------------------------------------
// Subscriptions across replicas.

const PLEDGE_CHANGED: &str =
    "subscription ($m: String) { pledgeChanged(municipality: $m) { id title status removed } }";

/// One graphql-transport-ws connection with one subscription (id "1").
#[derive(Debug)]
struct Subscriber {
    name: &'static str,
    socket: Socket,
}

impl Subscriber {
    /// Connects to `base_url` anonymously and subscribes to `query`.
    async fn start(name: &'static str, base_url: &str, query: &str, variables: Value) -> Self {
        let mut socket = ws::connect(base_url, &[]).await;
        ws::send(
            &mut socket,
            json!({ "type": "connection_init", "payload": {} }),
        )
        .await;
        let ack = ws::next_json(&mut socket).await;
        assert_eq!(ack["type"], "connection_ack", "{name}: {ack}");
        ws::send(
            &mut socket,
            json!({ "id": "1", "type": "subscribe",
                    "payload": { "query": query, "variables": variables } }),
        )
        .await;
        Self { name, socket }
    }

    /// The data of the next event, a `next` without errors.
    async fn event(&mut self) -> Value {
        let message = ws::next_json(&mut self.socket).await;
        assert_eq!(message["type"], "next", "{}: {message}", self.name);
        assert!(
            message["payload"].get("errors").is_none(),
            "{}: {message}",
            self.name
        );
        message["payload"]["data"].clone()
    }

    /// The next event that is not `seen` again. An event carries keys
    /// only and each subscriber loads its entity when the event arrives:
    /// a write's event read after a later write shows that later state.
    async fn event_past(&mut self, seen: &Value) -> Value {
        loop {
            let event = self.event().await;
            if event != *seen {
                return event;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_on_one_replica_hears_of_a_write_through_the_other() {
    let Some(database) = PostgresDatabase::create().await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set (PostgreSQL only)");
        return;
    };
    let replicas = Replicas::start(database).await;
    let vars = json!({ "m": "0665" });

    // Two anonymous subscribers through the balancer: one on each replica
    // (its counts say which).
    let first = Subscriber::start("first", &replicas.front, PLEDGE_CHANGED, vars.clone()).await;
    let first_on_a = replicas.balancer.answered() == [1, 0];
    let second = Subscriber::start("second", &replicas.front, PLEDGE_CHANGED, vars).await;
    assert_eq!(
        replicas.balancer.answered(),
        [1, 1],
        "the balancer put one subscriber on each replica"
    );
    let (mut on_a, mut on_b) = if first_on_a {
        (first, second)
    } else {
        (second, first)
    };
    replicas.a.listening(1).await;
    replicas.b.listening(1).await;

    // Published through A only: B's subscriber hears of it, as A's does.
    let a = replicas.a.base_url.as_str();
    let (pledge, _) = draft(a, "Löfte över replikgränsen", 2026).await;
    sign_and_publish(a, &pledge).await;
    let published = json!({ "pledgeChanged": {
        "id": pledge, "title": "Löfte över replikgränsen", "status": "PUBLISHED", "removed": false,
    } });
    assert_eq!(
        on_b.event().await,
        published,
        "B's subscriber, of the write through A"
    );
    assert_eq!(on_a.event().await, published);

    // Withdrawn through B only: A's subscriber hears of the removal.
    data_at(
        &replicas.b.base_url,
        Some(&vaggeryd_editor()),
        "mutation ($id: ID!) { withdrawPledge(id: $id, reason: \"Ersätts\") { status } }",
        json!({ "id": pledge }),
    )
    .await;
    let withdrawn = json!({ "pledgeChanged": {
        "id": pledge, "title": "Löfte över replikgränsen", "status": "WITHDRAWN", "removed": true,
    } });
    assert_eq!(
        on_a.event_past(&published).await,
        withdrawn,
        "A's subscriber, of the write through B"
    );
    assert_eq!(on_b.event_past(&published).await, withdrawn);
}

// ---------------------------------------------------------------------------
// SIGTERM to one replica behind the balancer.

/// One request of the client that keeps asking; its answer must be what
/// both replicas gave before the stop.
#[derive(Debug)]
struct Ask {
    token: Option<String>,
    query: &'static str,
}

fn asks() -> Vec<Ask> {
    vec![
        Ask {
            token: None,
            query: r#"{ pledges(filter: { municipality: "0683" }) { totalCount nodes { id title status } } }"#,
        },
        Ask {
            token: Some(varnamo_editor()),
            query: r#"{ me { subject } pledges(filter: { municipality: "0683" }) { totalCount nodes { id status version } } }"#,
        },
        Ask {
            token: None,
            query: r#"{ municipality(code: "0665") { code name policeArea { code name } } focusAreas { code } }"#,
        },
        Ask {
            token: Some(analyst()),
            query: r#"{ pledges(filter: { year: 2024 }, first: 5) { totalCount nodes { id municipality { code } } } }"#,
        },
    ]
}

/// Sends `ask` to `base_url` on a connection of its own; its `data`, or
/// what went wrong.
async fn ask_once(client: &reqwest::Client, base_url: &str, ask: &Ask) -> Result<Value, String> {
    let mut request = client
        .post(format!("{base_url}/graphql"))
        .json(&json!({ "query": ask.query }));
    if let Some(token) = &ask.token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.map_err(|e| format!("{e:?}"))?;
    let status = response.status();
    let body = response.text().await.map_err(|e| format!("{e:?}"))?;
    if status != 200 {
        return Err(format!("HTTP {status}: {body}"));
    }
    let body: Value = serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"))?;
    if body.get("errors").is_some() {
        return Err(format!("errors: {body}"));
    }
    Ok(body["data"].clone())
}

/// A client behind an L4 balancer: a fresh connection per request.
fn fresh_connections() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(PATIENCE)
        .build()
        .expect("a client")
}

/// One of the client's tasks: asks in turn through `front` until `after`
/// requests have been sent since `stopped` turned true; counts each in
/// `progress`. Returns how many it sent and what went wrong.
async fn keep_asking(
    front: String,
    asks: Arc<Vec<(Ask, Value)>>,
    task: usize,
    progress: Arc<watch::Sender<u64>>,
    stopped: watch::Receiver<bool>,
    after: u64,
) -> (u64, Vec<String>) {
    let client = fresh_connections();
    let (mut sent, mut since_stop, mut failures) = (0, 0, Vec::new());
    loop {
        // Read before sending: a request counted after the stop started after it.
        let stopped = *stopped.borrow();
        let (ask, expected) = &asks[(task + sent as usize) % asks.len()];
        match ask_once(&client, &front, ask).await {
            Ok(data) if data == *expected => {}
            Ok(data) => failures.push(format!("task {task}, #{sent}: wrong data {data}")),
            Err(failure) => failures.push(format!("task {task}, #{sent}: {failure}")),
        }
        sent += 1;
        progress.send_modify(|n| *n += 1);
        if stopped {
            since_stop += 1;
            if since_stop == after {
                return (sent, failures);
            }
        }
    }
}

/// Waits until the client's tasks have sent `n` requests in all.
async fn until_sent(progress: &watch::Sender<u64>, n: u64) {
    let mut sent = progress.subscribe();
    let waited = tokio::time::timeout(PATIENCE, sent.wait_for(|&sent| sent >= n)).await;
    assert!(
        matches!(waited, Ok(Ok(_))),
        "the client did not come to {n} requests"
    );
}

/// How many tasks of the client ask at once.
const TASKS: usize = 8;
/// Requests sent through the balancer while the stopped replica's
/// listener is closed and it still finishes its request in flight.
const WHILE_DRAINING: u64 = 40;
/// Requests each task sends after the stopped replica has exited.
const AFTER_EXIT: u64 = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_to_one_replica_behind_the_balancer_loses_no_request() {
    let Some(database) = PostgresDatabase::create().await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set (PostgreSQL only)");
        return;
    };
    let mut replicas = Replicas::start(database).await;
    let front = replicas.front.clone();
    let a_addr = replicas.a.base_url.trim_start_matches("http://").to_owned();

    // What each request must answer: what both replicas answer now.
    let client = reqwest::Client::new();
    let mut expected = Vec::new();
    for ask in asks() {
        let on_a = ask_once(&client, &replicas.a.base_url, &ask).await;
        let on_b = ask_once(&client, &replicas.b.base_url, &ask).await;
        let data = on_a.unwrap_or_else(|e| panic!("{}: {e}", ask.query));
        assert_eq!(on_b.as_ref(), Ok(&data), "the replicas disagree");
        expected.push((ask, data));
    }
    let asks = Arc::new(expected);

    // A slow request through the balancer: its body comes in two chunks,
    // the second only once A is stopping. The balancer's first connection
    // goes to A, which is reading it when the signal arrives. (It asks
    // for the connection to close after the answer, whoever answers.)
    let slow = SlowRequest::start(front.trim_start_matches("http://")).await;
    replicas
        .a
        .wait_for_metric("medborgarloften_requests_in_flight", 1.0)
        .await;

    // The client asks all along, from a few tasks at once.
    let progress = Arc::new(watch::channel(0).0);
    let (stop, stopped) = watch::channel(false);
    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            tokio::spawn(keep_asking(
                front.clone(),
                asks.clone(),
                task,
                progress.clone(),
                stopped.clone(),
                AFTER_EXIT,
            ))
        })
        .collect();
    until_sent(&progress, 40).await;
    let before_stop = replicas.balancer.answered();
    assert!(
        before_stop.iter().all(|&n| n > 0),
        "both replicas serve before the stop: {before_stop:?}"
    );

    replicas.a.terminate();
    // A's listener closes: connections to it are refused from now on.
    until_refused(&a_addr, PATIENCE).await;
    // The client goes on while A drains: about every other connection is
    // the balancer's to place elsewhere.
    let refused_at = *progress.borrow();
    until_sent(&progress, refused_at + WHILE_DRAINING).await;

    // The request in flight on A completes, with its answer from A (not
    // replayed on B by the balancer after A dropped it).
    let slow_client = slow.local_addr();
    slow.finish().await;
    assert_eq!(
        replicas.balancer.upstream_of(slow_client),
        Some(0),
        "A did not answer the request it was reading"
    );

    let status = replicas.a.exited().await;
    assert!(
        status.success(),
        "A exited with {status}: {}",
        replicas.a.log()
    );
    stop.send_replace(true);

    let (mut sent, mut failures) = (0, Vec::new());
    for task in tasks {
        let (n, failed) = task.await.expect("a task of the client");
        sent += n;
        failures.extend(failed);
    }
    assert!(
        failures.is_empty(),
        "{} of {sent} requests failed, the first ones: {:#?}",
        failures.len(),
        &failures[..failures.len().min(10)]
    );
    assert!(sent >= 40 + WHILE_DRAINING + AFTER_EXIT * TASKS as u64);
    // The stop did meet requests: the balancer placed some of A's turns on B.
    let (refused, unanswered) = (replicas.balancer.refused(), replicas.balancer.unanswered());
    assert!(refused > 0, "no request met the stopped replica");
    let after = replicas.balancer.answered();
    assert!(after[1] > before_stop[1], "{before_stop:?} -> {after:?}");
    eprintln!(
        "{sent} requests; answered by A, B: {after:?}; moved to B: {refused} refused by A, \
         {unanswered} closed or reset by A unanswered"
    );
}
