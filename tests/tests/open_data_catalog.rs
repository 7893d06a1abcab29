//! The DCAT-AP-SE catalogue as dataportal.se harvests it: Turtle that
//! parses as RDF, a catalogue listing every dataset, every dataset and
//! distribution with the properties the profile marks mandatory
//! (DCAT-AP-SE 3.0.1, https://docs.dataportal.se/dcat/en/), and download
//! URLs that really serve the files.

use std::collections::{BTreeMap, BTreeSet};

use oxrdf::{NamedOrBlankNode, Term};
use oxttl::TurtleParser;
use tests::db_test;

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCT: &str = "http://purl.org/dc/terms/";

/// DCAT-AP-SE 3.0.1's mandatory properties of the classes the catalogue
/// has, and the contact point it recommends for each dataset.
fn mandatory(class: &str) -> Vec<String> {
    let dct = |p: &str| format!("{DCT}{p}");
    let dcat = |p: &str| format!("{DCAT}{p}");
    match class {
        "Catalog" => vec![
            dct("title"),
            dct("description"),
            dct("publisher"),
            dct("license"),
            dcat("dataset"),
        ],
        "Dataset" => vec![
            dct("title"),
            dct("description"),
            dct("publisher"),
            dcat("contactPoint"),
        ],
        "Distribution" => vec![dcat("accessURL"), dct("format")],
        _ => Vec::new(),
    }
}

/// Subject → property → objects.
type Graph = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn parse(turtle: &str) -> Graph {
    let mut graph = Graph::new();
    for triple in TurtleParser::new().for_slice(turtle.as_bytes()) {
        let triple = triple.unwrap_or_else(|e| panic!("not Turtle ({e}): {turtle}"));
        let subject = match triple.subject {
            NamedOrBlankNode::NamedNode(n) => n.into_string(),
            other => other.to_string(),
        };
        let object = match triple.object {
            Term::NamedNode(n) => n.into_string(),
            Term::Literal(l) => l.value().to_owned(),
            other => other.to_string(),
        };
        graph
            .entry(subject)
            .or_default()
            .entry(triple.predicate.into_string())
            .or_default()
            .push(object);
    }
    graph
}

fn of_type<'a>(graph: &'a Graph, class: &str) -> Vec<&'a String> {
    let class = format!("{DCAT}{class}");
    graph
        .iter()
        .filter(|(_, properties)| properties.get(RDF_TYPE).is_some_and(|t| t.contains(&class)))
        .map(|(subject, _)| subject)
        .collect()
}

db_test!(
    the_catalogue_describes_every_dataset_as_dcat_ap_se_requires,
    |app| {
        let response = app
            .client
            .get(format!("{}/export/catalog.ttl", app.base_url))
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status(), 200);
        assert!(tests::content_type(&response).starts_with("text/turtle"));
        let graph = parse(&response.text().await.expect("text"));

        for class in ["Catalog", "Dataset", "Distribution"] {
            let subjects = of_type(&graph, class);
            assert!(!subjects.is_empty(), "no dcat:{class}");
            for subject in subjects {
                for property in mandatory(class) {
                    assert!(
                        graph[subject].get(&property).is_some_and(|o| !o.is_empty()),
                        "{subject} (dcat:{class}) lacks {property}"
                    );
                }
            }
        }

        let catalogs = of_type(&graph, "Catalog");
        assert_eq!(catalogs.len(), 1);
        let listed: BTreeSet<&String> = graph[catalogs[0]][&format!("{DCAT}dataset")]
            .iter()
            .collect();
        let datasets: BTreeSet<&String> = of_type(&graph, "Dataset").into_iter().collect();
        assert_eq!(listed, datasets, "the catalogue lists every dataset");
        let mut files = BTreeSet::new();
        for dataset in &datasets {
            for distribution in &graph[*dataset][&format!("{DCAT}distribution")] {
                let download = &graph[distribution][&format!("{DCAT}downloadURL")];
                files.extend(download.iter().cloned());
            }
        }
        let base = app.base_url.as_str();
        let expected: BTreeSet<String> = [
            "pledges",
            "commitments",
            "follow-ups",
            "activities",
            "regional-comparison",
        ]
        .iter()
        .flat_map(|d| {
            ["csv", "xlsx", "ndjson"]
                .iter()
                .map(move |f| format!("{base}/export/{d}.{f}"))
        })
        .collect();
        assert_eq!(files, expected, "every file of every dataset");
        // A dataset's IRI leads to its description in the dictionary.
        for dataset in &datasets {
            let page = dataset.strip_suffix("#dataset").expect("a dataset IRI");
            let response = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a client")
                .get(page)
                .send()
                .await
                .expect("answered");
            assert_eq!(response.status(), 303, "{page}");
            let slug = page.rsplit('/').next().expect("a slug");
            assert_eq!(
                response.headers()["location"],
                format!("/export/dictionary#{slug}").as_str()
            );
        }
        // A harvester checks its links: each serves its file.
        for file in &files {
            let response = app.client.get(file).send().await.expect("answered");
            assert_eq!(response.status(), 200, "{file}");
        }
    }
);

db_test!(
    the_catalogue_names_the_configured_publisher_and_address,
    env = [
        ("APP_PUBLIC_URL", "https://medborgarloften.example.se"),
        ("APP_OPEN_DATA_PUBLISHER", "Värnamo kommun"),
        ("APP_OPEN_DATA_CONTACT_EMAIL", "data@varnamo.example.se"),
    ],
    |app| {
        let turtle = app
            .client
            .get(format!("{}/export/catalog.ttl", app.base_url))
            .send()
            .await
            .expect("answered")
            .text()
            .await
            .expect("text");
        let graph = parse(&turtle);
        let names: Vec<&String> = graph
            .values()
            .filter_map(|p| p.get("http://xmlns.com/foaf/0.1/name"))
            .flatten()
            .collect();
        assert_eq!(names, ["Värnamo kommun"], "{turtle}");
        assert!(
            turtle.contains("mailto:data@varnamo.example.se"),
            "{turtle}"
        );
        for dataset in of_type(&graph, "Dataset") {
            assert!(
                dataset.starts_with("https://medborgarloften.example.se/export/"),
                "{dataset}"
            );
        }
    }
);
