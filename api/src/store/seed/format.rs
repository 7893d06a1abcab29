//! The shape of `seed/source-documents.toml`: the five source documents
//! transcribed as data. Kept apart from the loader so the file format is
//! readable in one place. Text fields hold the documents' Swedish verbatim;
//! a value the documents do not state is simply left out (it stays NULL),
//! and a value the model needs but the documents do not give (a validity
//! date) is marked as inferred, with the reason in `inference_note`.

use serde::Deserialize;

/// The whole seed file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedFile {
    pub(crate) focus_areas: Vec<FocusArea>,
    pub(crate) places: Vec<Place>,
    pub(crate) pledges: Vec<Pledge>,
    pub(crate) activities: Vec<Activity>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FocusArea {
    pub(crate) code: String,
    pub(crate) name_sv: String,
    pub(crate) name_en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Place {
    pub(crate) municipality: String,
    pub(crate) name: String,
    pub(crate) kind: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Pledge {
    /// Stable seed key, e.g. "varnamo-2024"; the pledge's UUID derives from it
    /// so that seeding twice finds the same row.
    pub(crate) key: String,
    pub(crate) municipality: String,
    pub(crate) police_area: String,
    pub(crate) year: i32,
    pub(crate) title: String,
    pub(crate) valid_from: String,
    pub(crate) valid_to: String,
    /// Whether the document gives `valid_from` and `valid_to`; false when
    /// either is inferred. Required: every pledge says which.
    pub(crate) validity_stated: bool,
    pub(crate) status: String,
    pub(crate) signed_on: Option<String>,
    /// False when `signed_on` is inferred (in part) rather than given.
    #[serde(default = "stated")]
    pub(crate) signed_on_stated: bool,
    /// What was inferred and why; required when anything is.
    pub(crate) inference_note: Option<String>,
    /// Key of an earlier pledge of the file that this one continues.
    pub(crate) supersedes: Option<String>,
    pub(crate) introduction: Option<String>,
    pub(crate) promise_statement: Option<String>,
    pub(crate) situation_picture: Option<String>,
    pub(crate) expected_effect: Option<String>,
    pub(crate) background: Option<String>,
    #[serde(default)]
    pub(crate) basis_kinds: Vec<String>,
    pub(crate) follow_up_plan: Option<String>,
    pub(crate) prepared_by: Option<String>,
    pub(crate) source_title: Option<String>,
    pub(crate) source_url: Option<String>,
    #[serde(default)]
    pub(crate) signatories: Vec<Signatory>,
    #[serde(default)]
    pub(crate) focus_areas: Vec<PledgeFocusArea>,
    #[serde(default)]
    pub(crate) commitments: Vec<Commitment>,
    /// Text about the pledge from other published documents.
    #[serde(default)]
    pub(crate) source_notes: Vec<SourceNote>,
}

fn stated() -> bool {
    true
}

/// Text about a pledge from another document (a news article), verbatim.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourceNote {
    pub(crate) text: String,
    /// Who the document attributes the text to, with the role it gives them.
    pub(crate) said_by: Option<String>,
    pub(crate) source_title: String,
    pub(crate) source_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Signatory {
    pub(crate) name: String,
    pub(crate) title: Option<String>,
    /// "MUNICIPALITY" or "POLICE": the side the person signs for.
    pub(crate) party: String,
    pub(crate) signed_on: Option<String>,
    /// False when `signed_on` is inferred (in part) rather than given.
    #[serde(default = "stated")]
    pub(crate) signed_on_stated: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PledgeFocusArea {
    pub(crate) code: String,
    /// The heading the document gives the area, when it has its own section.
    pub(crate) heading: Option<String>,
    /// The document's text about the area (its own lägesbild), verbatim.
    pub(crate) problem_text: Option<String>,
    /// Narrower catalogue areas the document singles out within this one.
    #[serde(default)]
    pub(crate) special_focus: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Commitment {
    pub(crate) text: String,
    pub(crate) responsible: String,
    /// Every method the commitment names, in the order it names them.
    #[serde(default)]
    pub(crate) methods: Vec<String>,
    #[serde(default)]
    pub(crate) focus_areas: Vec<String>,
    /// Names of places listed under `[[places]]` of the same municipality.
    #[serde(default)]
    pub(crate) places: Vec<String>,
    #[serde(default)]
    pub(crate) partners: Vec<String>,
    #[serde(default)]
    pub(crate) target_groups: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Activity {
    /// Stable seed key; the activity's UUID derives from it.
    pub(crate) key: String,
    pub(crate) municipality: String,
    pub(crate) kind: String,
    pub(crate) date: Option<String>,
    pub(crate) place: Option<String>,
    pub(crate) description: String,
    #[serde(default)]
    pub(crate) participants: Vec<String>,
    /// People the document names with the activity, with their role.
    #[serde(default)]
    pub(crate) people: Vec<String>,
    pub(crate) source_title: Option<String>,
    pub(crate) source_url: Option<String>,
    /// The commitment the activity is evidence for: "<pledge key>:<position>".
    pub(crate) commitment: Option<String>,
}
