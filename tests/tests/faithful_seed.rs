//! The seed says what the five source documents (shared/seeds/000–004)
//! say and no more: what it had to infer is marked as inferred, with the
//! reason; imported pledges say they were imported; the documents'
//! spelling, target groups, several methods, people and further measures
//! are kept. Expected values are copied from the documents here, not read
//! from the seed file.

use serde_json::{Value, json};
use tests::{TestApp, db_test, error_codes, token};

const ARTICLE: &str = "Att motverka att unga rekryteras kriminellt har hög prioritet";

fn varnamo_editor() -> String {
    token("eva-varnamo", &["municipality_editor"], &["0683"], &[])
}

/// Every seeded pledge with `fields`, keyed "<municipality code>-<year>".
async fn seeded(app: &TestApp, fields: &str) -> serde_json::Map<String, Value> {
    let data = app
        .data(
            &format!("{{ pledges {{ nodes {{ year municipality {{ code }} {fields} }} }} }}"),
            json!({}),
        )
        .await;
    let nodes = data["pledges"]["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 4, "{data}");
    nodes
        .iter()
        .map(|p| {
            let key = format!(
                "{}-{}",
                p["municipality"]["code"].as_str().expect("code"),
                p["year"]
            );
            (key, p.clone())
        })
        .collect()
}

fn note(pledge: &Value) -> &str {
    pledge["inferenceNote"]
        .as_str()
        .unwrap_or_else(|| panic!("an inference note: {pledge}"))
}

db_test!(
    dates_the_documents_do_not_give_are_marked_as_inferred_with_the_reason,
    |app| {
        let pledges = seeded(
            &app,
            "validFrom validTo validityStated signedOn signedOnStated inferenceNote
             signatories { signedOn signedOnStated }",
        )
        .await;

        // 001 gives "för år 2022" and "Den 1 februari", without a year.
        let v2022 = &pledges["0683-2022"];
        assert_eq!(
            (&v2022["validFrom"], &v2022["validTo"]),
            (&json!("2022-01-01"), &json!("2022-12-31"))
        );
        assert_eq!(v2022["validityStated"], false, "{v2022}");
        assert_eq!(v2022["signedOn"], "2022-02-01");
        assert_eq!(v2022["signedOnStated"], false, "{v2022}");
        assert_eq!(
            v2022["signatories"],
            json!([
                { "signedOn": "2022-02-01", "signedOnStated": false },
                { "signedOn": "2022-02-01", "signedOnStated": false },
            ])
        );
        assert!(note(v2022).contains("för år 2022"), "{v2022}");
        assert!(note(v2022).contains("Den 1 februari"), "{v2022}");

        // 000 is dated 2024-04-22 above its signatures but gives no period.
        let v2024 = &pledges["0683-2024"];
        assert_eq!(v2024["validityStated"], false, "{v2024}");
        assert_eq!(v2024["signedOn"], "2024-04-22");
        assert_eq!(v2024["signedOnStated"], true, "{v2024}");
        assert!(note(v2024).contains("Validity"), "{v2024}");

        // 002 says only "under 2023".
        let vaggeryd = &pledges["0665-2023"];
        assert_eq!(vaggeryd["validityStated"], false, "{vaggeryd}");
        assert!(note(vaggeryd).contains("under 2023"), "{vaggeryd}");
        assert_eq!(vaggeryd["signedOn"], Value::Null);
        assert_eq!(vaggeryd["signedOnStated"], true, "nothing inferred");

        // 003 states its end ("löper fram till 2024-03-01"), not its start,
        // and its signing date reads "2023-xx-xx": unknown, not inferred.
        let almhult = &pledges["0765-2023"];
        assert_eq!(almhult["validTo"], "2024-03-01");
        assert_eq!(almhult["validityStated"], false, "{almhult}");
        assert!(note(almhult).contains("2024-03-01"), "{almhult}");
        assert_eq!(almhult["signedOn"], Value::Null);
        assert_eq!(almhult["signedOnStated"], true);
        assert_eq!(
            almhult["signatories"],
            json!([
                { "signedOn": null, "signedOnStated": true },
                { "signedOn": null, "signedOnStated": true },
            ])
        );
    }
);

db_test!(
    seeded_pledges_are_imported_from_their_documents_and_new_ones_are_recorded,
    |app| {
        let pledges = seeded(&app, "status provenance sourceTitle").await;
        let titles: Vec<(&str, &str)> = [
            ("0683-2022", "Nytt medborgarlöfte undertecknat"),
            ("0683-2024", "Medborgarlöfte Värnamo kommun 2024"),
            ("0665-2023", "Vaggeryd – medborgarlöften"),
            ("0765-2023", "Medborgarlöfte Älmhult kommun 2023"),
        ]
        .into();
        for (key, title) in titles {
            let pledge = &pledges[key];
            assert_eq!(pledge["status"], "PUBLISHED", "{pledge}");
            assert_eq!(pledge["provenance"], "IMPORTED", "{pledge}");
            assert_eq!(pledge["sourceTitle"], title, "{pledge}");
        }

        let created = app
            .data_as(
                &varnamo_editor(),
                "mutation { createPledge(input: { municipality: \"0683\", policeArea: \"lpo-varnamo\",
                   year: 2026, title: \"Medborgarlöfte 2026\", validFrom: \"2026-01-01\",
                   validTo: \"2026-12-31\" }) {
                   provenance validityStated signedOnStated inferenceNote sourceNotes { text } } }",
                json!({}),
            )
            .await;
        assert_eq!(
            created["createPledge"],
            json!({ "provenance": "RECORDED", "validityStated": true,
                    "signedOnStated": true, "inferenceNote": null, "sourceNotes": [] })
        );
    }
);

db_test!(an_undated_activity_counts_in_no_follow_up_period, |app| {
    let editor = varnamo_editor();
    let data = app
        .data(
            "{ pledges(filter: { municipality: \"0683\", year: 2024 }) { nodes { id
                   commitments { id activities { date } } } } }",
            json!({}),
        )
        .await;
    let pledge = &data["pledges"]["nodes"][0];
    let commitments: Vec<&str> = pledge["commitments"]
        .as_array()
        .expect("commitments")
        .iter()
        .map(|c| c["id"].as_str().expect("id"))
        .collect();
    // The article's five activities are undated evidence of the fourth.
    assert_eq!(
        pledge["commitments"][3]["activities"],
        json!(vec![json!({ "date": null }); 5]),
        "{data}"
    );

    let progress: Vec<Value> = commitments
        .iter()
        .map(|c| json!({ "commitmentId": c, "status": "ONGOING" }))
        .collect();
    let report = app
            .data_as(
                &editor,
                "mutation ($input: FollowUpReportInput!) { createFollowUpReport(input: $input) { id } }",
                json!({ "input": { "pledgeId": pledge["id"], "periodKind": "YEAR_END",
                    "periodStart": "2024-01-01", "periodEnd": "2024-12-31", "progress": progress } }),
            )
            .await["createFollowUpReport"]["id"]
            .clone();
    let counted = || async {
        let data = app
            .data_as(
                &editor,
                "query ($id: ID!) { node(id: $id) { ... on FollowUpReport {
                       progress { countedActivities } } } }",
                json!({ "id": report }),
            )
            .await;
        data["node"]["progress"]
            .as_array()
            .expect("progress")
            .iter()
            .map(|p| p["countedActivities"].as_i64().expect("a count"))
            .collect::<Vec<_>>()
    };
    assert_eq!(counted().await, [0, 0, 0, 0], "the article is undated");

    // Through the API too: an activity without a date, and one dated
    // inside the year.
    let record = "mutation ($input: ActivityInput!) { recordActivity(input: $input) { date } }";
    let undated = app
        .data_as(
            &editor,
            record,
            json!({ "input": { "municipality": "0683", "commitmentId": commitments[3],
                    "kind": "SAFETY_WALK", "description": "Trygghetsvandring, datum okänt" } }),
        )
        .await;
    assert_eq!(undated["recordActivity"]["date"], Value::Null, "{undated}");
    app.data_as(
            &editor,
            record,
            json!({ "input": { "municipality": "0683", "commitmentId": commitments[3],
                "kind": "SAFETY_WALK", "date": "2024-06-01", "description": "Trygghetsvandring" } }),
        )
        .await;
    assert_eq!(counted().await, [0, 0, 0, 1]);
});

db_test!(signatory_titles_keep_the_documents_spelling, |app| {
    let pledges = seeded(&app, "signatories { name title party }").await;
    // 001: "kommunstyrelsens ordförande Mikael Karlsson och
    // lokapolisområdeschef Håkan Boberg".
    assert_eq!(
        pledges["0683-2022"]["signatories"],
        json!([
            { "name": "Mikael Karlsson", "title": "kommunstyrelsens ordförande", "party": "MUNICIPALITY" },
            { "name": "Håkan Boberg", "title": "lokapolisområdeschef", "party": "POLICE" },
        ])
    );
    assert_eq!(
        pledges["0765-2023"]["signatories"],
        json!([
            { "name": "Eva Ballovare", "title": "Kommunstyrelsens ordförande", "party": "MUNICIPALITY" },
            { "name": "Roger Olsson", "title": "Lokalpolisområdeschef", "party": "POLICE" },
        ])
    );
});

db_test!(
    varnamo_2024_supersedes_varnamo_2022_for_whoever_may_see_it,
    |app| {
        let query = "{ pledges(filter: { municipality: \"0683\" }) { nodes { id year
                         supersedes { id year } } } }";
        let data = app.data(query, json!({})).await;
        let nodes = data["pledges"]["nodes"].as_array().expect("nodes");
        let (v2024, v2022) = (&nodes[0], &nodes[1]);
        assert_eq!(
            (&v2024["year"], &v2022["year"]),
            (&json!(2024), &json!(2022))
        );
        assert_eq!(
            v2024["supersedes"],
            json!({ "id": v2022["id"], "year": 2022 })
        );
        assert_eq!(v2022["supersedes"], Value::Null);

        // Withdrawn, the 2022 pledge is gone for the public, and so is the
        // link to it; staff of Värnamo still follow it.
        app.data_as(
            &varnamo_editor(),
            "mutation ($id: ID!) { withdrawPledge(id: $id, reason: \"Test\") { status } }",
            json!({ "id": v2022["id"] }),
        )
        .await;
        let public = app.data(query, json!({})).await;
        assert_eq!(
            public["pledges"]["nodes"],
            json!([{ "id": v2024["id"], "year": 2024, "supersedes": null }])
        );
        let staff = app.data_as(&varnamo_editor(), query, json!({})).await;
        assert_eq!(
            staff["pledges"]["nodes"][0]["supersedes"]["id"],
            v2022["id"]
        );
    }
);

db_test!(
    commitments_carry_the_target_groups_and_every_method_the_documents_name,
    |app| {
        let pledges = seeded(&app, "commitments { method methods targetGroups }").await;
        let commitment =
            |key: &str, position: usize| pledges[key]["commitments"][position - 1].clone();

        // 000: "… bland unga"; the fraud section: "äldre personer är
        // särskilt utsatta"; the fourth names three ways.
        assert_eq!(commitment("0683-2024", 2)["targetGroups"], json!(["unga"]));
        assert_eq!(
            commitment("0683-2024", 3)["targetGroups"],
            json!(["äldre personer"])
        );
        assert_eq!(
            commitment("0683-2024", 4),
            json!({ "method": "CITIZEN_DIALOGUE",
                    "methods": ["CITIZEN_DIALOGUE", "NEIGHBOURHOOD_WATCH", "BUSINESS_NETWORK"],
                    "targetGroups": [] })
        );
        // 003: wastewater analysis by the municipality, drug-dog searches
        // by the police; "ungdomars narkotikabruk"; the age groups.
        assert_eq!(
            commitment("0765-2023", 3)["methods"],
            json!(["WASTEWATER_ANALYSIS", "DRUG_DOG_SEARCH"])
        );
        assert_eq!(commitment("0765-2023", 3)["method"], "WASTEWATER_ANALYSIS");
        assert_eq!(
            commitment("0765-2023", 7)["targetGroups"],
            json!(["ungdomar"])
        );
        assert_eq!(
            commitment("0765-2023", 8)["targetGroups"],
            json!(["16–29 år", "30–49 år"])
        );

        // Everywhere, `method` is the first of `methods`, or null for none.
        for (key, pledge) in &pledges {
            for c in pledge["commitments"].as_array().expect("commitments") {
                let first = c["methods"].get(0).cloned().unwrap_or(Value::Null);
                assert_eq!(c["method"], first, "{key}: {c}");
            }
        }
        assert_eq!(commitment("0683-2024", 2)["methods"], json!([]));
    }
);

db_test!(
    the_articles_people_and_further_measures_are_kept_with_the_article_as_source,
    |app| {
        let pledges = seeded(
            &app,
            "background sourceNotes { text saidBy sourceTitle sourceUrl }
             commitments { activities { kind people sourceTitle } }",
        )
        .await;
        let v2024 = &pledges["0683-2024"];
        let activities = v2024["commitments"][3]["activities"]
            .as_array()
            .expect("activities");
        let breakfast = activities
            .iter()
            .find(|a| a["kind"] == "BUSINESS_NETWORK")
            .expect("the breakfast meeting");
        assert_eq!(
            breakfast["people"],
            json!([
                "säkerhetssamordnare Marcus Skytt",
                "kommunpolis Andreas Sjöqvist"
            ])
        );
        for a in activities {
            assert_eq!(a["sourceTitle"], ARTICLE, "{a}");
        }

        let notes = v2024["sourceNotes"].as_array().expect("source notes");
        let said = |words: &str| {
            notes
                .iter()
                .find(|n| n["text"].as_str().is_some_and(|t| t.contains(words)))
                .unwrap_or_else(|| panic!("a note saying {words:?}: {v2024}"))
                .clone()
        };
        assert_eq!(
            said("från två till fyra tjänster"),
            json!({
                "text": "Som en del av det förebyggande arbetet utökar vi fältverksamheten från två till fyra tjänster.",
                "saidBy": "säkerhetssamordnare Marcus Skytt",
                "sourceTitle": ARTICLE,
                "sourceUrl": null,
            })
        );
        assert_eq!(said("social insatsgrupp")["sourceTitle"], ARTICLE);
        assert_eq!(
            said("social insatsgrupp")["saidBy"],
            "säkerhetssamordnare Marcus Skytt"
        );
        assert_eq!(said("orossamtal")["saidBy"], "kommunpolis Andreas Sjöqvist");

        // 001 spells the same kommunpolis "Sjökvist": kept as written.
        let background = pledges["0683-2022"]["background"]
            .as_str()
            .expect("background");
        assert!(
            background.contains(
                "säger Andreas Sjökvist, kommunpolis i Gislaved, Gnosjö, Vaggeryd och Värnamo."
            ),
            "{background}"
        );
        for other in ["0683-2022", "0665-2023", "0765-2023"] {
            assert_eq!(pledges[other]["sourceNotes"], json!([]), "{other}");
        }
    }
);

db_test!(
    a_method_that_is_not_the_first_of_methods_is_bad_input,
    |app| {
        let editor = varnamo_editor();
        let created = app
            .data_as(
                &editor,
                "mutation { createPledge(input: { municipality: \"0683\", policeArea: \"lpo-varnamo\",
                   year: 2026, title: \"Medborgarlöfte 2026\", validFrom: \"2026-01-01\",
                   validTo: \"2026-12-31\" }) { id } }",
                json!({}),
            )
            .await;
        let pledge = created["createPledge"]["id"].clone();
        let add = "mutation ($id: ID!, $input: CommitmentInput!) {
                     addCommitment(pledgeId: $id, input: $input) { id version method methods } }";
        let several = app
            .data_as(
                &editor,
                add,
                json!({ "id": pledge, "input": { "text": "Analys av avloppsvatten och sök med narkotikahund.",
                    "responsible": "JOINT", "methods": ["WASTEWATER_ANALYSIS", "DRUG_DOG_SEARCH"] } }),
            )
            .await["addCommitment"]
            .clone();
        assert_eq!(several["method"], "WASTEWATER_ANALYSIS", "{several}");
        assert_eq!(
            several["methods"],
            json!(["WASTEWATER_ANALYSIS", "DRUG_DOG_SEARCH"])
        );

        let one = app
            .data_as(
                &editor,
                add,
                json!({ "id": pledge, "input": { "text": "EST.", "responsible": "JOINT", "method": "EST" } }),
            )
            .await["addCommitment"]
            .clone();
        assert_eq!(one["methods"], json!(["EST"]), "{one}");

        // Both given and disagreeing: refused, naming `method`; nothing changes.
        let update = "mutation ($id: ID!, $v: Int!, $input: CommitmentInput!) {
                        updateCommitment(id: $id, expectedVersion: $v, input: $input) { method methods } }";
        let (status, body) = app
            .gql_as(
                Some(&editor),
                update,
                json!({ "id": several["id"], "v": several["version"], "input": { "text": "Sök.",
                    "responsible": "POLICE", "method": "DRUG_DOG_SEARCH",
                    "methods": ["WASTEWATER_ANALYSIS", "DRUG_DOG_SEARCH"] } }),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "method", "{body}");

        // Agreeing: the list is replaced in its new order.
        let updated = app
            .data_as(
                &editor,
                update,
                json!({ "id": several["id"], "v": several["version"], "input": { "text": "Sök.",
                    "responsible": "POLICE", "method": "DRUG_DOG_SEARCH",
                    "methods": ["DRUG_DOG_SEARCH", "SCHOOL_VISITS"] } }),
            )
            .await;
        assert_eq!(
            updated["updateCommitment"],
            json!({ "method": "DRUG_DOG_SEARCH", "methods": ["DRUG_DOG_SEARCH", "SCHOOL_VISITS"] })
        );
    }
);

db_test!(
    seeding_again_marks_what_an_earlier_seed_presented_as_stated,
    |app| {
        // A database seeded before the marks existed: every date stated,
        // no notes, no link between Värnamo's pledges, one method per
        // commitment, no target groups or people, a corrected title.
        for rewind in [
            "UPDATE pledges SET validity_stated = TRUE, signed_on_stated = TRUE,
               inference_note = NULL, source_notes = '[]', supersedes_id = NULL",
            "UPDATE signatories SET title = 'Lokalpolisområdeschef', signed_on_stated = TRUE
               WHERE name = 'Håkan Boberg'",
            "UPDATE commitments SET target_groups = '[]'",
            "DELETE FROM commitment_methods WHERE position > 1",
            "UPDATE activities SET people = '[]'",
        ] {
            sea_orm::ConnectionTrait::execute_unprepared(app.db(), rewind)
                .await
                .expect("rewinding the seed");
        }

        let report = api::store::seed::load(app.db()).await.expect("seeding");
        assert_eq!((report.pledges_added, report.pledges_refreshed), (0, 4));
        let pledges = seeded(
            &app,
            "version validityStated inferenceNote supersedes { year } sourceNotes { text }
             signatories { title signedOnStated }
             commitments { methods targetGroups activities { people } }",
        )
        .await;
        for (key, pledge) in &pledges {
            assert_eq!(pledge["validityStated"], false, "{key}: {pledge}");
            assert!(pledge["inferenceNote"].is_string(), "{key}: {pledge}");
            assert_eq!(pledge["version"], 2, "{key}: {pledge}");
        }
        assert_eq!(pledges["0683-2024"]["supersedes"], json!({ "year": 2022 }));
        assert_eq!(
            pledges["0683-2024"]["sourceNotes"].as_array().map(Vec::len),
            Some(3)
        );
        assert_eq!(
            pledges["0683-2022"]["signatories"][1],
            json!({ "title": "lokapolisområdeschef", "signedOnStated": false })
        );
        let fourth = &pledges["0683-2024"]["commitments"][3];
        assert_eq!(
            fourth["methods"],
            json!([
                "CITIZEN_DIALOGUE",
                "NEIGHBOURHOOD_WATCH",
                "BUSINESS_NETWORK"
            ])
        );
        assert!(
            fourth["activities"]
                .as_array()
                .expect("activities")
                .iter()
                .all(|a| a["people"].as_array().is_some_and(|p| !p.is_empty())),
            "{fourth}"
        );
        assert_eq!(
            pledges["0683-2024"]["commitments"][1]["targetGroups"],
            json!(["unga"])
        );

        let again = api::store::seed::load(app.db()).await.expect("seeding");
        assert_eq!((again.pledges_added, again.pledges_refreshed), (0, 0));
    }
);

/// Värnamo's activity figures of `year` and the year before in
/// `regionalComparison`, as `token` sees them.
async fn varnamo_activity_figures(app: &TestApp, token: &str, year: i32) -> Value {
    let data = app
        .data_as(
            token,
            "query ($year: Int!) { regionalComparison(year: $year, policeArea: \"lpo-varnamo\") {
               municipalities { municipality { code } pledge { year }
                 figures { activities activitiesByKind { key count } } previous { activities } } } }",
            json!({ "year": year }),
        )
        .await;
    let varnamo = data["regionalComparison"]["municipalities"]
        .as_array()
        .expect("municipalities")
        .iter()
        .find(|m| m["municipality"]["code"] == "0683")
        .unwrap_or_else(|| panic!("Värnamo is compared: {data}"))
        .clone();
    json!({ "pledge": varnamo["pledge"], "figures": varnamo["figures"], "previous": varnamo["previous"] })
}

db_test!(
    undated_activities_count_in_the_regional_figures_only_for_the_pledge_they_evidence,
    |app| {
        // The article's five undated activities evidence Värnamo 2024: they
        // count in 2024's figures (for that pledge) and in no other year.
        let expected_2024 = json!({
            "pledge": { "year": 2024 },
            "figures": { "activities": 5, "activitiesByKind": [
                { "key": "BUSINESS_NETWORK", "count": 1 },
                { "key": "OTHER", "count": 1 },
                { "key": "SAFETY_WALK", "count": 3 },
            ] },
            "previous": { "activities": 0 },
        });
        let editor = varnamo_editor();
        let mut by_kind = varnamo_activity_figures(&app, &editor, 2024).await;
        if let Some(kinds) = by_kind["figures"]["activitiesByKind"].as_array_mut() {
            kinds.sort_by_key(|k| k["key"].as_str().map(str::to_owned));
        }
        assert_eq!(by_kind, expected_2024);
        let next = varnamo_activity_figures(&app, &editor, 2025).await;
        assert_eq!(
            (
                &next["pledge"],
                &next["figures"]["activities"],
                &next["previous"]["activities"]
            ),
            (&Value::Null, &json!(0), &json!(5)),
            "{next}"
        );
        let before = varnamo_activity_figures(&app, &editor, 2023).await;
        assert_eq!(
            (
                &before["figures"]["activities"],
                &before["previous"]["activities"]
            ),
            (&json!(0), &json!(0)),
            "{before}"
        );

        // An undated activity evidencing no commitment has no pledge and no
        // year: it counts nowhere. A dated one counts in its year (for
        // Värnamo's staff: evidence of no commitment is not public).
        let record = "mutation ($input: ActivityInput!) { recordActivity(input: $input) { id } }";
        for input in [
            json!({ "municipality": "0683", "kind": "SAFETY_WALK", "description": "Odaterad" }),
            json!({ "municipality": "0683", "kind": "SAFETY_WALK", "date": "2024-09-01",
                    "description": "Daterad" }),
        ] {
            app.data_as(&varnamo_editor(), record, json!({ "input": input }))
                .await;
        }
        assert_eq!(
            varnamo_activity_figures(&app, &editor, 2024).await["figures"]["activities"],
            6
        );
        assert_eq!(
            varnamo_activity_figures(&app, &editor, 2025).await["previous"]["activities"],
            6
        );
    }
);
