//! Reference data (municipalities, counties, police areas, the focus-area
//! catalogue) is public (the police organisation: `police_organisation`), and every object with an ID can be fetched again
//! through `node(id:)`.

use serde_json::{Value, json};
use tests::{codes, db_test};

db_test!(municipalities_lists_all_290_by_name, |app| {
    let data = app
        .data(
            "{ municipalities { code name pledges { year } } }",
            json!({}),
        )
        .await;
    let list = data["municipalities"].as_array().expect("municipalities");
    assert_eq!(list.len(), 290);
    let names: Vec<&str> = list
        .iter()
        .map(|m| m["name"].as_str().expect("name"))
        .collect();
    // Swedish alphabetical order: å, ä, ö after z, on both databases.
    assert_eq!(names.first(), Some(&"Ale"));
    assert_eq!(names.last(), Some(&"Övertorneå"));
    let position = |name: &str| names.iter().position(|n| *n == name).expect(name);
    assert!(position("Östersund") < position("Österåker"));
    assert!(position("Vaggeryd") < position("Värnamo"));
    assert!(position("Värnamo") < position("Älmhult"));
    assert!(position("Älmhult") < position("Örebro"));
    let of = |code: &str| {
        list.iter()
            .find(|m| m["code"] == code)
            .unwrap_or_else(|| panic!("{code} is listed"))
    };
    // No source document is about Gislaved or Gnosjö.
    assert_eq!(of("0662")["pledges"], json!([]));
    assert_eq!(of("0617")["pledges"], json!([]));
    assert_eq!(
        of("0683")["pledges"],
        json!([{ "year": 2024 }, { "year": 2022 }])
    );
});

db_test!(
    almhult_lies_in_kronoberg_and_is_policed_from_ljungby,
    |app| {
        let data = app
        .data(
            r#"{ municipality(code: "0765") { code name county { code name } policeArea { code } } }"#,
            json!({}),
        )
        .await;
        assert_eq!(
            data["municipality"],
            json!({
                "code": "0765",
                "name": "Älmhult",
                "county": { "code": "07", "name": "Kronobergs län" },
                "policeArea": { "code": "lpo-ljungby" },
            })
        );
    }
);

db_test!(
    police_areas_are_the_sourced_ones_with_what_they_cover_today,
    |app| {
        let data = app
            .data(
                "{ policeAreas { code municipalities { code } } }",
                json!({}),
            )
            .await;
        let areas = data["policeAreas"].as_array().expect("policeAreas");
        let mut found: Vec<&str> = areas
            .iter()
            .map(|a| a["code"].as_str().expect("code"))
            .collect();
        found.sort_unstable();
        assert_eq!(
            found,
            [
                "lpo-hoglandet",
                "lpo-jarfalla",
                "lpo-jarva",
                "lpo-kalmar",
                "lpo-ljungby",
                "lpo-norduppland",
                "lpo-norrmalm",
                "lpo-norrtalje",
                "lpo-nybro",
                "lpo-sodermalm",
                "lpo-sodra-roslagen",
                "lpo-sodra-vatterbygden",
                "lpo-sollentuna",
                "lpo-solna",
                "lpo-vallingby",
                "lpo-varnamo",
                "lpo-vastervik",
                "lpo-vaxjo",
            ]
        );
        let covered = |code: &str| {
            let area = areas.iter().find(|a| a["code"] == code).expect(code);
            codes(&area["municipalities"])
        };
        // Ljungby, Markaryd, Älmhult (Osby left in 2018); by name.
        assert_eq!(covered("lpo-ljungby"), ["0781", "0767", "0765"]);
        // Gislaved, Gnosjö, Vaggeryd, Värnamo.
        assert_eq!(covered("lpo-varnamo"), ["0662", "0617", "0665", "0683"]);
        // Named by a source, but no source says which municipalities it covers.
        assert!(covered("lpo-hoglandet").is_empty());
    }
);

db_test!(the_focus_area_catalogue_has_eleven_named_areas, |app| {
    let data = app
        .data("{ focusAreas { code nameSv nameEn } }", json!({}))
        .await;
    let list = &data["focusAreas"];
    let mut found = codes(list);
    found.sort_unstable();
    assert_eq!(
        found,
        [
            "BEDRAGERIER",
            "BROTTSFOREBYGGANDE",
            "INBROTT_STOLD",
            "MANS_VALD_MOT_KVINNOR",
            "NARKOTIKA",
            "ORDNINGSSTORNING",
            "SKADEGORELSE",
            "TRAFIK",
            "TRYGGHET",
            "UNGA_KRIMINALITET",
            "VALDSBROTT",
        ]
    );
    for area in list.as_array().expect("focusAreas") {
        for name in ["nameSv", "nameEn"] {
            let text = area[name].as_str().expect("a name");
            assert!(!text.trim().is_empty(), "{name} is empty in {area}");
        }
    }
});

/// Fetches `id` through `node(id:)` asking every type for one field of its own.
async fn refetch(app: &tests::TestApp, id: &Value) -> Value {
    let data = app
        .data(
            "query ($id: ID!) { node(id: $id) {
                __typename id
                ... on Pledge { title year }
                ... on Commitment { text position }
                ... on Municipality { code name }
                ... on PoliceArea { code name }
             } }",
            json!({ "id": id }),
        )
        .await;
    data["node"].clone()
}

db_test!(
    node_refetches_pledges_commitments_municipalities_and_police_areas,
    |app| {
        let data = app
            .data(
                r#"{ pledges(filter: { municipality: "0765" }) {
                   nodes { id title year
                           commitments { id text position }
                           municipality { id code name }
                           policeArea { id code name } } } }"#,
                json!({}),
            )
            .await;
        let pledge = &data["pledges"]["nodes"][0];
        assert_eq!(pledge["title"], "Medborgarlöfte Älmhult kommun 2023");

        let node = refetch(&app, &pledge["id"]).await;
        assert_eq!(node["__typename"], "Pledge");
        assert_eq!(node["id"], pledge["id"]);
        assert_eq!(node["title"], "Medborgarlöfte Älmhult kommun 2023");
        assert_eq!(node["year"], 2023);

        let commitment = &pledge["commitments"][1];
        let node = refetch(&app, &commitment["id"]).await;
        assert_eq!(node["__typename"], "Commitment");
        assert_eq!(node["id"], commitment["id"]);
        assert_eq!(node["position"], 2);
        assert_eq!(node["text"], commitment["text"]);

        let node = refetch(&app, &pledge["municipality"]["id"]).await;
        assert_eq!(node["__typename"], "Municipality");
        assert_eq!(node["id"], pledge["municipality"]["id"]);
        assert_eq!(node["code"], "0765");
        assert_eq!(node["name"], "Älmhult");

        let node = refetch(&app, &pledge["policeArea"]["id"]).await;
        assert_eq!(node["__typename"], "PoliceArea");
        assert_eq!(node["id"], pledge["policeArea"]["id"]);
        assert_eq!(node["code"], "lpo-ljungby");
        assert_eq!(node["name"], "Lokalpolisområde Ljungby");
    }
);
