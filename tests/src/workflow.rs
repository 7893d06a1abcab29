//! The editing workflow as a client drives it through one server's
//! address (`base_url`), for tests that run several servers on one
//! database and write through one of them: a Vaggeryd draft, its signing
//! and publication, a published follow-up report, and the public queries
//! that show them.

use serde_json::{Value, json};

use crate::{data_at, token};

/// Vaggeryd's municipality editor.
pub fn vaggeryd_editor() -> String {
    token("vera-vaggeryd", &["municipality_editor"], &["0665"], &[])
}

/// Värnamo's local police area's editor (it polices Vaggeryd).
pub fn lpo_varnamo_editor() -> String {
    token("per-polis", &["police_editor"], &[], &["lpo-varnamo"])
}

/// Vaggeryd's pledges with their commitments and latest progress.
pub const VAGGERYD_PLEDGES: &str = r#"{ pledges(filter: { municipality: "0665" }) {
  totalCount nodes { id title status commitments { text latestProgress { status comment } } } } }"#;

/// Vaggeryd's follow-up reports.
pub const VAGGERYD_REPORTS: &str = r#"{ followUps(filter: { municipality: "0665" }) {
  totalCount nodes { id summary status } } }"#;

/// A Vaggeryd draft for `year` with one commitment: (pledge id, commitment id).
pub async fn draft(base_url: &str, title: &str, year: i32) -> (String, String) {
    let created = data_at(
        base_url,
        Some(&vaggeryd_editor()),
        "mutation ($t: String!, $y: Int!, $from: Date!, $to: Date!) {
           createPledge(input: { municipality: \"0665\", policeArea: \"lpo-varnamo\", year: $y,
             title: $t, validFrom: $from, validTo: $to }) { id } }",
        json!({ "t": title, "y": year, "from": format!("{year}-01-01"), "to": format!("{year}-12-31") }),
    )
    .await;
    let pledge = text(&created["createPledge"]["id"]);
    let added = data_at(
        base_url,
        Some(&vaggeryd_editor()),
        "mutation ($p: ID!) { addCommitment(pledgeId: $p, input: { text: \"Trygghetsvandringar.\", responsible: JOINT }) { id } }",
        json!({ "p": pledge }),
    )
    .await;
    (pledge, text(&added["addCommitment"]["id"]))
}

/// Both sides approve `pledge`, then it is published; returns once the
/// publishing mutation has answered.
pub async fn sign_and_publish(base_url: &str, pledge: &str) {
    let approve = "mutation ($id: ID!) { approvePledge(id: $id) { status } }";
    for signer in [vaggeryd_editor(), lpo_varnamo_editor()] {
        data_at(base_url, Some(&signer), approve, json!({ "id": pledge })).await;
    }
    let published = data_at(
        base_url,
        Some(&vaggeryd_editor()),
        "mutation ($id: ID!) { publishPledge(id: $id) { status } }",
        json!({ "id": pledge }),
    )
    .await;
    assert_eq!(published["publishPledge"]["status"], "PUBLISHED");
}

/// A published report of `pledge` (one commitment) saying `comment`.
pub async fn publish_report(
    base_url: &str,
    pledge: &str,
    commitment: &str,
    comment: &str,
) -> String {
    let created = data_at(
        base_url,
        Some(&vaggeryd_editor()),
        "mutation ($input: FollowUpReportInput!) { createFollowUpReport(input: $input) { id } }",
        json!({ "input": {
            "pledgeId": pledge, "periodKind": "AD_HOC", "periodStart": "2026-01-01",
            "periodEnd": "2026-04-30", "summary": comment,
            "progress": [{ "commitmentId": commitment, "status": "ONGOING", "comment": comment }],
        }}),
    )
    .await;
    let report = text(&created["createFollowUpReport"]["id"]);
    let published = data_at(
        base_url,
        Some(&vaggeryd_editor()),
        "mutation ($id: ID!) { publishFollowUpReport(id: $id) { status } }",
        json!({ "id": report }),
    )
    .await;
    assert_eq!(published["publishFollowUpReport"]["status"], "PUBLISHED");
    report
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, got {value}"))
        .to_owned()
}

/// Reads `query` anonymously twice through `base_url`: the first answer
/// is computed and cached, the second comes from the cache. Returns it.
pub async fn warm(base_url: &str, query: &str) -> Value {
    let first = data_at(base_url, None, query, json!({})).await;
    let second = data_at(base_url, None, query, json!({})).await;
    assert_eq!(first, second);
    second
}
