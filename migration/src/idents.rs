//! Table and column names shared by the migrations. Only names live here;
//! each migration owns the shape of what it creates.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum County {
    #[sea_orm(iden = "counties")]
    Table,
    Code,
    Name,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum PoliceArea {
    #[sea_orm(iden = "police_areas")]
    Table,
    Id,
    Code,
    Name,
    District,
    Region,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Municipality {
    #[sea_orm(iden = "municipalities")]
    Table,
    Id,
    Code,
    Name,
    CountyCode,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Coverage {
    #[sea_orm(iden = "police_area_coverage")]
    Table,
    Id,
    PoliceAreaId,
    MunicipalityId,
    ValidFrom,
    ValidTo,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum FocusArea {
    #[sea_orm(iden = "focus_areas")]
    Table,
    Code,
    NameSv,
    NameEn,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Place {
    #[sea_orm(iden = "places")]
    Table,
    Id,
    MunicipalityId,
    Name,
    Kind,
    Latitude,
    Longitude,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Pledge {
    #[sea_orm(iden = "pledges")]
    Table,
    Id,
    MunicipalityId,
    PoliceAreaId,
    Year,
    Title,
    ValidFrom,
    ValidTo,
    Status,
    SignedOn,
    Introduction,
    PromiseStatement,
    SituationPicture,
    ExpectedEffect,
    Background,
    BasisKinds,
    FollowUpPlan,
    PreparedBy,
    SourceTitle,
    SourceUrl,
    MunicipalityApprovedAt,
    MunicipalityApprovedBy,
    PoliceApprovedAt,
    PoliceApprovedBy,
    WithdrawnReason,
    SupersedesId,
    Version,
    CreatedAt,
    UpdatedAt,
    Provenance,
    ValidityStated,
    SignedOnStated,
    InferenceNote,
    SourceNotes,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Signatory {
    #[sea_orm(iden = "signatories")]
    Table,
    Id,
    PledgeId,
    Position,
    Name,
    Title,
    Party,
    SignedOn,
    SignedOnStated,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum PledgeFocusArea {
    #[sea_orm(iden = "pledge_focus_areas")]
    Table,
    PledgeId,
    FocusAreaCode,
    Position,
    Heading,
    ProblemText,
    SpecialFocus,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Commitment {
    #[sea_orm(iden = "commitments")]
    Table,
    Id,
    PledgeId,
    MunicipalityId,
    Position,
    Text,
    Responsible,
    Method,
    Partners,
    TargetGroups,
    TargetQuantity,
    TargetUnit,
    TargetPeriod,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum CommitmentFocusArea {
    #[sea_orm(iden = "commitment_focus_areas")]
    Table,
    CommitmentId,
    FocusAreaCode,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum CommitmentPlace {
    #[sea_orm(iden = "commitment_places")]
    Table,
    CommitmentId,
    PlaceId,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum CommitmentMethod {
    #[sea_orm(iden = "commitment_methods")]
    Table,
    CommitmentId,
    Position,
    Method,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Activity {
    #[sea_orm(iden = "activities")]
    Table,
    Id,
    MunicipalityId,
    CommitmentId,
    Kind,
    Date,
    PlaceId,
    Description,
    Participants,
    SourceTitle,
    SourceUrl,
    Version,
    CreatedAt,
    UpdatedAt,
    People,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum AuditEntry {
    #[sea_orm(iden = "audit_entries")]
    Table,
    Id,
    OccurredAt,
    Subject,
    Role,
    MunicipalityId,
    EntityType,
    EntityId,
    Action,
    Before,
    After,
    RequestId,
    ClientRequestId,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum FollowUpReport {
    #[sea_orm(iden = "follow_up_reports")]
    Table,
    Id,
    PledgeId,
    MunicipalityId,
    Year,
    PeriodKind,
    PeriodStart,
    PeriodEnd,
    Status,
    Summary,
    PresentedTo,
    SourceUrl,
    PublishedAt,
    WithdrawnReason,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum CommitmentProgress {
    #[sea_orm(iden = "commitment_progress")]
    Table,
    ReportId,
    CommitmentId,
    Status,
    ProgressPercent,
    ActualQuantity,
    Comment,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum CommitmentOutcome {
    #[sea_orm(iden = "commitment_outcomes")]
    Table,
    CommitmentId,
    MunicipalityId,
    Outcome,
    Comment,
    RatedAt,
    RatedBy,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum SyncClock {
    #[sea_orm(iden = "sync_clock")]
    Table,
    Id,
    LastAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum DataVersion {
    #[sea_orm(iden = "data_version")]
    Table,
    Id,
    Data,
    Reference,
    ChangedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum PoliceRegion {
    #[sea_orm(iden = "police_regions")]
    Table,
    Code,
    Name,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum PoliceDistrict {
    #[sea_orm(iden = "police_districts")]
    Table,
    Code,
    Name,
    RegionCode,
    ValidFrom,
    ValidTo,
}

/// Columns added to existing tables by the police-organisation migration.
#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Added {
    DistrictCode,
    RegionCode,
    PoliceRegionCode,
    Inferred,
    Source,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum DistrictCoverage {
    #[sea_orm(iden = "police_district_coverage")]
    Table,
    Id,
    DistrictCode,
    MunicipalityId,
    ValidFrom,
    ValidTo,
    Inferred,
    Source,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum PledgeFigures {
    #[sea_orm(iden = "pledge_figures")]
    Table,
    PledgeId,
    MunicipalityId,
    Figures,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum ActivityYearCounts {
    #[sea_orm(iden = "activity_year_counts")]
    Table,
    MunicipalityId,
    Year,
    Every,
    Public,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum ComparisonCells {
    #[sea_orm(iden = "comparison_cells")]
    Table,
    MunicipalityId,
    Year,
    Reach,
    PledgeId,
    PledgeStatus,
    Figures,
}
