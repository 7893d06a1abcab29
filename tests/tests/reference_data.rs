//! Reference data (municipalities, counties, police areas, the focus-area
//! catalogue) is public, and every object with an ID can be fetched again
//! through `node(id:)`.

use serde_json::{Value, json};
use tests::db_test;

fn codes(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap_or_else(|| panic!("expected a list, got {list}"))
        .iter()
        .map(|item| item["code"].as_str().expect("a code"))
        .collect()
}

db_test!(municipalities_lists_the_five_by_name, |app| {
    let data = app
        .data(
            "{ municipalities { code name pledges { year } } }",
            json!({}),
        )
        .await;
    let list = &data["municipalities"];
    // Ordered by name. "Ä" (U+00C4) sorts after "V" by code point, and the
    // server orders the same way on both databases.
    let names: Vec<&str> = list
        .as_array()
        .expect("municipalities")
        .iter()
        .map(|m| m["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        ["Gislaved", "Gnosjö", "Vaggeryd", "Värnamo", "Älmhult"]
    );
    assert_eq!(codes(list), ["0662", "0617", "0665", "0683", "0765"]);
    // No source document covers Gislaved or Gnosjö.
    assert_eq!(list[0]["pledges"], json!([]));
    assert_eq!(list[1]["pledges"], json!([]));
    assert_eq!(
        list[3]["pledges"],
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
    police_areas_are_ljungby_and_varnamo_with_varnamo_covering_four,
    |app| {
        let data = app
            .data(
                "{ policeAreas { code municipalities { code } } }",
                json!({}),
            )
            .await;
        let areas = &data["policeAreas"];
        assert_eq!(codes(areas), ["lpo-ljungby", "lpo-varnamo"]);
        assert_eq!(codes(&areas[0]["municipalities"]), ["0765"]);
        // Gislaved, Gnosjö, Vaggeryd, Värnamo: by name.
        assert_eq!(
            codes(&areas[1]["municipalities"]),
            ["0662", "0617", "0665", "0683"]
        );
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
