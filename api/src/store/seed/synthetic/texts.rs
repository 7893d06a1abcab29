//! The fixed vocabulary synthetic rows are built from. Every text that can
//! reach a reader says "syntetisk", so generated rows can never be taken
//! for facts about a real municipality.

use domain::{Method, PlaceKind};

/// `source_title` of every synthetic pledge and activity.
pub(super) const SOURCE_TITLE: &str = "Syntetisk testdata";

/// Who approved synthetic pledges (two different subjects, as the
/// two-person signing rule expects).
pub(super) const MUNICIPALITY_APPROVER: &str = "synthetic-municipality-editor";
pub(super) const POLICE_APPROVER: &str = "synthetic-police-editor";

/// Whom synthetic follow-ups are presented to.
pub(super) const PRESENTED_TO: &str = "Brottsförebyggande rådet (syntetisk testdata)";

/// Named places a municipality may get: a label and its kind.
pub(super) const PLACES: [(&str, PlaceKind); 10] = [
    ("Centrum", PlaceKind::Town),
    ("Resecentrum", PlaceKind::Station),
    ("Stadsparken", PlaceKind::Park),
    ("Storgatan", PlaceKind::Street),
    ("Högstadieskolan", PlaceKind::School),
    ("Bostadsområde norr", PlaceKind::District),
    ("Bostadsområde söder", PlaceKind::District),
    ("Torget", PlaceKind::HotSpot),
    ("Idrottsplatsen", PlaceKind::Other),
    ("Badplatsen", PlaceKind::Park),
];

/// The stored name of a synthetic place.
pub(super) fn place_name(label: &str) -> String {
    format!("Syntetisk plats: {label}")
}

/// Kinds of partner organisations (DOMAIN.md names these four).
pub(super) const PARTNERS: [&str; 4] = ["Näringslivet", "Skolor", "Föreningar", "Bostadsbolag"];

/// Target groups, written as the source documents write age groups.
pub(super) const TARGET_GROUPS: [&str; 5] = [
    "Barn och unga",
    "16–29 år",
    "30–49 år",
    "50–64 år",
    "65 år och äldre",
];

/// Who takes part in an activity, besides a commitment's partners.
pub(super) const PARTICIPANTS: [&str; 2] = ["Polisen", "Kommunen"];

/// How a commitment names its method ("genom …") and how an activity of
/// that kind is described. An exhaustive match: a new method must get
/// its words here before it compiles.
pub(super) fn method_words(method: Method) -> (&'static str, &'static str) {
    match method {
        Method::Est => ("återkommande gemensamma lägesbilder enligt EST", "EST-möte"),
        Method::Sara => ("problemorienterat arbete enligt SARA", "SARA-analys"),
        Method::SafetyWalk => ("trygghetsvandringar", "trygghetsvandring"),
        Method::SafetyPatrol => ("trygghetsrundor på utsatta platser", "trygghetsrunda"),
        Method::CitizenDialogue => ("medborgardialoger", "medborgardialog"),
        Method::NeighbourhoodWatch => ("grannsamverkan", "grannsamverkansträff"),
        Method::FootPatrol => ("fotpatrullering", "fotpatrullering"),
        Method::InformationCampaign => ("informationskampanjer", "informationsinsats"),
        Method::SchoolVisits => ("skolbesök", "skolbesök"),
        Method::DrugDogSearch => ("narkotikasök med hund", "narkotikasök med hund"),
        Method::WastewaterAnalysis => ("avloppsvattenanalyser", "avloppsvattenanalys"),
        Method::CrimePreventionGroup => (
            "arbete i en brottsförebyggande grupp",
            "möte i brottsförebyggande grupp",
        ),
        Method::BusinessNetwork => ("samverkan med näringslivet", "näringslivsträff"),
        Method::Other => ("andra insatser", "insats"),
    }
}

/// The pledge's free-text sections, each marked synthetic.
pub(super) struct PledgeTexts {
    pub(super) title: String,
    pub(super) introduction: String,
    pub(super) promise_statement: String,
    pub(super) situation_picture: String,
    pub(super) expected_effect: String,
    pub(super) background: String,
    pub(super) follow_up_plan: String,
}

impl PledgeTexts {
    /// The texts of the pledge of `municipality` for `year` whose focus
    /// areas are `areas` (Swedish names).
    pub(super) fn new(municipality: &str, year: i32, areas: &str) -> Self {
        Self {
            title: format!("Syntetiskt medborgarlöfte {municipality} {year}"),
            introduction: format!(
                "Detta är syntetisk testdata, inte ett verkligt medborgarlöfte. Texten är genererad för prestandatester och instrumentpaneler och säger ingenting om {municipality}."
            ),
            promise_statement: format!(
                "Syntetiskt löfte: kommunen och lokalpolisområdet arbetar under {year} tillsammans med {areas}."
            ),
            situation_picture: format!(
                "Syntetisk lägesbild för {municipality} {year}, genererad testdata utan verkligt underlag."
            ),
            expected_effect: "Syntetisk förväntad effekt: ökad trygghet (genererad testdata)."
                .to_owned(),
            background: "Syntetisk bakgrund: underlaget är påhittat för testning.".to_owned(),
            follow_up_plan:
                "Syntetisk uppföljningsplan: tertialvis uppföljning (T1, T2, T3) till brottsförebyggande rådet."
                    .to_owned(),
        }
    }
}
