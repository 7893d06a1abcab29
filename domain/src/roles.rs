//! Roles of API.md and what each may do in general. Which rows a role
//! reaches is decided by the API from the verified token; the rules here
//! say what a role allows wherever it reaches.

use std::fmt;

use crate::error::DomainError;

/// A role named in a token's `roles` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Reads everything in its scope, drafts included.
    Viewer,
    /// Edits its municipalities' pledges; approves for the municipality side.
    MunicipalityEditor,
    /// Edits the pledges of municipalities its police areas cover; approves
    /// for the police side.
    PoliceEditor,
    /// Reads like a viewer, plus exports.
    Integration,
    /// Reads everything, in all municipalities.
    RegionalAnalyst,
    /// Everything, including reference data and the audit log.
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Viewer,
        Role::MunicipalityEditor,
        Role::PoliceEditor,
        Role::Integration,
        Role::RegionalAnalyst,
        Role::Admin,
    ];

    /// The name used in tokens, e.g. "municipality_editor".
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::MunicipalityEditor => "municipality_editor",
            Role::PoliceEditor => "police_editor",
            Role::Integration => "integration",
            Role::RegionalAnalyst => "regional_analyst",
            Role::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == raw)
            .ok_or_else(|| DomainError::invalid("role", format!("unknown role {raw:?}")))
    }

    /// Whether the role reads every municipality's data, not just its own.
    pub fn reads_everything(self) -> bool {
        matches!(self, Role::RegionalAnalyst | Role::Admin)
    }

    /// Whether the role may change pledge content where it reaches.
    pub fn edits_pledges(self) -> bool {
        matches!(
            self,
            Role::MunicipalityEditor | Role::PoliceEditor | Role::Admin
        )
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip_as_in_tokens() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()).expect("known"), role);
        }
        assert_eq!(
            Role::parse("municipality_editor").expect("known"),
            Role::MunicipalityEditor
        );
    }

    #[test]
    fn unknown_or_differently_cased_roles_are_refused() {
        for raw in ["Admin", "ADMIN", "editor", "", "admin "] {
            assert_eq!(Role::parse(raw).expect_err("refused").field(), Some("role"));
        }
    }

    #[test]
    fn only_analysts_and_admins_read_everything() {
        let wide: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.reads_everything())
            .collect();
        assert_eq!(wide, [Role::RegionalAnalyst, Role::Admin]);
    }

    #[test]
    fn only_editors_and_admins_edit_pledges() {
        let editors: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.edits_pledges())
            .collect();
        assert_eq!(
            editors,
            [Role::MunicipalityEditor, Role::PoliceEditor, Role::Admin]
        );
    }
}
