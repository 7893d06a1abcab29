//! `GET /export/follow-ups.csv` and `/export/follow-ups.ndjson`: what a
//! standard CSV parser and a JSON parser read back is exactly what GraphQL
//! says about the same reports (Swedish letters, quotes, commas and
//! newlines included); each caller exports exactly the reports `followUps`
//! shows it; the filters are those of `followUps`; and a large export
//! streams, held back by a slow client, instead of being built in memory.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use api::ids::{self, NodeKind};
use chrono::{DateTime, Utc};
use sea_orm::TransactionTrait;
use serde_json::{Value, json};
use tests::sql::{self, NewCommitment, NewPledge, NewProgress, NewReport};
use tests::{TestApp, db_test, error_codes, token};
use uuid::Uuid;

/// The documented columns, in order (README "Exports").
const COLUMNS: [&str; 20] = [
    "report_id",
    "pledge_id",
    "municipality_code",
    "municipality_name",
    "pledge_year",
    "pledge_title",
    "period_kind",
    "period_start",
    "period_end",
    "report_status",
    "commitment_id",
    "commitment_position",
    "commitment_text",
    "progress_status",
    "progress_percent",
    "actual_quantity",
    "target_quantity",
    "target_unit",
    "comment",
    "updated_at",
];

/// Everything CSV must quote, and letters outside ASCII.
const COMMENT: &str = "Å ä ö, \"citat\", komma, och\nny rad";
const TITLE: &str = "Medborgarlöfte Vaggeryd 2025: \"Tryggt, nära\"";
const COMMITMENT_TEXTS: [&str; 3] = [
    "Vi genomför trygghetsvandringar i Skillingaryd, Vaggeryd och Hok.",
    "Polisen och kommunen håller \"öppet hus\" på Åkerskolan, två gånger.",
    "Vi följer upp klotter; skadegörelse anmäls inom 24 timmar.\nSärskilt vid stationen.",
];

fn vaggeryd_editor() -> String {
    token("anna-vaggeryd", &["municipality_editor"], &["0665"], &[])
}

fn varnamo_editor() -> String {
    token("eva-varnamo", &["municipality_editor"], &["0683"], &[])
}

fn lpo_varnamo_editor() -> String {
    token("per-lpo-varnamo", &["police_editor"], &[], &["lpo-varnamo"])
}

fn admin() -> String {
    token("root", &["admin"], &[], &[])
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, got {value}"))
        .to_owned()
}

fn key(global_id: &Value, kind: NodeKind) -> Uuid {
    ids::decode(&text(global_id), kind, "id").expect("a global ID of the expected kind")
}

/// Global IDs of what `arrange` made.
#[derive(Debug)]
struct Arranged {
    pledge: String,
    published: String,
    draft: String,
}

/// Through the API: a published Vaggeryd 2025 pledge with three
/// commitments, a published T1 report with progress for each (every
/// comment is `COMMENT`) and a DRAFT T3 report.
async fn arrange(app: &TestApp) -> Arranged {
    let editor = vaggeryd_editor();
    let created = app
        .data_as(
            &editor,
            "mutation ($title: String!) {
               createPledge(input: { municipality: \"0665\", policeArea: \"lpo-varnamo\", year: 2025,
                 title: $title, validFrom: \"2025-01-01\", validTo: \"2025-12-31\" }) { id }
             }",
            json!({ "title": TITLE }),
        )
        .await;
    let pledge = text(&created["createPledge"]["id"]);
    let mut commitments = Vec::new();
    for (i, body) in COMMITMENT_TEXTS.iter().enumerate() {
        // The first commitment has a measurable target.
        let target = (i == 0).then_some(4.5);
        let unit = (i == 0).then_some("trygghetsvandringar, årsvis");
        let added = app
            .data_as(
                &editor,
                "mutation ($id: ID!, $text: String!, $q: Float, $unit: String) {
                   addCommitment(pledgeId: $id, input: { text: $text, responsible: JOINT,
                     targetQuantity: $q, targetUnit: $unit }) { id }
                 }",
                json!({ "id": pledge, "text": body, "q": target, "unit": unit }),
            )
            .await;
        commitments.push(text(&added["addCommitment"]["id"]));
    }
    let approve = "mutation ($id: ID!) { approvePledge(id: $id) { status } }";
    app.data_as(&editor, approve, json!({ "id": pledge })).await;
    let signed = app
        .data_as(&lpo_varnamo_editor(), approve, json!({ "id": pledge }))
        .await;
    assert_eq!(signed["approvePledge"]["status"], "SIGNED", "{signed}");
    let published = app
        .data_as(
            &editor,
            "mutation ($id: ID!) { publishPledge(id: $id) { status } }",
            json!({ "id": pledge }),
        )
        .await;
    assert_eq!(published["publishPledge"]["status"], "PUBLISHED");

    let progress = |status: &str| -> Value {
        commitments
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let percent = [40, 0, 100][i];
                let quantity = [Some(2.5), None, Some(7.0)][i];
                json!({
                    "commitmentId": id,
                    "status": status,
                    "progressPercent": percent,
                    "actualQuantity": quantity,
                    "comment": COMMENT,
                })
            })
            .collect()
    };
    let create_report = "mutation ($input: FollowUpReportInput!) { createFollowUpReport(input: $input) { id status } }";
    let report = app
        .data_as(
            &editor,
            create_report,
            json!({ "input": {
                "pledgeId": pledge, "periodKind": "T1",
                "periodStart": "2025-01-01", "periodEnd": "2025-04-30",
                "summary": "Första tertialen", "progress": progress("IN_PROGRESS"),
            }}),
        )
        .await;
    let published_report = text(&report["createFollowUpReport"]["id"]);
    let done = app
        .data_as(
            &editor,
            "mutation ($id: ID!) { publishFollowUpReport(id: $id) { status } }",
            json!({ "id": published_report }),
        )
        .await;
    assert_eq!(done["publishFollowUpReport"]["status"], "PUBLISHED");

    let draft = app
        .data_as(
            &editor,
            create_report,
            json!({ "input": {
                "pledgeId": pledge, "periodKind": "T3",
                "periodStart": "2025-09-01", "periodEnd": "2025-12-31",
                "progress": progress("PLANNED"),
            }}),
        )
        .await;
    assert_eq!(draft["createFollowUpReport"]["status"], "DRAFT");
    Arranged {
        pledge,
        published: published_report,
        draft: text(&draft["createFollowUpReport"]["id"]),
    }
}

/// GETs an export (`csv` or `ndjson`) as `token` with query parameters.
async fn get_export(
    app: &TestApp,
    format: &str,
    token: Option<&str>,
    query: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = app
        .client
        .get(format!("{}/export/follow-ups.{format}", app.base_url))
        .query(query);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request
        .send()
        .await
        .expect("the export request reaches the server")
}

/// One CSV export: its raw text (asserting status 200 and `text/csv`).
async fn csv_text(app: &TestApp, token: Option<&str>, query: &[(&str, &str)]) -> String {
    let response = get_export(app, "csv", token, query).await;
    let status = response.status();
    let content_type = tests::content_type(&response);
    let body = response.text().await.expect("a UTF-8 body");
    assert_eq!(status, 200, "{query:?}: {body}");
    assert!(
        content_type.starts_with("text/csv"),
        "CSV export served as {content_type:?}"
    );
    body
}

/// Parses CSV with the `csv` crate: each row by column name. Asserts the
/// header row and CRLF after every record.
fn parse_csv(body: &str) -> Vec<BTreeMap<String, String>> {
    let header = format!("{}\r\n", COLUMNS.join(","));
    assert!(
        body.starts_with(&header),
        "the header row is the documented column list, CRLF-terminated: {:?}",
        body.lines().next()
    );
    assert!(body.ends_with("\r\n"), "the last record ends with CRLF");
    let mut reader = csv::ReaderBuilder::new().from_reader(body.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(headers, COLUMNS);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.expect("every record parses");
        let mut start =
            usize::try_from(record.position().expect("a position").byte()).expect("a small offset");
        // After a CR the parser counts the LF as part of the next record.
        if body.as_bytes()[start] == b'\n' {
            start += 1;
        }
        assert_eq!(
            &body.as_bytes()[start - 2..start],
            b"\r\n",
            "the record before byte {start} ends with CRLF"
        );
        assert_eq!(record.len(), COLUMNS.len(), "{record:?}");
        rows.push(
            headers
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_owned))
                .collect(),
        );
    }
    rows
}

async fn export_csv(
    app: &TestApp,
    token: Option<&str>,
    query: &[(&str, &str)],
) -> Vec<BTreeMap<String, String>> {
    parse_csv(&csv_text(app, token, query).await)
}

/// One NDJSON export, each line parsed (asserting status 200, the media
/// type and exactly the documented keys).
async fn export_ndjson(app: &TestApp, token: Option<&str>, query: &[(&str, &str)]) -> Vec<Value> {
    let response = get_export(app, "ndjson", token, query).await;
    let status = response.status();
    let content_type = tests::content_type(&response);
    let body = response.text().await.expect("a UTF-8 body");
    assert_eq!(status, 200, "{query:?}: {body}");
    assert!(
        content_type.starts_with("application/x-ndjson"),
        "NDJSON export served as {content_type:?}"
    );
    assert!(
        body.is_empty() || body.ends_with('\n'),
        "every line ends with a newline"
    );
    let expected_keys: BTreeSet<&str> = COLUMNS.into_iter().collect();
    body.lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("an NDJSON line does not parse ({e}): {line}"));
            let keys: BTreeSet<&str> = value
                .as_object()
                .unwrap_or_else(|| panic!("each line is an object: {line}"))
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(keys, expected_keys, "{line}");
            value
        })
        .collect()
}

fn report_ids_of_csv(rows: &[BTreeMap<String, String>]) -> BTreeSet<Uuid> {
    rows.iter()
        .map(|r| Uuid::parse_str(&r["report_id"]).expect("report_id is a UUID"))
        .collect()
}

fn report_ids_of_ndjson(rows: &[Value]) -> BTreeSet<Uuid> {
    rows.iter()
        .map(|r| Uuid::parse_str(&text(&r["report_id"])).expect("report_id is a UUID"))
        .collect()
}

/// Keys of the reports `followUps(filter:)` returns to `token`, every page;
/// with `updatedSince`, only those not `removed` (exports carry content).
async fn follow_up_ids(app: &TestApp, token: Option<&str>, filter: Value) -> BTreeSet<Uuid> {
    let mut ids = BTreeSet::new();
    let mut after = Value::Null;
    loop {
        let (status, body) = app
            .gql_as(
                token,
                "query ($filter: FollowUpFilter, $after: String) {
                   followUps(filter: $filter, first: 100, after: $after) {
                     nodes { id removed } pageInfo { hasNextPage endCursor }
                   }
                 }",
                json!({ "filter": filter, "after": after }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "{body}");
        let page = &body["data"]["followUps"];
        for node in page["nodes"].as_array().expect("nodes") {
            if node["removed"] == false {
                ids.insert(key(&node["id"], NodeKind::FollowUpReport));
            }
        }
        if page["pageInfo"]["hasNextPage"] != true {
            return ids;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

/// The export's text form of every column of each progress entry of
/// report `id`, as GraphQL tells it to `token`, keyed by commitment.
async fn expected_rows(app: &TestApp, token: &str, id: &str) -> Vec<BTreeMap<String, String>> {
    let data = app
        .data_as(
            token,
            "query ($id: ID!) { node(id: $id) { ... on FollowUpReport {
               id status periodKind periodStart periodEnd updatedAt
               pledge { id year title municipality { code name } }
               progress { status progressPercent actualQuantity comment
                 commitment { id position text targetQuantity targetUnit } }
             } } }",
            json!({ "id": id }),
        )
        .await;
    let report = &data["node"];
    let pledge = &report["pledge"];
    let plain = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    report["progress"]
        .as_array()
        .expect("progress")
        .iter()
        .map(|entry| {
            let c = &entry["commitment"];
            let pairs = [
                (
                    "report_id",
                    key(&report["id"], NodeKind::FollowUpReport).to_string(),
                ),
                (
                    "pledge_id",
                    key(&pledge["id"], NodeKind::Pledge).to_string(),
                ),
                ("municipality_code", plain(&pledge["municipality"]["code"])),
                ("municipality_name", plain(&pledge["municipality"]["name"])),
                ("pledge_year", plain(&pledge["year"])),
                ("pledge_title", plain(&pledge["title"])),
                ("period_kind", plain(&report["periodKind"])),
                ("period_start", plain(&report["periodStart"])),
                ("period_end", plain(&report["periodEnd"])),
                ("report_status", plain(&report["status"])),
                (
                    "commitment_id",
                    key(&c["id"], NodeKind::Commitment).to_string(),
                ),
                ("commitment_position", plain(&c["position"])),
                ("commitment_text", plain(&c["text"])),
                ("progress_status", plain(&entry["status"])),
                ("progress_percent", plain(&entry["progressPercent"])),
                ("actual_quantity", plain(&entry["actualQuantity"])),
                ("target_quantity", plain(&c["targetQuantity"])),
                ("target_unit", plain(&c["targetUnit"])),
                ("comment", plain(&entry["comment"])),
                ("updated_at", plain(&report["updatedAt"])),
            ];
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), normalise(k, &v)))
                .collect()
        })
        .collect()
}

/// Spellings that mean the same value made equal: numbers as numbers,
/// timestamps as instants. Everything else must match byte for byte.
fn normalise(column: &str, value: &str) -> String {
    if value.is_empty() {
        return String::new();
    }
    match column {
        "actual_quantity" | "target_quantity" => format!(
            "{:?}",
            value
                .parse::<f64>()
                .unwrap_or_else(|_| panic!("{column} is a number: {value:?}"))
        ),
        "updated_at" => DateTime::parse_from_rfc3339(value)
            .unwrap_or_else(|_| panic!("{column} is RFC 3339: {value:?}"))
            .with_timezone(&Utc)
            .to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
        _ => value.to_owned(),
    }
}

fn normalised(row: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    row.iter()
        .map(|(k, v)| (k.clone(), normalise(k, v)))
        .collect()
}

/// An NDJSON line in the CSV's text form, checking the JSON types on the way.
fn ndjson_as_text(row: &Value) -> BTreeMap<String, String> {
    COLUMNS
        .iter()
        .map(|&column| {
            let value = &row[column];
            let as_text = match (column, value) {
                ("pledge_year" | "commitment_position", Value::Number(n)) if n.is_i64() => {
                    n.to_string()
                }
                ("progress_percent", Value::Number(n)) if n.is_i64() => n.to_string(),
                ("actual_quantity" | "target_quantity", Value::Number(n)) => n.to_string(),
                (
                    "progress_percent" | "actual_quantity" | "target_quantity" | "target_unit"
                    | "comment",
                    Value::Null,
                ) => String::new(),
                (
                    "pledge_year"
                    | "commitment_position"
                    | "progress_percent"
                    | "actual_quantity"
                    | "target_quantity",
                    other,
                ) => panic!("{column} must be a JSON number, got {other}"),
                (_, Value::String(s)) => s.clone(),
                (_, other) => panic!("{column} must be a JSON string, got {other}"),
            };
            (column.to_owned(), normalise(column, &as_text))
        })
        .collect()
}

fn rows_of_report(
    rows: Vec<BTreeMap<String, String>>,
    report: &str,
) -> Vec<BTreeMap<String, String>> {
    let id = ids::decode(report, NodeKind::FollowUpReport, "id")
        .expect("a report ID")
        .to_string();
    rows.into_iter().filter(|r| r["report_id"] == id).collect()
}

db_test!(
    csv_and_ndjson_exports_round_trip_every_field_exactly_as_graphql_shows_it,
    |app| {
        let arranged = arrange(&app).await;
        let admin = admin();
        let csv_rows: Vec<_> = export_csv(&app, Some(&admin), &[])
            .await
            .iter()
            .map(normalised)
            .collect();
        let ndjson_rows: Vec<_> = export_ndjson(&app, Some(&admin), &[])
            .await
            .iter()
            .map(ndjson_as_text)
            .collect();
        assert_eq!(
            csv_rows, ndjson_rows,
            "CSV and NDJSON carry the same rows in the same order"
        );

        for report in [&arranged.published, &arranged.draft] {
            let expected = expected_rows(&app, &admin, report).await;
            assert_eq!(expected.len(), COMMITMENT_TEXTS.len());
            let exported = rows_of_report(csv_rows.clone(), report);
            assert_eq!(
                exported, expected,
                "the export of report {report} differs from GraphQL"
            );
        }
        // Read back through the parsers, the tricky texts are exactly what
        // was written.
        let exported = rows_of_report(csv_rows.clone(), &arranged.published);
        let texts: Vec<&str> = exported
            .iter()
            .map(|r| r["commitment_text"].as_str())
            .collect();
        assert_eq!(texts, COMMITMENT_TEXTS);
        for row in &exported {
            assert_eq!(row["comment"], COMMENT);
            assert_eq!(row["pledge_title"], TITLE);
            assert_eq!(row["municipality_name"], "Vaggeryd");
            assert_eq!(row["report_status"], "PUBLISHED");
            assert_eq!(
                row["pledge_id"],
                key(&json!(arranged.pledge), NodeKind::Pledge).to_string()
            );
        }
        assert_eq!(exported[0]["target_unit"], "trygghetsvandringar, årsvis");
        assert_eq!(exported[0]["actual_quantity"], "2.5");
        assert_eq!(exported[1]["actual_quantity"], "");
    }
);

db_test!(
    each_caller_exports_exactly_the_reports_follow_ups_shows_it,
    |app| {
        let arranged = arrange(&app).await;
        let published = key(&json!(arranged.published), NodeKind::FollowUpReport);
        let draft = key(&json!(arranged.draft), NodeKind::FollowUpReport);
        let callers: [(&str, Option<String>, bool); 5] = [
            ("anonymous", None, false),
            ("a Värnamo editor", Some(varnamo_editor()), false),
            ("a Vaggeryd editor", Some(vaggeryd_editor()), true),
            ("an admin", Some(admin()), true),
            // Reaches Vaggeryd through police coverage, like GraphQL.
            (
                "an LPO Värnamo police editor",
                Some(lpo_varnamo_editor()),
                true,
            ),
        ];
        for (who, token, sees_draft) in callers {
            let token = token.as_deref();
            let graphql = follow_up_ids(&app, token, Value::Null).await;
            let csv = report_ids_of_csv(&export_csv(&app, token, &[]).await);
            let ndjson = report_ids_of_ndjson(&export_ndjson(&app, token, &[]).await);
            assert_eq!(csv, graphql, "CSV export of {who} differs from followUps");
            assert_eq!(
                ndjson, graphql,
                "NDJSON export of {who} differs from followUps"
            );
            assert!(csv.contains(&published), "{who} sees the published report");
            assert_eq!(
                csv.contains(&draft),
                sees_draft,
                "whether {who} sees the draft report"
            );
        }
    }
);

db_test!(
    a_bad_token_is_401_on_the_export_exactly_as_on_graphql,
    |app| {
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
        for bad in ["garbage", forged.as_str()] {
            let (status, body) = app
                .gql_as(Some(bad), "{ focusAreas { code } }", json!({}))
                .await;
            assert_eq!(status, 401, "GraphQL: {body}");
            for format in ["csv", "ndjson"] {
                let response = get_export(&app, format, Some(bad), &[]).await;
                assert_eq!(response.status(), 401, "{format} export with a bad token");
                assert!(
                    response.headers().contains_key("www-authenticate"),
                    "a 401 names the scheme"
                );
                let body: Value = response.json().await.expect("a JSON error body");
                assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "{body}");
            }
        }
        // A header that is not a bearer token is just as bad, never anonymous.
        let response = app
            .client
            .get(format!("{}/export/follow-ups.csv", app.base_url))
            .header("authorization", "Basic dXNlcjpwYXNz")
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 401);
    }
);

db_test!(export_filters_match_the_follow_ups_filters, |app| {
    let arranged = arrange(&app).await;
    let published = key(&json!(arranged.published), NodeKind::FollowUpReport);
    let draft = key(&json!(arranged.draft), NodeKind::FollowUpReport);
    let admin = admin();
    let anonymous: Option<&str> = None;

    // municipality
    let varnamo = export_csv(&app, Some(&admin), &[("municipality", "0683")]).await;
    assert!(
        varnamo.iter().all(|r| r["municipality_code"] == "0683"),
        "municipality=0683 exports only Värnamo rows"
    );
    assert_eq!(
        report_ids_of_csv(&varnamo),
        follow_up_ids(&app, Some(&admin), json!({ "municipality": "0683" })).await
    );
    let vaggeryd =
        report_ids_of_csv(&export_csv(&app, Some(&admin), &[("municipality", "0665")]).await);
    assert_eq!(
        vaggeryd,
        BTreeSet::from([published, draft]),
        "municipality=0665 as admin"
    );

    // year
    for (year, ours) in [("2025", true), ("2024", false)] {
        let rows = export_csv(&app, anonymous, &[("year", year)]).await;
        assert!(rows.iter().all(|r| r["pledge_year"] == year), "year={year}");
        let exported = report_ids_of_csv(&rows);
        assert_eq!(exported.contains(&published), ours, "year={year}");
        assert_eq!(
            exported,
            follow_up_ids(
                &app,
                anonymous,
                json!({ "year": year.parse::<i32>().expect("year") })
            )
            .await,
            "year={year}"
        );
    }

    // updatedSince (inclusive); the draft changed after the publication.
    let stamps = app
        .data_as(
            &admin,
            "query ($a: ID!, $b: ID!) {
                   a: node(id: $a) { ... on FollowUpReport { updatedAt } }
                   b: node(id: $b) { ... on FollowUpReport { updatedAt } }
                 }",
            json!({ "a": arranged.published, "b": arranged.draft }),
        )
        .await;
    let published_at = text(&stamps["a"]["updatedAt"]);
    let draft_at = text(&stamps["b"]["updatedAt"]);
    let cases: [(Option<&str>, &str, BTreeSet<Uuid>); 3] = [
        (
            Some(admin.as_str()),
            &published_at,
            BTreeSet::from([published, draft]),
        ),
        (Some(admin.as_str()), &draft_at, BTreeSet::from([draft])),
        (anonymous, &published_at, BTreeSet::from([published])),
    ];
    for (token, since, expected) in cases {
        let exported =
            report_ids_of_csv(&export_csv(&app, token, &[("updatedSince", since)]).await);
        assert_eq!(exported, expected, "updatedSince={since}");
        assert_eq!(
            exported,
            follow_up_ids(&app, token, json!({ "updatedSince": since })).await,
            "updatedSince={since}"
        );
    }
    // Filters combine.
    let none = export_csv(
        &app,
        Some(&admin),
        &[("municipality", "0665"), ("year", "2024")],
    )
    .await;
    assert!(none.is_empty(), "Vaggeryd has no 2024 reports");
});

db_test!(a_bad_filter_is_400_with_bad_user_input, |app| {
    let cases: [&[(&str, &str)]; 7] = [
        &[("municipality", "abc")],
        &[("municipality", "06650")],
        // Well-formed but unknown.
        &[("municipality", "9999")],
        &[("year", "tjugofem")],
        &[("year", "1899")],
        &[("updatedSince", "igår")],
        &[("kommun", "0665")],
    ];
    for query in cases {
        for format in ["csv", "ndjson"] {
            let response = get_export(&app, format, None, query).await;
            assert_eq!(response.status(), 400, "{format} {query:?}");
            let body: Value = response.json().await.expect("a JSON error body");
            assert_eq!(
                error_codes(&body),
                ["BAD_USER_INPUT"],
                "{format} {query:?}: {body}"
            );
        }
    }
});

/// Inserts straight into the database a PUBLISHED Vaggeryd pledge for 2091
/// with `commitments` commitments of about 1 KB text each and `reports`
/// PUBLISHED reports with one progress entry per commitment.
async fn insert_large_export(app: &TestApp, commitments: usize, reports: usize) {
    const CHUNK: usize = 500;
    let db = app.db();
    let vaggeryd = sql::id_by_code(db, "municipalities", "0665")
        .await
        .expect("Vaggeryd is seeded");
    let area = sql::id_by_code(db, "police_areas", "lpo-varnamo")
        .await
        .expect("LPO Värnamo is seeded");
    // One transaction: one commit (and fsync) instead of hundreds.
    let txn = db.begin().await.expect("a transaction");
    let pledge = NewPledge {
        id: Uuid::new_v4(),
        municipality_id: vaggeryd,
        police_area_id: area,
        year: 2091,
        title: "Stort löfte",
        status: "PUBLISHED",
        withdrawn_reason: None,
    };
    sql::insert(&txn, std::slice::from_ref(&pledge))
        .await
        .expect("insert pledge");
    let (from, to) = pledge.validity();
    let now = Utc::now();

    let filler = "Trygghet, \"närvaro\" och samverkan i Skillingaryd. ".repeat(20);
    let commitment_ids: Vec<Uuid> = (0..commitments).map(|_| Uuid::new_v4()).collect();
    for (chunk_no, chunk) in commitment_ids.chunks(CHUNK).enumerate() {
        let rows: Vec<NewCommitment> = chunk
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let position = (chunk_no * CHUNK + i + 1) as i32;
                NewCommitment {
                    id: *id,
                    pledge_id: pledge.id,
                    municipality_id: vaggeryd,
                    position,
                    text: format!("Åtagande {position}: {filler}"),
                    method: None,
                    target_quantity: Some(12.0),
                    target_unit: Some("möten"),
                    at: now,
                }
            })
            .collect();
        sql::insert(&txn, &rows).await.expect("insert commitments");
    }

    let report_ids: Vec<Uuid> = (0..reports).map(|_| Uuid::new_v4()).collect();
    let rows: Vec<NewReport> = report_ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let at = now + chrono::Duration::milliseconds(i as i64);
            NewReport {
                id: *id,
                pledge_id: pledge.id,
                municipality_id: vaggeryd,
                year: 2091,
                period_start: from,
                period_end: to,
                summary: None,
                version: 2,
                published_at: at,
                created_at: at,
                updated_at: at,
            }
        })
        .collect();
    sql::insert(&txn, &rows).await.expect("insert reports");

    let entries: Vec<NewProgress> = report_ids
        .iter()
        .flat_map(|r| {
            commitment_ids.iter().map(move |c| NewProgress {
                report_id: *r,
                commitment_id: *c,
                status: "ONGOING",
                progress_percent: Some(50),
                actual_quantity: Some(6.0),
                comment: Some(COMMENT),
            })
        })
        .collect();
    // 4000 rows of 6 values stay under SQLite's 32766 bound parameters;
    // on PostgreSQL each of these statements costs tens of milliseconds, so
    // fewer and larger ones keep the setup to a second or two.
    for chunk in entries.chunks(4000) {
        sql::insert(&txn, chunk).await.expect("insert progress");
    }
    txn.commit().await.expect("commit the large export");
}

/// Reads the export counter until it has not moved for 300 ms (at most 10 s).
async fn settled_counter(app: &TestApp) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = app.exported_rows();
    loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now = app.exported_rows();
        if now == last || Instant::now() > deadline {
            return now;
        }
        last = now;
    }
}

db_test!(
    an_export_of_100_000_rows_streams_as_fast_as_the_client_reads_it,
    |app| {
        const ROWS: u64 = 100_000;
        let started = Instant::now();
        insert_large_export(&app, 1000, 100).await;
        eprintln!(
            "{:?}: inserted {ROWS} rows in {:?}",
            app.backend,
            started.elapsed()
        );

        let before = app.exported_rows();
        let requested = Instant::now();
        let mut response = get_export(&app, "csv", None, &[("year", "2091")]).await;
        assert_eq!(response.status(), 200);
        // Read until the first data rows are here, then stop reading.
        let mut body: Vec<u8> = Vec::new();
        while body.iter().filter(|&&b| b == b'\r').count() < 2 {
            let chunk = response
                .chunk()
                .await
                .expect("the body reads")
                .expect("data rows follow the header");
            body.extend_from_slice(&chunk);
        }
        let first_rows_after = requested.elapsed();
        // While the client does not read, the server stops writing: the
        // rows in flight fill the channel and the socket, no more.
        let held_back = settled_counter(&app).await - before;
        eprintln!(
            "{:?}: {held_back} rows written while the client paused (first rows after {first_rows_after:?})",
            app.backend
        );
        assert!(held_back > 0, "rows were written before the client paused");
        assert!(
            held_back < ROWS / 4,
            "{held_back} of {ROWS} rows were written while the client read nothing: the export is not held back by its reader"
        );

        while let Some(chunk) = response.chunk().await.expect("the rest of the body reads") {
            body.extend_from_slice(&chunk);
        }
        eprintln!(
            "{:?}: whole export after {:?}",
            app.backend,
            requested.elapsed()
        );
        assert_eq!(
            app.exported_rows() - before,
            ROWS,
            "the counter counts every row"
        );
        let mut reader = csv::ReaderBuilder::new().from_reader(body.as_slice());
        let mut rows = 0u64;
        let mut reports = BTreeSet::new();
        for record in reader.records() {
            let record = record.expect("every record parses");
            assert_eq!(record.get(18), Some(COMMENT), "comment column");
            reports.insert(record.get(0).expect("report_id").to_owned());
            rows += 1;
        }
        assert_eq!(rows, ROWS);
        assert_eq!(reports.len(), 100);
    }
);

db_test!(slow_export_clients_cannot_starve_other_requests, |app| {
    insert_large_export(&app, 200, 100).await;
    let allowed = api::db::concurrent_exports(match app.backend {
        tests::Backend::Sqlite => "sqlite:",
        tests::Backend::Postgres => "postgres://",
    });
    // Clients that start an export and then stop reading.
    let mut stalled = Vec::new();
    for _ in 0..allowed {
        let mut response = get_export(&app, "csv", None, &[("year", "2091")]).await;
        assert_eq!(response.status(), 200);
        response
            .chunk()
            .await
            .expect("reads")
            .expect("a first chunk");
        stalled.push(response);
    }
    // One more export is turned away, not queued behind them…
    let refused = get_export(&app, "csv", None, &[("year", "2091")]).await;
    assert_eq!(refused.status(), 503);
    assert!(refused.headers().get("retry-after").is_some());
    let body: Value = refused.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    // …and ordinary requests are still answered.
    let answered = tokio::time::timeout(
        Duration::from_secs(5),
        app.gql_as(None, "{ pledges { totalCount } }", json!({})),
    )
    .await
    .expect("GraphQL answers while exports are stalled");
    assert_eq!(answered.0, 200);
    // When the stalled clients go away, exports are possible again.
    drop(stalled);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let again = get_export(&app, "csv", None, &[("municipality", "0683")]).await;
        if again.status() == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the export slots were not given back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
});
