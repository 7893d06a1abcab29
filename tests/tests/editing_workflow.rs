//! The editing workflow end to end, through the API only: a Vaggeryd
//! (0665) municipality editor writes a draft that only callers reaching
//! Vaggeryd can see; both sides approve it (SIGNED), it is published (the
//! public sees it, its text is frozen) and withdrawn (hidden again). Around
//! that: approvals cleared by edits, stale versions, and input errors that
//! name their field. A refused write changes nothing and leaves no audit
//! entry.

use chrono::NaiveDate;
use serde_json::{Value, json};
use tests::{TestApp, db_test, error_codes, token};

const DRAFT_TITLE: &str = "Medborgarlöfte Vaggeryd 2025 (utkast)";

fn vaggeryd_editor() -> String {
    token("anna-vaggeryd", &["municipality_editor"], &["0665"], &[])
}

fn lpo_varnamo_editor() -> String {
    token("per-lpo-varnamo", &["police_editor"], &[], &["lpo-varnamo"])
}

fn admin() -> String {
    token("root", &["admin"], &[], &[])
}

/// Global IDs of a draft and its one commitment.
#[derive(Debug, Clone)]
struct Draft {
    pledge: String,
    commitment: String,
}

/// The Vaggeryd editor creates a 2025 draft with one commitment.
async fn create_draft(app: &TestApp) -> Draft {
    let editor = vaggeryd_editor();
    let created = app
        .data_as(
            &editor,
            "mutation ($title: String!) {
               createPledge(input: { municipality: \"0665\", policeArea: \"lpo-varnamo\", year: 2025,
                 title: $title, validFrom: \"2025-01-01\", validTo: \"2025-12-31\" }) { id status version }
             }",
            json!({ "title": DRAFT_TITLE }),
        )
        .await;
    assert_eq!(created["createPledge"]["status"], "DRAFT", "{created}");
    assert_eq!(created["createPledge"]["version"], 1, "{created}");
    let pledge = created["createPledge"]["id"]
        .as_str()
        .expect("the new pledge's id")
        .to_owned();
    let added = app
        .data_as(
            &editor,
            "mutation ($id: ID!) {
               addCommitment(pledgeId: $id, input: { text: \"Vi genomför trygghetsvandringar i Skillingaryd.\",
                 responsible: JOINT, method: SAFETY_WALK }) { id position version }
             }",
            json!({ "id": pledge }),
        )
        .await;
    assert_eq!(added["addCommitment"]["position"], 1, "{added}");
    let commitment = added["addCommitment"]["id"]
        .as_str()
        .expect("the new commitment's id")
        .to_owned();
    Draft { pledge, commitment }
}

/// Everything a write could change, as an admin sees it, with the size of
/// the whole audit log.
async fn snapshot(app: &TestApp, draft: &Draft) -> Value {
    app.data_as(
        &admin(),
        "query ($id: ID!) {
           pledges(first: 100) { totalCount }
           pledge(id: $id) {
             version status title validFrom validTo signedOn withdrawnReason updatedAt
             policeArea { code } commitments { id version text position }
           }
           auditLog(first: 1) { totalCount }
         }",
        json!({ "id": draft.pledge }),
    )
    .await
}

fn number(value: &Value) -> i64 {
    value
        .as_i64()
        .unwrap_or_else(|| panic!("expected a number, got {value}"))
}

/// Runs `query` as `token`, asserts HTTP 200 and exactly the one error
/// `code`; returns that error.
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
    body["errors"][0].clone()
}

/// Who looks at the draft in the isolation scenario.
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
            token: Some(token(
                "eva-varnamo",
                &["municipality_editor"],
                &["0683"],
                &[],
            )),
        },
        Observer {
            name: "lpo-ljungby police editor",
            token: Some(token(
                "lars-ljungby",
                &["police_editor"],
                &[],
                &["lpo-ljungby"],
            )),
        },
        Observer {
            name: "lpo-varnamo police editor",
            token: Some(lpo_varnamo_editor()),
        },
    ]
}

const LISTS: &str = "query ($status: PledgeStatus!) {
  all: pledges(first: 100) { totalCount nodes { id } }
  vaggeryd: pledges(filter: { municipality: \"0665\" }) { totalCount nodes { id } }
  byStatus: pledges(filter: { status: $status }) { totalCount nodes { id } }
  vaggerydByStatus: pledges(filter: { municipality: \"0665\", status: $status }) { totalCount nodes { id } }
  municipality(code: \"0665\") { pledges { id } }
}";

/// Asserts what each observer finds of the pledge `id`, which now has
/// `status`: in every list, filter and count and by `node(id:)` and
/// `pledge(id:)` when `sees` says so, nowhere otherwise. Besides it only
/// the four published seed pledges exist (one of them Vaggeryd's).
async fn assert_visibility(app: &TestApp, id: &str, status: &str, seen_by: &[(&Observer, bool)]) {
    let published = status == "PUBLISHED";
    for (observer, sees) in seen_by {
        let who = format!("{} ({status})", observer.name);
        let token = observer.token.as_deref();
        let (code, body) = app.gql_as(token, LISTS, json!({ "status": status })).await;
        assert_eq!(code, 200, "{who}: {body}");
        assert!(body.get("errors").is_none(), "{who}: {body}");
        let data = &body["data"];
        let extra = i64::from(*sees);
        for (list, others) in [
            ("all", 4),
            ("vaggeryd", 1),
            ("byStatus", if published { 4 } else { 0 }),
            ("vaggerydByStatus", i64::from(published)),
        ] {
            let ids: Vec<&str> = data[list]["nodes"]
                .as_array()
                .unwrap_or_else(|| panic!("{who}: {list} has no nodes: {body}"))
                .iter()
                .filter_map(|n| n["id"].as_str())
                .collect();
            assert_eq!(
                ids.contains(&id),
                *sees,
                "{who}: is the pledge in {list}? {body}"
            );
            assert_eq!(
                data[list]["totalCount"],
                others + extra,
                "{who}: totalCount of {list}: {body}"
            );
        }
        let own = data["municipality"]["pledges"].to_string();
        assert_eq!(own.contains(id), *sees, "{who}: municipality.pledges {own}");

        let (code, body) = app
            .gql_as(
                token,
                "query ($id: ID!) { node(id: $id) { id ... on Pledge { status } } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(code, 200, "{who}: {body}");
        if *sees {
            assert!(body.get("errors").is_none(), "{who}: node: {body}");
            assert_eq!(body["data"]["node"]["id"], id, "{who}: {body}");
            assert_eq!(body["data"]["node"]["status"], status, "{who}: {body}");
        } else {
            assert_eq!(error_codes(&body), ["NOT_FOUND"], "{who}: node: {body}");
            assert_eq!(body["data"]["node"], Value::Null, "{who}: {body}");
            assert!(!body.to_string().contains("utkast"), "{who}: leaks: {body}");
        }
    }
}

const APPROVE: &str = "mutation ($id: ID!) { approvePledge(id: $id) { status signedOn version } }";

async fn approve(app: &TestApp, token: &str, draft: &Draft) -> Value {
    app.data_as(token, APPROVE, json!({ "id": draft.pledge }))
        .await["approvePledge"]
        .clone()
}

/// The four text edits, each at the current version.
fn edits(draft: &Draft, now: &Value) -> [(&'static str, String, Value); 4] {
    let pledge = &now["pledge"];
    let commitment_version = number(&pledge["commitments"][0]["version"]);
    [
        (
            "updatePledge",
            "mutation ($id: ID!, $v: Int!) {
               updatePledge(id: $id, expectedVersion: $v, input: { title: \"Ny titel\" }) { version }
             }"
            .to_owned(),
            json!({ "id": draft.pledge, "v": pledge["version"] }),
        ),
        (
            "addCommitment",
            "mutation ($id: ID!) {
               addCommitment(pledgeId: $id, input: { text: \"Ett nytt åtagande\", responsible: POLICE }) { id }
             }"
            .to_owned(),
            json!({ "id": draft.pledge }),
        ),
        (
            "updateCommitment",
            "mutation ($id: ID!, $v: Int!) {
               updateCommitment(id: $id, expectedVersion: $v, input: { text: \"Ändrat\", responsible: POLICE }) { version }
             }"
            .to_owned(),
            json!({ "id": draft.commitment, "v": commitment_version }),
        ),
        (
            "removeCommitment",
            "mutation ($id: ID!, $v: Int!) { removeCommitment(id: $id, expectedVersion: $v) }"
                .to_owned(),
            json!({ "id": draft.commitment, "v": commitment_version }),
        ),
    ]
}

/// Every text edit, by the editor of either side, is INVALID_STATE and
/// changes nothing (the version included) and leaves no audit entry.
async fn assert_text_is_frozen(app: &TestApp, draft: &Draft) {
    let before = snapshot(app, draft).await;
    for editor in [vaggeryd_editor(), lpo_varnamo_editor()] {
        for (name, query, variables) in edits(draft, &before) {
            let error = expect_error(app, Some(&editor), &query, variables, "INVALID_STATE").await;
            assert!(
                error["extensions"].get("field").is_none(),
                "{name}: {error}"
            );
        }
    }
    assert_eq!(
        snapshot(app, draft).await,
        before,
        "a refused edit changed something"
    );
}

db_test!(
    a_vaggeryd_draft_is_seen_only_by_those_reaching_vaggeryd,
    |app| {
        let draft = create_draft(&app).await;
        let [anonymous, varnamo_editor, lpo_ljungby, lpo_varnamo] = observers();
        assert_visibility(
            &app,
            &draft.pledge,
            "DRAFT",
            &[
                (&anonymous, false),
                (&varnamo_editor, false),
                (&lpo_ljungby, false),
                (&lpo_varnamo, true),
            ],
        )
        .await;
    }
);

db_test!(
    a_draft_signed_by_both_sides_and_published_is_public_frozen_and_withdrawable,
    |app| {
        let draft = create_draft(&app).await;
        let observers = observers();
        let [anonymous, varnamo_editor, lpo_ljungby, lpo_varnamo] = &observers;
        let only_lpo_varnamo = [
            (anonymous, false),
            (varnamo_editor, false),
            (lpo_ljungby, false),
            (lpo_varnamo, true),
        ];

        // The municipality side approves first: still a draft.
        let half = approve(&app, &vaggeryd_editor(), &draft).await;
        assert_eq!(half["status"], "DRAFT", "{half}");
        assert_eq!(half["signedOn"], Value::Null, "{half}");
        assert_visibility(&app, &draft.pledge, "DRAFT", &only_lpo_varnamo).await;
        expect_error(
            &app,
            Some(&vaggeryd_editor()),
            APPROVE,
            json!({ "id": draft.pledge }),
            "INVALID_STATE",
        )
        .await;

        // The police side of the covering area approves: signed today, in
        // Sweden (between 23:00 and 24:00 UTC that is already tomorrow).
        let before = api::calendar::today();
        let signed = approve(&app, &lpo_varnamo_editor(), &draft).await;
        let after = api::calendar::today();
        assert_eq!(signed["status"], "SIGNED", "{signed}");
        let signed_on: NaiveDate = signed["signedOn"]
            .as_str()
            .and_then(|d| d.parse().ok())
            .unwrap_or_else(|| panic!("signedOn is a date: {signed}"));
        assert!(
            signed_on == before || signed_on == after,
            "signed on {signed_on}, today is {after}"
        );
        expect_error(
            &app,
            Some(&lpo_varnamo_editor()),
            APPROVE,
            json!({ "id": draft.pledge }),
            "INVALID_STATE",
        )
        .await;
        assert_visibility(&app, &draft.pledge, "SIGNED", &only_lpo_varnamo).await;
        assert_text_is_frozen(&app, &draft).await;

        // Published: everyone sees it, and its text stays frozen.
        let published = app
            .data_as(
                &vaggeryd_editor(),
                "mutation ($id: ID!, $v: Int!) {
                   publishPledge(id: $id, expectedVersion: $v) { status signedOn }
                 }",
                json!({ "id": draft.pledge, "v": signed["version"] }),
            )
            .await;
        assert_eq!(published["publishPledge"]["status"], "PUBLISHED");
        assert_eq!(published["publishPledge"]["signedOn"], signed["signedOn"]);
        let everyone: Vec<(&Observer, bool)> = observers.iter().map(|o| (o, true)).collect();
        assert_visibility(&app, &draft.pledge, "PUBLISHED", &everyone).await;
        let public = app
            .data(
                "query ($id: ID!) {
                   pledges(filter: { municipality: \"0665\" }) { totalCount }
                   pledge(id: $id) { title status commitments { text } }
                 }",
                json!({ "id": draft.pledge }),
            )
            .await;
        assert_eq!(public["pledges"]["totalCount"], 2, "{public}");
        assert_eq!(public["pledge"]["title"], DRAFT_TITLE, "{public}");
        assert_text_is_frozen(&app, &draft).await;

        // Withdrawn with a reason: hidden from the public again.
        let withdrawn = app
            .data_as(
                &vaggeryd_editor(),
                "mutation ($id: ID!) { withdrawPledge(id: $id, reason: \"Ersätts av 2026 års löfte\") { status withdrawnReason } }",
                json!({ "id": draft.pledge }),
            )
            .await;
        assert_eq!(
            withdrawn["withdrawPledge"],
            json!({ "status": "WITHDRAWN", "withdrawnReason": "Ersätts av 2026 års löfte" })
        );
        assert_visibility(&app, &draft.pledge, "WITHDRAWN", &only_lpo_varnamo).await;
        let public = app
            .data(
                "{ pledges(filter: { municipality: \"0665\" }) { totalCount } }",
                json!({}),
            )
            .await;
        assert_eq!(public["pledges"]["totalCount"], 1, "{public}");
    }
);

db_test!(
    editing_a_draft_after_one_side_approved_clears_that_approval,
    |app| {
        let draft = create_draft(&app).await;
        approve(&app, &vaggeryd_editor(), &draft).await;
        let now = snapshot(&app, &draft).await;
        app.data_as(
        &vaggeryd_editor(),
        "mutation ($id: ID!, $v: Int!) {
           updatePledge(id: $id, expectedVersion: $v, input: { promiseStatement: \"Vi lovar mer.\" }) { version }
         }",
        json!({ "id": draft.pledge, "v": now["pledge"]["version"] }),
    )
    .await;
        let police = approve(&app, &lpo_varnamo_editor(), &draft).await;
        assert_eq!(
            police["status"], "DRAFT",
            "the municipality approved an older text: {police}"
        );
        assert_eq!(police["signedOn"], Value::Null, "{police}");
        // The municipality may approve again, and that signs it.
        let again = approve(&app, &vaggeryd_editor(), &draft).await;
        assert_eq!(again["status"], "SIGNED", "{again}");
    }
);

db_test!(
    changing_a_commitment_after_one_side_approved_clears_that_approval,
    |app| {
        let draft = create_draft(&app).await;
        approve(&app, &lpo_varnamo_editor(), &draft).await;
        let now = snapshot(&app, &draft).await;
        app.data_as(
        &vaggeryd_editor(),
        "mutation ($id: ID!, $v: Int!) {
           updateCommitment(id: $id, expectedVersion: $v, input: { text: \"Fler trygghetsvandringar.\", responsible: JOINT }) { version }
         }",
        json!({ "id": draft.commitment, "v": now["pledge"]["commitments"][0]["version"] }),
    )
    .await;
        let municipality = approve(&app, &vaggeryd_editor(), &draft).await;
        assert_eq!(
            municipality["status"], "DRAFT",
            "the police approved an older commitment: {municipality}"
        );
        let again = approve(&app, &lpo_varnamo_editor(), &draft).await;
        assert_eq!(again["status"], "SIGNED", "{again}");
    }
);

db_test!(
    a_stale_expected_version_is_a_conflict_naming_the_current_one,
    |app| {
        let draft = create_draft(&app).await;
        let before = snapshot(&app, &draft).await;
        let pledge_version = number(&before["pledge"]["version"]);
        let commitment_version = number(&before["pledge"]["commitments"][0]["version"]);
        assert!(
            pledge_version > 1,
            "adding the commitment moved the version"
        );
        let stale = [
            (
                "mutation ($id: ID!, $v: Int!) {
                   updatePledge(id: $id, expectedVersion: $v, input: { title: \"Sent\" }) { version }
                 }",
                json!({ "id": draft.pledge, "v": pledge_version - 1 }),
                pledge_version,
            ),
            (
                "mutation ($id: ID!, $v: Int!) {
                   updatePledge(id: $id, expectedVersion: $v, input: { title: \"Framtid\" }) { version }
                 }",
                json!({ "id": draft.pledge, "v": pledge_version + 1 }),
                pledge_version,
            ),
            (
                "mutation ($id: ID!, $v: Int!) {
                   updateCommitment(id: $id, expectedVersion: $v, input: { text: \"Sent\", responsible: JOINT }) { version }
                 }",
                json!({ "id": draft.commitment, "v": commitment_version + 1 }),
                commitment_version,
            ),
            (
                "mutation ($id: ID!, $v: Int!) { removeCommitment(id: $id, expectedVersion: $v) }",
                json!({ "id": draft.commitment, "v": commitment_version + 1 }),
                commitment_version,
            ),
            // The version is checked before the state: a stale publish of a
            // draft is a conflict, not a wrong state.
            (
                "mutation ($id: ID!, $v: Int!) { publishPledge(id: $id, expectedVersion: $v) { version } }",
                json!({ "id": draft.pledge, "v": pledge_version - 1 }),
                pledge_version,
            ),
            (
                "mutation ($id: ID!, $v: Int!) {
                   withdrawPledge(id: $id, expectedVersion: $v, reason: \"Sent\") { version }
                 }",
                json!({ "id": draft.pledge, "v": pledge_version - 1 }),
                pledge_version,
            ),
        ];
        for (query, variables, current) in stale {
            let error =
                expect_error(&app, Some(&vaggeryd_editor()), query, variables, "CONFLICT").await;
            assert_eq!(
                error["extensions"]["currentVersion"], current,
                "{query}: {error}"
            );
        }
        assert_eq!(
            snapshot(&app, &draft).await,
            before,
            "a conflict changed something or left an audit entry"
        );
    }
);

/// Input errors on create: nothing is created and nothing audited.
async fn assert_create_refused(app: &TestApp, input: Value, field: &str) {
    let count = "{ pledges(first: 100) { totalCount } auditLog(first: 1) { totalCount } }";
    let before = app.data_as(&admin(), count, json!({})).await;
    let mut full = json!({
        "municipality": "0665", "policeArea": "lpo-varnamo", "year": 2025,
        "title": "Ett löfte", "validFrom": "2025-01-01", "validTo": "2025-12-31",
    });
    for (key, value) in input.as_object().expect("an input object") {
        full[key] = value.clone();
    }
    let error = expect_error(
        app,
        Some(&vaggeryd_editor()),
        "mutation ($input: CreatePledgeInput!) { createPledge(input: $input) { id } }",
        json!({ "input": full }),
        "BAD_USER_INPUT",
    )
    .await;
    assert_eq!(
        error["extensions"]["field"], field,
        "createPledge {input}: {error}"
    );
    assert_eq!(app.data_as(&admin(), count, json!({})).await, before);
}

/// Input errors on an edit of the draft: it stays as it was.
async fn assert_edit_refused(
    app: &TestApp,
    draft: &Draft,
    query: &str,
    variables: Value,
    field: &str,
) {
    let before = snapshot(app, draft).await;
    let error = expect_error(
        app,
        Some(&vaggeryd_editor()),
        query,
        variables.clone(),
        "BAD_USER_INPUT",
    )
    .await;
    assert_eq!(error["extensions"]["field"], field, "{variables}: {error}");
    assert_eq!(
        snapshot(app, draft).await,
        before,
        "{variables} changed something"
    );
}

const UPDATE_PLEDGE: &str = "mutation ($id: ID!, $v: Int!, $input: UpdatePledgeInput!) {
  updatePledge(id: $id, expectedVersion: $v, input: $input) { version }
}";

async fn assert_update_refused(app: &TestApp, draft: &Draft, input: Value, field: &str) {
    let now = snapshot(app, draft).await;
    let variables = json!({ "id": draft.pledge, "v": now["pledge"]["version"], "input": input });
    assert_edit_refused(app, draft, UPDATE_PLEDGE, variables, field).await;
}

const ADD_COMMITMENT: &str = "mutation ($id: ID!, $input: CommitmentInput!) {
  addCommitment(pledgeId: $id, input: $input) { id }
}";

const UPDATE_COMMITMENT: &str = "mutation ($id: ID!, $v: Int!, $input: CommitmentInput!) {
  updateCommitment(id: $id, expectedVersion: $v, input: $input) { version }
}";

db_test!(
    a_period_ending_before_it_starts_is_bad_input_on_valid_to,
    |app| {
        let draft = create_draft(&app).await;
        assert_create_refused(
            &app,
            json!({ "validFrom": "2025-06-01", "validTo": "2025-05-31" }),
            "validTo",
        )
        .await;
        assert_update_refused(&app, &draft, json!({ "validTo": "2024-12-31" }), "validTo").await;
    }
);

db_test!(an_empty_title_is_bad_input_on_title, |app| {
    let draft = create_draft(&app).await;
    assert_create_refused(&app, json!({ "title": "" }), "title").await;
    assert_create_refused(&app, json!({ "title": "   " }), "title").await;
    assert_update_refused(&app, &draft, json!({ "title": "" }), "title").await;
});

db_test!(an_unknown_focus_area_is_bad_input_on_focus_areas, |app| {
    let draft = create_draft(&app).await;
    let unknown = json!([{ "code": "FINNS_INTE", "problemText": "Okänt" }]);
    assert_create_refused(&app, json!({ "focusAreas": unknown }), "focusAreas").await;
    assert_update_refused(&app, &draft, json!({ "focusAreas": unknown }), "focusAreas").await;
    let input =
        json!({ "text": "Ett åtagande", "responsible": "JOINT", "focusAreas": ["FINNS_INTE"] });
    assert_edit_refused(
        &app,
        &draft,
        ADD_COMMITMENT,
        json!({ "id": draft.pledge, "input": input }),
        "focusAreas",
    )
    .await;
});

db_test!(
    a_commitment_text_over_2000_characters_is_bad_input_on_text,
    |app| {
        let draft = create_draft(&app).await;
        let input = json!({ "text": "å".repeat(2001), "responsible": "JOINT" });
        assert_edit_refused(
            &app,
            &draft,
            ADD_COMMITMENT,
            json!({ "id": draft.pledge, "input": input }),
            "text",
        )
        .await;
        let now = snapshot(&app, &draft).await;
        assert_edit_refused(
            &app,
            &draft,
            UPDATE_COMMITMENT,
            json!({
                "id": draft.commitment,
                "v": now["pledge"]["commitments"][0]["version"],
                "input": input,
            }),
            "text",
        )
        .await;
        // Exactly 2000 (Swedish letters counting as one) is fine.
        let longest = json!({ "text": "å".repeat(2000), "responsible": "JOINT" });
        app.data_as(
            &vaggeryd_editor(),
            ADD_COMMITMENT,
            json!({ "id": draft.pledge, "input": longest }),
        )
        .await;
    }
);

db_test!(
    a_police_area_not_covering_the_municipality_is_bad_input_on_police_area,
    |app| {
        let draft = create_draft(&app).await;
        assert_create_refused(&app, json!({ "policeArea": "lpo-ljungby" }), "policeArea").await;
        assert_update_refused(
            &app,
            &draft,
            json!({ "policeArea": "lpo-ljungby" }),
            "policeArea",
        )
        .await;
    }
);
