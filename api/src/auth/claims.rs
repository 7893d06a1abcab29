//! The token claims of API.md.

use serde::{Deserialize, Serialize};

/// Claims the server reads from a verified token. Unknown claims are
/// ignored; the registered ones (`exp`, `nbf`, `iss`, `aud`) are checked by
/// the verifier.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// Subject: a stable id of the user or integration.
    pub sub: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Role names, e.g. "municipality_editor".
    #[serde(default)]
    pub roles: Vec<String>,
    /// Municipality codes the caller works for, e.g. "0683".
    #[serde(default)]
    pub municipalities: Vec<String>,
    /// Police-area codes the caller works for, e.g. "lpo-varnamo".
    #[serde(default)]
    pub police_areas: Vec<String>,
    /// Expiry, seconds since the epoch.
    pub exp: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// A string or a list of strings (RFC 7519 §4.1.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<serde_json::Value>,
}
