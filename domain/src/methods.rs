//! The methods a commitment names, in the order it names them. A
//! commitment may name several ("genom medborgardialoger, grannsamverkan
//! och näringslivssamverkan"); its single `method` is the first of them,
//! so readers of `method` alone see what they saw before.

use crate::enums::Method;
use crate::error::DomainError;

/// Distinct methods in written order; possibly none.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommitmentMethods(Vec<Method>);

impl CommitmentMethods {
    /// From an input that may give `method`, `methods`, both or neither.
    /// Only `method`: the list of that one. Both: `method` must be the
    /// first of `methods`. A method named twice is refused.
    pub fn parse(
        method: Option<Method>,
        methods: Option<Vec<Method>>,
    ) -> Result<Self, DomainError> {
        let Some(methods) = methods else {
            return Ok(Self(method.into_iter().collect()));
        };
        for (i, m) in methods.iter().enumerate() {
            if methods[..i].contains(m) {
                return Err(DomainError::invalid(
                    "methods",
                    format!("{m} is named twice"),
                ));
            }
        }
        if let Some(m) = method
            && methods.first() != Some(&m)
        {
            return Err(DomainError::invalid(
                "method",
                match methods.first() {
                    Some(first) => format!("must be the first of methods ({first}), got {m}"),
                    None => format!("methods is empty, so method cannot be {m}"),
                },
            ));
        }
        Ok(Self(methods))
    }

    /// The first method: what a commitment's single `method` shows.
    pub fn first(&self) -> Option<Method> {
        self.0.first().copied()
    }

    /// Every method, in written order.
    pub fn as_slice(&self) -> &[Method] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(err: DomainError) -> &'static str {
        match err {
            DomainError::Invalid { field, .. } => field,
            other => panic!("expected an invalid field, got {other:?}"),
        }
    }

    #[test]
    fn a_single_method_is_a_list_of_one() {
        let m = CommitmentMethods::parse(Some(Method::Est), None).expect("valid");
        assert_eq!(m.as_slice(), [Method::Est]);
        assert_eq!(m.first(), Some(Method::Est));
    }

    #[test]
    fn no_method_is_an_empty_list() {
        let m = CommitmentMethods::parse(None, None).expect("valid");
        assert!(m.as_slice().is_empty());
        assert_eq!(m.first(), None);
    }

    #[test]
    fn several_methods_keep_their_written_order() {
        let written = vec![
            Method::CitizenDialogue,
            Method::NeighbourhoodWatch,
            Method::BusinessNetwork,
        ];
        let m = CommitmentMethods::parse(Some(Method::CitizenDialogue), Some(written.clone()))
            .expect("valid");
        assert_eq!(m.as_slice(), written);
        assert_eq!(m.first(), Some(Method::CitizenDialogue));
    }

    #[test]
    fn method_must_be_the_first_of_methods() {
        let err = CommitmentMethods::parse(
            Some(Method::DrugDogSearch),
            Some(vec![Method::WastewaterAnalysis, Method::DrugDogSearch]),
        )
        .expect_err("method is not the first");
        assert_eq!(field_of(err), "method");
        let err = CommitmentMethods::parse(Some(Method::Est), Some(vec![]))
            .expect_err("method with an empty list");
        assert_eq!(field_of(err), "method");
    }

    #[test]
    fn a_method_named_twice_is_refused() {
        let err = CommitmentMethods::parse(None, Some(vec![Method::Est, Method::Est]))
            .expect_err("duplicate");
        assert_eq!(field_of(err), "methods");
    }
}
