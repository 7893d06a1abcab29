//! The one error type of the domain: which field was wrong and why.

use std::fmt;

/// A rule of the domain that a value or a transition broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainError {
    /// A value failed validation. `field` names the input field at fault.
    Invalid {
        /// Name of the offending field, as the API calls it.
        field: &'static str,
        /// Human readable explanation, safe to show to a client.
        message: String,
    },
    /// The entity is in a state where this action is not allowed.
    InvalidState(String),
}

impl DomainError {
    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        DomainError::Invalid {
            field,
            message: message.into(),
        }
    }

    /// The input field at fault, when one is.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            DomainError::Invalid { field, .. } => Some(field),
            DomainError::InvalidState(_) => None,
        }
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DomainError::Invalid { field, message } => write!(f, "{field}: {message}"),
            DomainError::InvalidState(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for DomainError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_error_reports_its_field() {
        let error = DomainError::invalid("title", "must not be empty");
        assert_eq!(error.field(), Some("title"));
    }

    #[test]
    fn invalid_state_error_has_no_field() {
        let error = DomainError::InvalidState("already withdrawn".to_owned());
        assert_eq!(error.field(), None);
    }

    #[test]
    fn invalid_constructor_builds_the_invalid_variant() {
        assert_eq!(
            DomainError::invalid("year", String::from("too late")),
            DomainError::Invalid {
                field: "year",
                message: "too late".to_owned(),
            }
        );
    }

    #[test]
    fn invalid_error_displays_field_then_message() {
        let error = DomainError::invalid("municipality", "must be four digits");
        assert_eq!(error.to_string(), "municipality: must be four digits");
    }

    #[test]
    fn invalid_state_error_displays_only_its_message() {
        let error = DomainError::InvalidState("the pledge is already withdrawn".to_owned());
        assert_eq!(error.to_string(), "the pledge is already withdrawn");
    }

    #[test]
    fn domain_error_is_a_std_error_without_source() {
        let error: Box<dyn std::error::Error> = Box::new(DomainError::invalid("kind", "unknown"));
        assert!(error.source().is_none());
        assert_eq!(error.to_string(), "kind: unknown");
    }
}
