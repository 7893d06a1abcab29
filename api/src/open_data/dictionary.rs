//! The data dictionary: every column of every dataset, in file order, with
//! its type, its meaning in Swedish and English and, for codes, the values
//! it takes. This is the one description of the columns: the exports write
//! their headers from it and `/export/dictionary` shows it.

use serde::Serialize;

use super::Dataset;

/// What a column holds, as the files spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A UUID: the entity's key, stable across exports and versions.
    Id,
    Text,
    /// A whole number.
    Integer,
    /// A number with decimals (a `.` in CSV, a `,` in the Swedish dialect).
    Decimal,
    /// `true` or `false`.
    Boolean,
    /// `YYYY-MM-DD`.
    Date,
    /// RFC 3339 in UTC, `…Z`.
    Datetime,
    /// Several texts: a JSON array in NDJSON, joined by `LIST_SEPARATOR`
    /// in CSV and XLSX.
    List,
}

/// Between the items of a `List` cell in CSV and XLSX.
pub const LIST_SEPARATOR: &str = " | ";

/// The closed vocabulary a code column takes its values from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocabulary {
    /// Free: not a code.
    None,
    PledgeStatus,
    Provenance,
    Party,
    Method,
    PeriodKind,
    ProgressStatus,
    FollowUpStatus,
    Outcome,
    /// The focus-area catalogue's codes (`focusAreas` in GraphQL).
    FocusArea,
    /// SCB's four-digit municipality codes.
    MunicipalityCode,
    /// Local police-area slugs, e.g. `lpo-varnamo`.
    PoliceAreaCode,
}

impl Vocabulary {
    /// The values, when the vocabulary is closed and fixed in the program.
    pub fn values(self) -> Vec<&'static str> {
        fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<&'static str> {
            all.iter().map(|v| name(*v)).collect()
        }
        use domain::enums as e;
        match self {
            Vocabulary::PledgeStatus => names(e::PledgeStatus::ALL, e::PledgeStatus::as_str),
            Vocabulary::Provenance => names(e::Provenance::ALL, e::Provenance::as_str),
            Vocabulary::Party => names(e::Party::ALL, e::Party::as_str),
            Vocabulary::Method => names(e::Method::ALL, e::Method::as_str),
            Vocabulary::PeriodKind => names(e::PeriodKind::ALL, e::PeriodKind::as_str),
            Vocabulary::ProgressStatus => names(e::ProgressStatus::ALL, e::ProgressStatus::as_str),
            Vocabulary::FollowUpStatus => names(e::FollowUpStatus::ALL, e::FollowUpStatus::as_str),
            Vocabulary::Outcome => names(e::Outcome::ALL, e::Outcome::as_str),
            Vocabulary::None
            | Vocabulary::FocusArea
            | Vocabulary::MunicipalityCode
            | Vocabulary::PoliceAreaCode => Vec::new(),
        }
    }

    /// Where the values of an open vocabulary are listed.
    pub fn reference(self) -> Option<&'static str> {
        match self {
            Vocabulary::FocusArea => Some("GraphQL: focusAreas { code nameSv nameEn }"),
            Vocabulary::MunicipalityCode => Some(
                "SCB:s kommunkoder / Statistics Sweden's municipality codes; GraphQL: municipalities { code name }",
            ),
            Vocabulary::PoliceAreaCode => Some("GraphQL: policeAreas { code name }"),
            _ => None,
        }
    }
}

/// One column of a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The header, `snake_case`.
    pub name: &'static str,
    pub kind: Kind,
    /// What it means, in Swedish.
    pub sv: &'static str,
    /// What it means, in English.
    pub en: &'static str,
    pub values: Vocabulary,
}

const fn col(name: &'static str, kind: Kind, sv: &'static str, en: &'static str) -> Column {
    Column {
        name,
        kind,
        sv,
        en,
        values: Vocabulary::None,
    }
}

const fn code(
    name: &'static str,
    kind: Kind,
    values: Vocabulary,
    sv: &'static str,
    en: &'static str,
) -> Column {
    Column {
        name,
        kind,
        sv,
        en,
        values,
    }
}

use Kind::{Boolean, Date, Datetime, Decimal, Id, Integer, List, Text};

/// The columns of `dataset`, in file order.
pub(super) fn columns(dataset: Dataset) -> &'static [Column] {
    match dataset {
        Dataset::Pledges => PLEDGES,
        Dataset::Commitments => COMMITMENTS,
        Dataset::FollowUps => FOLLOW_UPS,
        Dataset::Activities => ACTIVITIES,
        Dataset::RegionalComparison => REGIONAL_COMPARISON,
    }
}

const PLEDGE_ID: Column = col(
    "pledge_id",
    Id,
    "Medborgarlöftets nyckel",
    "The pledge's key",
);
const MUNICIPALITY_CODE: Column = code(
    "municipality_code",
    Text,
    Vocabulary::MunicipalityCode,
    "Kommunkod (SCB), fyra siffror",
    "Municipality code (Statistics Sweden), four digits",
);
const MUNICIPALITY_NAME: Column = col(
    "municipality_name",
    Text,
    "Kommunens namn",
    "The municipality's name",
);
const PLEDGE_YEAR: Column = col(
    "pledge_year",
    Integer,
    "Året medborgarlöftet gäller",
    "The year the pledge is for",
);
const PLEDGE_STATUS: Column = code(
    "pledge_status",
    Text,
    Vocabulary::PledgeStatus,
    "Medborgarlöftets status",
    "The pledge's lifecycle status",
);
const COMMITMENT_ID: Column = col(
    "commitment_id",
    Id,
    "Åtagandets nyckel",
    "The commitment's key",
);

const PLEDGES: &[Column] = &[
    PLEDGE_ID,
    MUNICIPALITY_CODE,
    MUNICIPALITY_NAME,
    code(
        "police_area_code",
        Text,
        Vocabulary::PoliceAreaCode,
        "Lokalpolisområdets kod",
        "The local police area's code",
    ),
    col(
        "police_area_name",
        Text,
        "Lokalpolisområdets namn",
        "The local police area's name",
    ),
    col(
        "year",
        Integer,
        "Året löftet gäller",
        "The year the pledge is for",
    ),
    col(
        "title",
        Text,
        "Titel, som dokumentet anger den",
        "Title, as the document gives it",
    ),
    code(
        "status",
        Text,
        Vocabulary::PledgeStatus,
        "Status: utkast, undertecknat, publicerat eller återkallat",
        "Status: draft, signed, published or withdrawn",
    ),
    col(
        "valid_from",
        Date,
        "Första dagen löftet gäller",
        "First day the pledge applies",
    ),
    col(
        "valid_to",
        Date,
        "Sista dagen löftet gäller (inklusive)",
        "Last day the pledge applies (inclusive)",
    ),
    col(
        "signed_on",
        Date,
        "Dagen båda parter undertecknat; tom när det inte är känt",
        "Day both sides had signed; empty when not known",
    ),
    code(
        "provenance",
        Text,
        Vocabulary::Provenance,
        "Varifrån uppgifterna kommer: importerade från ett publicerat dokument eller registrerade här",
        "Where the record comes from: imported from a published document or recorded here",
    ),
    col(
        "validity_stated",
        Boolean,
        "Om källan anger giltighetstiden; false när den är härledd (se inference_note)",
        "Whether the source gives the validity period; false when it is inferred (see inference_note)",
    ),
    col(
        "inference_note",
        Text,
        "Vad i posten som härletts snarare än hämtats ur källan, och varför",
        "What in the record was inferred rather than taken from its source, and why",
    ),
    code(
        "focus_areas",
        List,
        Vocabulary::FocusArea,
        "Löftets fokusområden (koder), i ordning",
        "The pledge's focus areas (codes), in order",
    ),
    col(
        "signatories",
        List,
        "Undertecknare: namn, titel och part (MUNICIPALITY/POLICE), kommunsidan först",
        "Signatories: name, title and party (MUNICIPALITY/POLICE), municipality side first",
    ),
    col(
        "commitment_count",
        Integer,
        "Antal åtaganden i löftet",
        "Number of commitments in the pledge",
    ),
    col(
        "promise_statement",
        Text,
        "Löftet (\"… lovar att …\"), ordagrant",
        "The promise (\"… lovar att …\"), verbatim",
    ),
    col(
        "situation_picture",
        Text,
        "Lägesbild",
        "Situation picture (lägesbild)",
    ),
    col(
        "expected_effect",
        Text,
        "Förväntad effekt",
        "Expected effect",
    ),
    col(
        "follow_up_plan",
        Text,
        "Hur löftet följs upp",
        "How the pledge is followed up",
    ),
    col(
        "source_title",
        Text,
        "Källdokumentets titel",
        "Title of the source document",
    ),
    col(
        "source_url",
        Text,
        "Var källdokumentet är publicerat",
        "Where the source document is published",
    ),
    col(
        "withdrawn_reason",
        Text,
        "Varför löftet återkallats, när det har det",
        "Why the pledge was withdrawn, when it was",
    ),
    col(
        "created_at",
        Datetime,
        "När posten skapades här",
        "When the record was created here",
    ),
    col(
        "updated_at",
        Datetime,
        "När posten senast ändrades",
        "When the record last changed",
    ),
];

const COMMITMENTS: &[Column] = &[
    COMMITMENT_ID,
    PLEDGE_ID,
    MUNICIPALITY_CODE,
    MUNICIPALITY_NAME,
    PLEDGE_YEAR,
    PLEDGE_STATUS,
    col(
        "position",
        Integer,
        "Ordning inom löftet, från 1",
        "Order within the pledge, from 1",
    ),
    col(
        "text",
        Text,
        "Åtagandet som det är skrivet",
        "The commitment as written",
    ),
    code(
        "responsible",
        Text,
        Vocabulary::Party,
        "Vem som genomför: polisen, kommunen eller båda",
        "Who carries it out: the police, the municipality or both",
    ),
    code(
        "methods",
        List,
        Vocabulary::Method,
        "Arbetsmetoder åtagandet nämner, i ordning",
        "Working methods the commitment names, in order",
    ),
    code(
        "focus_areas",
        List,
        Vocabulary::FocusArea,
        "Fokusområden åtagandet tjänar (koder)",
        "Focus areas the commitment serves (codes)",
    ),
    col(
        "target_groups",
        List,
        "Målgrupper, t.ex. \"16–29 år\"",
        "Target groups, e.g. \"16–29 år\"",
    ),
    col(
        "partners",
        List,
        "Samverkanspartner",
        "Partner organisations",
    ),
    col(
        "places",
        List,
        "Platser där åtagandet genomförs",
        "Places the commitment is carried out at",
    ),
    col(
        "target_quantity",
        Decimal,
        "Mätbart mål, när ett sådant finns",
        "Measurable target quantity, when one is set",
    ),
    col(
        "target_unit",
        Text,
        "Målets enhet, t.ex. \"trygghetsvandringar\"",
        "Unit of the target, e.g. \"trygghetsvandringar\"",
    ),
    code(
        "target_period",
        Text,
        Vocabulary::PeriodKind,
        "Perioden målet gäller per",
        "Period the target is per",
    ),
    code(
        "latest_status",
        Text,
        Vocabulary::ProgressStatus,
        "Status i den senaste publicerade uppföljningen",
        "Status in the newest published follow-up report",
    ),
    col(
        "latest_progress_percent",
        Integer,
        "Andel genomfört i procent (0–100) i den senaste publicerade uppföljningen",
        "Progress in percent (0–100) in the newest published follow-up report",
    ),
    col(
        "latest_actual_quantity",
        Decimal,
        "Uppnådd mängd i den senaste publicerade uppföljningen",
        "Quantity achieved in the newest published follow-up report",
    ),
    col(
        "latest_report_id",
        Id,
        "Nyckeln till den senaste publicerade uppföljningsrapporten",
        "The key of the newest published follow-up report",
    ),
    code(
        "outcome",
        Text,
        Vocabulary::Outcome,
        "Om åtagandet hölls, när det bedömts vid löftets slut",
        "Whether the commitment was kept, once rated at the pledge's end",
    ),
    col(
        "activity_count",
        Integer,
        "Antal aktiviteter som redovisats för åtagandet",
        "Number of activities recorded for the commitment",
    ),
];

const FOLLOW_UPS: &[Column] = &[
    col(
        "report_id",
        Id,
        "Uppföljningsrapportens nyckel",
        "The follow-up report's key",
    ),
    PLEDGE_ID,
    MUNICIPALITY_CODE,
    MUNICIPALITY_NAME,
    PLEDGE_YEAR,
    col(
        "pledge_title",
        Text,
        "Medborgarlöftets titel",
        "The pledge's title",
    ),
    code(
        "period_kind",
        Text,
        Vocabulary::PeriodKind,
        "Uppföljningsperiodens slag (tertial, kvartal, årsslut, …)",
        "Kind of follow-up period (four-month, quarter, year end, …)",
    ),
    col(
        "period_start",
        Date,
        "Periodens första dag",
        "First day of the period",
    ),
    col(
        "period_end",
        Date,
        "Periodens sista dag",
        "Last day of the period",
    ),
    code(
        "report_status",
        Text,
        Vocabulary::FollowUpStatus,
        "Rapportens status",
        "The report's status",
    ),
    COMMITMENT_ID,
    col(
        "commitment_position",
        Integer,
        "Åtagandets ordning inom löftet",
        "The commitment's order within the pledge",
    ),
    col(
        "commitment_text",
        Text,
        "Åtagandet som det är skrivet",
        "The commitment as written",
    ),
    code(
        "progress_status",
        Text,
        Vocabulary::ProgressStatus,
        "Åtagandets status under perioden",
        "The commitment's status in the period",
    ),
    col(
        "progress_percent",
        Integer,
        "Andel genomfört i procent (0–100), när den anges",
        "Progress in percent (0–100), when given",
    ),
    col(
        "actual_quantity",
        Decimal,
        "Uppnådd mängd mot målet, när den anges",
        "Quantity achieved against the target, when given",
    ),
    col(
        "target_quantity",
        Decimal,
        "Åtagandets mål",
        "The commitment's target quantity",
    ),
    col("target_unit", Text, "Målets enhet", "Unit of the target"),
    col("comment", Text, "Kommentar", "Comment"),
    col(
        "updated_at",
        Datetime,
        "När rapporten senast ändrades; kan ges tillbaka som updatedSince",
        "When the report last changed; can be passed back as updatedSince",
    ),
];

const ACTIVITIES: &[Column] = &[
    col(
        "activity_id",
        Id,
        "Aktivitetens nyckel",
        "The activity's key",
    ),
    COMMITMENT_ID,
    PLEDGE_ID,
    MUNICIPALITY_CODE,
    MUNICIPALITY_NAME,
    PLEDGE_YEAR,
    code(
        "kind",
        Text,
        Vocabulary::Method,
        "Slags aktivitet (arbetsmetod)",
        "Kind of activity (working method)",
    ),
    col(
        "date",
        Date,
        "När den ägde rum; tom när källan inte säger det",
        "When it took place; empty when the source does not say",
    ),
    col("description", Text, "Vad som gjordes", "What was done"),
    col("place", Text, "Var den ägde rum", "Where it took place"),
    col(
        "participants",
        List,
        "Organisationer som deltog",
        "Organisations that took part",
    ),
    col(
        "people",
        List,
        "Personer källan nämner med aktiviteten, med roll",
        "People the source names with the activity, with their role",
    ),
    col(
        "source_title",
        Text,
        "Titel på källan som redovisar aktiviteten",
        "Title of the source that reports the activity",
    ),
    col(
        "source_url",
        Text,
        "Var källan är publicerad",
        "Where that source is published",
    ),
];

/// The comparison's figures, once for the year and once, prefixed
/// `previous_`, for the year before: the pairs must stay in step.
macro_rules! figures {
    ($prefix:literal, $year_sv:literal, $year_en:literal) => {
        [
            col(
                concat!($prefix, "pledges"),
                Integer,
                concat!("Medborgarlöften i kraft ", $year_sv, " (0 eller 1)"),
                concat!("Pledges in force ", $year_en, " (0 or 1)"),
            ),
            col(
                concat!($prefix, "commitments"),
                Integer,
                concat!("Åtaganden i löftet ", $year_sv),
                concat!("Commitments of the pledge ", $year_en),
            ),
            col(
                concat!($prefix, "commitments_police"),
                Integer,
                concat!("Åtaganden som polisen ansvarar för ", $year_sv),
                concat!("Commitments the police are responsible for ", $year_en),
            ),
            col(
                concat!($prefix, "commitments_municipality"),
                Integer,
                concat!("Åtaganden som kommunen ansvarar för ", $year_sv),
                concat!("Commitments the municipality is responsible for ", $year_en),
            ),
            col(
                concat!($prefix, "commitments_joint"),
                Integer,
                concat!("Gemensamma åtaganden ", $year_sv),
                concat!("Joint commitments ", $year_en),
            ),
            code(
                concat!($prefix, "focus_areas"),
                List,
                Vocabulary::FocusArea,
                concat!("Fokusområden löftet nämner ", $year_sv, " (koder)"),
                concat!("Focus areas the pledge names ", $year_en, " (codes)"),
            ),
            col(
                concat!($prefix, "progress_entries"),
                Integer,
                concat!(
                    "Åtaganden i den senaste publicerade uppföljningen ",
                    $year_sv
                ),
                concat!(
                    "Entries of the newest published follow-up report ",
                    $year_en
                ),
            ),
            col(
                concat!($prefix, "completion_rate"),
                Decimal,
                concat!(
                    "Andel (0–1) av dem som är genomförda eller pågående ",
                    $year_sv,
                    "; tom utan publicerad uppföljning"
                ),
                concat!(
                    "Share (0–1) of them completed or ongoing ",
                    $year_en,
                    "; empty without a published report"
                ),
            ),
            col(
                concat!($prefix, "activities"),
                Integer,
                concat!("Aktiviteter ", $year_sv),
                concat!("Activities ", $year_en),
            ),
        ]
    };
}

const THIS_YEAR: [Column; 9] = figures!("", "året", "in the year");
const YEAR_BEFORE: [Column; 9] = figures!("previous_", "året innan", "in the year before");

const REGIONAL_COMPARISON: &[Column] = &[
    col("year", Integer, "Året som jämförs", "The year compared"),
    MUNICIPALITY_CODE,
    MUNICIPALITY_NAME,
    col(
        "pledge_id",
        Id,
        "Nyckeln till löftet i kraft under året; tom om inget",
        "The key of the pledge in force in the year; empty if none",
    ),
    code(
        "pledge_status",
        Text,
        Vocabulary::PledgeStatus,
        "Det löftets status",
        "That pledge's status",
    ),
    THIS_YEAR[0],
    THIS_YEAR[1],
    THIS_YEAR[2],
    THIS_YEAR[3],
    THIS_YEAR[4],
    THIS_YEAR[5],
    THIS_YEAR[6],
    THIS_YEAR[7],
    THIS_YEAR[8],
    YEAR_BEFORE[0],
    YEAR_BEFORE[1],
    YEAR_BEFORE[2],
    YEAR_BEFORE[3],
    YEAR_BEFORE[4],
    YEAR_BEFORE[5],
    YEAR_BEFORE[6],
    YEAR_BEFORE[7],
    YEAR_BEFORE[8],
];

/// The dictionary as `/export/dictionary.json` serves it.
#[derive(Debug, Serialize)]
pub struct DictionaryJson {
    pub license: String,
    pub license_name: String,
    pub list_separator: &'static str,
    pub datasets: Vec<DatasetJson>,
}

#[derive(Debug, Serialize)]
pub struct DatasetJson {
    pub name: &'static str,
    pub title_sv: &'static str,
    pub title_en: &'static str,
    pub description_sv: &'static str,
    pub description_en: &'static str,
    /// Paths of its files, relative to the server.
    pub downloads: Vec<String>,
    pub columns: Vec<ColumnJson>,
}

#[derive(Debug, Serialize)]
pub struct ColumnJson {
    pub name: &'static str,
    #[serde(rename = "type")]
    pub kind: Kind,
    pub description_sv: &'static str,
    pub description_en: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values_from: Option<&'static str>,
}

/// The whole dictionary under `publication`'s licence.
pub fn json(publication: &super::Publication) -> DictionaryJson {
    DictionaryJson {
        license: publication.license.clone(),
        license_name: publication.license_name().to_owned(),
        list_separator: LIST_SEPARATOR,
        datasets: Dataset::ALL
            .into_iter()
            .map(|dataset| {
                let (title_sv, title_en) = dataset.title();
                let (description_sv, description_en) = dataset.description();
                DatasetJson {
                    name: dataset.slug(),
                    title_sv,
                    title_en,
                    description_sv,
                    description_en,
                    downloads: super::Format::ALL
                        .into_iter()
                        .map(|f| format!("/export/{}.{}", dataset.slug(), f.extension()))
                        .collect(),
                    columns: dataset
                        .columns()
                        .iter()
                        .map(|c| ColumnJson {
                            name: c.name,
                            kind: c.kind,
                            description_sv: c.sv,
                            description_en: c.en,
                            values: c.values.values(),
                            values_from: c.values.reference(),
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_column_name_is_unique_within_its_dataset_and_described() {
        for dataset in Dataset::ALL {
            let mut seen = HashSet::new();
            for column in dataset.columns() {
                assert!(
                    seen.insert(column.name),
                    "{} twice in {dataset:?}",
                    column.name
                );
                assert!(
                    !column.sv.is_empty() && !column.en.is_empty(),
                    "{}",
                    column.name
                );
            }
        }
    }

    #[test]
    fn code_columns_list_their_values() {
        let status = PLEDGES
            .iter()
            .find(|c| c.name == "status")
            .expect("a status");
        assert_eq!(
            status.values.values(),
            ["DRAFT", "SIGNED", "PUBLISHED", "WITHDRAWN"]
        );
    }
}
