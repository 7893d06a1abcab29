//! The row types reads hand out: the entities' models, named here so that
//! code outside `store` can hold and show rows but has no table to query.

pub use super::entities::activity::Model as ActivityRow;
pub use super::entities::audit_entry::Model as AuditRow;
pub use super::entities::commitment::Model as CommitmentRow;
pub use super::entities::commitment_outcome::Model as OutcomeRow;
pub use super::entities::commitment_progress::Model as ProgressRow;
pub use super::entities::county::Model as CountyRow;
pub use super::entities::coverage::Model as CoverageRow;
pub use super::entities::focus_area::Model as FocusAreaRow;
pub use super::entities::follow_up_report::Model as FollowUpRow;
pub use super::entities::municipality::Model as MunicipalityRow;
pub use super::entities::place::Model as PlaceRow;
pub use super::entities::pledge::Model as PledgeRow;
pub use super::entities::pledge_focus_area::Model as PledgeFocusAreaRow;
pub use super::entities::police_area::Model as PoliceAreaRow;
pub use super::entities::police_district::Model as PoliceDistrictRow;
pub use super::entities::police_region::Model as PoliceRegionRow;
pub use super::entities::signatory::Model as SignatoryRow;

/// One entry of a pledge's `source_notes` (a JSON list): text about the
/// pledge from another published document, verbatim.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceNoteRow {
    pub text: String,
    /// Who the document attributes the text to, with the role it gives.
    pub said_by: Option<String>,
    pub source_title: String,
    pub source_url: Option<String>,
}
