//! The sync feed: integrations poll `followUps(filter: {updatedSince})` and
//! must end with exactly the server's view, whatever happened in between.
//!
//! A Vaggeryd (0665) editor runs a scripted, pseudo-random sequence of
//! report writes (create, update, publish, withdraw) on a published pledge —
//! and, at the same time, an lpo-varnamo police editor runs another one on
//! the same pledge, so that writes also commit concurrently — while three
//! clients poll the feed: the public, a Värnamo viewer (who
//! sees of Vaggeryd only what the public sees) and a Vaggeryd viewer (who
//! sees drafts too). Each client applies what it receives — `removed: true`
//! deletes its copy, anything else is stored — and moves its watermark to
//! the newest `updatedAt` it received. Once the writers stop and each client
//! has polled one last time, every client's copy must equal what a full
//! read (`followUps` without `updatedSince`) shows it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::{Value, json};
use tests::{TestApp, db_test, token};

/// Writer steps.
const STEPS: usize = 40;

/// Seeds of the writers' scripts.
const SEEDS: [u64; 2] = [0x5eed_2026, 0x0665_0683];

fn vaggeryd_editor() -> String {
    token("anna-vaggeryd", &["municipality_editor"], &["0665"], &[])
}

fn lpo_varnamo_editor() -> String {
    token("per-lpo-varnamo", &["police_editor"], &[], &["lpo-varnamo"])
}

fn id_of(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected an ID, got {value}"))
        .to_owned()
}

fn number(value: &Value) -> i64 {
    value
        .as_i64()
        .unwrap_or_else(|| panic!("expected a number, got {value}"))
}

/// A published 2026 Vaggeryd pledge with two commitments: (pledge,
/// commitments).
async fn published_pledge(app: &TestApp) -> (String, Vec<String>) {
    let editor = vaggeryd_editor();
    let created = app
        .data_as(
            &editor,
            "mutation { createPledge(input: { municipality: \"0665\", policeArea: \"lpo-varnamo\",
               year: 2026, title: \"Medborgarlöfte Vaggeryd 2026\",
               validFrom: \"2026-01-01\", validTo: \"2026-12-31\" }) { id } }",
            json!({}),
        )
        .await;
    let pledge = id_of(&created["createPledge"]["id"]);
    let mut commitments = Vec::new();
    for text in [
        "Vi genomför trygghetsvandringar i Skillingaryd.",
        "Vi håller trygghetsrundor vid resecentrum.",
    ] {
        let added = app
            .data_as(
                &editor,
                "mutation ($id: ID!, $text: String!) {
                   addCommitment(pledgeId: $id, input: { text: $text, responsible: JOINT }) { id }
                 }",
                json!({ "id": pledge, "text": text }),
            )
            .await;
        commitments.push(id_of(&added["addCommitment"]["id"]));
    }
    for approver in [vaggeryd_editor(), lpo_varnamo_editor()] {
        app.data_as(
            &approver,
            "mutation ($id: ID!) { approvePledge(id: $id) { status } }",
            json!({ "id": pledge }),
        )
        .await;
    }
    let published = app
        .data_as(
            &editor,
            "mutation ($id: ID!) { publishPledge(id: $id) { status } }",
            json!({ "id": pledge }),
        )
        .await;
    assert_eq!(published["publishPledge"]["status"], "PUBLISHED");
    (pledge, commitments)
}

/// A small deterministic generator (Knuth's MMIX LCG).
#[derive(Debug)]
struct Lcg(u64);

impl Script {
    fn add(mut self, other: Script) -> Script {
        self.created += other.created;
        self.updated += other.updated;
        self.published += other.published;
        self.withdrawn_drafts += other.withdrawn_drafts;
        self.withdrawn_published += other.withdrawn_published;
        self.withdrawn_after_public_saw
            .extend(other.withdrawn_after_public_saw);
        self
    }
}

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// A report as the writer knows it.
#[derive(Debug, Clone)]
struct Written {
    id: String,
    version: i64,
    status: &'static str,
    /// AD_HOC reports of one day each, never overlapping.
    day: NaiveDate,
}

/// What the writer did, by kind.
#[derive(Debug, Default)]
struct Script {
    created: usize,
    updated: usize,
    published: usize,
    withdrawn_drafts: usize,
    withdrawn_published: usize,
    /// Published reports withdrawn after the public client had seen them.
    withdrawn_after_public_saw: BTreeSet<String>,
}

const CREATE: &str = "mutation ($input: FollowUpReportInput!) {
  createFollowUpReport(input: $input) { id version status }
}";
const UPDATE: &str = "mutation ($id: ID!, $v: Int!, $input: FollowUpReportInput!) {
  updateFollowUpReport(id: $id, expectedVersion: $v, input: $input) { id version status }
}";
const PUBLISH: &str =
    "mutation ($id: ID!) { publishFollowUpReport(id: $id) { id version status } }";
const WITHDRAW: &str = "mutation ($id: ID!) {
  withdrawFollowUpReport(id: $id, reason: \"Återkallad\") { id version status }
}";

fn input(pledge: &str, commitments: &[String], day: NaiveDate, summary: &str) -> Value {
    let progress: Vec<Value> = commitments
        .iter()
        .map(|c| json!({ "commitmentId": c, "status": "ONGOING", "progressPercent": 50 }))
        .collect();
    json!({
        "pledgeId": pledge,
        "periodKind": "AD_HOC",
        "periodStart": day.to_string(),
        "periodEnd": day.to_string(),
        "summary": summary,
        "progress": progress,
    })
}

/// Waits until the public client has seen `id`; false after a while.
async fn public_has_seen(seen: &Mutex<BTreeSet<String>>, id: &str) -> bool {
    for _ in 0..2_000 {
        if seen.lock().expect("seen set").contains(id) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    false
}

/// A writer: `STEPS` pseudo-random writes of its own reports, dated from
/// `first_day` on, each of which must succeed.
async fn writer(
    app: Arc<TestApp>,
    editor: String,
    seed: u64,
    first_day: NaiveDate,
    pledge: String,
    commitments: Vec<String>,
    public_seen: Arc<Mutex<BTreeSet<String>>>,
) -> Script {
    let mut rng = Lcg(seed);
    let mut reports: Vec<Written> = Vec::new();
    let mut script = Script::default();
    let mut next_day = first_day;
    let write = |query: &'static str, variables: Value| {
        let app = app.clone();
        let editor = editor.clone();
        async move {
            let data = app.data_as(&editor, query, variables).await;
            data.as_object()
                .and_then(|o| o.values().next())
                .cloned()
                .expect("the mutation's result")
        }
    };
    for step in 0..STEPS {
        let drafts: Vec<usize> = (0..reports.len())
            .filter(|&i| reports[i].status == "DRAFT")
            .collect();
        let live: Vec<usize> = (0..reports.len())
            .filter(|&i| reports[i].status != "WITHDRAWN")
            .collect();
        let roll = rng.below(100);
        let action = match roll {
            _ if reports.is_empty() => "create",
            0..=29 => "create",
            30..=54 if !drafts.is_empty() => "update",
            55..=79 if !drafts.is_empty() => "publish",
            80..=99 if !live.is_empty() => "withdraw",
            _ => "create",
        };
        match action {
            "create" => {
                let day = next_day;
                next_day = next_day.succ_opt().expect("a next day");
                let made = write(
                    CREATE,
                    json!({ "input": input(&pledge, &commitments, day, &format!("Rapport {day} v1")) }),
                )
                .await;
                assert_eq!(made["status"], "DRAFT", "step {step}: {made}");
                reports.push(Written {
                    id: id_of(&made["id"]),
                    version: number(&made["version"]),
                    status: "DRAFT",
                    day,
                });
                script.created += 1;
            }
            "update" => {
                let i = drafts[rng.below(drafts.len())];
                let r = &reports[i];
                let summary = format!("Rapport {} v{}", r.day, r.version + 1);
                let made = write(
                    UPDATE,
                    json!({ "id": r.id, "v": r.version, "input": input(&pledge, &commitments, r.day, &summary) }),
                )
                .await;
                assert_eq!(made["version"], r.version + 1, "step {step}: {made}");
                reports[i].version = number(&made["version"]);
                script.updated += 1;
            }
            "publish" => {
                let i = drafts[rng.below(drafts.len())];
                let made = write(PUBLISH, json!({ "id": reports[i].id })).await;
                assert_eq!(made["status"], "PUBLISHED", "step {step}: {made}");
                reports[i].version = number(&made["version"]);
                reports[i].status = "PUBLISHED";
                script.published += 1;
            }
            _ => {
                let i = live[rng.below(live.len())];
                let was_published = reports[i].status == "PUBLISHED";
                // The first published withdrawal, and every other one after
                // it, waits until the public has its copy: tombstones must be
                // delivered. The others race the pollers.
                if was_published
                    && (script.withdrawn_published == 0 || rng.below(2) == 0)
                    && public_has_seen(&public_seen, &reports[i].id).await
                {
                    script
                        .withdrawn_after_public_saw
                        .insert(reports[i].id.clone());
                }
                let made = write(WITHDRAW, json!({ "id": reports[i].id })).await;
                assert_eq!(made["status"], "WITHDRAWN", "step {step}: {made}");
                reports[i].version = number(&made["version"]);
                reports[i].status = "WITHDRAWN";
                if was_published {
                    script.withdrawn_published += 1;
                } else {
                    script.withdrawn_drafts += 1;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(rng.below(4) as u64)).await;
    }
    // End with at least one draft, so the staff copy has one to show.
    if !reports.iter().any(|r| r.status == "DRAFT") {
        let made = write(
            CREATE,
            json!({ "input": input(&pledge, &commitments, next_day, "Sista utkastet") }),
        )
        .await;
        assert_eq!(made["status"], "DRAFT", "{made}");
        script.created += 1;
    }
    script
}

/// A client's copy of one report.
type Copy = BTreeMap<String, (String, i64, Option<String>)>;

/// A polling client.
#[derive(Debug)]
struct Client {
    name: &'static str,
    token: Option<String>,
    copy: Copy,
    watermark: DateTime<Utc>,
    polls: usize,
    /// Every report ID the client ever held.
    ever_held: BTreeSet<String>,
}

const FEED: &str = "query ($since: DateTime!, $after: String) {
  followUps(filter: { municipality: \"0665\", updatedSince: $since }, first: 20, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id status version summary updatedAt removed progress { status } }
  }
}";

const FULL: &str = "query ($after: String) {
  followUps(filter: { municipality: \"0665\" }, first: 20, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id status version summary removed }
  }
}";

fn timestamp(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| panic!("updatedAt is RFC 3339: {value}"))
}

impl Client {
    fn new(name: &'static str, token: Option<String>) -> Self {
        Self {
            name,
            token,
            copy: Copy::new(),
            watermark: DateTime::<Utc>::UNIX_EPOCH,
            polls: 0,
            ever_held: BTreeSet::new(),
        }
    }

    async fn query(&self, app: &TestApp, query: &str, variables: Value) -> Value {
        let (status, body) = app.gql_as(self.token.as_deref(), query, variables).await;
        assert_eq!(status, 200, "{}: {body}", self.name);
        assert!(body.get("errors").is_none(), "{}: {body}", self.name);
        body["data"]["followUps"].clone()
    }

    /// One sync: every page since the watermark, applied in order.
    async fn poll(&mut self, app: &TestApp, seen: Option<&Mutex<BTreeSet<String>>>) {
        let since = self.watermark.to_rfc3339_opts(SecondsFormat::Micros, true);
        let mut after = Value::Null;
        let mut newest = self.watermark;
        loop {
            let page = self
                .query(app, FEED, json!({ "since": since, "after": after }))
                .await;
            for node in page["nodes"].as_array().expect("nodes") {
                let id = id_of(&node["id"]);
                let at = timestamp(&node["updatedAt"]);
                assert!(
                    at >= self.watermark,
                    "{}: {node} is older than the watermark {since}",
                    self.name
                );
                newest = newest.max(at);
                if node["removed"] == true {
                    assert_eq!(node["summary"], Value::Null, "{}: {node}", self.name);
                    assert_eq!(node["progress"], json!([]), "{}: {node}", self.name);
                    // Also for a report it never held: harmless.
                    self.copy.remove(&id);
                    continue;
                }
                assert_eq!(node["removed"], false, "{}: {node}", self.name);
                let version = number(&node["version"]);
                let held = self.copy.get(&id).map(|(_, v, _)| *v);
                // Newer (or the same, re-delivered) version wins.
                if held.is_none_or(|v| v <= version) {
                    self.copy.insert(
                        id.clone(),
                        (
                            node["status"].as_str().expect("status").to_owned(),
                            version,
                            node["summary"].as_str().map(str::to_owned),
                        ),
                    );
                }
                self.ever_held.insert(id.clone());
                if let Some(seen) = seen {
                    seen.lock().expect("seen set").insert(id);
                }
            }
            if page["pageInfo"]["hasNextPage"] == true {
                after = page["pageInfo"]["endCursor"].clone();
                assert!(after.is_string(), "{}: {page}", self.name);
            } else {
                break;
            }
        }
        self.watermark = newest;
        self.polls += 1;
    }

    /// What a full read shows this client now.
    async fn server_view(&self, app: &TestApp) -> Copy {
        let mut view = Copy::new();
        let mut after = Value::Null;
        let mut total = None;
        loop {
            let page = self.query(app, FULL, json!({ "after": after })).await;
            total.get_or_insert_with(|| number(&page["totalCount"]));
            for node in page["nodes"].as_array().expect("nodes") {
                assert_eq!(node["removed"], false, "{}: {node}", self.name);
                let fresh = view.insert(
                    id_of(&node["id"]),
                    (
                        node["status"].as_str().expect("status").to_owned(),
                        number(&node["version"]),
                        node["summary"].as_str().map(str::to_owned),
                    ),
                );
                assert!(fresh.is_none(), "{}: listed twice: {node}", self.name);
            }
            if page["pageInfo"]["hasNextPage"] == true {
                after = page["pageInfo"]["endCursor"].clone();
            } else {
                break;
            }
        }
        assert_eq!(
            total,
            Some(view.len() as i64),
            "{}: totalCount of the full read",
            self.name
        );
        view
    }
}

/// Polls until `stop`, then once more.
async fn run_client(
    app: Arc<TestApp>,
    mut client: Client,
    stop: Arc<AtomicBool>,
    seen: Option<Arc<Mutex<BTreeSet<String>>>>,
) -> Client {
    while !stop.load(Ordering::SeqCst) {
        client.poll(&app, seen.as_deref()).await;
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    client.poll(&app, seen.as_deref()).await;
    client
}

fn statuses(copy: &Copy) -> BTreeSet<&str> {
    copy.values().map(|(s, _, _)| s.as_str()).collect()
}

db_test!(
    polling_clients_end_with_exactly_the_servers_view_while_writers_work,
    |app| {
        let app = Arc::new(app);
        let (pledge, commitments) = published_pledge(&app).await;
        let stop = Arc::new(AtomicBool::new(false));
        let public_seen = Arc::new(Mutex::new(BTreeSet::new()));
        let clients = [
            Client::new("anonymous", None),
            Client::new(
                "Värnamo viewer",
                Some(token("vera-varnamo", &["viewer"], &["0683"], &[])),
            ),
            Client::new(
                "Vaggeryd viewer",
                Some(token("ville-vaggeryd", &["viewer"], &["0665"], &[])),
            ),
        ];
        let tasks: Vec<_> = clients
            .into_iter()
            .map(|client| {
                let seen = (client.name == "anonymous").then(|| public_seen.clone());
                tokio::spawn(run_client(app.clone(), client, stop.clone(), seen))
            })
            .collect();
        let writers: Vec<_> = [
            (vaggeryd_editor(), SEEDS[0], (2026, 2, 1)),
            (lpo_varnamo_editor(), SEEDS[1], (2026, 7, 1)),
        ]
        .into_iter()
        .map(|(editor, seed, (y, m, d))| {
            tokio::spawn(writer(
                app.clone(),
                editor,
                seed,
                NaiveDate::from_ymd_opt(y, m, d).expect("a date"),
                pledge.clone(),
                commitments.clone(),
                public_seen.clone(),
            ))
        })
        .collect();
        let mut script = Script::default();
        for task in writers {
            script = script.add(task.await.expect("a writer finishes"));
        }
        stop.store(true, Ordering::SeqCst);
        let mut finished = Vec::new();
        for task in tasks {
            finished.push(task.await.expect("a client finishes"));
        }
        let [anonymous, varnamo, vaggeryd] =
            <[Client; 3]>::try_from(finished).expect("three clients");

        // The scripts did every kind of write.
        assert!(script.created >= 10, "{script:?}");
        assert!(script.updated >= 6, "{script:?}");
        assert!(script.published >= 6, "{script:?}");
        assert!(script.withdrawn_drafts >= 2, "{script:?}");
        assert!(script.withdrawn_published >= 2, "{script:?}");

        for client in [&anonymous, &varnamo, &vaggeryd] {
            assert!(
                client.polls >= 3,
                "{} polled only {} times while the writers ran",
                client.name,
                client.polls
            );
            let view = client.server_view(&app).await;
            assert_eq!(
                client.copy, view,
                "{}: the synced copy differs from the server's view ({script:?})",
                client.name
            );
        }

        // The public (and a Värnamo viewer, who reads Vaggeryd as the public
        // does) hold published reports only; staff hold drafts too.
        assert_eq!(anonymous.copy, varnamo.copy);
        assert_eq!(statuses(&anonymous.copy), BTreeSet::from(["PUBLISHED"]));
        assert!(
            statuses(&vaggeryd.copy).contains("DRAFT"),
            "{:?}",
            vaggeryd.copy
        );
        assert!(
            anonymous
                .copy
                .keys()
                .all(|id| vaggeryd.copy.contains_key(id)),
            "staff see all the public sees"
        );

        // Tombstones were delivered: reports the public held were withdrawn
        // and are gone from its copy.
        assert!(
            !script.withdrawn_after_public_saw.is_empty(),
            "no published report was withdrawn after the public saw it: {script:?}"
        );
        for id in &script.withdrawn_after_public_saw {
            assert!(anonymous.ever_held.contains(id), "{id}");
            assert!(!anonymous.copy.contains_key(id), "{id} is still held");
            assert!(!varnamo.copy.contains_key(id), "{id} is still held");
            assert_eq!(
                vaggeryd.copy.get(id).map(|(s, _, _)| s.as_str()),
                Some("WITHDRAWN"),
                "staff keep the withdrawn report, marked so"
            );
        }
    }
);

db_test!(
    withdrawing_the_pledge_removes_its_reports_from_a_public_sync,
    |app| {
        let (pledge, commitments) = published_pledge(&app).await;
        let editor = vaggeryd_editor();
        let mut published = Vec::new();
        for (n, day) in [(1, 2), (2, 3)] {
            let day = NaiveDate::from_ymd_opt(2026, 3, day).expect("a date");
            let made = app
                .data_as(
                    &editor,
                    CREATE,
                    json!({ "input": input(&pledge, &commitments, day, &format!("Rapport {n}")) }),
                )
                .await;
            let id = id_of(&made["createFollowUpReport"]["id"]);
            app.data_as(&editor, PUBLISH, json!({ "id": id })).await;
            published.push(id);
        }
        let mut public = Client::new("anonymous", None);
        public.poll(&app, None).await;
        assert_eq!(
            public.copy.keys().cloned().collect::<BTreeSet<_>>(),
            published.iter().cloned().collect::<BTreeSet<_>>()
        );
        let before = public.watermark;

        app.data_as(
            &editor,
            "mutation ($id: ID!) { withdrawPledge(id: $id, reason: \"Ersätts\") { status } }",
            json!({ "id": pledge }),
        )
        .await;
        public.poll(&app, None).await;
        assert!(public.copy.is_empty(), "still held: {:?}", public.copy);
        assert!(
            public.watermark > before,
            "the removals moved the watermark"
        );
        assert_eq!(public.server_view(&app).await, Copy::new());
        // Polling again changes nothing.
        public.poll(&app, None).await;
        assert!(public.copy.is_empty(), "{:?}", public.copy);
    }
);
