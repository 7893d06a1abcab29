//! sea-orm entities, one per table. These are storage shapes only: the
//! GraphQL layer never exposes them directly, and only `store` reads them.

pub mod activity;
pub mod audit_entry;
pub mod commitment;
pub mod commitment_focus_area;
pub mod commitment_outcome;
pub mod commitment_place;
pub mod commitment_progress;
pub mod county;
pub mod coverage;
pub mod data_version;
pub mod focus_area;
pub mod follow_up_report;
pub mod municipality;
pub mod place;
pub mod pledge;
pub mod pledge_focus_area;
pub mod police_area;
pub mod signatory;
pub mod sync_clock;
