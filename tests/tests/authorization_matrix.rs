//! The authorization matrix: every kind of caller against every query field
//! and mutation, around a Vaggeryd (0665) draft with one commitment that a
//! Vaggeryd municipality editor created through the API.
//!
//! The expectations follow DOMAIN.md's roles: a caller reaches the
//! municipalities of its token plus those its police areas cover (analysts
//! and admins reach all); a row outside its reach is NOT_FOUND; one it sees
//! but may not change is FORBIDDEN; anonymous writes and anonymous audit
//! reads are UNAUTHENTICATED; admins edit everything but approve for no side.
//! Every accepted write leaves exactly one audit entry, every refused write
//! none and no change at all.

use serde_json::{Value, json};
use tests::{TestApp, db_test, error_codes, token};

/// What a call comes back with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Data, and the draft (for `me`: the caller) is in it.
    Data,
    /// Data without the draft: lists and counts leave it out, the audit
    /// log has no entry of it.
    Hidden,
    /// `null` and no error (`me` of an anonymous caller).
    Null,
    NotFound,
    Forbidden,
    Unauthenticated,
    InvalidState,
}

use Outcome::{Data, Forbidden, Hidden, InvalidState, NotFound, Null, Unauthenticated};

impl Outcome {
    fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "NOT_FOUND" => NotFound,
            "FORBIDDEN" => Forbidden,
            "UNAUTHENTICATED" => Unauthenticated,
            "INVALID_STATE" => InvalidState,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    Viewer0665,
    Viewer0683,
    MunicipalityEditor0665,
    MunicipalityEditor0683,
    PoliceEditorVarnamo,
    PoliceEditorLjungby,
    Integration0665,
    RegionalAnalyst,
    Admin,
}

impl Caller {
    /// Token subject; also how the caller is named in failure reports.
    fn subject(self) -> &'static str {
        match self {
            Caller::Anonymous => "anonymous",
            Caller::Viewer0665 => "viewer-0665",
            Caller::Viewer0683 => "viewer-0683",
            Caller::MunicipalityEditor0665 => "municipality-editor-0665",
            Caller::MunicipalityEditor0683 => "municipality-editor-0683",
            Caller::PoliceEditorVarnamo => "police-editor-lpo-varnamo",
            Caller::PoliceEditorLjungby => "police-editor-lpo-ljungby",
            Caller::Integration0665 => "integration-0665",
            Caller::RegionalAnalyst => "regional-analyst",
            Caller::Admin => "admin",
        }
    }

    /// The one role in the caller's token.
    fn role(self) -> Option<&'static str> {
        Some(match self {
            Caller::Anonymous => return None,
            Caller::Viewer0665 | Caller::Viewer0683 => "viewer",
            Caller::MunicipalityEditor0665 | Caller::MunicipalityEditor0683 => {
                "municipality_editor"
            }
            Caller::PoliceEditorVarnamo | Caller::PoliceEditorLjungby => "police_editor",
            Caller::Integration0665 => "integration",
            Caller::RegionalAnalyst => "regional_analyst",
            Caller::Admin => "admin",
        })
    }

    fn token(self) -> Option<String> {
        let role = self.role()?;
        let (municipalities, areas): (&[&str], &[&str]) = match self {
            Caller::Viewer0665 | Caller::MunicipalityEditor0665 | Caller::Integration0665 => {
                (&["0665"], &[])
            }
            Caller::Viewer0683 | Caller::MunicipalityEditor0683 => (&["0683"], &[]),
            Caller::PoliceEditorVarnamo => (&[], &["lpo-varnamo"]),
            Caller::PoliceEditorLjungby => (&[], &["lpo-ljungby"]),
            _ => (&[], &[]),
        };
        Some(token(self.subject(), &[role], municipalities, areas))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    /// `pledges { totalCount }`, drafts included where the caller reaches.
    PledgesTotalCount,
    PledgeById,
    NodeOfDraft,
    NodeOfCommitment,
    /// `municipality(code: "0665") { pledges }`.
    MunicipalityPledges,
    /// `auditLog(filter: { entityId: <draft> })`.
    AuditLog,
    Me,
}

const READS: [Read; 7] = [
    Read::PledgesTotalCount,
    Read::PledgeById,
    Read::NodeOfDraft,
    Read::NodeOfCommitment,
    Read::MunicipalityPledges,
    Read::AuditLog,
    Read::Me,
];

#[rustfmt::skip]
const READ_MATRIX: [(Caller, [Outcome; 7]); 10] = [
    //                                count   pledge    node      node(c)   0665's  auditLog         me
    (Caller::Anonymous,              [Hidden, NotFound, NotFound, NotFound, Hidden, Unauthenticated, Null]),
    (Caller::Viewer0665,             [Data,   Data,     Data,     Data,     Data,   Data,            Data]),
    (Caller::Viewer0683,             [Hidden, NotFound, NotFound, NotFound, Hidden, Hidden,          Data]),
    (Caller::MunicipalityEditor0665, [Data,   Data,     Data,     Data,     Data,   Data,            Data]),
    (Caller::MunicipalityEditor0683, [Hidden, NotFound, NotFound, NotFound, Hidden, Hidden,          Data]),
    (Caller::PoliceEditorVarnamo,    [Data,   Data,     Data,     Data,     Data,   Data,            Data]),
    (Caller::PoliceEditorLjungby,    [Hidden, NotFound, NotFound, NotFound, Hidden, Hidden,          Data]),
    (Caller::Integration0665,        [Data,   Data,     Data,     Data,     Data,   Data,            Data]),
    (Caller::RegionalAnalyst,        [Data,   Data,     Data,     Data,     Data,   Data,            Data]),
    (Caller::Admin,                  [Data,   Data,     Data,     Data,     Data,   Data,            Data]),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Write {
    CreatePledgeFor0665,
    CreatePledgeFor0683,
    UpdatePledge,
    AddCommitment,
    UpdateCommitment,
    RemoveCommitment,
    ApprovePledge,
    /// The draft is not signed: INVALID_STATE for everyone allowed to try.
    PublishPledge,
    WithdrawPledge,
}

const WRITES: [Write; 9] = [
    Write::CreatePledgeFor0665,
    Write::CreatePledgeFor0683,
    Write::UpdatePledge,
    Write::AddCommitment,
    Write::UpdateCommitment,
    Write::RemoveCommitment,
    Write::ApprovePledge,
    Write::PublishPledge,
    Write::WithdrawPledge,
];

const U: Outcome = Unauthenticated;
const F: Outcome = Forbidden;
const N: Outcome = NotFound;

#[rustfmt::skip]
const WRITE_MATRIX: [(Caller, [Outcome; 9]); 10] = [
    //                                create  create  update  add   update  remove  approve publish       withdraw
    //                                0665    0683    pledge  comm. comm.   comm.
    (Caller::Anonymous,              [U,      U,      U,      U,    U,      U,      U,      U,            U]),
    (Caller::Viewer0665,             [F,      F,      F,      F,    F,      F,      F,      F,            F]),
    (Caller::Viewer0683,             [F,      F,      N,      N,    N,      N,      N,      N,            N]),
    (Caller::MunicipalityEditor0665, [Data,   F,      Data,   Data, Data,   Data,   Data,   InvalidState, Data]),
    (Caller::MunicipalityEditor0683, [F,      Data,   N,      N,    N,      N,      N,      N,            N]),
    (Caller::PoliceEditorVarnamo,    [Data,   Data,   Data,   Data, Data,   Data,   Data,   InvalidState, Data]),
    (Caller::PoliceEditorLjungby,    [F,      F,      N,      N,    N,      N,      N,      N,            N]),
    (Caller::Integration0665,        [F,      F,      F,      F,    F,      F,      F,      F,            F]),
    (Caller::RegionalAnalyst,        [F,      F,      F,      F,    F,      F,      F,      F,            F]),
    (Caller::Admin,                  [Data,   Data,   Data,   Data, Data,   Data,   F,      InvalidState, Data]),
];

const DRAFT_TITLE: &str = "Utkast för matrisen";
const COMMITMENT_TEXT: &str = "Hemligt åtagande i matrisen";
const SETUP_EDITOR: &str = "setup-editor-0665";

/// Global IDs of the draft and its commitment.
#[derive(Debug, Clone)]
struct Draft {
    pledge: String,
    commitment: String,
}

/// A fresh Vaggeryd draft with one commitment, created through the API.
async fn create_draft(app: &TestApp) -> Draft {
    let editor = token(SETUP_EDITOR, &["municipality_editor"], &["0665"], &[]);
    let created = app
        .data_as(
            &editor,
            "mutation ($title: String!) {
               createPledge(input: { municipality: \"0665\", policeArea: \"lpo-varnamo\",
                 year: 2025, title: $title, validFrom: \"2025-01-01\", validTo: \"2025-12-31\" }) { id }
             }",
            json!({ "title": DRAFT_TITLE }),
        )
        .await;
    let pledge = created["createPledge"]["id"]
        .as_str()
        .expect("the new pledge's id")
        .to_owned();
    let added = app
        .data_as(
            &editor,
            "mutation ($id: ID!, $text: String!) {
               addCommitment(pledgeId: $id, input: { text: $text, responsible: JOINT, method: EST }) { id }
             }",
            json!({ "id": pledge, "text": COMMITMENT_TEXT }),
        )
        .await;
    let commitment = added["addCommitment"]["id"]
        .as_str()
        .expect("the new commitment's id")
        .to_owned();
    Draft { pledge, commitment }
}

fn admin() -> String {
    token("matrix-admin", &["admin"], &[], &[])
}

/// Status 200, then the single error code as an outcome, or `check` on data.
fn classify(
    status: u16,
    body: &Value,
    check: impl FnOnce(&Value) -> Result<Outcome, String>,
) -> Result<Outcome, String> {
    if status != 200 {
        return Err(format!("HTTP {status}"));
    }
    match error_codes(body).as_slice() {
        [] => check(&body["data"]),
        [code] => Outcome::from_code(code).ok_or_else(|| format!("error {code}")),
        codes => Err(format!("errors {codes:?}")),
    }
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .map(|items| items.iter().filter_map(|i| i["id"].as_str()).collect())
        .unwrap_or_default()
}

/// Data or Hidden for a list that holds the draft or leaves it out.
fn listed(list: &Value, draft: &str, total: i64, total_with_draft: i64) -> Result<Outcome, String> {
    let with = ids(list).contains(&draft);
    match (with, total) {
        (true, t) if t == total_with_draft => Ok(Data),
        (false, t) if t == total_with_draft - 1 => Ok(Hidden),
        _ => Err(format!("draft listed: {with}, count {total}")),
    }
}

fn found(node: &Value, id: &str, typename: &str) -> Result<Outcome, String> {
    if node["id"] == id && node["__typename"] == typename {
        Ok(Data)
    } else {
        Err(format!("unexpected node {node}"))
    }
}

async fn read(app: &TestApp, caller: Caller, what: Read, draft: &Draft) -> Result<Outcome, String> {
    let (query, variables) = match what {
        Read::PledgesTotalCount => (
            "{ pledges(first: 100) { totalCount nodes { id title } } }",
            json!({}),
        ),
        Read::PledgeById => (
            "query ($id: ID!) { pledge(id: $id) { __typename id title } }",
            json!({ "id": draft.pledge }),
        ),
        Read::NodeOfDraft => (
            "query ($id: ID!) { node(id: $id) { __typename id } }",
            json!({ "id": draft.pledge }),
        ),
        Read::NodeOfCommitment => (
            "query ($id: ID!) { node(id: $id) { __typename id ... on Commitment { text } } }",
            json!({ "id": draft.commitment }),
        ),
        Read::MunicipalityPledges => (
            "{ municipality(code: \"0665\") { pledges { id title } } }",
            json!({}),
        ),
        Read::AuditLog => (
            "query ($id: ID!) { auditLog(filter: { entityId: $id }) { totalCount nodes { action subject } } }",
            json!({ "id": draft.pledge }),
        ),
        Read::Me => ("{ me { subject roles } }", json!({})),
    };
    let token = caller.token();
    let (status, body) = app.gql_as(token.as_deref(), query, variables).await;
    let text = body.to_string();
    let outcome = classify(status, &body, |data| match what {
        Read::PledgesTotalCount => listed(
            &data["pledges"]["nodes"],
            &draft.pledge,
            data["pledges"]["totalCount"].as_i64().unwrap_or(-1),
            5,
        ),
        Read::PledgeById => found(&data["pledge"], &draft.pledge, "Pledge"),
        Read::NodeOfDraft => found(&data["node"], &draft.pledge, "Pledge"),
        Read::NodeOfCommitment => found(&data["node"], &draft.commitment, "Commitment"),
        Read::MunicipalityPledges => {
            let list = &data["municipality"]["pledges"];
            let len = list.as_array().map_or(-1, |l| l.len() as i64);
            listed(list, &draft.pledge, len, 2)
        }
        Read::AuditLog => {
            let log = &data["auditLog"];
            match (log["totalCount"].as_i64(), log["nodes"].as_array()) {
                (Some(0), Some(nodes)) if nodes.is_empty() => Ok(Hidden),
                (Some(1), Some(nodes))
                    if nodes[0] == json!({ "action": "CREATE", "subject": SETUP_EDITOR }) =>
                {
                    Ok(Data)
                }
                _ => Err(format!("audit log {log}")),
            }
        }
        Read::Me => match &data["me"] {
            Value::Null => Ok(Null),
            me if me["subject"] == caller.subject() && me["roles"] == json!([caller.role()]) => {
                Ok(Data)
            }
            me => Err(format!("me {me}")),
        },
    })?;
    if matches!(outcome, Hidden | NotFound) && text.contains("matrisen") {
        return Err(format!("{outcome:?} but the draft leaks: {text}"));
    }
    Ok(outcome)
}

/// A failure report line: caller × operation, expected vs got.
fn row(
    caller: Caller,
    operation: &str,
    expected: Outcome,
    got: &Result<Outcome, String>,
) -> String {
    let got = match got {
        Ok(outcome) => format!("{outcome:?}"),
        Err(odd) => odd.clone(),
    };
    format!(
        "| {:<26} | {:<20} | expected {:<15} | got {got}",
        caller.subject(),
        operation,
        format!("{expected:?}")
    )
}

fn report(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} case(s) of the authorization matrix failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// What an admin sees of everything a write could change.
const WORLD: &str = "query ($p: ID!, $c: ID!) {
  pledges(first: 100) { totalCount }
  pledge(id: $p) {
    version status title updatedAt signedOn withdrawnReason
    commitments { id version text position }
  }
  log: auditLog(first: 1) {
    totalCount
    nodes { entityType entityId action subject role municipality { code } }
  }
  ofPledge: auditLog(filter: { entityId: $p }) { totalCount }
  ofCommitment: auditLog(filter: { entityId: $c }) { totalCount }
}";

async fn world(app: &TestApp, draft: &Draft) -> Value {
    app.data_as(
        &admin(),
        WORLD,
        json!({ "p": draft.pledge, "c": draft.commitment }),
    )
    .await
}

fn version(v: &Value) -> i64 {
    v.as_i64().expect("a version number")
}

/// The write's request, given the draft and the admin's view of it (for
/// current versions).
fn request(what: Write, draft: &Draft, before: &Value) -> (&'static str, Value) {
    let pledge_version = version(&before["pledge"]["version"]);
    let commitment_version = version(&before["pledge"]["commitments"][0]["version"]);
    let create = "mutation ($m: String!) {
      createPledge(input: { municipality: $m, policeArea: \"lpo-varnamo\", year: 2026,
        title: \"Nytt löfte\", validFrom: \"2026-01-01\", validTo: \"2026-12-31\" }) {
        id status municipality { code }
      }
    }";
    match what {
        Write::CreatePledgeFor0665 => (create, json!({ "m": "0665" })),
        Write::CreatePledgeFor0683 => (create, json!({ "m": "0683" })),
        Write::UpdatePledge => (
            "mutation ($id: ID!, $v: Int!) {
               updatePledge(id: $id, expectedVersion: $v, input: { title: \"Ändrad titel\" }) { id title version }
             }",
            json!({ "id": draft.pledge, "v": pledge_version }),
        ),
        Write::AddCommitment => (
            "mutation ($id: ID!) {
               addCommitment(pledgeId: $id, input: { text: \"Ett åtagande till\", responsible: POLICE }) { id position }
             }",
            json!({ "id": draft.pledge }),
        ),
        Write::UpdateCommitment => (
            "mutation ($id: ID!, $v: Int!) {
               updateCommitment(id: $id, expectedVersion: $v, input: { text: \"Ändrat åtagande\", responsible: MUNICIPALITY }) { id text version }
             }",
            json!({ "id": draft.commitment, "v": commitment_version }),
        ),
        Write::RemoveCommitment => (
            "mutation ($id: ID!, $v: Int!) { removeCommitment(id: $id, expectedVersion: $v) }",
            json!({ "id": draft.commitment, "v": commitment_version }),
        ),
        Write::ApprovePledge => (
            "mutation ($id: ID!) { approvePledge(id: $id) { id status } }",
            json!({ "id": draft.pledge }),
        ),
        Write::PublishPledge => (
            "mutation ($id: ID!) { publishPledge(id: $id) { id status } }",
            json!({ "id": draft.pledge }),
        ),
        Write::WithdrawPledge => (
            "mutation ($id: ID!) { withdrawPledge(id: $id, reason: \"Ersätts av ett nytt\") { id status withdrawnReason } }",
            json!({ "id": draft.pledge }),
        ),
    }
}

/// The audit entry an accepted write must leave: (entity type, entity id,
/// action, municipality), after checking what the write returned.
fn expected_entry(
    what: Write,
    draft: &Draft,
    before: &Value,
    data: &Value,
) -> Result<(&'static str, String, &'static str, &'static str), String> {
    let pledge_version = version(&before["pledge"]["version"]);
    let commitment_version = version(&before["pledge"]["commitments"][0]["version"]);
    let fail = || Err(format!("unexpected data {data}"));
    let pledge = draft.pledge.clone();
    let commitment = draft.commitment.clone();
    match what {
        Write::CreatePledgeFor0665 | Write::CreatePledgeFor0683 => {
            let code = if what == Write::CreatePledgeFor0665 {
                "0665"
            } else {
                "0683"
            };
            let p = &data["createPledge"];
            if p["status"] != "DRAFT" || p["municipality"]["code"] != code {
                return fail();
            }
            let id = p["id"].as_str().ok_or("no id")?.to_owned();
            Ok(("PLEDGE", id, "CREATE", code))
        }
        Write::UpdatePledge => {
            let p = &data["updatePledge"];
            if p["title"] != "Ändrad titel" || p["version"] != pledge_version + 1 {
                return fail();
            }
            Ok(("PLEDGE", pledge, "UPDATE", "0665"))
        }
        Write::AddCommitment => {
            let c = &data["addCommitment"];
            if c["position"] != 2 {
                return fail();
            }
            let id = c["id"].as_str().ok_or("no id")?.to_owned();
            Ok(("COMMITMENT", id, "CREATE", "0665"))
        }
        Write::UpdateCommitment => {
            let c = &data["updateCommitment"];
            if c["text"] != "Ändrat åtagande" || c["version"] != commitment_version + 1 {
                return fail();
            }
            Ok(("COMMITMENT", commitment, "UPDATE", "0665"))
        }
        Write::RemoveCommitment => {
            if data["removeCommitment"] != commitment.as_str() {
                return fail();
            }
            Ok(("COMMITMENT", commitment, "DELETE", "0665"))
        }
        Write::ApprovePledge => {
            // One side only: still a draft.
            if data["approvePledge"]["status"] != "DRAFT" {
                return fail();
            }
            Ok(("PLEDGE", pledge, "APPROVE", "0665"))
        }
        Write::PublishPledge => {
            if data["publishPledge"]["status"] != "PUBLISHED" {
                return fail();
            }
            Ok(("PLEDGE", pledge, "PUBLISH", "0665"))
        }
        Write::WithdrawPledge => {
            let p = &data["withdrawPledge"];
            if p["status"] != "WITHDRAWN" || p["withdrawnReason"] != "Ersätts av ett nytt" {
                return fail();
            }
            Ok(("PLEDGE", pledge, "WITHDRAW", "0665"))
        }
    }
}

/// Runs one write as `caller` on a fresh draft and checks the audit log:
/// exactly one fitting entry when accepted; when refused, no entry and no
/// change an admin could see.
async fn write(app: &TestApp, caller: Caller, what: Write) -> Result<Outcome, String> {
    let draft = create_draft(app).await;
    let before = world(app, &draft).await;
    let (query, variables) = request(what, &draft, &before);
    let token = caller.token();
    let (status, body) = app.gql_as(token.as_deref(), query, variables).await;
    let mut entry = None;
    let outcome = classify(status, &body, |data| {
        entry = Some(expected_entry(what, &draft, &before, data)?);
        Ok(Data)
    })?;
    let after = world(app, &draft).await;
    let entries_before = version(&before["log"]["totalCount"]);
    let entries_after = version(&after["log"]["totalCount"]);
    let Some((entity_type, entity_id, action, municipality)) = entry else {
        if after != before {
            return Err(format!(
                "{outcome:?}, but something changed: before {before}, after {after}"
            ));
        }
        return Ok(outcome);
    };
    if entries_after != entries_before + 1 {
        return Err(format!(
            "Data, but the audit log went from {entries_before} to {entries_after} entries"
        ));
    }
    let newest = &after["log"]["nodes"][0];
    let wanted = json!({
        "entityType": entity_type,
        "entityId": entity_id,
        "action": action,
        "subject": caller.subject(),
        "role": caller.role(),
        "municipality": { "code": municipality },
    });
    if *newest != wanted {
        return Err(format!(
            "Data, but the audit entry is {newest}, wanted {wanted}"
        ));
    }
    let of_entity = app
        .data_as(
            &admin(),
            "query ($id: ID!) { auditLog(filter: { entityId: $id }) { totalCount } }",
            json!({ "id": entity_id }),
        )
        .await;
    let had = if entity_id == draft.pledge {
        version(&before["ofPledge"]["totalCount"])
    } else if entity_id == draft.commitment {
        version(&before["ofCommitment"]["totalCount"])
    } else {
        0
    };
    let has = version(&of_entity["auditLog"]["totalCount"]);
    if has != had + 1 {
        return Err(format!(
            "Data, but the entity's audit entries went from {had} to {has}"
        ));
    }
    Ok(outcome)
}

/// Runs one column of the write matrix: every caller, each on a fresh draft.
async fn check_write_column(app: &TestApp, what: Write) {
    let column = WRITES
        .iter()
        .position(|w| *w == what)
        .expect("every write has a column");
    let mut failures = Vec::new();
    for (caller, outcomes) in WRITE_MATRIX {
        let expected = outcomes[column];
        let got = write(app, caller, what).await;
        if got != Ok(expected) {
            failures.push(row(caller, &format!("{what:?}"), expected, &got));
        }
    }
    report(&failures);
}

db_test!(every_caller_reads_exactly_what_its_reach_allows, |app| {
    let draft = create_draft(&app).await;
    let before = world(&app, &draft).await;
    let mut failures = Vec::new();
    for (caller, outcomes) in READ_MATRIX {
        for (what, expected) in READS.into_iter().zip(outcomes) {
            let got = read(&app, caller, what, &draft).await;
            if got != Ok(expected) {
                failures.push(row(caller, &format!("{what:?}"), expected, &got));
            }
        }
    }
    report(&failures);
    assert_eq!(
        world(&app, &draft).await,
        before,
        "reading changed something"
    );
});

db_test!(
    creating_a_vaggeryd_pledge_needs_the_right_to_edit_vaggeryd,
    |app| {
        check_write_column(&app, Write::CreatePledgeFor0665).await;
    }
);

db_test!(
    creating_a_varnamo_pledge_needs_the_right_to_edit_varnamo,
    |app| {
        check_write_column(&app, Write::CreatePledgeFor0683).await;
    }
);

db_test!(only_editors_in_reach_update_the_draft, |app| {
    check_write_column(&app, Write::UpdatePledge).await;
});

db_test!(only_editors_in_reach_add_a_commitment, |app| {
    check_write_column(&app, Write::AddCommitment).await;
});

db_test!(only_editors_in_reach_update_a_commitment, |app| {
    check_write_column(&app, Write::UpdateCommitment).await;
});

db_test!(only_editors_in_reach_remove_a_commitment, |app| {
    check_write_column(&app, Write::RemoveCommitment).await;
});

db_test!(only_the_two_sides_approve_and_admins_are_neither, |app| {
    check_write_column(&app, Write::ApprovePledge).await;
});

db_test!(
    publishing_an_unsigned_draft_is_invalid_for_whoever_may_try,
    |app| {
        check_write_column(&app, Write::PublishPledge).await;
    }
);

db_test!(only_editors_in_reach_withdraw_the_draft, |app| {
    check_write_column(&app, Write::WithdrawPledge).await;
});
