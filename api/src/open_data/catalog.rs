//! The DCAT-AP-SE catalogue of the open data (`/export/catalog.ttl`): the
//! RDF description a harvester such as dataportal.se reads to list the
//! datasets of `/export/`, their files, licence, publisher and contact.
//! This module owns that description only — which classes, properties and
//! controlled vocabularies are used, and the IRI of every resource. What
//! the datasets and formats are comes from `super`, serving it from
//! `http::export`.
//!
//! The profile is DCAT-AP-SE 3.0.1, the Swedish profile of DCAT-AP 3
//! (<https://docs.dataportal.se/dcat/sv/>). Every resource has an IRI
//! rather than a blank node, so a harvester recognises a dataset from one
//! harvest to the next:
//!
//! | resource            | IRI                                     |
//! |---------------------|-----------------------------------------|
//! | catalogue           | `{base}/export/catalog.ttl#catalog`     |
//! | publisher           | `{base}/export/catalog.ttl#publisher`   |
//! | contact point       | `{base}/export/catalog.ttl#contact`     |
//! | dataset             | `{base}/export/{slug}#dataset`          |
//! | distribution (file) | `{base}/export/{slug}.{extension}`      |

use oxrdf::vocab::rdf;
use oxrdf::{Literal, NamedNode, NamedNodeRef, Term, Triple};
use oxttl::TurtleSerializer;

use super::{Dataset, Format, Publication};
use crate::error::ApiError;

/// The catalogue as Turtle; `base_url` is the public address (`https://host`, no trailing slash) the download URLs start with.
pub fn turtle(publication: &Publication, base_url: &str) -> Result<String, ApiError> {
    let at = Iris::new(base_url);
    let mut graph = Graph::default();
    catalog(&mut graph, &at)?;
    publisher(&mut graph, &at, publication)?;
    contact_point(&mut graph, &at, publication)?;
    for dataset in Dataset::ALL {
        describe_dataset(&mut graph, &at, dataset)?;
        for format in Format::ALL {
            distribution(&mut graph, &at, publication, dataset, format)?;
        }
    }
    graph.into_turtle()
}

/// The catalogue itself: what it is, who publishes it, which datasets.
fn catalog(graph: &mut Graph, at: &Iris<'_>) -> Result<(), ApiError> {
    let catalog = at.catalog()?;
    graph.add(&catalog, rdf::TYPE, dcat::CATALOG);
    graph.texts(
        &catalog,
        dct::TITLE,
        (
            "Öppna data om medborgarlöften",
            "Open data on citizen pledges",
        ),
    );
    graph.texts(
        &catalog,
        dct::DESCRIPTION,
        (
            "Datamängder om medborgarlöften, de årliga löften om trygghet och brottsförebyggande arbete som en kommun och dess lokalpolisområde ger invånarna: löftena, deras åtaganden, uppföljningar, genomförda aktiviteter och en regional jämförelse.",
            "Datasets on citizen pledges, the yearly promises on safety and crime prevention a municipality and its local police area make to the residents: the pledges, their commitments, follow-ups, activities held and a regional comparison.",
        ),
    );
    graph.add(&catalog, dct::PUBLISHER, at.publisher()?);
    // DCAT-AP-SE requires CC0 on the catalogue's metadata whatever the
    // licence of the data, which is on each distribution instead.
    graph.add(&catalog, dct::LICENSE, eu::CC0);
    // The language of the metadata, which is given in both.
    graph.add(&catalog, dct::LANGUAGE, eu::SWEDISH);
    graph.add(&catalog, dct::LANGUAGE, eu::ENGLISH);
    graph.add(&catalog, foaf::HOMEPAGE, at.homepage()?);
    graph.add(&catalog, dct::SPATIAL, eu::SWEDEN);
    // The datasets' themes are from the EU data-theme list.
    graph.add(&catalog, dcat::THEME_TAXONOMY, eu::DATA_THEMES);
    for dataset in Dataset::ALL {
        graph.add(&catalog, dcat::DATASET, at.dataset(dataset)?);
    }
    Ok(())
}

/// Who publishes the catalogue and the datasets.
fn publisher(graph: &mut Graph, at: &Iris<'_>, publication: &Publication) -> Result<(), ApiError> {
    let agent = at.publisher()?;
    graph.add(&agent, rdf::TYPE, foaf::AGENT);
    graph.add(
        &agent,
        foaf::NAME,
        Literal::new_simple_literal(&publication.publisher_name),
    );
    // Mandatory since DCAT-AP-SE 3.0.1. `Publication` does not say what
    // kind of organisation the publisher is; the pledges are the
    // municipalities' (with their local police), so a local authority.
    graph.add(&agent, dct::TYPE, eu::LOCAL_AUTHORITY);
    // The publisher's website is its homepage, not its identity: the
    // agent keeps the catalogue's IRI so it does not claim to *be* the site.
    if let Some(url) = &publication.publisher_url {
        graph.add(&agent, foaf::HOMEPAGE, iri(url)?);
    }
    Ok(())
}

/// Where questions about the data go; one for every dataset.
fn contact_point(
    graph: &mut Graph,
    at: &Iris<'_>,
    publication: &Publication,
) -> Result<(), ApiError> {
    let contact = at.contact_point()?;
    graph.add(&contact, rdf::TYPE, vcard::ORGANIZATION);
    graph.add(
        &contact,
        vcard::FN,
        Literal::new_simple_literal(&publication.publisher_name),
    );
    match &publication.contact_email {
        Some(email) => graph.add(&contact, vcard::HAS_EMAIL, iri(format!("mailto:{email}"))?),
        // DCAT-AP-SE makes an e-mail address mandatory on a contact
        // point; without one configured the page describing the data is
        // the best way in we have, so the harvester gets that and warns.
        None => graph.add(&contact, vcard::HAS_URL, at.dictionary()?),
    }
    Ok(())
}

/// One dataset: what it holds, who publishes it, how it is classified.
fn describe_dataset(graph: &mut Graph, at: &Iris<'_>, dataset: Dataset) -> Result<(), ApiError> {
    let subject = at.dataset(dataset)?;
    graph.add(&subject, rdf::TYPE, dcat::DATASET_CLASS);
    graph.add(
        &subject,
        dct::IDENTIFIER,
        Literal::new_simple_literal(subject.as_str()),
    );
    graph.texts(&subject, dct::TITLE, dataset.title());
    graph.texts(&subject, dct::DESCRIPTION, dataset.description());
    graph.add(&subject, dct::PUBLISHER, at.publisher()?);
    graph.add(&subject, dcat::CONTACT_POINT, at.contact_point()?);
    for keyword in dataset.keywords() {
        graph.add(&subject, dcat::KEYWORD, swedish(keyword));
    }
    // Pledges are about safety and crime prevention, made by public bodies.
    graph.add(&subject, dcat::THEME, eu::THEME_JUSTICE);
    graph.add(&subject, dcat::THEME, eu::THEME_GOVERNMENT);
    graph.add(&subject, dct::ACCESS_RIGHTS, eu::PUBLIC);
    // The files are made from the database on every request, so they
    // change with every edit.
    graph.add(&subject, dct::ACCRUAL_PERIODICITY, eu::UPDATED_CONTINUOUSLY);
    graph.add(&subject, dct::SPATIAL, eu::SWEDEN);
    // The pledges' texts are Swedish.
    graph.add(&subject, dct::LANGUAGE, eu::SWEDISH);
    // The data dictionary documents the columns and is the schema every
    // file of the dataset follows.
    graph.add(&subject, foaf::PAGE, at.dictionary()?);
    graph.add(&subject, dct::CONFORMS_TO, at.dictionary()?);
    for format in Format::ALL {
        graph.add(
            &subject,
            dcat::DISTRIBUTION,
            at.distribution(dataset, format)?,
        );
    }
    Ok(())
}

/// One file of a dataset, downloaded directly from its own URL.
fn distribution(
    graph: &mut Graph,
    at: &Iris<'_>,
    publication: &Publication,
    dataset: Dataset,
    format: Format,
) -> Result<(), ApiError> {
    let file = at.distribution(dataset, format)?;
    let (title_sv, title_en) = dataset.title();
    let label = format.extension().to_uppercase();
    graph.add(&file, rdf::TYPE, dcat::DISTRIBUTION_CLASS);
    graph.texts(
        &file,
        dct::TITLE,
        (
            &format!("{title_sv} ({label})"),
            &format!("{title_en} ({label})"),
        ),
    );
    graph.add(&file, dcat::ACCESS_URL, file.clone());
    graph.add(&file, dcat::DOWNLOAD_URL, file.clone());
    graph.add(&file, dct::FORMAT, file_type(format));
    if let Some(media_type) = iana_media_type(format) {
        graph.add(&file, dcat::MEDIA_TYPE, iri(media_type)?);
    }
    graph.add(&file, dct::LICENSE, iri(&publication.license)?);
    Ok(())
}

/// The format in the EU file-type list, which DCAT-AP-SE 3 harvests in
/// `dct:format` (alongside its older media-type literals).
fn file_type(format: Format) -> NamedNodeRef<'static> {
    match format {
        Format::Csv => eu::CSV,
        Format::Xlsx => eu::XLSX,
        // The list has no entry for newline-delimited JSON; each line is a
        // JSON document, so JSON is the nearest true description.
        Format::Ndjson => eu::JSON,
    }
}

/// The format's media type as an IANA IRI, when IANA registers it.
fn iana_media_type(format: Format) -> Option<String> {
    match format {
        Format::Csv | Format::Xlsx => Some(format!(
            "https://www.iana.org/assignments/media-types/{}",
            format.media_type()
        )),
        // `application/x-ndjson` is not registered: an IANA IRI for it
        // would point at nothing, so the file type alone describes it.
        Format::Ndjson => None,
    }
}

/// The IRIs of the catalogue's resources under the public base URL.
struct Iris<'a> {
    base: &'a str,
}

impl<'a> Iris<'a> {
    fn new(base_url: &'a str) -> Self {
        // A trailing slash would give `//export`; cheaper to drop it here
        // than to trust every caller.
        Self {
            base: base_url.trim_end_matches('/'),
        }
    }

    /// A resource described in the catalogue's own document.
    fn in_catalog(&self, fragment: &str) -> Result<NamedNode, ApiError> {
        iri(format!("{}/export/catalog.ttl#{fragment}", self.base))
    }

    fn catalog(&self) -> Result<NamedNode, ApiError> {
        self.in_catalog("catalog")
    }

    fn publisher(&self) -> Result<NamedNode, ApiError> {
        self.in_catalog("publisher")
    }

    fn contact_point(&self) -> Result<NamedNode, ApiError> {
        self.in_catalog("contact")
    }

    fn homepage(&self) -> Result<NamedNode, ApiError> {
        iri(format!("{}/dashboard", self.base))
    }

    fn dictionary(&self) -> Result<NamedNode, ApiError> {
        iri(format!("{}/export/dictionary", self.base))
    }

    fn dataset(&self, dataset: Dataset) -> Result<NamedNode, ApiError> {
        iri(format!("{}/export/{}#dataset", self.base, dataset.slug()))
    }

    /// The distribution is its file: its IRI is the download URL.
    fn distribution(&self, dataset: Dataset, format: Format) -> Result<NamedNode, ApiError> {
        iri(format!(
            "{}/export/{}.{}",
            self.base,
            dataset.slug(),
            format.extension()
        ))
    }
}

/// An IRI from configuration or the request (base URL, licence, e-mail),
/// which may be malformed: an error, not a broken catalogue.
fn iri(value: impl Into<String>) -> Result<NamedNode, ApiError> {
    let value = value.into();
    NamedNode::new(value.as_str())
        .map_err(|e| ApiError::internal(format!("open data catalogue: bad IRI {value:?}: {e}")))
}

fn swedish(text: &str) -> Literal {
    // "sv" is a well-formed language tag.
    Literal::new_language_tagged_literal_unchecked(text, "sv")
}

fn english(text: &str) -> Literal {
    // "en" is a well-formed language tag.
    Literal::new_language_tagged_literal_unchecked(text, "en")
}

/// The triples in the order they are written. The serializer puts
/// consecutive triples of one subject in one block, so each resource's
/// triples are added together.
#[derive(Default)]
struct Graph(Vec<Triple>);

impl Graph {
    fn add(&mut self, subject: &NamedNode, predicate: NamedNodeRef<'_>, object: impl Into<Term>) {
        self.0.push(Triple::new(subject.clone(), predicate, object));
    }

    /// A text in Swedish and in English (DCAT-AP-SE asks for at least
    /// English besides Swedish in free-text fields).
    fn texts(&mut self, subject: &NamedNode, predicate: NamedNodeRef<'_>, (sv, en): (&str, &str)) {
        self.add(subject, predicate, swedish(sv));
        self.add(subject, predicate, english(en));
    }

    fn into_turtle(self) -> Result<String, ApiError> {
        let mut serializer = PREFIXES
            .iter()
            .try_fold(TurtleSerializer::new(), |s, (name, iri)| {
                s.with_prefix(*name, *iri)
            })
            .map_err(ApiError::internal)?
            .for_writer(Vec::new());
        for triple in &self.0 {
            serializer
                .serialize_triple(triple)
                .map_err(ApiError::internal)?;
        }
        let bytes = serializer.finish().map_err(ApiError::internal)?;
        String::from_utf8(bytes).map_err(ApiError::internal)
    }
}

/// The prefixes written at the top, for a readable file.
const PREFIXES: [(&str, &str); 4] = [
    ("dcat", dcat::NS),
    ("dct", dct::NS),
    ("foaf", foaf::NS),
    ("vcard", vcard::NS),
];

// The vocabularies. The IRIs are written out here once; `new_unchecked`
// is safe for them because the tests parse the output, which rejects a
// malformed IRI.

/// W3C Data Catalog Vocabulary.
mod dcat {
    use oxrdf::NamedNodeRef;

    pub(super) const NS: &str = "http://www.w3.org/ns/dcat#";
    pub(super) const CATALOG: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://www.w3.org/ns/dcat#Catalog");
    pub(super) const DATASET_CLASS: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://www.w3.org/ns/dcat#Dataset");
    pub(super) const DISTRIBUTION_CLASS: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://www.w3.org/ns/dcat#Distribution");
    pub(super) const DATASET: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://www.w3.org/ns/dcat#dataset");
    pub(super) const DISTRIBUTION: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://www.w3.org/ns/dcat#distribution");
    pub(super) const THEME_TAXONOMY: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://www.w3.org/ns/dcat#themeTaxonomy");
    pub(super) const CONTACT_POINT: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://www.w3.org/ns/dcat#contactPoint");
    pub(super) const KEYWORD: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://www.w3.org/ns/dcat#keyword");
    pub(super) const THEME: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://www.w3.org/ns/dcat#theme");
    pub(super) const ACCESS_URL: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://www.w3.org/ns/dcat#accessURL");
    pub(super) const DOWNLOAD_URL: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://www.w3.org/ns/dcat#downloadURL");
    pub(super) const MEDIA_TYPE: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://www.w3.org/ns/dcat#mediaType");
}

/// Dublin Core terms.
mod dct {
    use oxrdf::NamedNodeRef;

    pub(super) const NS: &str = "http://purl.org/dc/terms/";
    pub(super) const TITLE: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://purl.org/dc/terms/title");
    pub(super) const DESCRIPTION: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://purl.org/dc/terms/description");
    pub(super) const PUBLISHER: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://purl.org/dc/terms/publisher");
    pub(super) const LICENSE: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://purl.org/dc/terms/license");
    pub(super) const LANGUAGE: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://purl.org/dc/terms/language");
    pub(super) const SPATIAL: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://purl.org/dc/terms/spatial");
    pub(super) const IDENTIFIER: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://purl.org/dc/terms/identifier");
    pub(super) const ACCESS_RIGHTS: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://purl.org/dc/terms/accessRights");
    pub(super) const ACCRUAL_PERIODICITY: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://purl.org/dc/terms/accrualPeriodicity");
    pub(super) const CONFORMS_TO: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://purl.org/dc/terms/conformsTo");
    pub(super) const FORMAT: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://purl.org/dc/terms/format");
    pub(super) const TYPE: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://purl.org/dc/terms/type");
}

/// Friend of a Friend: the publisher and the pages.
mod foaf {
    use oxrdf::NamedNodeRef;

    pub(super) const NS: &str = "http://xmlns.com/foaf/0.1/";
    pub(super) const AGENT: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://xmlns.com/foaf/0.1/Agent");
    pub(super) const NAME: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://xmlns.com/foaf/0.1/name");
    pub(super) const HOMEPAGE: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://xmlns.com/foaf/0.1/homepage");
    pub(super) const PAGE: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://xmlns.com/foaf/0.1/page");
}

/// vCard: the contact point.
mod vcard {
    use oxrdf::NamedNodeRef;

    pub(super) const NS: &str = "http://www.w3.org/2006/vcard/ns#";
    pub(super) const ORGANIZATION: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://www.w3.org/2006/vcard/ns#Organization");
    pub(super) const FN: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://www.w3.org/2006/vcard/ns#fn");
    pub(super) const HAS_EMAIL: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://www.w3.org/2006/vcard/ns#hasEmail");
    pub(super) const HAS_URL: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://www.w3.org/2006/vcard/ns#hasURL");
}

/// Values from the controlled vocabularies DCAT-AP-SE names: the EU
/// Publications Office's authority lists, ADMS publisher types, CC0.
mod eu {
    use oxrdf::NamedNodeRef;

    pub(super) const CC0: NamedNodeRef<'_> = NamedNodeRef::new_unchecked(super::super::CC0);
    pub(super) const SWEDISH: NamedNodeRef<'_> = NamedNodeRef::new_unchecked(
        "http://publications.europa.eu/resource/authority/language/SWE",
    );
    pub(super) const ENGLISH: NamedNodeRef<'_> = NamedNodeRef::new_unchecked(
        "http://publications.europa.eu/resource/authority/language/ENG",
    );
    pub(super) const SWEDEN: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://publications.europa.eu/resource/authority/country/SWE");
    pub(super) const DATA_THEMES: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://publications.europa.eu/resource/authority/data-theme");
    /// Justice, legal system and public safety.
    pub(super) const THEME_JUSTICE: NamedNodeRef<'_> = NamedNodeRef::new_unchecked(
        "http://publications.europa.eu/resource/authority/data-theme/JUST",
    );
    /// Government and public sector.
    pub(super) const THEME_GOVERNMENT: NamedNodeRef<'_> = NamedNodeRef::new_unchecked(
        "http://publications.europa.eu/resource/authority/data-theme/GOVE",
    );
    pub(super) const PUBLIC: NamedNodeRef<'_> = NamedNodeRef::new_unchecked(
        "http://publications.europa.eu/resource/authority/access-right/PUBLIC",
    );
    /// "Continuously updated" (`UPDATE_CONT`), not `CONT` ("continuous",
    /// as a stream of measurements is): the data changes when someone edits it.
    pub(super) const UPDATED_CONTINUOUSLY: NamedNodeRef<'_> = NamedNodeRef::new_unchecked(
        "http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT",
    );
    pub(super) const LOCAL_AUTHORITY: NamedNodeRef<'_> =
        NamedNodeRef::new_unchecked("http://purl.org/adms/publishertype/LocalAuthority");
    pub(super) const CSV: NamedNodeRef<'_> = NamedNodeRef::new_unchecked(
        "http://publications.europa.eu/resource/authority/file-type/CSV",
    );
    pub(super) const XLSX: NamedNodeRef<'_> = NamedNodeRef::new_unchecked(
        "http://publications.europa.eu/resource/authority/file-type/XLSX",
    );
    pub(super) const JSON: NamedNodeRef<'_> = NamedNodeRef::new_unchecked(
        "http://publications.europa.eu/resource/authority/file-type/JSON",
    );
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use oxrdf::{NamedOrBlankNode, Term, Triple};
    use oxttl::TurtleParser;

    use super::*;

    const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
    const BASE: &str = "https://lofte.example.se";

    /// The properties DCAT-AP-SE 3.0.1 marks mandatory ("obligatorisk"),
    /// by class, from the specification at
    /// <https://docs.dataportal.se/dcat/sv/> (in English at
    /// <https://docs.dataportal.se/dcat/en/>; its source, with the
    /// cardinalities, is github.com/diggsweden/DCAT-AP-SE, `3.0.1/`).
    /// Written out independently of the constants above, so a typo there
    /// fails here. The class of a contact point (vcard:Individual or
    /// vcard:Organization) is mandatory too: checked by finding it so typed.
    const MANDATORY: &[(&str, &[&str])] = &[
        (
            "http://www.w3.org/ns/dcat#Catalog",
            &[
                "http://purl.org/dc/terms/title",
                "http://purl.org/dc/terms/description",
                "http://purl.org/dc/terms/publisher",
                "http://purl.org/dc/terms/license",
                "http://www.w3.org/ns/dcat#dataset",
            ],
        ),
        (
            "http://www.w3.org/ns/dcat#Dataset",
            &[
                "http://purl.org/dc/terms/title",
                "http://purl.org/dc/terms/description",
                "http://purl.org/dc/terms/publisher",
            ],
        ),
        (
            "http://www.w3.org/ns/dcat#Distribution",
            &[
                "http://www.w3.org/ns/dcat#accessURL",
                "http://purl.org/dc/terms/format",
            ],
        ),
        (
            "http://xmlns.com/foaf/0.1/Agent",
            &[
                "http://xmlns.com/foaf/0.1/name",
                // Mandatory since 3.0.1.
                "http://purl.org/dc/terms/type",
            ],
        ),
        (
            "http://www.w3.org/2006/vcard/ns#Organization",
            &[
                "http://www.w3.org/2006/vcard/ns#fn",
                "http://www.w3.org/2006/vcard/ns#hasEmail",
            ],
        ),
    ];

    fn publication() -> Publication {
        Publication {
            license: super::super::CC0.to_owned(),
            publisher_name: "Värnamo kommun".into(),
            publisher_url: None,
            contact_email: Some("x@example.invalid".into()),
            public_url: None,
        }
    }

    /// The catalogue parsed back: subject IRI → predicate IRI → objects.
    struct Parsed(BTreeMap<String, BTreeMap<String, Vec<Term>>>);

    impl Parsed {
        fn of(publication: &Publication) -> Self {
            let turtle = turtle(publication, BASE).expect("the catalogue is written");
            let mut subjects: BTreeMap<String, BTreeMap<String, Vec<Term>>> = BTreeMap::new();
            for triple in TurtleParser::new().for_slice(turtle.as_bytes()) {
                let Triple {
                    subject,
                    predicate,
                    object,
                } = triple.unwrap_or_else(|e| panic!("not Turtle: {e}\n{turtle}"));
                let NamedOrBlankNode::NamedNode(subject) = subject else {
                    panic!("a blank node in the catalogue:\n{turtle}");
                };
                subjects
                    .entry(subject.into_string())
                    .or_default()
                    .entry(predicate.into_string())
                    .or_default()
                    .push(object);
            }
            Parsed(subjects)
        }

        fn of_type(&self, class: &str) -> Vec<&str> {
            self.0
                .iter()
                .filter(|(_, properties)| {
                    properties
                        .get(RDF_TYPE)
                        .is_some_and(|types| types.iter().any(|t| is_iri(t, class)))
                })
                .map(|(subject, _)| subject.as_str())
                .collect()
        }

        fn objects(&self, subject: &str, predicate: &str) -> &[Term] {
            self.0
                .get(subject)
                .and_then(|properties| properties.get(predicate))
                .map_or(&[], Vec::as_slice)
        }

        fn iris(&self, subject: &str, predicate: &str) -> BTreeSet<String> {
            self.objects(subject, predicate)
                .iter()
                .filter_map(|o| match o {
                    Term::NamedNode(n) => Some(n.as_str().to_owned()),
                    _ => None,
                })
                .collect()
        }

        fn languages(&self, subject: &str, predicate: &str) -> BTreeSet<String> {
            self.objects(subject, predicate)
                .iter()
                .filter_map(|o| match o {
                    Term::Literal(l) => l.language().map(str::to_owned),
                    _ => None,
                })
                .collect()
        }
    }

    fn is_iri(term: &Term, iri: &str) -> bool {
        matches!(term, Term::NamedNode(n) if n.as_str() == iri)
    }

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn every_resource_has_the_properties_dcat_ap_se_makes_mandatory() {
        let parsed = Parsed::of(&publication());
        for (class, properties) in MANDATORY {
            let subjects = parsed.of_type(class);
            assert!(!subjects.is_empty(), "no {class} in the catalogue");
            for subject in subjects {
                for property in *properties {
                    assert!(
                        !parsed.objects(subject, property).is_empty(),
                        "{subject} ({class}) has no {property}"
                    );
                }
            }
        }
    }

    #[test]
    fn lists_every_dataset_and_every_file_of_it() {
        let parsed = Parsed::of(&publication());
        let catalog = format!("{BASE}/export/catalog.ttl#catalog");
        assert_eq!(
            parsed.of_type("http://www.w3.org/ns/dcat#Catalog"),
            [catalog.as_str()]
        );
        let datasets: BTreeSet<String> = Dataset::ALL
            .iter()
            .map(|d| format!("{BASE}/export/{}#dataset", d.slug()))
            .collect();
        assert_eq!(
            parsed.iris(&catalog, "http://www.w3.org/ns/dcat#dataset"),
            datasets
        );
        assert_eq!(
            parsed
                .of_type("http://www.w3.org/ns/dcat#Dataset")
                .into_iter()
                .map(str::to_owned)
                .collect::<BTreeSet<_>>(),
            datasets
        );
        for dataset in Dataset::ALL {
            let subject = format!("{BASE}/export/{}#dataset", dataset.slug());
            let files: BTreeSet<String> = Format::ALL
                .iter()
                .map(|f| format!("{BASE}/export/{}.{}", dataset.slug(), f.extension()))
                .collect();
            assert_eq!(
                parsed.iris(&subject, "http://www.w3.org/ns/dcat#distribution"),
                files
            );
            for file in &files {
                // The distribution is its file, downloaded where it says.
                for property in [
                    "http://www.w3.org/ns/dcat#accessURL",
                    "http://www.w3.org/ns/dcat#downloadURL",
                ] {
                    assert_eq!(parsed.iris(file, property), set(&[file.as_str()]));
                }
            }
        }
        assert_eq!(
            parsed
                .of_type("http://www.w3.org/ns/dcat#Distribution")
                .len(),
            Dataset::ALL.len() * Format::ALL.len()
        );
    }

    #[test]
    fn titles_and_descriptions_are_in_swedish_and_english() {
        let parsed = Parsed::of(&publication());
        let both = set(&["en", "sv"]);
        for class in [
            "http://www.w3.org/ns/dcat#Catalog",
            "http://www.w3.org/ns/dcat#Dataset",
        ] {
            for subject in parsed.of_type(class) {
                for property in [
                    "http://purl.org/dc/terms/title",
                    "http://purl.org/dc/terms/description",
                ] {
                    assert_eq!(
                        parsed.languages(subject, property),
                        both,
                        "{subject} {property}"
                    );
                }
            }
        }
        let pledges = format!("{BASE}/export/pledges#dataset");
        let title = parsed.objects(&pledges, "http://purl.org/dc/terms/title");
        assert!(
            title
                .iter()
                .any(|t| matches!(t, Term::Literal(l) if l.value() == "Medborgarlöften" && l.language() == Some("sv"))),
            "{title:?}"
        );
        let csv = parsed.objects(
            &format!("{BASE}/export/pledges.csv"),
            "http://purl.org/dc/terms/title",
        );
        assert!(
            csv.iter()
                .any(|t| matches!(t, Term::Literal(l) if l.value() == "Medborgarlöften (CSV)")),
            "{csv:?}"
        );
    }

    #[test]
    fn the_data_has_the_publications_licence_and_the_metadata_cc0() {
        let publication = Publication {
            license: "https://creativecommons.org/licenses/by/4.0/".into(),
            ..publication()
        };
        let parsed = Parsed::of(&publication);
        let catalog = format!("{BASE}/export/catalog.ttl#catalog");
        assert_eq!(
            parsed.iris(&catalog, "http://purl.org/dc/terms/license"),
            set(&["http://creativecommons.org/publicdomain/zero/1.0/"])
        );
        for file in parsed.of_type("http://www.w3.org/ns/dcat#Distribution") {
            assert_eq!(
                parsed.iris(file, "http://purl.org/dc/terms/license"),
                set(&["https://creativecommons.org/licenses/by/4.0/"])
            );
        }
    }

    #[test]
    fn formats_are_from_the_eu_file_types_and_media_types_from_iana() {
        let parsed = Parsed::of(&publication());
        let file_types = "http://publications.europa.eu/resource/authority/file-type/";
        let iana = "https://www.iana.org/assignments/media-types/";
        let expected = [
            ("csv", "CSV", Some("text/csv")),
            (
                "xlsx",
                "XLSX",
                Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ),
            ("ndjson", "JSON", None),
        ];
        for (extension, file_type, media_type) in expected {
            let file = format!("{BASE}/export/activities.{extension}");
            assert_eq!(
                parsed.iris(&file, "http://purl.org/dc/terms/format"),
                set(&[&format!("{file_types}{file_type}")])
            );
            assert_eq!(
                parsed.iris(&file, "http://www.w3.org/ns/dcat#mediaType"),
                media_type
                    .map(|m| format!("{iana}{m}"))
                    .into_iter()
                    .collect::<BTreeSet<_>>()
            );
        }
    }

    #[test]
    fn the_datasets_are_classified_with_the_eu_vocabularies() {
        let parsed = Parsed::of(&publication());
        let authority = "http://publications.europa.eu/resource/authority";
        for dataset in parsed.of_type("http://www.w3.org/ns/dcat#Dataset") {
            assert_eq!(
                parsed.iris(dataset, "http://www.w3.org/ns/dcat#theme"),
                set(&[
                    &format!("{authority}/data-theme/GOVE"),
                    &format!("{authority}/data-theme/JUST"),
                ])
            );
            assert_eq!(
                parsed.iris(dataset, "http://purl.org/dc/terms/accrualPeriodicity"),
                set(&[&format!("{authority}/frequency/UPDATE_CONT")])
            );
            assert_eq!(
                parsed.iris(dataset, "http://purl.org/dc/terms/spatial"),
                set(&[&format!("{authority}/country/SWE")])
            );
            assert_eq!(
                parsed.iris(dataset, "http://xmlns.com/foaf/0.1/page"),
                set(&[&format!("{BASE}/export/dictionary")])
            );
            assert!(
                !parsed
                    .languages(dataset, "http://www.w3.org/ns/dcat#keyword")
                    .is_empty()
            );
        }
    }

    #[test]
    fn the_contact_point_has_the_email_or_else_the_dictionary() {
        let contact = format!("{BASE}/export/catalog.ttl#contact");
        let parsed = Parsed::of(&publication());
        assert_eq!(
            parsed.iris(&contact, "http://www.w3.org/2006/vcard/ns#hasEmail"),
            set(&["mailto:x@example.invalid"])
        );

        let parsed = Parsed::of(&Publication {
            contact_email: None,
            ..publication()
        });
        assert!(
            parsed
                .objects(&contact, "http://www.w3.org/2006/vcard/ns#hasEmail")
                .is_empty()
        );
        assert_eq!(
            parsed.iris(&contact, "http://www.w3.org/2006/vcard/ns#hasURL"),
            set(&[&format!("{BASE}/export/dictionary")])
        );
        for dataset in parsed.of_type("http://www.w3.org/ns/dcat#Dataset") {
            assert_eq!(
                parsed.iris(dataset, "http://www.w3.org/ns/dcat#contactPoint"),
                set(&[contact.as_str()])
            );
        }
    }

    #[test]
    fn the_publishers_website_is_its_homepage() {
        let publisher = format!("{BASE}/export/catalog.ttl#publisher");
        let parsed = Parsed::of(&Publication {
            publisher_url: Some("https://www.varnamo.se/".into()),
            ..publication()
        });
        assert_eq!(
            parsed.iris(&publisher, "http://xmlns.com/foaf/0.1/homepage"),
            set(&["https://www.varnamo.se/"])
        );
        let names = parsed.objects(&publisher, "http://xmlns.com/foaf/0.1/name");
        assert!(
            names
                .iter()
                .any(|n| matches!(n, Term::Literal(l) if l.value() == "Värnamo kommun")),
            "{names:?}"
        );
    }

    #[test]
    fn a_trailing_slash_on_the_base_url_does_not_double() {
        let with = turtle(&publication(), &format!("{BASE}/")).expect("written");
        let without = turtle(&publication(), BASE).expect("written");
        assert_eq!(with, without);
    }

    #[test]
    fn a_malformed_address_is_an_error_not_a_broken_file() {
        assert!(turtle(&publication(), "not a url").is_err());
        let bad_licence = Publication {
            license: "CC0 1.0".into(),
            ..publication()
        };
        assert!(turtle(&bad_licence, BASE).is_err());
    }
}
