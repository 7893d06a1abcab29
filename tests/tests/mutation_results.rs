//! What a mutation returns is read after its own write. A document with
//! two mutations on the same object gets each result as that mutation left
//! it — the second never repeats what the first one read — for outcomes,
//! commitments and pledges, including their nested data.

use serde_json::{Value, json};
use tests::{db_test, token};

fn varnamo_editor() -> String {
    token("eva-varnamo", &["municipality_editor"], &["0683"], &[])
}

fn vaggeryd_editor() -> String {
    token("vera-vaggeryd", &["municipality_editor"], &["0665"], &[])
}

/// A DRAFT pledge for Vaggeryd with one commitment: (pledge id, commitment id).
async fn draft_with_commitment(app: &tests::TestApp) -> (String, String) {
    let created = app
        .data_as(
            &vaggeryd_editor(),
            "mutation { createPledge(input: { municipality: \"0665\", policeArea: \"lpo-varnamo\",
               year: 2027, title: \"Utkast\", validFrom: \"2027-01-01\", validTo: \"2027-12-31\" }) { id } }",
            json!({}),
        )
        .await;
    let pledge = created["createPledge"]["id"]
        .as_str()
        .expect("pledge id")
        .to_owned();
    let added = app
        .data_as(
            &vaggeryd_editor(),
            "mutation ($p: ID!) { addCommitment(pledgeId: $p, input: { text: \"Första\", responsible: JOINT }) { id } }",
            json!({ "p": pledge }),
        )
        .await;
    let commitment = added["addCommitment"]["id"]
        .as_str()
        .expect("commitment id")
        .to_owned();
    (pledge, commitment)
}

db_test!(two_outcomes_in_one_document_each_return_their_own, |app| {
    let data = app
        .data(
            "{ pledges(filter: { municipality: \"0683\", year: 2022 }) { nodes { commitments { id } } } }",
            json!({}),
        )
        .await;
    let commitment = data["pledges"]["nodes"][0]["commitments"][0]["id"].clone();
    assert!(commitment.is_string(), "{data}");

    let both = app
        .data_as(
            &varnamo_editor(),
            "mutation ($c: ID!) {
               first: setCommitmentOutcome(commitmentId: $c, outcome: KEPT) { outcome { outcome } }
               second: setCommitmentOutcome(commitmentId: $c, outcome: NOT_KEPT) { outcome { outcome } }
             }",
            json!({ "c": commitment }),
        )
        .await;
    assert_eq!(both["first"]["outcome"]["outcome"], "KEPT", "{both}");
    assert_eq!(both["second"]["outcome"]["outcome"], "NOT_KEPT", "{both}");

    // And NOT_KEPT is what is stored.
    let stored = app
        .data(
            "query ($c: ID!) { node(id: $c) { ... on Commitment { outcome { outcome } } } }",
            json!({ "c": commitment }),
        )
        .await;
    assert_eq!(stored["node"]["outcome"]["outcome"], "NOT_KEPT", "{stored}");
});

db_test!(
    two_commitment_edits_in_one_document_each_return_their_own,
    |app| {
        let (_, commitment) = draft_with_commitment(&app).await;
        let both = app
        .data_as(
            &vaggeryd_editor(),
            "mutation ($c: ID!) {
               a: updateCommitment(id: $c, expectedVersion: 1, input: { text: \"A\", responsible: POLICE }) {
                 text version responsible pledge { commitments { text } }
               }
               b: updateCommitment(id: $c, expectedVersion: 2, input: { text: \"B\", responsible: MUNICIPALITY }) {
                 text version responsible pledge { commitments { text } }
               }
             }",
            json!({ "c": commitment }),
        )
        .await;
        let texts = |v: &Value| v["pledge"]["commitments"][0]["text"].clone();
        assert_eq!(
            (&both["a"]["text"], &both["a"]["version"], texts(&both["a"])),
            (&json!("A"), &json!(2), json!("A")),
            "{both}"
        );
        assert_eq!(
            (&both["b"]["text"], &both["b"]["version"], texts(&both["b"])),
            (&json!("B"), &json!(3), json!("B")),
            "{both}"
        );
        assert_eq!(both["b"]["responsible"], "MUNICIPALITY", "{both}");
    }
);

db_test!(
    two_pledge_edits_in_one_document_each_return_their_own,
    |app| {
        let (pledge, _) = draft_with_commitment(&app).await;
        let read = app
            .data_as(
                &vaggeryd_editor(),
                "query ($p: ID!) { pledge(id: $p) { version } }",
                json!({ "p": pledge }),
            )
            .await;
        let version = read["pledge"]["version"].as_i64().expect("version");
        let both = app
            .data_as(
                &vaggeryd_editor(),
                "mutation ($p: ID!, $v: Int!) {
               a: updatePledge(id: $p, expectedVersion: $v, input: { title: \"Titel A\" }) {
                 title version commitments { text }
               }
               added: addCommitment(pledgeId: $p, input: { text: \"Andra\", responsible: POLICE }) {
                 pledge { title commitments { text } }
               }
             }",
                json!({ "p": pledge, "v": version }),
            )
            .await;
        assert_eq!(both["a"]["title"], "Titel A", "{both}");
        assert_eq!(both["a"]["version"], version + 1, "{both}");
        assert_eq!(
            both["a"]["commitments"],
            json!([{ "text": "Första" }]),
            "{both}"
        );
        assert_eq!(both["added"]["pledge"]["title"], "Titel A", "{both}");
        assert_eq!(
            both["added"]["pledge"]["commitments"],
            json!([{ "text": "Första" }, { "text": "Andra" }]),
            "{both}"
        );
    }
);
