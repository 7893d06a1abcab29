//! The open datasets read through GraphQL — `pledges`, `commitments`,
//! `activities` and `regional-comparison` under `/export/` — round-trip:
//! the rows a CSV parser and a JSON parser read back from a download are
//! exactly the rows an analyst builds from the caller's own GraphQL
//! answer (every column, in the same order, in the export's spelling),
//! with and without filters, for three callers: anonymous, a Värnamo
//! editor (who also sees Värnamo's DRAFT pledge, its commitments and its
//! activity) and a Vaggeryd editor (who sees none of them). Each test also
//! asserts the draft's presence or absence on both sides, so an export
//! that ignored the caller's scope, a filter or GraphQL's order (newest
//! year first) fails here. Follow-ups have their own round trip
//! (`follow_up_export.rs`).
//!
//! The expected rows come from queries written here, as an analyst would
//! write them, not from the server's export documents: the point is that
//! the file says what the API says, not that the server agrees with
//! itself.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use tests::{TestApp, db_test, token};
use uuid::Uuid;

/// `pledges.*`'s columns, in file order (the data dictionary).
const PLEDGE_COLUMNS: [&str; 26] = [
    "pledge_id",
    "municipality_code",
    "municipality_name",
    "police_area_code",
    "police_area_name",
    "year",
    "title",
    "status",
    "valid_from",
    "valid_to",
    "signed_on",
    "provenance",
    "validity_stated",
    "inference_note",
    "focus_areas",
    "signatories",
    "commitment_count",
    "promise_statement",
    "situation_picture",
    "expected_effect",
    "follow_up_plan",
    "source_title",
    "source_url",
    "withdrawn_reason",
    "created_at",
    "updated_at",
];

const COMMITMENT_COLUMNS: [&str; 23] = [
    "commitment_id",
    "pledge_id",
    "municipality_code",
    "municipality_name",
    "pledge_year",
    "pledge_status",
    "position",
    "text",
    "responsible",
    "methods",
    "focus_areas",
    "target_groups",
    "partners",
    "places",
    "target_quantity",
    "target_unit",
    "target_period",
    "latest_status",
    "latest_progress_percent",
    "latest_actual_quantity",
    "latest_report_id",
    "outcome",
    "activity_count",
];

const ACTIVITY_COLUMNS: [&str; 14] = [
    "activity_id",
    "commitment_id",
    "pledge_id",
    "municipality_code",
    "municipality_name",
    "pledge_year",
    "kind",
    "date",
    "description",
    "place",
    "participants",
    "people",
    "source_title",
    "source_url",
];

/// The comparison's figures; each once more with `previous_`.
const FIGURE_COLUMNS: [&str; 9] = [
    "pledges",
    "commitments",
    "commitments_police",
    "commitments_municipality",
    "commitments_joint",
    "focus_areas",
    "progress_entries",
    "completion_rate",
    "activities",
];

fn comparison_columns() -> Vec<String> {
    let mut columns: Vec<String> = [
        "year",
        "municipality_code",
        "municipality_name",
        "pledge_id",
        "pledge_status",
    ]
    .map(str::to_owned)
    .to_vec();
    columns.extend(FIGURE_COLUMNS.map(str::to_owned));
    columns.extend(FIGURE_COLUMNS.map(|c| format!("previous_{c}")));
    columns
}

/// The draft's year: the seed has no Värnamo pledge for it.
const DRAFT_YEAR: i64 = 2027;

/// The filters each of pledges, commitments and activities is downloaded
/// with (as query-string pairs; the same as a `PledgeFilter`).
const FILTERS: [&[(&str, &str)]; 4] = [
    &[],
    &[("municipality", "0683")],
    &[("year", "2027")],
    &[("policeArea", "lpo-varnamo"), ("focusArea", "NARKOTIKA")],
];

/// Who reads and downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Caller {
    Anonymous,
    /// Edits Värnamo (0683): made the draft, so sees it.
    VarnamoEditor,
    /// Edits Vaggeryd (0665): another municipality, no drafts of Värnamo.
    VaggerydEditor,
}

const CALLERS: [Caller; 3] = [
    Caller::Anonymous,
    Caller::VarnamoEditor,
    Caller::VaggerydEditor,
];

impl Caller {
    fn token(self) -> Option<String> {
        match self {
            Caller::Anonymous => None,
            Caller::VarnamoEditor => Some(varnamo_editor()),
            Caller::VaggerydEditor => Some(token(
                "vera-vaggeryd",
                &["municipality_editor"],
                &["0665"],
                &[],
            )),
        }
    }

    fn sees_the_draft(self) -> bool {
        self == Caller::VarnamoEditor
    }
}

fn varnamo_editor() -> String {
    token("eva-varnamo", &["municipality_editor"], &["0683"], &[])
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, got {value}"))
        .to_owned()
}

fn list(value: &Value) -> &Vec<Value> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("expected a list, got {value}"))
}

/// The entity key in a GraphQL global ID (base64url, no padding, of
/// `Type:uuid`), decoded as a client would, as the export spells it.
fn key(global_id: &Value) -> String {
    let raw = text(global_id);
    let bytes = URL_SAFE_NO_PAD
        .decode(&raw)
        .unwrap_or_else(|e| panic!("{raw} is not base64url ({e})"));
    let decoded = String::from_utf8(bytes).expect("a global ID is UTF-8");
    let (_, uuid) = decoded
        .split_once(':')
        .unwrap_or_else(|| panic!("{decoded} is not Type:uuid"));
    Uuid::parse_str(uuid)
        .unwrap_or_else(|e| panic!("{uuid} is not a UUID ({e})"))
        .to_string()
}

/// `key`, or null for a null ID.
fn optional_key(global_id: &Value) -> Value {
    if global_id.is_null() {
        Value::Null
    } else {
        Value::String(key(global_id))
    }
}

/// A GraphQL `DateTime` as the export spells it: RFC 3339 in UTC with
/// `Z` (the dictionary's `datetime`), the same instant.
fn utc(value: &Value) -> Value {
    let raw = text(value);
    let at = chrono::DateTime::parse_from_rfc3339(&raw)
        .unwrap_or_else(|e| panic!("{raw} is not RFC 3339 ({e})"))
        .with_timezone(&chrono::Utc);
    Value::String(at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
}

/// The texts at `field` of each object in a list, as a list cell.
fn each(value: &Value, field: &str) -> Value {
    Value::Array(list(value).iter().map(|item| item[field].clone()).collect())
}

fn count(value: &Value) -> Value {
    Value::from(list(value).len())
}

/// An expected row: column → value in NDJSON's form (text, number, bool,
/// array of texts or null).
type Row = BTreeMap<String, Value>;

fn row<const N: usize>(cells: [(&str, Value); N]) -> Row {
    cells
        .into_iter()
        .map(|(column, value)| (column.to_owned(), value))
        .collect()
}

/// A text as a CSV cell spells it: one that a spreadsheet would read as
/// a formula gets a leading `'`.
fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// A value as the export's CSV spells it: empty for null, numbers as
/// numbers (a `.` for decimals), lists joined with " | ", texts
/// spreadsheet-safe.
fn csv_spelling(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => n.as_f64().expect("a number").to_string(),
        },
        Value::String(s) => spreadsheet_safe(s),
        Value::Array(items) => {
            spreadsheet_safe(&items.iter().map(text).collect::<Vec<_>>().join(" | "))
        }
        Value::Object(_) => panic!("no cell holds an object: {value}"),
    }
}

/// POSTs a GraphQL query as `caller`; its `data`, asserting no errors.
async fn read(app: &TestApp, caller: Caller, query: &str, variables: Value) -> Value {
    let token = caller.token();
    let (status, body) = app.gql_as(token.as_deref(), query, variables).await;
    assert_eq!(status, 200, "{caller:?}: {body}");
    assert!(body.get("errors").is_none(), "{caller:?}: {body}");
    body["data"].clone()
}

/// Every pledge `pledges(filter:)` shows `caller`, page by page, in
/// GraphQL's order; `document` takes `$filter` and `$after`.
async fn pledge_nodes(app: &TestApp, caller: Caller, document: &str, filter: &Value) -> Vec<Value> {
    let mut nodes = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = read(
            app,
            caller,
            document,
            json!({ "filter": filter, "after": after }),
        )
        .await;
        let page = &data["pledges"];
        nodes.extend(list(&page["edges"]).iter().map(|edge| edge["node"].clone()));
        if page["pageInfo"]["hasNextPage"] != true {
            return nodes;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

/// The `PledgeFilter` of a download's query string.
fn pledge_filter(query: &[(&str, &str)]) -> Value {
    query
        .iter()
        .map(|&(name, value)| {
            let value = match name {
                "year" => Value::from(value.parse::<i64>().expect("a year")),
                _ => Value::from(value),
            };
            (name.to_owned(), value)
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// GETs `/export/{dataset}.{format}?query` as `caller`: the body,
/// asserting status 200 and the media type.
async fn download(
    app: &TestApp,
    caller: Caller,
    dataset: &str,
    format: &str,
    query: &[(&str, &str)],
) -> String {
    let mut request = app
        .client
        .get(format!("{}/export/{dataset}.{format}", app.base_url))
        .query(query);
    if let Some(token) = caller.token() {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the export is answered");
    let status = response.status();
    let content_type = tests::content_type(&response);
    let body = response.text().await.expect("a UTF-8 body");
    assert_eq!(
        status, 200,
        "{dataset}.{format}?{query:?} as {caller:?}: {body}"
    );
    let media = if format == "csv" {
        "text/csv"
    } else {
        "application/x-ndjson"
    };
    assert!(
        content_type.starts_with(media),
        "{dataset}.{format} served as {content_type:?}"
    );
    body
}

/// A CSV body's records by column name, asserting the header is `columns`
/// in order and every record has a value per column.
fn parse_csv(body: &str, columns: &[String]) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header, columns,
        "the header is the dictionary's columns, in order"
    );
    reader
        .records()
        .map(|record| {
            let record = record.expect("every record parses");
            assert_eq!(record.len(), columns.len(), "{record:?}");
            columns
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

/// An NDJSON body's lines, asserting each is an object of exactly
/// `columns`.
fn parse_ndjson(body: &str, columns: &[String]) -> Vec<Row> {
    assert!(
        body.is_empty() || body.ends_with('\n'),
        "every line ends with a newline"
    );
    let expected: BTreeSet<&str> = columns.iter().map(String::as_str).collect();
    body.lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("an NDJSON line does not parse ({e}): {line}"));
            let object = value
                .as_object()
                .unwrap_or_else(|| panic!("each line is an object: {line}"));
            let keys: BTreeSet<&str> = object.keys().map(String::as_str).collect();
            assert_eq!(keys, expected, "{line}");
            object.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
        })
        .collect()
}

/// What one download of a dataset held, in both formats.
#[derive(Debug)]
struct Exported {
    csv: Vec<BTreeMap<String, String>>,
    ndjson: Vec<Row>,
}

impl Exported {
    /// The values of `column` in the CSV, in order.
    fn column(&self, column: &str) -> Vec<String> {
        self.csv.iter().map(|r| r[column].clone()).collect()
    }
}

/// Downloads `dataset` as CSV and NDJSON and asserts that both hold
/// exactly `expected`, row by row in order.
async fn assert_round_trip(
    app: &TestApp,
    caller: Caller,
    dataset: &str,
    query: &[(&str, &str)],
    columns: &[String],
    expected: &[Row],
) -> Exported {
    let what = format!("{dataset}?{query:?} as {caller:?}");
    for row in expected {
        let keys: Vec<&String> = row.keys().collect();
        let mut all: Vec<&String> = columns.iter().collect();
        all.sort();
        assert_eq!(keys, all, "{what}: the expected rows name every column");
    }
    let csv = parse_csv(&download(app, caller, dataset, "csv", query).await, columns);
    let as_text: Vec<BTreeMap<String, String>> = expected
        .iter()
        .map(|r| {
            r.iter()
                .map(|(k, v)| (k.clone(), csv_spelling(v)))
                .collect()
        })
        .collect();
    assert_eq!(
        csv.len(),
        as_text.len(),
        "{what}: CSV rows\n{csv:#?}\n{as_text:#?}"
    );
    for (i, (got, want)) in csv.iter().zip(&as_text).enumerate() {
        assert_eq!(got, want, "{what}: CSV row {i}");
    }
    let ndjson = parse_ndjson(
        &download(app, caller, dataset, "ndjson", query).await,
        columns,
    );
    assert_eq!(ndjson.len(), expected.len(), "{what}: NDJSON lines");
    for (i, (got, want)) in ndjson.iter().zip(expected).enumerate() {
        assert_eq!(got, want, "{what}: NDJSON line {i}");
    }
    Exported { csv, ndjson }
}

/// Asserts that each of `drafts` (keys in `column`) is in GraphQL's rows
/// and in both files exactly when `caller` may see the draft.
fn assert_draft_scope(
    what: &str,
    caller: Caller,
    column: &str,
    drafts: &[String],
    expected: &[Row],
    exported: &Exported,
) {
    let in_graphql: BTreeSet<String> = expected.iter().map(|r| text(&r[column])).collect();
    let in_csv: BTreeSet<String> = exported.column(column).into_iter().collect();
    let in_ndjson: BTreeSet<String> = exported.ndjson.iter().map(|r| text(&r[column])).collect();
    for draft in drafts {
        for (side, keys) in [
            ("GraphQL", &in_graphql),
            ("CSV", &in_csv),
            ("NDJSON", &in_ndjson),
        ] {
            assert_eq!(
                keys.contains(draft),
                caller.sees_the_draft(),
                "{what} as {caller:?}: draft {column} {draft} in {side}"
            );
        }
    }
}

/// What `arrange` made, as the export names it (UUIDs).
#[derive(Debug)]
struct Arranged {
    draft: String,
    draft_commitments: Vec<String>,
    draft_activity: String,
}

/// On top of the seed (published pledges of Värnamo, Vaggeryd and
/// Älmhult): Värnamo's DRAFT pledge for 2027 with two commitments and one
/// dated activity, by the Värnamo editor; and a published follow-up of
/// the seeded, published Värnamo 2024 pledge with an outcome rated, so the
/// latest-progress, outcome and completion-rate columns have values.
async fn arrange(app: &TestApp) -> Arranged {
    let editor = varnamo_editor();
    let created = app
        .data_as(
            &editor,
            "mutation ($input: CreatePledgeInput!) { createPledge(input: $input) { id status } }",
            json!({ "input": {
                "municipality": "0683", "policeArea": "lpo-varnamo", "year": DRAFT_YEAR,
                "title": "Medborgarlöfte Värnamo 2027 (utkast)",
                "validFrom": "2027-01-01", "validTo": "2027-12-31",
                "promiseStatement": "+ Polisen och Värnamo kommun lovar att öka tryggheten, \"tillsammans\".",
                "situationPicture": "Otrygghet vid stationen;\nnarkotika bland unga.",
                "followUpPlan": "Tertialvis i kommunstyrelsen.",
                "sourceUrl": "https://example.se/medborgarlofte-2027",
                "focusAreas": [{ "code": "TRYGGHET" }, { "code": "NARKOTIKA" }],
                "signatories": [
                    { "name": "Anna Andersson", "title": "Kommunstyrelsens ordförande", "party": "MUNICIPALITY" },
                    { "name": "Per Persson", "party": "POLICE" },
                ],
            }}),
        )
        .await;
    assert_eq!(created["createPledge"]["status"], "DRAFT", "{created}");
    let pledge = created["createPledge"]["id"].clone();
    let commitments = [
        json!({
            "text": "Vi genomför trygghetsvandringar vid stationen, med föreningar.",
            "responsible": "JOINT",
            "methods": ["SAFETY_WALK", "CITIZEN_DIALOGUE"],
            "focusAreas": ["TRYGGHET"],
            "places": ["Järnvägsstationen"],
            "targetGroups": ["16–29 år", "boende"],
            "partners": ["Finnvedsbostäder"],
            "targetQuantity": 4.5,
            "targetUnit": "trygghetsvandringar",
            "targetPeriod": "T1",
        }),
        json!({
            "text": "- Polisen besöker skolorna och informerar om narkotika.",
            "responsible": "POLICE",
            "methods": ["SCHOOL_VISITS"],
            "focusAreas": ["UNGA_KRIMINALITET", "NARKOTIKA"],
            "targetGroups": ["elever"],
            "targetQuantity": 12.0,
        }),
    ];
    let mut draft_commitments = Vec::new();
    for input in commitments {
        let added = app
            .data_as(
                &editor,
                "mutation ($p: ID!, $input: CommitmentInput!) {
                   addCommitment(pledgeId: $p, input: $input) { id } }",
                json!({ "p": pledge, "input": input }),
            )
            .await;
        draft_commitments.push(added["addCommitment"]["id"].clone());
    }
    let activity = app
        .data_as(
            &editor,
            "mutation ($input: ActivityInput!) { recordActivity(input: $input) { id } }",
            json!({ "input": {
                "municipality": "0683", "commitmentId": draft_commitments[0],
                "kind": "SAFETY_WALK", "date": "2027-03-14", "place": "Järnvägsstationen",
                "description": "Trygghetsvandring kring stationen, \"kvällstid\", 12 deltagare.",
                "participants": ["Föreningar", "Polisen"],
                "people": ["kommunpolis Andreas Sjöqvist"],
                "sourceUrl": "https://example.se/trygghetsvandring",
            }}),
        )
        .await;

    // A published report of the published Värnamo 2024 pledge.
    let seeded = app
        .data_as(
            &editor,
            "{ pledges(filter: { municipality: \"0683\", year: 2024 }) {
                 nodes { id status commitments { id } } } }",
            json!({}),
        )
        .await;
    let published = &list(&seeded["pledges"]["nodes"])[0];
    assert_eq!(published["status"], "PUBLISHED", "{seeded}");
    let statuses = ["COMPLETED", "ONGOING", "IN_PROGRESS", "NOT_STARTED"];
    let percents = [Some(100), Some(60), None, Some(0)];
    let quantities = [Some(3.5), None, Some(2.0), None];
    let progress: Vec<Value> = list(&published["commitments"])
        .iter()
        .enumerate()
        .map(|(i, c)| {
            json!({
                "commitmentId": c["id"],
                "status": statuses[i % statuses.len()],
                "progressPercent": percents[i % 4],
                "actualQuantity": quantities[i % 4],
                "comment": "=Enligt plan",
            })
        })
        .collect();
    let report = app
        .data_as(
            &editor,
            "mutation ($input: FollowUpReportInput!) { createFollowUpReport(input: $input) { id } }",
            json!({ "input": {
                "pledgeId": published["id"], "periodKind": "T1",
                "periodStart": "2024-01-01", "periodEnd": "2024-04-30",
                "progress": progress,
            }}),
        )
        .await;
    app.data_as(
        &editor,
        "mutation ($id: ID!) { publishFollowUpReport(id: $id) { status } }",
        json!({ "id": report["createFollowUpReport"]["id"] }),
    )
    .await;
    app.data_as(
        &editor,
        "mutation ($id: ID!) { setCommitmentOutcome(commitmentId: $id, outcome: PARTLY_KEPT) { id } }",
        json!({ "id": published["commitments"][0]["id"] }),
    )
    .await;

    Arranged {
        draft: key(&pledge),
        draft_commitments: draft_commitments.iter().map(key).collect(),
        draft_activity: key(&activity["recordActivity"]["id"]),
    }
}

const PLEDGES: &str = "query ($filter: PledgeFilter, $after: String) {
  pledges(filter: $filter, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id year title status validFrom validTo signedOn provenance validityStated
      inferenceNote promiseStatement situationPicture expectedEffect followUpPlan
      sourceTitle sourceUrl withdrawnReason createdAt updatedAt
      municipality { code name }
      policeArea { code name }
      focusAreas { focusArea { code } }
      signatories { name title party }
      commitments { position }
    } }
  }
}";

/// A pledge as a row of `pledges.*`.
fn pledge_row(p: &Value) -> Row {
    let signatories = list(&p["signatories"])
        .iter()
        .map(|s| {
            let (name, party) = (text(&s["name"]), text(&s["party"]));
            Value::String(match s["title"].as_str() {
                Some(title) => format!("{name}, {title} ({party})"),
                None => format!("{name} ({party})"),
            })
        })
        .collect();
    let focus_areas = list(&p["focusAreas"])
        .iter()
        .map(|f| f["focusArea"]["code"].clone())
        .collect();
    row([
        ("pledge_id", Value::String(key(&p["id"]))),
        ("municipality_code", p["municipality"]["code"].clone()),
        ("municipality_name", p["municipality"]["name"].clone()),
        ("police_area_code", p["policeArea"]["code"].clone()),
        ("police_area_name", p["policeArea"]["name"].clone()),
        ("year", p["year"].clone()),
        ("title", p["title"].clone()),
        ("status", p["status"].clone()),
        ("valid_from", p["validFrom"].clone()),
        ("valid_to", p["validTo"].clone()),
        ("signed_on", p["signedOn"].clone()),
        ("provenance", p["provenance"].clone()),
        ("validity_stated", p["validityStated"].clone()),
        ("inference_note", p["inferenceNote"].clone()),
        ("focus_areas", Value::Array(focus_areas)),
        ("signatories", Value::Array(signatories)),
        ("commitment_count", count(&p["commitments"])),
        ("promise_statement", p["promiseStatement"].clone()),
        ("situation_picture", p["situationPicture"].clone()),
        ("expected_effect", p["expectedEffect"].clone()),
        ("follow_up_plan", p["followUpPlan"].clone()),
        ("source_title", p["sourceTitle"].clone()),
        ("source_url", p["sourceUrl"].clone()),
        ("withdrawn_reason", p["withdrawnReason"].clone()),
        ("created_at", utc(&p["createdAt"])),
        ("updated_at", utc(&p["updatedAt"])),
    ])
}

db_test!(pledges_round_trip_for_every_caller, |app| {
    let arranged = arrange(&app).await;
    let columns = PLEDGE_COLUMNS.map(str::to_owned);
    let mut seen = BTreeMap::new();
    for (f, query) in FILTERS.into_iter().enumerate() {
        for caller in CALLERS {
            let nodes = pledge_nodes(&app, caller, PLEDGES, &pledge_filter(query)).await;
            let expected: Vec<Row> = nodes.iter().map(pledge_row).collect();
            let years: Vec<i64> = nodes
                .iter()
                .map(|p| p["year"].as_i64().expect("a year"))
                .collect();
            assert!(
                years.is_sorted_by(|a, b| a >= b),
                "GraphQL lists the newest year first: {years:?}"
            );
            let exported =
                assert_round_trip(&app, caller, "pledges", query, &columns, &expected).await;
            let what = format!("pledges?{query:?}");
            assert_draft_scope(
                &what,
                caller,
                "pledge_id",
                std::slice::from_ref(&arranged.draft),
                &expected,
                &exported,
            );
            seen.insert((f, caller), expected);
        }
    }
    let everything = |caller| &seen[&(0, caller)];
    assert_eq!(
        everything(Caller::VarnamoEditor).len(),
        everything(Caller::Anonymous).len() + 1,
        "the editor sees the published pledges and the draft"
    );
    assert!(
        everything(Caller::Anonymous).len() >= 4,
        "the seed's pledges"
    );
    assert_eq!(
        everything(Caller::VaggerydEditor),
        everything(Caller::Anonymous)
    );
    // The draft as its editor reads it (?year=2027): every kind of cell.
    assert!(seen[&(2, Caller::Anonymous)].is_empty());
    let draft = &seen[&(2, Caller::VarnamoEditor)];
    assert_eq!(draft.len(), 1, "{draft:#?}");
    let draft = &draft[0];
    assert_eq!(draft["pledge_id"], arranged.draft.as_str());
    assert_eq!(draft["status"], "DRAFT");
    assert_eq!(draft["year"], DRAFT_YEAR);
    assert_eq!(draft["valid_from"], "2027-01-01");
    assert_eq!(draft["focus_areas"], json!(["TRYGGHET", "NARKOTIKA"]));
    assert_eq!(draft["commitment_count"], 2);
    assert_eq!(
        csv_spelling(&draft["signatories"]),
        "Anna Andersson, Kommunstyrelsens ordförande (MUNICIPALITY) | Per Persson (POLICE)"
    );
    assert_eq!(
        csv_spelling(&draft["promise_statement"]),
        "'+ Polisen och Värnamo kommun lovar att öka tryggheten, \"tillsammans\"."
    );
});

const COMMITMENTS: &str = "query ($filter: PledgeFilter, $after: String) {
  pledges(filter: $filter, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id year status
      municipality { code name }
      commitments {
        id position text responsible methods targetGroups partners
        targetQuantity targetUnit targetPeriod
        focusAreas { code }
        places { name }
        latestProgress { status progressPercent actualQuantity report { id } }
        outcome { outcome }
        activities { id }
      }
    } }
  }
}";

/// Each commitment of a pledge as a row of `commitments.*`.
fn commitment_rows(p: &Value) -> Vec<Row> {
    list(&p["commitments"])
        .iter()
        .map(|c| {
            let latest = &c["latestProgress"];
            row([
                ("commitment_id", Value::String(key(&c["id"]))),
                ("pledge_id", Value::String(key(&p["id"]))),
                ("municipality_code", p["municipality"]["code"].clone()),
                ("municipality_name", p["municipality"]["name"].clone()),
                ("pledge_year", p["year"].clone()),
                ("pledge_status", p["status"].clone()),
                ("position", c["position"].clone()),
                ("text", c["text"].clone()),
                ("responsible", c["responsible"].clone()),
                ("methods", c["methods"].clone()),
                ("focus_areas", each(&c["focusAreas"], "code")),
                ("target_groups", c["targetGroups"].clone()),
                ("partners", c["partners"].clone()),
                ("places", each(&c["places"], "name")),
                ("target_quantity", c["targetQuantity"].clone()),
                ("target_unit", c["targetUnit"].clone()),
                ("target_period", c["targetPeriod"].clone()),
                ("latest_status", latest["status"].clone()),
                ("latest_progress_percent", latest["progressPercent"].clone()),
                ("latest_actual_quantity", latest["actualQuantity"].clone()),
                ("latest_report_id", optional_key(&latest["report"]["id"])),
                ("outcome", c["outcome"]["outcome"].clone()),
                ("activity_count", count(&c["activities"])),
            ])
        })
        .collect()
}

db_test!(commitments_round_trip_for_every_caller, |app| {
    let arranged = arrange(&app).await;
    let columns = COMMITMENT_COLUMNS.map(str::to_owned);
    let mut counts = BTreeMap::new();
    for query in FILTERS {
        for caller in CALLERS {
            let nodes = pledge_nodes(&app, caller, COMMITMENTS, &pledge_filter(query)).await;
            let expected: Vec<Row> = nodes.iter().flat_map(commitment_rows).collect();
            let exported =
                assert_round_trip(&app, caller, "commitments", query, &columns, &expected).await;
            let what = format!("commitments?{query:?}");
            assert_draft_scope(
                &what,
                caller,
                "commitment_id",
                &arranged.draft_commitments,
                &expected,
                &exported,
            );
            if query.is_empty() {
                counts.insert(caller, expected.len());
                // The follow-up and the outcome reach everyone: the
                // 2024 pledge is published.
                let reported: Vec<&Row> = expected
                    .iter()
                    .filter(|r| r["latest_status"] != Value::Null)
                    .collect();
                assert_eq!(reported.len(), 4, "as {caller:?}: {reported:#?}");
                assert_eq!(reported[0]["latest_actual_quantity"], 3.5);
                assert_eq!(csv_spelling(&reported[0]["outcome"]), "PARTLY_KEPT");
            }
            if caller.sees_the_draft() && query == FILTERS[2] {
                assert_eq!(expected.len(), 2, "{expected:#?}");
                let first = &expected[0];
                assert_eq!(first["methods"], json!(["SAFETY_WALK", "CITIZEN_DIALOGUE"]));
                assert_eq!(csv_spelling(&first["target_groups"]), "16–29 år | boende");
                assert_eq!(csv_spelling(&first["target_quantity"]), "4.5");
                assert_eq!(first["activity_count"], 1);
                assert_eq!(csv_spelling(&expected[1]["target_quantity"]), "12");
                assert_eq!(
                    exported.column("text")[1],
                    "'- Polisen besöker skolorna och informerar om narkotika."
                );
            }
        }
    }
    assert_eq!(
        counts[&Caller::VarnamoEditor],
        counts[&Caller::Anonymous] + 2
    );
    assert_eq!(counts[&Caller::VaggerydEditor], counts[&Caller::Anonymous]);
});

const ACTIVITIES: &str = "query ($filter: PledgeFilter, $after: String) {
  pledges(filter: $filter, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id year
      municipality { code name }
      commitments {
        id
        activities {
          id kind date description participants people sourceTitle sourceUrl
          place { name }
        }
      }
    } }
  }
}";

/// Each activity of each commitment of a pledge as a row of `activities.*`.
fn activity_rows(p: &Value) -> Vec<Row> {
    let mut rows = Vec::new();
    for c in list(&p["commitments"]) {
        for a in list(&c["activities"]) {
            rows.push(row([
                ("activity_id", Value::String(key(&a["id"]))),
                ("commitment_id", Value::String(key(&c["id"]))),
                ("pledge_id", Value::String(key(&p["id"]))),
                ("municipality_code", p["municipality"]["code"].clone()),
                ("municipality_name", p["municipality"]["name"].clone()),
                ("pledge_year", p["year"].clone()),
                ("kind", a["kind"].clone()),
                ("date", a["date"].clone()),
                ("description", a["description"].clone()),
                ("place", a["place"]["name"].clone()),
                ("participants", a["participants"].clone()),
                ("people", a["people"].clone()),
                ("source_title", a["sourceTitle"].clone()),
                ("source_url", a["sourceUrl"].clone()),
            ]));
        }
    }
    rows
}

db_test!(activities_round_trip_for_every_caller, |app| {
    let arranged = arrange(&app).await;
    let columns = ACTIVITY_COLUMNS.map(str::to_owned);
    let mut counts = BTreeMap::new();
    for query in FILTERS {
        for caller in CALLERS {
            let nodes = pledge_nodes(&app, caller, ACTIVITIES, &pledge_filter(query)).await;
            let expected: Vec<Row> = nodes.iter().flat_map(activity_rows).collect();
            let exported =
                assert_round_trip(&app, caller, "activities", query, &columns, &expected).await;
            let what = format!("activities?{query:?}");
            assert_draft_scope(
                &what,
                caller,
                "activity_id",
                std::slice::from_ref(&arranged.draft_activity),
                &expected,
                &exported,
            );
            if query.is_empty() {
                counts.insert(caller, expected.len());
            }
            if caller.sees_the_draft() && query == FILTERS[2] {
                assert_eq!(expected.len(), 1, "{expected:#?}");
                let held = &expected[0];
                assert_eq!(
                    held["commitment_id"],
                    arranged.draft_commitments[0].as_str()
                );
                assert_eq!(held["date"], "2027-03-14");
                assert_eq!(held["place"], "Järnvägsstationen");
                assert_eq!(csv_spelling(&held["participants"]), "Föreningar | Polisen");
            }
        }
    }
    assert!(counts[&Caller::Anonymous] >= 5, "the seed's activities");
    assert_eq!(
        counts[&Caller::VarnamoEditor],
        counts[&Caller::Anonymous] + 1
    );
    assert_eq!(counts[&Caller::VaggerydEditor], counts[&Caller::Anonymous]);
});

const COMPARISON: &str = "query ($year: Int!, $policeArea: String) {
  regionalComparison(year: $year, policeArea: $policeArea) {
    year
    municipalities {
      municipality { code name }
      pledge { id }
      pledgeStatus
      figures { ...figures }
      previous { ...figures }
    }
  }
}
fragment figures on ComparisonFigures {
  pledges commitments completionRate activities
  commitmentsByResponsible { key count }
  focusAreas { key count }
  progressByStatus { key count }
}";

/// One year's figures as the comparison's columns, prefixed.
fn figure_cells(f: &Value, prefix: &str) -> Vec<(String, Value)> {
    let responsible = |party: &str| {
        list(&f["commitmentsByResponsible"])
            .iter()
            .find(|kc| kc["key"] == party)
            .map_or(json!(0), |kc| kc["count"].clone())
    };
    let entries: i64 = list(&f["progressByStatus"])
        .iter()
        .map(|kc| kc["count"].as_i64().expect("a count"))
        .sum();
    [
        ("pledges", f["pledges"].clone()),
        ("commitments", f["commitments"].clone()),
        ("commitments_police", responsible("POLICE")),
        ("commitments_municipality", responsible("MUNICIPALITY")),
        ("commitments_joint", responsible("JOINT")),
        ("focus_areas", each(&f["focusAreas"], "key")),
        ("progress_entries", Value::from(entries)),
        ("completion_rate", f["completionRate"].clone()),
        ("activities", f["activities"].clone()),
    ]
    .into_iter()
    .map(|(column, value)| (format!("{prefix}{column}"), value))
    .collect()
}

fn comparison_rows(data: &Value) -> Vec<Row> {
    let comparison = &data["regionalComparison"];
    list(&comparison["municipalities"])
        .iter()
        .map(|m| {
            let mut cells = row([
                ("year", comparison["year"].clone()),
                ("municipality_code", m["municipality"]["code"].clone()),
                ("municipality_name", m["municipality"]["name"].clone()),
                ("pledge_id", optional_key(&m["pledge"]["id"])),
                ("pledge_status", m["pledgeStatus"].clone()),
            ]);
            cells.extend(figure_cells(&m["figures"], ""));
            cells.extend(figure_cells(&m["previous"], "previous_"));
            cells
        })
        .collect()
}

db_test!(regional_comparison_round_trips_for_every_caller, |app| {
    let arranged = arrange(&app).await;
    let columns = comparison_columns();
    // 2024: the seed's pledges (Värnamo 2024 with its published report;
    // Älmhult's 2023 pledge runs into 2024) and 2023 before it. 2027:
    // only the draft.
    for year in [2024, DRAFT_YEAR] {
        for area in [None, Some("lpo-varnamo")] {
            let year_text = year.to_string();
            let mut query = vec![("year", year_text.as_str())];
            query.extend(area.map(|a| ("policeArea", a)));
            for caller in CALLERS {
                let data = read(
                    &app,
                    caller,
                    COMPARISON,
                    json!({ "year": year, "policeArea": area }),
                )
                .await;
                let expected = comparison_rows(&data);
                let exported = assert_round_trip(
                    &app,
                    caller,
                    "regional-comparison",
                    &query,
                    &columns,
                    &expected,
                )
                .await;
                let what = format!("regional-comparison?{query:?} as {caller:?}");
                let varnamo = |rows: &[Row]| -> Row {
                    rows.iter()
                        .find(|r| r["municipality_code"] == "0683")
                        .unwrap_or_else(|| panic!("{what}: Värnamo is compared"))
                        .clone()
                };
                let in_graphql = varnamo(&expected);
                let in_ndjson = varnamo(&exported.ndjson);
                if area.is_some() {
                    assert!(
                        expected.len() >= 3 && expected.len() < 20,
                        "{what}: the municipalities of LPO Värnamo: {}",
                        expected.len()
                    );
                } else {
                    assert!(expected.len() > 250, "{what}: every municipality");
                }
                if year == DRAFT_YEAR {
                    for found in [&in_graphql, &in_ndjson] {
                        if caller.sees_the_draft() {
                            assert_eq!(found["pledge_id"], arranged.draft.as_str(), "{what}");
                            assert_eq!(found["pledge_status"], "DRAFT", "{what}");
                            assert_eq!(found["pledges"], 1, "{what}");
                            assert_eq!(found["commitments"], 2, "{what}");
                            assert_eq!(found["commitments_joint"], 1, "{what}");
                            assert_eq!(found["activities"], 1, "{what}");
                        } else {
                            assert_eq!(found["pledge_id"], Value::Null, "{what}");
                            assert_eq!(found["pledge_status"], Value::Null, "{what}");
                            assert_eq!(found["pledges"], 0, "{what}");
                        }
                    }
                } else {
                    // The published report reaches everyone: 2 of 4
                    // entries completed or ongoing.
                    for found in [&in_graphql, &in_ndjson] {
                        assert_eq!(found["pledge_status"], "PUBLISHED", "{what}");
                        assert_eq!(found["progress_entries"], 4, "{what}");
                        assert_eq!(found["completion_rate"], 0.5, "{what}");
                        assert_eq!(found["previous_pledges"], 0, "{what}");
                    }
                }
            }
        }
    }
});
