//! Follow-up end to end, through the API only. A Vaggeryd (0665) editor
//! creates a 2026 pledge with three commitments, both sides sign it and it
//! is published; then a T1 report (January–April) is drafted with progress
//! for every commitment. As a draft only callers reaching Vaggeryd see it —
//! in no list, count, sync feed, nested field, `node(id:)` or export does it
//! exist for the public or for a Värnamo editor — and once published
//! everyone sees it, with `commitment.latestProgress` showing its entries.
//!
//! Around that: the period rules, the lifecycle of a report, one audit
//! entry per accepted write (none for a refused one), activities as the
//! evidence counted by progress entries, the seeded article activities, and
//! rating commitments once their pledge has ended.

use std::collections::BTreeMap;

use chrono::Duration;
use serde_json::{Value, json};
use tests::{TestApp, db_test, error_codes, token};

fn vaggeryd_editor() -> String {
    token("anna-vaggeryd", &["municipality_editor"], &["0665"], &[])
}

fn lpo_varnamo_editor() -> String {
    token("per-lpo-varnamo", &["police_editor"], &[], &["lpo-varnamo"])
}

fn varnamo_editor() -> String {
    token("eva-varnamo", &["municipality_editor"], &["0683"], &[])
}

fn admin() -> String {
    token("root", &["admin"], &[], &[])
}

const COMMITMENTS: [&str; 3] = [
    "Vi genomför trygghetsvandringar i Skillingaryd.",
    "Vi håller trygghetsrundor vid resecentrum i Vaggeryd.",
    "Vi bjuder in till medborgardialoger i Hok och Bondstorp.",
];

/// Global IDs of a pledge and its commitments, in position order.
#[derive(Debug, Clone)]
struct Pledge {
    id: String,
    commitments: Vec<String>,
}

/// How far a new pledge gets through its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Draft,
    Signed,
    Published,
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

/// The Vaggeryd editor creates a pledge for `valid_from..=valid_to` with
/// the three commitments and takes it to `stage`.
async fn pledge_for(app: &TestApp, valid_from: &str, valid_to: &str, stage: Stage) -> Pledge {
    let editor = vaggeryd_editor();
    let year: i32 = valid_from[..4].parse().expect("a year");
    let created = app
        .data_as(
            &editor,
            "mutation ($year: Int!, $from: Date!, $to: Date!) {
               createPledge(input: { municipality: \"0665\", policeArea: \"lpo-varnamo\", year: $year,
                 title: \"Medborgarlöfte Vaggeryd\", validFrom: $from, validTo: $to }) { id status }
             }",
            json!({ "year": year, "from": valid_from, "to": valid_to }),
        )
        .await;
    assert_eq!(created["createPledge"]["status"], "DRAFT", "{created}");
    let id = id_of(&created["createPledge"]["id"]);
    let mut commitments = Vec::new();
    for (i, text) in COMMITMENTS.iter().enumerate() {
        let added = app
            .data_as(
                &editor,
                "mutation ($id: ID!, $text: String!) {
                   addCommitment(pledgeId: $id, input: { text: $text, responsible: JOINT }) { id position }
                 }",
                json!({ "id": id, "text": text }),
            )
            .await;
        assert_eq!(added["addCommitment"]["position"], i + 1, "{added}");
        commitments.push(id_of(&added["addCommitment"]["id"]));
    }
    if stage != Stage::Draft {
        for approver in [vaggeryd_editor(), lpo_varnamo_editor()] {
            app.data_as(
                &approver,
                "mutation ($id: ID!) { approvePledge(id: $id) { status } }",
                json!({ "id": id }),
            )
            .await;
        }
        let now = app
            .data_as(
                &editor,
                "query ($id: ID!) { pledge(id: $id) { status } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(now["pledge"]["status"], "SIGNED", "{now}");
    }
    if stage == Stage::Published {
        let published = app
            .data_as(
                &editor,
                "mutation ($id: ID!) { publishPledge(id: $id) { status } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(published["publishPledge"]["status"], "PUBLISHED");
    }
    Pledge { id, commitments }
}

/// A published pledge for the whole of 2026.
async fn published_2026(app: &TestApp) -> Pledge {
    pledge_for(app, "2026-01-01", "2026-12-31", Stage::Published).await
}

/// A `FollowUpReportInput`; `progress` is (commitment, status, percent).
fn report_input(
    pledge: &Pledge,
    kind: &str,
    start: &str,
    end: &str,
    progress: &[(&str, &str, i64)],
) -> Value {
    let entries: Vec<Value> = progress
        .iter()
        .map(|(commitment, status, percent)| {
            json!({
                "commitmentId": commitment,
                "status": status,
                "progressPercent": percent,
                "comment": format!("{kind} {start}: {status} {percent} %"),
            })
        })
        .collect();
    json!({
        "pledgeId": pledge.id,
        "periodKind": kind,
        "periodStart": start,
        "periodEnd": end,
        "summary": format!("Uppföljning {kind} {start} – {end}"),
        "progress": entries,
    })
}

/// Progress for every commitment of `pledge`.
fn full_progress<'a>(
    pledge: &'a Pledge,
    entries: &[(&'a str, i64)],
) -> Vec<(&'a str, &'a str, i64)> {
    pledge
        .commitments
        .iter()
        .zip(entries)
        .map(|(c, (status, percent))| (c.as_str(), *status, *percent))
        .collect()
}

const CREATE: &str = "mutation ($input: FollowUpReportInput!) {
  createFollowUpReport(input: $input) {
    id status version periodKind periodStart periodEnd cumulative summary updatedAt
    pledge { id }
    progress { commitment { id } status progressPercent comment }
  }
}";

const UPDATE: &str = "mutation ($id: ID!, $v: Int!, $input: FollowUpReportInput!) {
  updateFollowUpReport(id: $id, expectedVersion: $v, input: $input) {
    id status version summary periodStart periodEnd progress { commitment { id } status }
  }
}";

const PUBLISH: &str =
    "mutation ($id: ID!) { publishFollowUpReport(id: $id) { id status version publishedAt } }";

const WITHDRAW: &str = "mutation ($id: ID!) {
  withdrawFollowUpReport(id: $id, reason: \"Uppgifterna var felaktiga\") { id status version }
}";

/// Creates a report as the Vaggeryd editor; returns the created report.
async fn create_report(app: &TestApp, input: Value) -> Value {
    app.data_as(&vaggeryd_editor(), CREATE, json!({ "input": input }))
        .await["createFollowUpReport"]
        .clone()
}

/// Runs `query` as `token`, asserts HTTP 200 and exactly the one error
/// `code`, and no data leaking beside it; returns that error.
async fn expect_error(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    variables: Value,
    code: &str,
) -> Value {
    let (status, body) = app.gql_as(token, query, variables.clone()).await;
    assert_eq!(status, 200, "{query} with {variables}: {body}");
    assert_eq!(
        error_codes(&body),
        [code],
        "{query} with {variables}: {body}"
    );
    assert!(
        body["data"].is_null()
            || body["data"]
                .as_object()
                .is_some_and(|d| d.values().all(Value::is_null)),
        "a refused call returned data: {body}"
    );
    body["errors"][0].clone()
}

/// Every follow-up report with its progress, as an admin sees it, and the
/// number of follow-up audit entries.
async fn follow_up_state(app: &TestApp) -> Value {
    app.data_as(
        &admin(),
        "{
           followUps(first: 100) {
             totalCount
             nodes {
               id status version summary periodKind periodStart periodEnd updatedAt publishedAt
               progress { commitment { id } status progressPercent comment }
             }
           }
           auditLog(filter: { entityType: \"FOLLOW_UP_REPORT\" }, first: 1) { totalCount }
         }",
        json!({}),
    )
    .await
}

/// A refused write: exactly the error `code` (naming `field`, when given),
/// and no report, progress entry or audit entry changed.
async fn assert_refused(
    app: &TestApp,
    query: &str,
    variables: Value,
    code: &str,
    field: Option<&str>,
) -> Value {
    let before = follow_up_state(app).await;
    let error = expect_error(
        app,
        Some(&vaggeryd_editor()),
        query,
        variables.clone(),
        code,
    )
    .await;
    match field {
        Some(field) => assert_eq!(
            error["extensions"]["field"], field,
            "{query} with {variables}: {error}"
        ),
        None => assert!(
            error["extensions"].get("field").is_none(),
            "{query} with {variables}: {error}"
        ),
    }
    assert_eq!(
        follow_up_state(app).await,
        before,
        "the refused {query} with {variables} changed something"
    );
    error
}

/// Who looks at the report.
#[derive(Debug)]
struct Observer {
    name: &'static str,
    token: Option<String>,
}

fn observers() -> [Observer; 4] {
    [
        Observer {
            name: "anonymous",
            token: None,
        },
        Observer {
            name: "Värnamo municipality editor",
            token: Some(varnamo_editor()),
        },
        Observer {
            name: "Vaggeryd municipality editor",
            token: Some(vaggeryd_editor()),
        },
        Observer {
            name: "lpo-varnamo police editor",
            token: Some(lpo_varnamo_editor()),
        },
    ]
}

const EVERYWHERE: &str = "query ($pledge: ID!) {
  all: followUps { totalCount nodes { id status removed } }
  vaggeryd: followUps(filter: { municipality: \"0665\" }) { totalCount nodes { id status removed } }
  ofPledge: followUps(filter: { pledge: $pledge }) { totalCount nodes { id status removed } }
  ofYear: followUps(filter: { year: 2026, municipality: \"0665\" }) { totalCount nodes { id status removed } }
  drafts: followUps(filter: { status: DRAFT }) { totalCount nodes { id status removed } }
  sync: followUps(filter: { updatedSince: \"1970-01-01T00:00:00Z\" }) { totalCount nodes { id status removed } }
  syncVaggeryd: followUps(filter: { updatedSince: \"2000-01-01T00:00:00Z\", municipality: \"0665\" }) {
    totalCount nodes { id status removed }
  }
  pledge(id: $pledge) {
    followUps { id status }
    commitments {
      id
      latestProgress { status progressPercent report { id status } }
      progressHistory { status report { id } }
    }
  }
  municipality(code: \"0665\") { pledges { followUps { id } } }
}";

/// The rows of `/export/follow-ups.csv` as `token` gets them, each as
/// column name -> value.
async fn export_csv(app: &TestApp, token: Option<&str>) -> Vec<BTreeMap<String, String>> {
    let mut request = app
        .client
        .get(format!("{}/export/follow-ups.csv", app.base_url));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the export answers");
    assert_eq!(response.status(), 200, "export status");
    let text = response.text().await.expect("the export body is text");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("a header row").clone();
    reader
        .records()
        .map(|record| {
            let record = record.expect("a well-formed CSV row");
            headers
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

/// The T1 report's progress comments start with this (see `report_input`).
const T1_MARKER: &str = "T1 2026-01-01:";

/// Asserts where `observer` finds the T1 report `report`: everywhere with
/// `status` if `sees`, nowhere otherwise. It is the only report in the
/// database. `latest` is the (status, percent) per commitment that
/// `latestProgress` must show (None: null).
async fn assert_report_visibility(
    app: &TestApp,
    observer: &Observer,
    pledge: &Pledge,
    report: &str,
    status: &str,
    sees: bool,
    latest: Option<&[(&str, i64)]>,
) {
    let who = format!("{} ({status})", observer.name);
    let token = observer.token.as_deref();
    let (code, body) = app
        .gql_as(token, EVERYWHERE, json!({ "pledge": pledge.id }))
        .await;
    assert_eq!(code, 200, "{who}: {body}");
    assert!(body.get("errors").is_none(), "{who}: {body}");
    let data = &body["data"];
    let listed_in_drafts = sees && status == "DRAFT";
    for (list, expected) in [
        ("all", sees),
        ("vaggeryd", sees),
        ("ofPledge", sees),
        ("ofYear", sees),
        ("drafts", listed_in_drafts),
        ("sync", sees),
        ("syncVaggeryd", sees),
    ] {
        let nodes = data[list]["nodes"]
            .as_array()
            .unwrap_or_else(|| panic!("{who}: {list} has no nodes: {body}"));
        let ids: Vec<&str> = nodes.iter().filter_map(|n| n["id"].as_str()).collect();
        // A report the caller never could see is not even a removal.
        assert_eq!(
            ids,
            if expected { vec![report] } else { vec![] },
            "{who}: {list}: {body}"
        );
        assert_eq!(
            data[list]["totalCount"],
            i64::from(expected),
            "{who}: totalCount of {list}: {body}"
        );
        if expected {
            assert_eq!(nodes[0]["status"], status, "{who}: {list}: {body}");
            assert_eq!(nodes[0]["removed"], false, "{who}: {list}: {body}");
        }
    }
    let of_pledge = data["pledge"]["followUps"].to_string();
    assert_eq!(
        of_pledge.contains(report),
        sees,
        "{who}: pledge.followUps {of_pledge}"
    );
    let nested = data["municipality"]["pledges"].to_string();
    assert_eq!(
        nested.contains(report),
        sees,
        "{who}: municipality.pledges.followUps {nested}"
    );
    let commitments = data["pledge"]["commitments"]
        .as_array()
        .unwrap_or_else(|| panic!("{who}: no commitments: {body}"));
    assert_eq!(commitments.len(), pledge.commitments.len(), "{who}: {body}");
    for (i, commitment) in commitments.iter().enumerate() {
        match latest {
            None => assert_eq!(
                commitment["latestProgress"],
                Value::Null,
                "{who}: commitment {i} latestProgress: {body}"
            ),
            Some(entries) => assert_eq!(
                commitment["latestProgress"],
                json!({
                    "status": entries[i].0,
                    "progressPercent": entries[i].1,
                    "report": { "id": report, "status": "PUBLISHED" },
                }),
                "{who}: commitment {i} latestProgress: {body}"
            ),
        }
        let history = commitment["progressHistory"].to_string();
        assert_eq!(
            history.contains(report),
            sees,
            "{who}: commitment {i} progressHistory: {history}"
        );
    }

    let (code, body) = app
        .gql_as(
            token,
            "query ($id: ID!) { node(id: $id) { id ... on FollowUpReport { status summary } } }",
            json!({ "id": report }),
        )
        .await;
    assert_eq!(code, 200, "{who}: {body}");
    if sees {
        assert!(body.get("errors").is_none(), "{who}: node: {body}");
        assert_eq!(body["data"]["node"]["id"], report, "{who}: {body}");
        assert_eq!(body["data"]["node"]["status"], status, "{who}: {body}");
    } else {
        assert_eq!(error_codes(&body), ["NOT_FOUND"], "{who}: node: {body}");
        assert_eq!(body["data"]["node"], Value::Null, "{who}: {body}");
        assert!(
            !body.to_string().contains("Uppföljning"),
            "{who}: leaks: {body}"
        );
    }

    let rows = export_csv(app, token).await;
    let ours: Vec<&BTreeMap<String, String>> = rows
        .iter()
        .filter(|row| row.get("comment").is_some_and(|c| c.starts_with(T1_MARKER)))
        .collect();
    assert_eq!(
        ours.len(),
        if sees { pledge.commitments.len() } else { 0 },
        "{who}: export rows of the report: {rows:?}"
    );
    assert_eq!(
        rows.len(),
        ours.len(),
        "{who}: the export has rows of other reports: {rows:?}"
    );
    for row in ours {
        assert_eq!(row["report_status"], status, "{who}: {row:?}");
        assert_eq!(row["period_kind"], "T1", "{who}: {row:?}");
        assert_eq!(row["period_start"], "2026-01-01", "{who}: {row:?}");
        assert_eq!(row["period_end"], "2026-04-30", "{who}: {row:?}");
    }
}

const T1_PROGRESS: [(&str, i64); 3] = [("IN_PROGRESS", 40), ("ONGOING", 30), ("PLANNED", 0)];

db_test!(
    a_draft_t1_report_is_seen_only_by_staff_reaching_vaggeryd_until_it_is_published_for_everyone,
    |app| {
        let pledge = published_2026(&app).await;
        let progress = full_progress(&pledge, &T1_PROGRESS);
        let created = create_report(
            &app,
            report_input(&pledge, "T1", "2026-01-01", "2026-04-30", &progress),
        )
        .await;
        assert_eq!(created["status"], "DRAFT", "{created}");
        assert_eq!(created["version"], 1, "{created}");
        assert_eq!(created["periodKind"], "T1", "{created}");
        assert_eq!(
            created["cumulative"], true,
            "T1 starts on the pledge's first day"
        );
        assert_eq!(created["pledge"]["id"], pledge.id.as_str(), "{created}");
        let entries: Vec<(String, String, i64)> = created["progress"]
            .as_array()
            .expect("progress")
            .iter()
            .map(|p| {
                (
                    id_of(&p["commitment"]["id"]),
                    p["status"].as_str().expect("status").to_owned(),
                    number(&p["progressPercent"]),
                )
            })
            .collect();
        let expected: Vec<(String, String, i64)> = progress
            .iter()
            .map(|(c, s, p)| ((*c).to_owned(), (*s).to_owned(), *p))
            .collect();
        assert_eq!(entries, expected, "progress in commitment order");
        let report = id_of(&created["id"]);

        let [anonymous, varnamo, vaggeryd, police] = observers();
        for (observer, sees) in [
            (&anonymous, false),
            (&varnamo, false),
            (&vaggeryd, true),
            (&police, true),
        ] {
            assert_report_visibility(&app, observer, &pledge, &report, "DRAFT", sees, None).await;
        }

        // Nor can the Värnamo editor reach it by writing, nor its audit trail.
        for (query, variables) in [
            (PUBLISH, json!({ "id": report })),
            (WITHDRAW, json!({ "id": report })),
            (
                UPDATE,
                json!({ "id": report, "v": 1, "input": report_input(&pledge, "T1", "2026-01-01", "2026-04-30", &progress) }),
            ),
        ] {
            let error =
                expect_error(&app, Some(&varnamo_editor()), query, variables, "NOT_FOUND").await;
            assert!(!error.to_string().contains("DRAFT"), "{error}");
        }
        let audit = "{ auditLog(filter: { entityType: \"FOLLOW_UP_REPORT\" }) { totalCount } }";
        let seen = app.data_as(&varnamo_editor(), audit, json!({})).await;
        assert_eq!(seen["auditLog"]["totalCount"], 0, "{seen}");
        let seen = app.data_as(&vaggeryd_editor(), audit, json!({})).await;
        assert_eq!(seen["auditLog"]["totalCount"], 1, "{seen}");

        let published = app
            .data_as(&vaggeryd_editor(), PUBLISH, json!({ "id": report }))
            .await;
        assert_eq!(published["publishFollowUpReport"]["status"], "PUBLISHED");
        assert_eq!(published["publishFollowUpReport"]["version"], 2);
        assert!(
            published["publishFollowUpReport"]["publishedAt"].is_string(),
            "{published}"
        );
        for observer in [&anonymous, &varnamo, &vaggeryd, &police] {
            assert_report_visibility(
                &app,
                observer,
                &pledge,
                &report,
                "PUBLISHED",
                true,
                Some(&T1_PROGRESS),
            )
            .await;
        }
        let public = app
            .data(
                "query ($id: ID!) { node(id: $id) { ... on FollowUpReport {
                   summary periodStart periodEnd progress { status progressPercent comment } } } }",
                json!({ "id": report }),
            )
            .await;
        assert_eq!(
            public["node"]["summary"], "Uppföljning T1 2026-01-01 – 2026-04-30",
            "{public}"
        );
        assert_eq!(
            public["node"]["progress"][0],
            json!({ "status": "IN_PROGRESS", "progressPercent": 40, "comment": "T1 2026-01-01: IN_PROGRESS 40 %" }),
            "{public}"
        );
    }
);

db_test!(
    a_tertial_report_must_end_on_the_last_day_of_its_tertial,
    |app| {
        let pledge = published_2026(&app).await;
        let progress = full_progress(&pledge, &T1_PROGRESS);
        for (kind, start, end, field) in [
            ("T1", "2026-01-01", "2026-04-29", "periodEnd"),
            ("T1", "2026-01-01", "2026-05-31", "periodEnd"),
            ("T2", "2026-05-01", "2026-08-30", "periodEnd"),
            ("T3", "2026-09-01", "2026-11-30", "periodEnd"),
            // Neither the tertial's first day nor the pledge's.
            ("T2", "2026-05-02", "2026-08-31", "periodStart"),
            ("T1", "2026-04-30", "2026-04-29", "periodEnd"),
        ] {
            assert_refused(
                &app,
                CREATE,
                json!({ "input": report_input(&pledge, kind, start, end, &progress) }),
                "BAD_USER_INPUT",
                Some(field),
            )
            .await;
        }
        // The right dates are accepted.
        let t1 = create_report(
            &app,
            report_input(&pledge, "T1", "2026-01-01", "2026-04-30", &progress),
        )
        .await;
        assert_eq!(t1["status"], "DRAFT", "{t1}");
    }
);

db_test!(a_report_outside_its_pledge_is_bad_user_input, |app| {
    let pledge = published_2026(&app).await;
    let progress = full_progress(&pledge, &T1_PROGRESS);
    for (kind, start, end) in [
        ("T1", "2027-01-01", "2027-04-30"),
        ("T3", "2025-09-01", "2025-12-31"),
        ("AD_HOC", "2025-12-15", "2026-01-15"),
        ("AD_HOC", "2026-12-15", "2027-01-15"),
        ("YEAR_END", "2026-01-01", "2027-12-31"),
    ] {
        let error = assert_refused(
            &app,
            CREATE,
            json!({ "input": report_input(&pledge, kind, start, end, &progress) }),
            "BAD_USER_INPUT",
            Some("periodStart"),
        )
        .await;
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.contains("2026-01-01")),
            "the message names the pledge's period: {error}"
        );
    }
});

db_test!(
    only_reports_starting_on_the_pledges_first_day_may_overlap_others,
    |app| {
        let pledge = published_2026(&app).await;
        let progress = full_progress(&pledge, &T1_PROGRESS);
        // T1 of a pledge starting 1 January is cumulative.
        let t1 = create_report(
            &app,
            report_input(&pledge, "T1", "2026-01-01", "2026-04-30", &progress),
        )
        .await;
        assert_eq!(t1["cumulative"], true, "{t1}");
        // A plain T2 does not touch T1.
        let t2 = create_report(
            &app,
            report_input(&pledge, "T2", "2026-05-01", "2026-08-31", &progress),
        )
        .await;
        assert_eq!(t2["cumulative"], false, "{t2}");
        // A non-cumulative report overlapping the plain T2 is refused, on
        // create and when an existing report is moved onto it.
        for (start, end) in [("2026-06-01", "2026-06-30"), ("2026-08-31", "2026-09-10")] {
            assert_refused(
                &app,
                CREATE,
                json!({ "input": report_input(&pledge, "AD_HOC", start, end, &progress) }),
                "BAD_USER_INPUT",
                Some("periodStart"),
            )
            .await;
        }
        let september = create_report(
            &app,
            report_input(&pledge, "AD_HOC", "2026-09-01", "2026-09-10", &progress),
        )
        .await;
        assert_refused(
            &app,
            UPDATE,
            json!({
                "id": september["id"], "v": september["version"],
                "input": report_input(&pledge, "AD_HOC", "2026-08-15", "2026-09-10", &progress),
            }),
            "BAD_USER_INPUT",
            Some("periodStart"),
        )
        .await;
        // Keeping its own period is no overlap with itself.
        let kept = app
            .data_as(
                &vaggeryd_editor(),
                UPDATE,
                json!({
                    "id": september["id"], "v": september["version"],
                    "input": report_input(&pledge, "AD_HOC", "2026-09-01", "2026-09-10", &progress),
                }),
            )
            .await;
        assert_eq!(kept["updateFollowUpReport"]["version"], 2, "{kept}");
        // A cumulative T2 (January–August) overlaps T1 and the plain T2,
        // and that is fine; so does a report inside the cumulative T1.
        let cumulative = create_report(
            &app,
            report_input(&pledge, "T2", "2026-01-01", "2026-08-31", &progress),
        )
        .await;
        assert_eq!(cumulative["cumulative"], true, "{cumulative}");
        assert_eq!(cumulative["periodKind"], "T2", "{cumulative}");
        let march = create_report(
            &app,
            report_input(&pledge, "AD_HOC", "2026-03-01", "2026-03-31", &progress),
        )
        .await;
        assert_eq!(march["status"], "DRAFT", "{march}");
        // A withdrawn report no longer blocks its period.
        app.data_as(&vaggeryd_editor(), WITHDRAW, json!({ "id": t2["id"] }))
            .await;
        let june = create_report(
            &app,
            report_input(&pledge, "AD_HOC", "2026-06-01", "2026-06-30", &progress),
        )
        .await;
        assert_eq!(june["status"], "DRAFT", "{june}");
    }
);

/// The first commitment of Värnamo's 2024 pledge, and all four.
async fn varnamo_2024_commitments(app: &TestApp) -> Vec<String> {
    let data = app
        .data(
            "{ pledges(filter: { municipality: \"0683\", year: 2024 }) { nodes { commitments { id } } } }",
            json!({}),
        )
        .await;
    data["pledges"]["nodes"][0]["commitments"]
        .as_array()
        .expect("Värnamo 2024 has commitments")
        .iter()
        .map(|c| id_of(&c["id"]))
        .collect()
}

db_test!(
    a_progress_entry_for_a_commitment_of_another_pledge_is_bad_input_on_progress,
    |app| {
        let pledge = published_2026(&app).await;
        let foreign = varnamo_2024_commitments(&app).await;
        let mut progress = full_progress(&pledge, &T1_PROGRESS);
        progress[2].0 = &foreign[0];
        let input = report_input(&pledge, "T1", "2026-01-01", "2026-04-30", &progress);
        assert_refused(
            &app,
            CREATE,
            json!({ "input": input }),
            "BAD_USER_INPUT",
            Some("progress"),
        )
        .await;
        // On update too, leaving the draft as it was.
        let two = full_progress(&pledge, &T1_PROGRESS[..2]);
        let draft = create_report(
            &app,
            report_input(&pledge, "T1", "2026-01-01", "2026-04-30", &two),
        )
        .await;
        assert_refused(
            &app,
            UPDATE,
            json!({ "id": draft["id"], "v": draft["version"], "input": input }),
            "BAD_USER_INPUT",
            Some("progress"),
        )
        .await;
        // A commitment listed twice is refused the same way.
        let mut twice = full_progress(&pledge, &T1_PROGRESS);
        twice[2].0 = &pledge.commitments[0];
        assert_refused(
            &app,
            UPDATE,
            json!({
                "id": draft["id"], "v": draft["version"],
                "input": report_input(&pledge, "T1", "2026-01-01", "2026-04-30", &twice),
            }),
            "BAD_USER_INPUT",
            Some("progress"),
        )
        .await;
    }
);

db_test!(
    a_report_is_published_only_with_progress_for_every_commitment,
    |app| {
        let pledge = published_2026(&app).await;
        let two = full_progress(&pledge, &T1_PROGRESS[..2]);
        let draft = create_report(
            &app,
            report_input(&pledge, "T1", "2026-01-01", "2026-04-30", &two),
        )
        .await;
        assert_refused(
            &app,
            PUBLISH,
            json!({ "id": draft["id"] }),
            "INVALID_STATE",
            None,
        )
        .await;
        let anonymous = app.data("{ followUps { totalCount } }", json!({})).await;
        assert_eq!(anonymous["followUps"]["totalCount"], 0, "{anonymous}");

        // Without `progress` an update keeps the entries: still two.
        let mut summary_only = report_input(&pledge, "T1", "2026-01-01", "2026-04-30", &[]);
        summary_only
            .as_object_mut()
            .expect("an input object")
            .remove("progress");
        let updated = app
            .data_as(
                &vaggeryd_editor(),
                UPDATE,
                json!({ "id": draft["id"], "v": draft["version"], "input": summary_only }),
            )
            .await;
        assert_eq!(
            updated["updateFollowUpReport"]["progress"]
                .as_array()
                .map(Vec::len),
            Some(2),
            "{updated}"
        );
        assert_refused(
            &app,
            PUBLISH,
            json!({ "id": draft["id"] }),
            "INVALID_STATE",
            None,
        )
        .await;

        let all = full_progress(&pledge, &T1_PROGRESS);
        let complete = app
            .data_as(
                &vaggeryd_editor(),
                UPDATE,
                json!({
                    "id": draft["id"], "v": updated["updateFollowUpReport"]["version"],
                    "input": report_input(&pledge, "T1", "2026-01-01", "2026-04-30", &all),
                }),
            )
            .await;
        assert_eq!(
            complete["updateFollowUpReport"]["progress"]
                .as_array()
                .map(Vec::len),
            Some(3),
            "{complete}"
        );
        let published = app
            .data_as(&vaggeryd_editor(), PUBLISH, json!({ "id": draft["id"] }))
            .await;
        assert_eq!(published["publishFollowUpReport"]["status"], "PUBLISHED");
    }
);

db_test!(
    follow_up_is_only_for_signed_pledges_and_public_only_for_published_ones,
    |app| {
        let draft = pledge_for(&app, "2026-01-01", "2026-12-31", Stage::Draft).await;
        let progress = full_progress(&draft, &T1_PROGRESS);
        assert_refused(
            &app,
            CREATE,
            json!({ "input": report_input(&draft, "T1", "2026-01-01", "2026-04-30", &progress) }),
            "INVALID_STATE",
            None,
        )
        .await;

        // A SIGNED pledge may get a draft report, which cannot be published
        // before the pledge is.
        let signed = pledge_for(&app, "2026-01-01", "2026-12-31", Stage::Signed).await;
        let progress = full_progress(&signed, &T1_PROGRESS);
        let report = create_report(
            &app,
            report_input(&signed, "T1", "2026-01-01", "2026-04-30", &progress),
        )
        .await;
        assert_eq!(report["status"], "DRAFT", "{report}");
        assert_refused(
            &app,
            PUBLISH,
            json!({ "id": report["id"] }),
            "INVALID_STATE",
            None,
        )
        .await;
        app.data_as(
            &vaggeryd_editor(),
            "mutation ($id: ID!) { publishPledge(id: $id) { status } }",
            json!({ "id": signed.id }),
        )
        .await;
        let published = app
            .data_as(&vaggeryd_editor(), PUBLISH, json!({ "id": report["id"] }))
            .await;
        assert_eq!(published["publishFollowUpReport"]["status"], "PUBLISHED");
    }
);

db_test!(
    a_stale_expected_version_on_a_report_is_a_conflict_naming_the_current_one,
    |app| {
        let pledge = published_2026(&app).await;
        let progress = full_progress(&pledge, &T1_PROGRESS);
        let input = report_input(&pledge, "T1", "2026-01-01", "2026-04-30", &progress);
        let draft = create_report(&app, input.clone()).await;
        let updated = app
            .data_as(
                &vaggeryd_editor(),
                UPDATE,
                json!({ "id": draft["id"], "v": 1, "input": input }),
            )
            .await;
        assert_eq!(updated["updateFollowUpReport"]["version"], 2, "{updated}");
        for stale in [1, 3, 0] {
            let error = assert_refused(
                &app,
                UPDATE,
                json!({ "id": draft["id"], "v": stale, "input": input }),
                "CONFLICT",
                None,
            )
            .await;
            assert_eq!(error["extensions"]["currentVersion"], 2, "{error}");
        }
    }
);

db_test!(
    a_published_or_withdrawn_report_can_no_longer_change,
    |app| {
        let pledge = published_2026(&app).await;
        let progress = full_progress(&pledge, &T1_PROGRESS);
        let input = report_input(&pledge, "T1", "2026-01-01", "2026-04-30", &progress);
        let draft = create_report(&app, input.clone()).await;
        let published = app
            .data_as(&vaggeryd_editor(), PUBLISH, json!({ "id": draft["id"] }))
            .await["publishFollowUpReport"]
            .clone();
        assert_refused(
            &app,
            UPDATE,
            json!({ "id": draft["id"], "v": published["version"], "input": input }),
            "INVALID_STATE",
            None,
        )
        .await;
        assert_refused(
            &app,
            PUBLISH,
            json!({ "id": draft["id"] }),
            "INVALID_STATE",
            None,
        )
        .await;
        let withdrawn = app
            .data_as(&vaggeryd_editor(), WITHDRAW, json!({ "id": draft["id"] }))
            .await["withdrawFollowUpReport"]
            .clone();
        assert_eq!(withdrawn["status"], "WITHDRAWN", "{withdrawn}");
        for (query, variables) in [
            (
                UPDATE,
                json!({ "id": draft["id"], "v": withdrawn["version"], "input": input }),
            ),
            (PUBLISH, json!({ "id": draft["id"] })),
            (WITHDRAW, json!({ "id": draft["id"] })),
        ] {
            assert_refused(&app, query, variables, "INVALID_STATE", None).await;
        }
    }
);

db_test!(
    every_accepted_report_write_leaves_exactly_one_audit_entry,
    |app| {
        let pledge = published_2026(&app).await;
        let two = full_progress(&pledge, &T1_PROGRESS[..2]);
        let all = full_progress(&pledge, &T1_PROGRESS);
        let editor = vaggeryd_editor();
        // (action, version after) of every accepted write, in order.
        let mut accepted: Vec<(&str, Value)> = Vec::new();

        let created = create_report(
            &app,
            report_input(&pledge, "T1", "2026-01-01", "2026-04-30", &two),
        )
        .await;
        let id = created["id"].clone();
        accepted.push(("CREATE", created["version"].clone()));
        // Refused: incomplete, stale, overlapping nothing but wrong dates.
        assert_refused(&app, PUBLISH, json!({ "id": id }), "INVALID_STATE", None).await;
        let updated = app
            .data_as(
                &editor,
                UPDATE,
                json!({ "id": id, "v": 1, "input": report_input(&pledge, "T1", "2026-01-01", "2026-04-30", &all) }),
            )
            .await["updateFollowUpReport"]
            .clone();
        accepted.push(("UPDATE", updated["version"].clone()));
        assert_refused(
            &app,
            UPDATE,
            json!({ "id": id, "v": 1, "input": report_input(&pledge, "T1", "2026-01-01", "2026-04-30", &all) }),
            "CONFLICT",
            None,
        )
        .await;
        assert_refused(
            &app,
            UPDATE,
            json!({ "id": id, "v": updated["version"], "input": report_input(&pledge, "T1", "2026-01-01", "2026-04-29", &all) }),
            "BAD_USER_INPUT",
            Some("periodEnd"),
        )
        .await;
        let published =
            app.data_as(&editor, PUBLISH, json!({ "id": id })).await["publishFollowUpReport"]
                .clone();
        accepted.push(("PUBLISH", published["version"].clone()));
        assert_refused(&app, PUBLISH, json!({ "id": id }), "INVALID_STATE", None).await;
        let withdrawn =
            app.data_as(&editor, WITHDRAW, json!({ "id": id })).await["withdrawFollowUpReport"]
                .clone();
        accepted.push(("WITHDRAW", withdrawn["version"].clone()));
        // A second report, refused on create: no entry either.
        assert_refused(
            &app,
            CREATE,
            json!({ "input": report_input(&pledge, "T2", "2026-05-01", "2026-08-30", &all) }),
            "BAD_USER_INPUT",
            Some("periodEnd"),
        )
        .await;

        let log = app
            .data_as(
                &admin(),
                "query ($id: ID!) {
                   mine: auditLog(filter: { entityType: \"FOLLOW_UP_REPORT\", entityId: $id }) {
                     totalCount nodes { entityType entityId action subject role municipality { code } before after }
                   }
                   all: auditLog(filter: { entityType: \"FOLLOW_UP_REPORT\" }) { totalCount }
                 }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(log["all"]["totalCount"], accepted.len(), "{log}");
        assert_eq!(log["mine"]["totalCount"], accepted.len(), "{log}");
        let mut entries: Vec<Value> = log["mine"]["nodes"]
            .as_array()
            .expect("audit nodes")
            .clone();
        entries.reverse(); // the log is newest first
        for ((action, version), entry) in accepted.iter().zip(&entries) {
            assert_eq!(entry["action"], *action, "{entry}");
            assert_eq!(entry["entityType"], "FOLLOW_UP_REPORT", "{entry}");
            assert_eq!(entry["entityId"], id, "{entry}");
            assert_eq!(entry["subject"], "anna-vaggeryd", "{entry}");
            assert_eq!(entry["municipality"]["code"], "0665", "{entry}");
            assert_eq!(entry["after"]["version"], *version, "{entry}");
            if *action == "CREATE" {
                assert_eq!(entry["before"], Value::Null, "{entry}");
            } else {
                assert!(entry["before"].is_object(), "{entry}");
            }
        }
        assert_eq!(
            entries
                .iter()
                .map(|e| e["after"]["progress"].as_array().map_or(0, Vec::len))
                .collect::<Vec<_>>(),
            [2, 3, 3, 3],
            "the entries carry the progress: {log}"
        );
    }
);

const ACTIVITY: &str = "mutation ($input: ActivityInput!) {
  recordActivity(input: $input) { id kind date description place { name } commitment { id } }
}";

fn activity(commitment: &str, kind: &str, date: &str, place: &str) -> Value {
    json!({
        "municipality": "0665",
        "commitmentId": commitment,
        "kind": kind,
        "date": date,
        "place": place,
        "description": format!("{kind} i {place} {date}"),
    })
}

/// `countedActivities` per commitment in the report `report`, as `token`
/// reads it through `node(id:)`.
async fn counted(app: &TestApp, token: Option<&str>, report: &Value) -> Vec<i64> {
    let (status, body) = app
        .gql_as(
            token,
            "query ($id: ID!) { node(id: $id) { ... on FollowUpReport {
               progress { countedActivities } } } }",
            json!({ "id": report }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["node"]["progress"]
        .as_array()
        .unwrap_or_else(|| panic!("no progress: {body}"))
        .iter()
        .map(|p| number(&p["countedActivities"]))
        .collect()
}

db_test!(
    activities_dated_inside_a_reports_period_are_counted_as_its_evidence,
    |app| {
        let pledge = published_2026(&app).await;
        let progress = full_progress(&pledge, &T1_PROGRESS);
        let t1 = create_report(
            &app,
            report_input(&pledge, "T1", "2026-01-01", "2026-04-30", &progress),
        )
        .await;
        let t2 = create_report(
            &app,
            report_input(&pledge, "T2", "2026-01-01", "2026-08-31", &progress),
        )
        .await;
        let [c1, c2, c3] = [0, 1, 2].map(|i| pledge.commitments[i].as_str());
        let recorded = [
            activity(c1, "SAFETY_WALK", "2026-03-15", "Skillingaryd"),
            activity(c1, "SAFETY_WALK", "2026-06-01", "Skillingaryd"),
            activity(c2, "SAFETY_PATROL", "2026-01-01", "Resecentrum"),
            activity(c3, "CITIZEN_DIALOGUE", "2026-04-30", "Hok"),
            activity(c3, "CITIZEN_DIALOGUE", "2026-05-01", "Bondstorp"),
            // After both periods: counted by neither.
            activity(c3, "CITIZEN_DIALOGUE", "2026-09-01", "Hok"),
        ];
        for input in &recorded {
            let made = app
                .data_as(&vaggeryd_editor(), ACTIVITY, json!({ "input": input }))
                .await["recordActivity"]
                .clone();
            assert_eq!(made["kind"], input["kind"], "{made}");
            assert_eq!(made["date"], input["date"], "{made}");
            assert_eq!(made["place"]["name"], input["place"], "{made}");
            assert_eq!(made["commitment"]["id"], input["commitmentId"], "{made}");
        }
        // Staff count the evidence in the drafts.
        let editor = vaggeryd_editor();
        assert_eq!(counted(&app, Some(&editor), &t1["id"]).await, [1, 1, 1]);
        assert_eq!(counted(&app, Some(&editor), &t2["id"]).await, [2, 1, 2]);

        // Published, the public sees the evidence under each commitment and
        // counted in the latest progress (the newest period: cumulative T2).
        for report in [&t1, &t2] {
            app.data_as(&editor, PUBLISH, json!({ "id": report["id"] }))
                .await;
        }
        assert_eq!(counted(&app, None, &t1["id"]).await, [1, 1, 1]);
        assert_eq!(counted(&app, None, &t2["id"]).await, [2, 1, 2]);
        let public = app
            .data(
                "query ($id: ID!) { pledge(id: $id) { commitments {
                   activities { kind date place { name } commitment { id } }
                   latestProgress { countedActivities report { id } }
                 } } }",
                json!({ "id": pledge.id }),
            )
            .await;
        let commitments = public["pledge"]["commitments"]
            .as_array()
            .expect("commitments");
        for (i, commitment) in commitments.iter().enumerate() {
            let mut dates: Vec<&str> = commitment["activities"]
                .as_array()
                .expect("activities")
                .iter()
                .map(|a| {
                    assert_eq!(a["commitment"]["id"], pledge.commitments[i].as_str(), "{a}");
                    a["date"].as_str().expect("a date")
                })
                .collect();
            dates.sort_unstable();
            let mut expected: Vec<&str> = recorded
                .iter()
                .filter(|a| a["commitmentId"] == pledge.commitments[i].as_str())
                .map(|a| a["date"].as_str().expect("date"))
                .collect();
            expected.sort_unstable();
            assert_eq!(dates, expected, "commitment {i}: {public}");
            assert_eq!(
                commitment["latestProgress"]["report"]["id"], t2["id"],
                "commitment {i}: {public}"
            );
        }
        let latest: Vec<i64> = commitments
            .iter()
            .map(|c| number(&c["latestProgress"]["countedActivities"]))
            .collect();
        assert_eq!(latest, [2, 1, 2], "{public}");
    }
);

db_test!(
    an_activity_for_another_municipalitys_commitment_is_refused,
    |app| {
        let foreign = varnamo_2024_commitments(&app).await;
        let evidence =
            "query ($id: ID!) { node(id: $id) { ... on Commitment { activities { id } } } }";
        let before = app.data(evidence, json!({ "id": foreign[3] })).await;
        assert_eq!(
            before["node"]["activities"].as_array().map(Vec::len),
            Some(5),
            "{before}"
        );
        let count = "{ auditLog(first: 1) { totalCount } }";
        let audit_before = app.data_as(&admin(), count, json!({})).await;

        // As Vaggeryd's evidence: the commitment is not Vaggeryd's.
        let mut input = activity(&foreign[3], "SAFETY_WALK", "2026-03-01", "Flanaden");
        let error = expect_error(
            &app,
            Some(&vaggeryd_editor()),
            ACTIVITY,
            json!({ "input": input }),
            "BAD_USER_INPUT",
        )
        .await;
        assert_eq!(error["extensions"]["field"], "commitmentId", "{error}");
        // As Värnamo's: a Vaggeryd editor may not write there.
        input["municipality"] = json!("0683");
        expect_error(
            &app,
            Some(&vaggeryd_editor()),
            ACTIVITY,
            json!({ "input": input }),
            "FORBIDDEN",
        )
        .await;

        assert_eq!(
            app.data(evidence, json!({ "id": foreign[3] })).await,
            before
        );
        assert_eq!(app.data_as(&admin(), count, json!({})).await, audit_before);
    }
);

db_test!(
    the_seeded_article_activities_are_public_evidence_for_varnamo_2024s_fourth_commitment,
    |app| {
        let data = app
            .data(
                "{ pledges(filter: { municipality: \"0683\", year: 2024 }) { nodes { commitments {
                     id position activities { kind date description sourceTitle place { name } commitment { id } }
                   } } } }",
                json!({}),
            )
            .await;
        let commitments = data["pledges"]["nodes"][0]["commitments"]
            .as_array()
            .expect("commitments");
        assert_eq!(commitments.len(), 4, "{data}");
        for commitment in &commitments[..3] {
            assert_eq!(commitment["activities"], json!([]), "{commitment}");
        }
        let fourth = &commitments[3];
        assert_eq!(fourth["position"], 4, "{fourth}");
        let activities = fourth["activities"].as_array().expect("activities");
        let mut seen: Vec<(String, String)> = activities
            .iter()
            .map(|a| {
                assert_eq!(a["commitment"]["id"], fourth["id"], "{a}");
                assert_eq!(a["date"], Value::Null, "the article gives no dates: {a}");
                assert_eq!(
                    a["sourceTitle"],
                    "Att motverka att unga rekryteras kriminellt har hög prioritet",
                    "{a}"
                );
                assert!(
                    a["description"].as_str().is_some_and(|d| !d.is_empty()),
                    "{a}"
                );
                (
                    a["kind"].as_str().expect("kind").to_owned(),
                    a["place"]["name"].as_str().unwrap_or("-").to_owned(),
                )
            })
            .collect();
        seen.sort();
        let expected: Vec<(String, String)> = [
            ("BUSINESS_NETWORK", "-"),
            ("OTHER", "Malmen"),
            ("SAFETY_WALK", "Flanaden"),
            ("SAFETY_WALK", "Järnvägsstationen"),
            ("SAFETY_WALK", "Kärnan"),
        ]
        .iter()
        .map(|(k, p)| ((*k).to_owned(), (*p).to_owned()))
        .collect();
        assert_eq!(seen, expected, "{fourth}");
    }
);

const RATE: &str = "mutation ($id: ID!, $outcome: Outcome!) {
  setCommitmentOutcome(commitmentId: $id, outcome: $outcome, comment: \"Genomfört enligt plan\") {
    id outcome { outcome comment ratedAt }
  }
}";

const OUTCOME: &str =
    "query ($id: ID!) { node(id: $id) { ... on Commitment { outcome { outcome comment } } } }";

db_test!(
    a_commitment_is_rated_once_its_pledge_has_ended_and_not_while_it_runs,
    |app| {
        let data = app
            .data(
                "{ pledges(filter: { municipality: \"0683\", year: 2022 }) { nodes { validTo commitments { id } } } }",
                json!({}),
            )
            .await;
        assert_eq!(
            data["pledges"]["nodes"][0]["validTo"], "2022-12-31",
            "{data}"
        );
        let ended = id_of(&data["pledges"]["nodes"][0]["commitments"][0]["id"]);

        // Not by an editor of another municipality.
        expect_error(
            &app,
            Some(&vaggeryd_editor()),
            RATE,
            json!({ "id": ended, "outcome": "KEPT" }),
            "FORBIDDEN",
        )
        .await;
        let none = app.data(OUTCOME, json!({ "id": ended })).await;
        assert_eq!(none["node"]["outcome"], Value::Null, "{none}");

        let rated = app
            .data_as(
                &varnamo_editor(),
                RATE,
                json!({ "id": ended, "outcome": "PARTLY_KEPT" }),
            )
            .await;
        assert_eq!(rated["setCommitmentOutcome"]["id"], ended.as_str());
        assert_eq!(
            rated["setCommitmentOutcome"]["outcome"]["outcome"], "PARTLY_KEPT",
            "{rated}"
        );
        assert!(
            rated["setCommitmentOutcome"]["outcome"]["ratedAt"].is_string(),
            "{rated}"
        );
        // Rated again: the new verdict replaces the old, for everyone.
        app.data_as(
            &varnamo_editor(),
            RATE,
            json!({ "id": ended, "outcome": "KEPT" }),
        )
        .await;
        let public = app.data(OUTCOME, json!({ "id": ended })).await;
        assert_eq!(
            public["node"]["outcome"],
            json!({ "outcome": "KEPT", "comment": "Genomfört enligt plan" }),
            "{public}"
        );
        let log = app
            .data_as(
                &admin(),
                "query ($id: ID!) { auditLog(filter: { entityType: \"OUTCOME\", entityId: $id }) {
                   totalCount nodes { action } } }",
                json!({ "id": ended }),
            )
            .await;
        assert_eq!(
            log["auditLog"],
            json!({ "totalCount": 2, "nodes": [{ "action": "UPDATE" }, { "action": "CREATE" }] }),
            "{log}"
        );

        // A pledge that runs to the end of 2026 has not ended.
        let running = published_2026(&app).await;
        expect_error(
            &app,
            Some(&vaggeryd_editor()),
            RATE,
            json!({ "id": running.commitments[0], "outcome": "KEPT" }),
            "INVALID_STATE",
        )
        .await;
        let none = app
            .data(OUTCOME, json!({ "id": running.commitments[0] }))
            .await;
        assert_eq!(none["node"]["outcome"], Value::Null, "{none}");
    }
);

db_test!(
    a_pledge_on_its_last_day_is_still_in_force_and_cannot_be_rated_yet,
    |app| {
        let today = api::calendar::today();
        let from = today - Duration::days(60);
        let pledge = pledge_for(
            &app,
            &from.to_string(),
            &today.to_string(),
            Stage::Published,
        )
        .await;
        let data = app
            .data(
                "query ($id: ID!) { pledge(id: $id) { inForce validTo } }",
                json!({ "id": pledge.id }),
            )
            .await;
        assert_eq!(data["pledge"]["inForce"], true, "{data}");
        let (status, body) = app
            .gql_as(
                Some(&vaggeryd_editor()),
                RATE,
                json!({ "id": pledge.commitments[0], "outcome": "KEPT" }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            error_codes(&body),
            ["INVALID_STATE"],
            "the pledge runs until the end of {today} (inForce: true), so it has not ended: {body}"
        );
    }
);

db_test!(
    a_withdrawn_report_leaves_the_public_view_and_latest_progress_falls_back_to_the_one_before,
    |app| {
        let pledge = published_2026(&app).await;
        let editor = vaggeryd_editor();
        let t1 = create_report(
            &app,
            report_input(
                &pledge,
                "T1",
                "2026-01-01",
                "2026-04-30",
                &full_progress(&pledge, &T1_PROGRESS),
            ),
        )
        .await;
        let t2 = create_report(
            &app,
            report_input(
                &pledge,
                "T2",
                "2026-05-01",
                "2026-08-31",
                &full_progress(&pledge, &[("COMPLETED", 100); 3]),
            ),
        )
        .await;
        for report in [&t1, &t2] {
            app.data_as(&editor, PUBLISH, json!({ "id": report["id"] }))
                .await;
        }
        let latest = "query ($id: ID!) { pledge(id: $id) {
            followUps { id }
            commitments { latestProgress { status progressPercent report { id } } }
        } }";
        let public = app.data(latest, json!({ "id": pledge.id })).await;
        for commitment in public["pledge"]["commitments"]
            .as_array()
            .expect("commitments")
        {
            assert_eq!(
                commitment["latestProgress"]["report"]["id"], t2["id"],
                "the newest period wins: {public}"
            );
            assert_eq!(commitment["latestProgress"]["status"], "COMPLETED");
        }

        app.data_as(&editor, WITHDRAW, json!({ "id": t2["id"] }))
            .await;
        let public = app.data(latest, json!({ "id": pledge.id })).await;
        assert_eq!(
            public["pledge"]["followUps"],
            json!([{ "id": t1["id"] }]),
            "{public}"
        );
        let shown: Vec<(String, i64, String)> = public["pledge"]["commitments"]
            .as_array()
            .expect("commitments")
            .iter()
            .map(|c| {
                (
                    c["latestProgress"]["status"]
                        .as_str()
                        .unwrap_or_else(|| panic!("a status: {public}"))
                        .to_owned(),
                    number(&c["latestProgress"]["progressPercent"]),
                    id_of(&c["latestProgress"]["report"]["id"]),
                )
            })
            .collect();
        let expected: Vec<(String, i64, String)> = T1_PROGRESS
            .iter()
            .map(|(s, p)| ((*s).to_owned(), *p, id_of(&t1["id"])))
            .collect();
        assert_eq!(shown, expected, "{public}");
        let (status, body) = app
            .gql_as(
                None,
                "query ($id: ID!) { node(id: $id) { id } }",
                json!({ "id": t2["id"] }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
        let rows = export_csv(&app, None).await;
        assert_eq!(rows.len(), 3, "only T1's rows are exported: {rows:?}");
        assert!(
            rows.iter()
                .all(|r| r["period_kind"] == "T1" && r["report_status"] == "PUBLISHED"),
            "{rows:?}"
        );
        // Staff still see the withdrawn report, marked so, and never as
        // anyone's latest progress.
        let staff = app
            .data_as(
                &editor,
                "query ($id: ID!) { node(id: $id) { ... on FollowUpReport { status } } }",
                json!({ "id": t2["id"] }),
            )
            .await;
        assert_eq!(staff["node"]["status"], "WITHDRAWN", "{staff}");
        let staff = app
            .data_as(&editor, latest, json!({ "id": pledge.id }))
            .await;
        assert_eq!(
            staff["pledge"]["commitments"], public["pledge"]["commitments"],
            "{staff}"
        );
    }
);
