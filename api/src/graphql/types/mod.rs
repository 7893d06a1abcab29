//! GraphQL object types, one file each. They wrap store rows and load
//! everything nested through the request's batch loaders.

pub mod activity;
pub mod audit_entry;
pub mod commitment;
pub mod comparison;
pub mod comparison_figures;
pub mod connection;
pub mod coverage;
pub mod focus_area;
pub mod follow_up;
pub mod municipality;
pub mod node;
pub mod place;
pub mod pledge;
pub mod police_area;
pub mod police_organisation;
pub mod viewer;

use crate::error::{ApiError, ApiResult};

/// A stored enum name read back through the domain; a value the domain does
/// not know means the database was written around the API: internal.
pub(crate) fn stored<T>(parsed: Result<T, domain::DomainError>) -> ApiResult<T> {
    parsed.map_err(|e| ApiError::internal(format!("stored value rejected by the domain: {e}")))
}

/// A JSON array of strings as stored in list columns.
pub(crate) fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
