//! GraphQL faces of the domain's enums. Each mirrors its domain enum
//! (`remote`), so the two can never drift apart without a compile error.

use async_graphql::Enum;

/// Where a pledge is in its lifecycle.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::PledgeStatus")]
pub enum PledgeStatus {
    /// Being written; visible only to staff in scope.
    Draft,
    /// Approved by both the municipality and the police; its text is frozen.
    Signed,
    /// Visible to the public.
    Published,
    /// Taken back; kept for the record.
    Withdrawn,
}

/// Where a pledge record comes from.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Provenance")]
pub enum Provenance {
    /// Taken from a document published elsewhere (`sourceTitle`,
    /// `sourceUrl`): it was signed there, so no approvals are recorded here.
    Imported,
    /// Written through this API; its approvals, once given, are
    /// recorded here.
    Recorded,
}

/// A side of a pledge: who carries a commitment or signs.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Party")]
pub enum Party {
    /// The Police (the local police area).
    Police,
    /// The municipality.
    Municipality,
    /// Police and municipality together.
    Joint,
}

/// Working method of a commitment, and kind of an activity.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Method")]
pub enum Method {
    /// Effektiv samordning för trygghet: recurring joint situation pictures.
    Est,
    /// Scanning, analysis, response, assessment (problem-oriented policing).
    Sara,
    /// Trygghetsvandring: a walk to find what makes a place feel unsafe.
    SafetyWalk,
    /// Trygghetsrunda: presence at a hot spot.
    SafetyPatrol,
    /// Medborgardialog.
    CitizenDialogue,
    /// Grannsamverkan.
    NeighbourhoodWatch,
    /// Uniformed foot patrols.
    FootPatrol,
    /// Information campaigns (social media, lectures, letters).
    InformationCampaign,
    /// Police visits to schools.
    SchoolVisits,
    /// Searches with drug-detection dogs.
    DrugDogSearch,
    /// Drug analysis of wastewater.
    WastewaterAnalysis,
    /// A joint crime-prevention group.
    CrimePreventionGroup,
    /// Crime-prevention network with local business.
    BusinessNetwork,
    /// Anything else.
    Other,
}

/// What kind of named place.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::PlaceKind")]
pub enum PlaceKind {
    /// A town or village (tätort).
    Town,
    /// A district or housing area.
    District,
    /// A hot spot named by the joint situation picture.
    HotSpot,
    /// A school.
    School,
    /// A station.
    Station,
    /// A park.
    Park,
    /// A street.
    Street,
    /// Any other place.
    Other,
}

/// Kinds of evidence a pledge is built on (underlag).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::BasisKind")]
pub enum BasisKind {
    /// Trygghetsundersökning or trygghetsmätning.
    SafetySurvey,
    /// Medborgardialoger.
    CitizenDialogue,
    /// Medarbetardialoger.
    StaffDialogue,
    /// Tips from residents.
    ResidentTips,
    /// Crime statistics.
    CrimeStatistics,
    /// Information from the Police's intelligence service.
    PoliceIntelligence,
    /// Local situation pictures (lägesbilder).
    LocalSituationPicture,
    /// Safety walks.
    SafetyWalk,
    /// Views or interviews of business, schools, associations or officials.
    StakeholderInput,
    /// Anything else.
    Other,
}

/// Reporting period kind. Tertials are four months (T1 Jan–Apr, T2
/// May–Aug, T3 Sep–Dec).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::PeriodKind")]
pub enum PeriodKind {
    /// January–April.
    T1,
    /// May–August.
    T2,
    /// September–December.
    T3,
    /// January–March.
    Q1,
    /// April–June.
    Q2,
    /// July–September.
    Q3,
    /// October–December.
    Q4,
    /// The whole pledge period, reported at its end.
    YearEnd,
    /// Any other period, with explicit dates.
    AdHoc,
}

/// Where a follow-up report is in its life.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::FollowUpStatus")]
pub enum FollowUpStatus {
    /// Being written; visible only to staff in scope.
    Draft,
    /// Visible to everyone who may see its pledge.
    Published,
    /// Taken back after publication.
    Withdrawn,
}

/// How a commitment stood in a follow-up report.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::ProgressStatus")]
pub enum ProgressStatus {
    /// Not started.
    NotStarted,
    /// Planned.
    Planned,
    /// Under way.
    InProgress,
    /// Continuous work, going on as intended.
    Ongoing,
    /// Done.
    Completed,
    /// Partly done.
    PartlyCompleted,
    /// Late.
    Delayed,
    /// Stopped for now.
    Stalled,
    /// Called off.
    Cancelled,
    /// Not done.
    NotDone,
}

/// Whether a commitment was kept, rated when its pledge ends.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Outcome")]
pub enum Outcome {
    /// Kept.
    Kept,
    /// Partly kept.
    PartlyKept,
    /// Not kept.
    NotKept,
    /// Not rated.
    NotRated,
}
