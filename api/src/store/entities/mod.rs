//! sea-orm entities, one per table. These are storage shapes private to
//! `store`: only `store` (its reads, commands and seeding) queries them,
//! and code outside it holds their models under the names of `rows`.

pub(super) mod activity;
pub(super) mod audit_entry;
pub(super) mod commitment;
pub(super) mod commitment_focus_area;
pub(super) mod commitment_method;
pub(super) mod commitment_outcome;
pub(super) mod commitment_place;
pub(super) mod commitment_progress;
pub(super) mod comparison_cell;
pub(super) mod county;
pub(super) mod coverage;
pub(super) mod data_version;
pub(super) mod district_coverage;
pub(super) mod focus_area;
pub(super) mod follow_up_report;
pub(super) mod municipality;
pub(super) mod place;
pub(super) mod pledge;
pub(super) mod pledge_focus_area;
pub(super) mod police_area;
pub(super) mod police_district;
pub(super) mod police_region;
pub(super) mod signatory;
pub(super) mod sync_clock;
