//! The medborgarlöfte (citizen pledge) domain.
//!
//! Pure types and rules, free of web, GraphQL and database crates, so that
//! every layer above can rely on one definition of what a valid value is.
//! Values are parsed once at the edge ("parse, don't validate"): a
//! `MunicipalityCode` in hand is always four digits.

pub mod codes;
pub mod enums;
pub mod error;
pub mod follow_up;
pub mod lifecycle;
pub mod methods;
pub mod roles;
pub mod text;
pub mod validity;

pub use codes::{CountyCode, FocusAreaCode, MunicipalityCode, PoliceAreaCode};
pub use enums::{
    BasisKind, FollowUpStatus, Method, Outcome, Party, PeriodKind, PlaceKind, PledgeStatus,
    ProgressStatus, Provenance,
};
pub use error::DomainError;
pub use follow_up::{ReportPeriod, counts_in_period};
pub use lifecycle::{Approval, Lifecycle, Transition};
pub use methods::CommitmentMethods;
pub use roles::Role;
pub use text::{BoundedText, CommitmentText, ProgressPercent, Title, Year, swedish_sort_key};
pub use validity::ValidityPeriod;
