//! The police organisation as records: seven police regions, the police
//! districts (polisområden) and local police areas (lokalpolisområden) a
//! public source names, and which of them covered which municipality when
//! (the 2018 reorganisation of region Syd included).

use serde_json::{Value, json};
use tests::{codes, db_test};

db_test!(varnamo_is_in_district_jonkoping_of_region_ost, |app| {
    let data = app
        .data(
            r#"{ municipality(code: "0683") {
                 policeArea { code name district { code name region { code } } region { code name } }
                 policeDistrict { code } policeRegion { code } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["municipality"],
        json!({
            "policeArea": {
                "code": "lpo-varnamo",
                "name": "Lokalpolisområde Värnamo",
                "district": { "code": "po-jonkoping", "name": "Polisområde Jönköping", "region": { "code": "pr-ost" } },
                "region": { "code": "pr-ost", "name": "Polisregion Öst" },
            },
            "policeDistrict": { "code": "po-jonkoping" },
            "policeRegion": { "code": "pr-ost" },
        })
    );
});

db_test!(
    almhult_is_in_district_kalmar_kronoberg_of_region_syd,
    |app| {
        let data = app
            .data(
                r#"{ municipality(code: "0765") {
                 policeArea { code district { code name } region { code name } } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(
            data["municipality"]["policeArea"],
            json!({
                "code": "lpo-ljungby",
                "district": { "code": "po-kalmar-kronoberg", "name": "Polisområde Kalmar Kronoberg" },
                "region": { "code": "pr-syd", "name": "Polisregion Syd" },
            })
        );
    }
);

db_test!(the_seven_regions_hold_every_municipality_by_county, |app| {
    let data = app
        .data(
            "{ policeRegions { code name municipalities { code } } }",
            json!({}),
        )
        .await;
    let regions = data["policeRegions"].as_array().expect("regions");
    let counts: Vec<(&str, usize)> = regions
        .iter()
        .map(|r| {
            (
                r["name"].as_str().expect("name"),
                r["municipalities"].as_array().expect("list").len(),
            )
        })
        .collect();
    // Counts per region as SOURCES.md gives them (Brå 2015 and others).
    assert_eq!(
        counts,
        [
            ("Polisregion Bergslagen", 43),
            ("Polisregion Mitt", 28),
            ("Polisregion Nord", 44),
            ("Polisregion Stockholm", 27),
            ("Polisregion Syd", 58),
            ("Polisregion Väst", 55),
            ("Polisregion Öst", 35),
        ]
    );
});

db_test!(
    osby_left_ljungby_when_region_syd_was_reorganised_in_2018,
    |app| {
        let data = app
            .data(
                r#"{ municipality(code: "1273") {
                 policeArea { code }
                 policeDistrict { code }
                 policeAreaCoverage { policeArea { code } validFrom validTo inferred source }
               }
               policeDistricts { code validFrom validTo policeAreas { code } } }"#,
                json!({}),
            )
            .await;
        let osby = &data["municipality"];
        // No source names Osby's local police area since; its district, yes.
        assert_eq!(osby["policeArea"], Value::Null);
        assert_eq!(
            osby["policeDistrict"]["code"],
            "po-blekinge-nordostra-skane"
        );
        let history = osby["policeAreaCoverage"].as_array().expect("coverage");
        assert_eq!(history.len(), 1, "{history:?}");
        assert_eq!(history[0]["policeArea"]["code"], "lpo-ljungby");
        assert_eq!(history[0]["validTo"], "2018-09-23");
        // The start is inferred (local police areas date from 2015-01-01).
        assert_eq!(history[0]["validFrom"], "2015-01-01");
        assert_eq!(history[0]["inferred"], true);
        assert!(
            history[0]["source"]
                .as_str()
                .is_some_and(|s| s.contains("Smålänningen"))
        );

        let districts = data["policeDistricts"].as_array().expect("districts");
        let district = |code: &str| districts.iter().find(|d| d["code"] == code).expect(code);
        assert_eq!(district("po-sydostra-gotaland")["validTo"], "2018-09-23");
        assert_eq!(district("po-kalmar-kronoberg")["validFrom"], "2018-09-24");
        assert_eq!(
            codes(&district("po-kalmar-kronoberg")["policeAreas"]),
            [
                "lpo-kalmar",
                "lpo-ljungby",
                "lpo-nybro",
                "lpo-vastervik",
                "lpo-vaxjo"
            ]
        );
    }
);

db_test!(
    an_area_without_a_sourced_district_still_has_its_region,
    |app| {
        let data = app
        .data(
            r#"{ municipality(code: "0331") { name policeArea { code district { code } region { code } } } }"#,
            json!({}),
        )
        .await;
        assert_eq!(
            data["municipality"],
            json!({ "name": "Heby", "policeArea": { "code": "lpo-norduppland", "district": null, "region": { "code": "pr-mitt" } } })
        );
    }
);

db_test!(
    a_municipality_no_source_places_has_no_local_police_area,
    |app| {
        let data = app
        .data(
            r#"{ municipality(code: "1280") { name policeArea { code } policeDistrict { code } policeRegion { code } policeAreaCoverage { validFrom } } }"#,
            json!({}),
        )
        .await;
        assert_eq!(
            data["municipality"],
            json!({ "name": "Malmö", "policeArea": null, "policeDistrict": null, "policeRegion": { "code": "pr-syd" }, "policeAreaCoverage": [] })
        );
    }
);
