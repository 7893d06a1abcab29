//! The four pledges of the source documents (shared/seeds/000–003) come out
//! of the API exactly as the documents write them. Expected texts are copied
//! from the documents here, not read from the seed file, so a transcription
//! slip in the seed fails these tests.

use serde_json::{Value, json};
use tests::db_test;

/// Document 000, "Detta gör vi genom att:", bullets and `*…*` removed.
const VARNAMO_2024_COMMITMENTS: [&str; 4] = [
    "Fortsätta med arbetsmetodiken Effektiv samordning för trygghet (EST) genom återkommande aktuella gemensamma lägesbilder. Vid behov ska analyser och åtgärdsplaner kopplas till lägesbilderna.",
    "Insatser och aktiviteter för att förebygga och förhindra brottslighet och missbruk bland unga.",
    "Insatser riktade mot bedrägerier.",
    "Involvera kommunens invånare och andra aktörer i det brottsförebyggande arbetet till exempel genom medborgardialoger, grannsamverkan och näringslivssamverkan.",
];

/// Document 001, "Detta gör vi genom att:", bullets removed.
const VARNAMO_2022_COMMITMENTS: [&str; 4] = [
    "Genomföra trygghetsvandringar i syfte att identifiera förbättringsinsatser för ökad trygghet. Vid behov utarbetas en åtgärdsplan som kommuniceras med berörda aktörer och boende. Detta ska genomföras i Forsheda, Bredaryd och platser i behov utifrån lägesbilden.",
    "Fortsätta med arbetsmetodiken Effektiv samordning för trygghet (EST) genom återkommande aktuella gemensamma lägesbilder. Vi ska arbeta med att utveckla analyser och åtgärdsplaner kopplat till lägesbilderna.",
    "Utefter den aktuella gemensamma lägesbilden genomför kommunen och polisen trygghetsrundor på aktuella platser (hot-spots) i kommunen.",
    "Involvera kommunens invånare och andra aktörer i det brottsförebyggande arbetet till exempel genom medborgardialoger och trygghetsvandringar.",
];

/// The only pledge of `municipality` for `year`, with the selection `fields`.
async fn pledge_of(app: &tests::TestApp, municipality: &str, year: i32, fields: &str) -> Value {
    let query = format!(
        "query ($m: String!, $y: Int!) {{
           pledges(filter: {{ municipality: $m, year: $y }}) {{ totalCount nodes {{ {fields} }} }}
         }}"
    );
    let data = app
        .data(&query, json!({ "m": municipality, "y": year }))
        .await;
    assert_eq!(
        data["pledges"]["totalCount"], 1,
        "one pledge of {municipality} for {year}: {data}"
    );
    data["pledges"]["nodes"][0].clone()
}

fn strings(value: &Value, field: &str) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("expected a list, got {value}"))
        .iter()
        .map(|item| {
            let v = if field.is_empty() { item } else { &item[field] };
            v.as_str()
                .unwrap_or_else(|| panic!("expected a string at {field:?} in {item}"))
                .to_owned()
        })
        .collect()
}

db_test!(
    the_readme_query_returns_varnamos_two_pledges_as_written,
    |app| {
        let data = app
        .data(
            r#"{ pledges(filter:{municipality:"0683"}) { totalCount nodes { year signedOn commitments { text responsible } } } }"#,
            json!({}),
        )
        .await;
        let pledges = &data["pledges"];
        assert_eq!(pledges["totalCount"], 2);
        let nodes = pledges["nodes"].as_array().expect("nodes");
        let years: Vec<i64> = nodes
            .iter()
            .map(|n| n["year"].as_i64().expect("year"))
            .collect();
        assert_eq!(years, [2024, 2022], "newest year first");
        assert_eq!(nodes[0]["signedOn"], "2024-04-22");
        assert_eq!(nodes[1]["signedOn"], "2022-02-01");

        assert_eq!(
            strings(&nodes[0]["commitments"], "text"),
            VARNAMO_2024_COMMITMENTS
        );
        assert_eq!(
            strings(&nodes[1]["commitments"], "text"),
            VARNAMO_2022_COMMITMENTS
        );
        for node in nodes {
            assert_eq!(
                strings(&node["commitments"], "responsible"),
                ["JOINT"; 4],
                "every Värnamo commitment is joint: {node}"
            );
        }
    }
);

db_test!(
    vaggeryd_2023_has_six_focus_areas_with_the_truncated_traffic_text,
    |app| {
        let pledge = pledge_of(
            &app,
            "0665",
            2023,
            "signedOn policeArea { code } signatories { name }
             commitments { text }
             focusAreas { focusArea { code } problemText specialFocus { code } }",
        )
        .await;
        let areas = pledge["focusAreas"].as_array().expect("focusAreas");
        let codes: Vec<&str> = areas
            .iter()
            .map(|a| a["focusArea"]["code"].as_str().expect("code"))
            .collect();
        assert_eq!(
            codes,
            [
                "TRYGGHET",
                "NARKOTIKA",
                "VALDSBROTT",
                "SKADEGORELSE",
                "BEDRAGERIER",
                "TRAFIK"
            ]
        );
        assert_eq!(
            areas[2]["problemText"],
            "Förebygga våldsbrott - särskilt fokus på att förebygga mäns våld mot kvinnor"
        );
        assert_eq!(
            strings(&areas[2]["specialFocus"], "code"),
            ["MANS_VALD_MOT_KVINNOR"]
        );
        // The document's list breaks off after "Förbättrad".
        assert_eq!(areas[5]["problemText"], "Förbättrad");
        assert_eq!(
            strings(&pledge["commitments"], "text"),
            [
                "fortsätta arbetet med arbetsmetodiken Effektiv samordning för trygghet (EST)",
                "utefter den gemensamma lägesbilden genomföra trygghetsrundor på aktuella platser (hot spots) i kommunen",
                "genomföra olika typer av insatser och åtgärder riktat mot narkotikabrottslighet, våldsbrott, bedrägerier, skadegörelser och trafik.",
            ]
        );
        assert_eq!(
            pledge["signedOn"],
            Value::Null,
            "the document is not signed"
        );
        assert_eq!(pledge["signatories"], json!([]));
        assert_eq!(pledge["policeArea"]["code"], "lpo-varnamo");
    }
);

db_test!(
    almhult_2023_runs_to_march_2024_and_has_undated_signatures,
    |app| {
        let pledge = pledge_of(
            &app,
            "0765",
            2023,
            "validTo signedOn policeArea { code }
             signatories { name party signedOn }
             commitments { text responsible method targetGroups }",
        )
        .await;
        assert_eq!(pledge["policeArea"]["code"], "lpo-ljungby");
        assert_eq!(pledge["validTo"], "2024-03-01");
        assert_eq!(
            pledge["signedOn"],
            Value::Null,
            "the document reads 2023-xx-xx"
        );
        assert_eq!(
            pledge["signatories"],
            json!([
                { "name": "Eva Ballovare", "party": "MUNICIPALITY", "signedOn": null },
                { "name": "Roger Olsson", "party": "POLICE", "signedOn": null },
            ])
        );
        let commitments = pledge["commitments"].as_array().expect("commitments");
        assert_eq!(commitments.len(), 8);
        assert_eq!(
            strings(&pledge["commitments"], "responsible"),
            [
                "POLICE", "JOINT", "JOINT", "POLICE", "JOINT", "JOINT", "POLICE", "JOINT"
            ]
        );
        let dialogue = commitments.last().expect("a last commitment");
        assert_eq!(dialogue["method"], "CITIZEN_DIALOGUE");
        assert_eq!(
            strings(&dialogue["targetGroups"], ""),
            ["16–29 år", "30–49 år"]
        );
        assert_eq!(
            dialogue["text"],
            "Lokalpolisområde Ljungby och Älmhults kommun ska tillsammans bjuda in till och genomföra medborgardialoger i ämnet trygghet på olika platser kommunen. Utifrån resultatet från Trygghetsmätningen 2022 skall särskilt focus riktas på åldersgrupperna 16–29 år samt 30–49 år"
        );
    }
);

db_test!(
    varnamo_2024_has_its_three_focus_sections_and_its_signatories,
    |app| {
        let pledge = pledge_of(
            &app,
            "0683",
            2024,
            "situationPicture
             focusAreas { focusArea { code } heading }
             signatories { name title }",
        )
        .await;
        assert_eq!(
            pledge["focusAreas"],
            json!([
                { "focusArea": { "code": "UNGA_KRIMINALITET" },
                  "heading": "Rekrytering av unga till kriminella miljöer" },
                { "focusArea": { "code": "NARKOTIKA" },
                  "heading": "Narkotikabrott med fokus på unga" },
                { "focusArea": { "code": "BEDRAGERIER" }, "heading": "Bedrägerier" },
            ])
        );
        let picture = pledge["situationPicture"]
            .as_str()
            .expect("a situation picture");
        assert!(
            picture.starts_with("Enligt polisens trygghetsundersökning"),
            "{picture}"
        );
        assert_eq!(
            pledge["signatories"],
            json!([
                { "name": "Tobias Pettersson", "title": "Kommunstyrelsens ordförande" },
                { "name": "Anders Sund", "title": "Tf Lokalpolisområdeschef" },
            ])
        );
    }
);

db_test!(
    varnamo_2022_safety_walks_name_forsheda_and_bredaryd,
    |app| {
        let pledge = pledge_of(
            &app,
            "0683",
            2022,
            "commitments { method places { name kind } }",
        )
        .await;
        let first = &pledge["commitments"][0];
        assert_eq!(first["method"], "SAFETY_WALK");
        // Places come by name, not in the order the sentence names them.
        let mut places: Vec<(String, String)> = first["places"]
            .as_array()
            .expect("places")
            .iter()
            .map(|p| {
                (
                    p["name"].as_str().expect("name").to_owned(),
                    p["kind"].as_str().expect("kind").to_owned(),
                )
            })
            .collect();
        places.sort();
        assert_eq!(
            places,
            [
                ("Bredaryd".to_owned(), "TOWN".to_owned()),
                ("Forsheda".to_owned(), "TOWN".to_owned()),
            ]
        );
        // The other commitments name no place.
        for later in &pledge["commitments"].as_array().expect("commitments")[1..] {
            assert_eq!(later["places"], json!([]), "{later}");
        }
    }
);

db_test!(every_seeded_pledge_is_published_for_everyone, |app| {
    let data = app
        .data("{ pledges { totalCount nodes { status } } }", json!({}))
        .await;
    assert_eq!(data["pledges"]["totalCount"], 4);
    assert_eq!(
        strings(&data["pledges"]["nodes"], "status"),
        ["PUBLISHED"; 4]
    );
});

db_test!(seeding_again_adds_nothing, |app| {
    let report = api::store::seed::load(app.db())
        .await
        .expect("seeding a seeded database succeeds");
    assert_eq!(report.pledges_added, 0);
    assert_eq!(report.activities_added, 0);

    let data = app
        .data(
            r#"{ all: pledges { totalCount }
                 varnamo: pledges(filter: { municipality: "0683", year: 2024 }) {
                   nodes { commitments { position } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["all"]["totalCount"], 4);
    assert_eq!(
        data["varnamo"]["nodes"][0]["commitments"],
        json!([
            { "position": 1 },
            { "position": 2 },
            { "position": 3 },
            { "position": 4 },
        ])
    );
});

db_test!(the_readme_example_answers_as_the_readme_shows, |app| {
    // The first curl of README.md's "An example" and the JSON after it.
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let example = &readme[readme.find("## An example").expect("the example section")..];
    let request = example
        .lines()
        .find(|l| l.starts_with("curl "))
        .and_then(|l| l.split_once(" -d '"))
        .and_then(|(_, body)| body.strip_suffix('\''))
        .expect("a curl with a JSON body");
    let request: Value = serde_json::from_str(request).expect("the request is JSON");
    let answer = example
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("a JSON answer");
    let answer: Value = serde_json::from_str(answer).expect("the answer is JSON");
    let query = request["query"].as_str().expect("a query");
    assert_eq!(app.gql(query, json!({})).await, answer);
});
