//! What the server publishes as open data: the datasets under `/export/`,
//! the meaning of each of their columns (the data dictionary), and how a
//! harvester such as dataportal.se finds them (the DCAT-AP-SE catalogue).
//! Free of HTTP and of the database: `http::export` serves these, and
//! `rows` turns what a caller may read into rows of cells.

pub mod catalog;
pub mod dictionary;
pub mod rows;

pub use dictionary::{Column, Kind, Vocabulary};

/// One downloadable dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dataset {
    Pledges,
    Commitments,
    FollowUps,
    Activities,
    RegionalComparison,
}

/// A file format a dataset is served in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Csv,
    Xlsx,
    Ndjson,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Csv, Format::Xlsx, Format::Ndjson];

    /// The file name extension: `pledges.csv`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Ndjson => "ndjson",
        }
    }

    pub fn parse(extension: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.extension() == extension)
    }

    /// The media type of the file.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Ndjson => "application/x-ndjson",
        }
    }
}

impl Dataset {
    pub const ALL: [Dataset; 5] = [
        Dataset::Pledges,
        Dataset::Commitments,
        Dataset::FollowUps,
        Dataset::Activities,
        Dataset::RegionalComparison,
    ];

    /// The name in its URL: `/export/{slug}.{extension}`.
    pub fn slug(self) -> &'static str {
        match self {
            Dataset::Pledges => "pledges",
            Dataset::Commitments => "commitments",
            Dataset::FollowUps => "follow-ups",
            Dataset::Activities => "activities",
            Dataset::RegionalComparison => "regional-comparison",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.slug() == slug)
    }

    /// Title in Swedish and English.
    pub fn title(self) -> (&'static str, &'static str) {
        match self {
            Dataset::Pledges => ("Medborgarlöften", "Citizen pledges"),
            Dataset::Commitments => (
                "Åtaganden i medborgarlöften",
                "Commitments of citizen pledges",
            ),
            Dataset::FollowUps => (
                "Uppföljning av medborgarlöften",
                "Follow-up of citizen pledges",
            ),
            Dataset::Activities => ("Genomförda aktiviteter", "Activities held"),
            Dataset::RegionalComparison => (
                "Regional jämförelse av medborgarlöften",
                "Regional comparison of citizen pledges",
            ),
        }
    }

    /// What one row is and what the dataset holds, in Swedish and English.
    pub fn description(self) -> (&'static str, &'static str) {
        match self {
            Dataset::Pledges => (
                "En rad per medborgarlöfte som kommunen och lokalpolisområdet ger invånarna för ett år: titel, status, giltighet, fokusområden, undertecknare och löftets texter.",
                "One row per citizen pledge a municipality and its local police area make to the residents for a year: title, status, validity, focus areas, signatories and the pledge's texts.",
            ),
            Dataset::Commitments => (
                "En rad per åtagande i ett medborgarlöfte: vem som ansvarar, arbetsmetoder, fokusområden, målgrupper, mål och senast publicerade uppföljning.",
                "One row per commitment of a citizen pledge: who is responsible, working methods, focus areas, target groups, target and the latest published follow-up.",
            ),
            Dataset::FollowUps => (
                "En rad per åtagande och uppföljningsrapport: status, andel genomfört och kommentar för perioden.",
                "One row per commitment and follow-up report: status, share done and comment for the period.",
            ),
            Dataset::Activities => (
                "En rad per genomförd aktivitet (trygghetsvandring, medborgardialog, …) som redovisats för ett åtagande.",
                "One row per activity held (safety walk, citizen dialogue, …) recorded as evidence for a commitment.",
            ),
            Dataset::RegionalComparison => (
                "En rad per kommun i ett urval (lokalpolisområde, polisområde, polisregion eller län) för ett år (i år om inte `?year=` anger ett annat), med samma siffror för året innan.",
                "One row per municipality of a selection (local police area, police district, police region or county) for a year (this year unless `?year=` says otherwise), with the same figures for the year before.",
            ),
        }
    }

    /// Keywords for catalogues, in Swedish.
    pub fn keywords(self) -> &'static [&'static str] {
        match self {
            Dataset::Pledges => &[
                "medborgarlöfte",
                "trygghet",
                "brottsförebyggande",
                "polisen",
            ],
            Dataset::Commitments => &["medborgarlöfte", "åtagande", "trygghet", "polisen"],
            Dataset::FollowUps => &["medborgarlöfte", "uppföljning", "trygghet", "polisen"],
            Dataset::Activities => &["medborgarlöfte", "trygghetsvandring", "medborgardialog"],
            Dataset::RegionalComparison => &["medborgarlöfte", "jämförelse", "kommuner", "polisen"],
        }
    }

    /// Its columns, in order: the header of every file.
    pub fn columns(self) -> &'static [Column] {
        dictionary::columns(self)
    }

    /// The column names, in order.
    pub fn header(self) -> Vec<&'static str> {
        self.columns().iter().map(|c| c.name).collect()
    }
}

/// The licence, publisher and contact of the open data (`APP_OPEN_DATA_*`),
/// and the address the downloads are reached at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    /// The licence's URI; CC0 1.0 unless the publishing municipalities
    /// decide on another.
    pub license: String,
    /// The organisation that publishes the catalogue.
    pub publisher_name: String,
    /// Its URI (its website), when set.
    pub publisher_url: Option<String>,
    /// Where questions about the data go, when set.
    pub contact_email: Option<String>,
    /// The public base URL (`https://host`), when set; else each request's
    /// own `Host`.
    pub public_url: Option<String>,
}

/// The publisher named when `APP_OPEN_DATA_PUBLISHER` is not set.
pub const DEFAULT_PUBLISHER: &str = "Medborgarlöften";

/// CC0 1.0: no rights reserved, the recommendation for open public data.
pub const CC0: &str = "http://creativecommons.org/publicdomain/zero/1.0/";

impl Publication {
    /// A readable name of `license` for pages and files.
    pub fn license_name(&self) -> &str {
        match self.license.as_str() {
            CC0 | "https://creativecommons.org/publicdomain/zero/1.0/" => "CC0 1.0",
            "http://creativecommons.org/licenses/by/4.0/"
            | "https://creativecommons.org/licenses/by/4.0/" => "CC BY 4.0",
            other => other,
        }
    }
}
