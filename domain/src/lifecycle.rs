//! The pledge lifecycle as a state machine:
//!
//! ```text
//! DRAFT --(both sides approve)--> SIGNED --publish--> PUBLISHED
//!   \__________________\___________________\______--> WITHDRAWN
//! ```
//!
//! Text may change only in DRAFT. Editing a draft that one side has already
//! approved clears that approval: the other side would otherwise co-sign a
//! text the first side never saw. A change to a signed or published pledge
//! is a new pledge that supersedes it.

use chrono::NaiveDate;

use crate::enums::PledgeStatus;
use crate::error::DomainError;

/// Which side an approval is given for. Comes from the caller's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    Municipality,
    Police,
}

/// A requested change of lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Change any text field of the pledge or its commitments.
    EditText,
    /// One side approves, on the given day.
    Approve(Approval, NaiveDate),
    Publish,
    Withdraw,
}

/// The lifecycle-relevant state of a pledge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifecycle {
    pub status: PledgeStatus,
    pub municipality_approved: bool,
    pub police_approved: bool,
    /// Set when the second approval makes the pledge SIGNED.
    pub signed_on: Option<NaiveDate>,
}

impl Lifecycle {
    /// A new pledge: a draft nobody has approved.
    pub fn draft() -> Self {
        Self {
            status: PledgeStatus::Draft,
            municipality_approved: false,
            police_approved: false,
            signed_on: None,
        }
    }

    /// Whether the pledge's text may still change.
    pub fn is_editable(&self) -> bool {
        self.status == PledgeStatus::Draft
    }

    /// Applies `transition`, returning the new state or why it is not allowed.
    pub fn apply(self, transition: Transition) -> Result<Self, DomainError> {
        use PledgeStatus::*;
        match (self.status, transition) {
            (Draft, Transition::EditText) => Ok(Self {
                municipality_approved: false,
                police_approved: false,
                ..self
            }),
            (status, Transition::EditText) => Err(DomainError::InvalidState(format!(
                "a {status} pledge's text cannot change; create a new pledge that supersedes it"
            ))),
            (Draft, Transition::Approve(side, day)) => {
                let already = match side {
                    Approval::Municipality => self.municipality_approved,
                    Approval::Police => self.police_approved,
                };
                if already {
                    return Err(DomainError::InvalidState(format!(
                        "the {} side has already approved this pledge",
                        side_name(side)
                    )));
                }
                let mut next = self;
                match side {
                    Approval::Municipality => next.municipality_approved = true,
                    Approval::Police => next.police_approved = true,
                }
                if next.municipality_approved && next.police_approved {
                    next.status = Signed;
                    next.signed_on = Some(day);
                }
                Ok(next)
            }
            (status, Transition::Approve(..)) => Err(DomainError::InvalidState(format!(
                "only a DRAFT pledge can be approved; this one is {status}"
            ))),
            (Signed, Transition::Publish) => Ok(Self {
                status: Published,
                ..self
            }),
            (status, Transition::Publish) => Err(DomainError::InvalidState(format!(
                "only a SIGNED pledge can be published; this one is {status}"
            ))),
            (Withdrawn, Transition::Withdraw) => Err(DomainError::InvalidState(
                "the pledge is already withdrawn".to_owned(),
            )),
            (_, Transition::Withdraw) => Ok(Self {
                status: Withdrawn,
                ..self
            }),
        }
    }
}

fn side_name(side: Approval) -> &'static str {
    match side {
        Approval::Municipality => "municipality",
        Approval::Police => "police",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a real calendar date")
    }

    fn approve(side: Approval, on: NaiveDate) -> Transition {
        Transition::Approve(side, on)
    }

    fn apply_ok(state: Lifecycle, transition: Transition) -> Lifecycle {
        state
            .apply(transition)
            .unwrap_or_else(|e| panic!("{transition:?} on {state:?} should be allowed: {e}"))
    }

    fn apply_err(state: Lifecycle, transition: Transition) -> DomainError {
        match state.apply(transition) {
            Ok(next) => panic!("{transition:?} on {state:?} should fail, gave {next:?}"),
            Err(error) => error,
        }
    }

    fn assert_invalid_state(state: Lifecycle, transition: Transition) {
        let error = apply_err(state, transition);
        assert!(
            matches!(error, DomainError::InvalidState(_)),
            "{transition:?} on {state:?} gave {error:?}, expected InvalidState"
        );
        assert_eq!(error.field(), None);
    }

    fn signed() -> Lifecycle {
        let half = apply_ok(
            Lifecycle::draft(),
            approve(Approval::Municipality, day(2025, 3, 1)),
        );
        apply_ok(half, approve(Approval::Police, day(2025, 3, 5)))
    }

    fn published() -> Lifecycle {
        apply_ok(signed(), Transition::Publish)
    }

    fn withdrawn() -> Lifecycle {
        apply_ok(published(), Transition::Withdraw)
    }

    /// One reachable state for each status.
    fn state_with(status: PledgeStatus) -> Lifecycle {
        match status {
            PledgeStatus::Draft => Lifecycle::draft(),
            PledgeStatus::Signed => signed(),
            PledgeStatus::Published => published(),
            PledgeStatus::Withdrawn => withdrawn(),
        }
    }

    fn every_transition() -> [Transition; 5] {
        let on = day(2025, 4, 1);
        [
            Transition::EditText,
            approve(Approval::Municipality, on),
            approve(Approval::Police, on),
            Transition::Publish,
            Transition::Withdraw,
        ]
    }

    // --- draft --------------------------------------------------------------

    #[test]
    fn draft_starts_in_draft_with_no_approvals_and_no_signing_day() {
        let state = Lifecycle::draft();
        assert_eq!(state.status, PledgeStatus::Draft);
        assert!(!state.municipality_approved);
        assert!(!state.police_approved);
        assert_eq!(state.signed_on, None);
    }

    #[test]
    fn only_a_draft_is_editable() {
        for &status in PledgeStatus::ALL {
            assert_eq!(
                state_with(status).is_editable(),
                status == PledgeStatus::Draft,
                "is_editable for {status}"
            );
        }
    }

    #[test]
    fn editing_a_fresh_draft_changes_nothing() {
        let state = Lifecycle::draft();
        assert_eq!(apply_ok(state, Transition::EditText), state);
    }

    #[test]
    fn editing_a_draft_clears_the_municipality_approval() {
        let half = apply_ok(
            Lifecycle::draft(),
            approve(Approval::Municipality, day(2025, 3, 1)),
        );
        assert!(half.municipality_approved);
        let edited = apply_ok(half, Transition::EditText);
        assert_eq!(edited, Lifecycle::draft());
    }

    #[test]
    fn editing_a_draft_clears_the_police_approval() {
        let half = apply_ok(
            Lifecycle::draft(),
            approve(Approval::Police, day(2025, 3, 1)),
        );
        assert!(half.police_approved);
        let edited = apply_ok(half, Transition::EditText);
        assert_eq!(edited, Lifecycle::draft());
    }

    #[test]
    fn after_an_edit_the_other_sides_approval_does_not_sign() {
        let half = apply_ok(
            Lifecycle::draft(),
            approve(Approval::Municipality, day(2025, 3, 1)),
        );
        let edited = apply_ok(half, Transition::EditText);
        let next = apply_ok(edited, approve(Approval::Police, day(2025, 3, 2)));
        assert_eq!(next.status, PledgeStatus::Draft);
        assert!(!next.municipality_approved);
        assert!(next.police_approved);
        assert_eq!(next.signed_on, None);
    }

    #[test]
    fn after_an_edit_the_same_side_may_approve_again() {
        let half = apply_ok(
            Lifecycle::draft(),
            approve(Approval::Municipality, day(2025, 3, 1)),
        );
        let edited = apply_ok(half, Transition::EditText);
        let again = apply_ok(edited, approve(Approval::Municipality, day(2025, 3, 2)));
        assert!(again.municipality_approved);
        assert_eq!(again.status, PledgeStatus::Draft);
    }

    // --- approvals ----------------------------------------------------------

    #[test]
    fn one_approval_leaves_the_pledge_a_draft() {
        for side in [Approval::Municipality, Approval::Police] {
            let next = apply_ok(Lifecycle::draft(), approve(side, day(2025, 3, 1)));
            assert_eq!(next.status, PledgeStatus::Draft);
            assert_eq!(next.signed_on, None);
            assert_eq!(next.municipality_approved, side == Approval::Municipality);
            assert_eq!(next.police_approved, side == Approval::Police);
        }
    }

    #[test]
    fn municipality_then_police_approval_signs_on_the_police_day() {
        let half = apply_ok(
            Lifecycle::draft(),
            approve(Approval::Municipality, day(2025, 3, 1)),
        );
        let both = apply_ok(half, approve(Approval::Police, day(2025, 3, 5)));
        assert_eq!(both.status, PledgeStatus::Signed);
        assert!(both.municipality_approved);
        assert!(both.police_approved);
        assert_eq!(both.signed_on, Some(day(2025, 3, 5)));
    }

    #[test]
    fn police_then_municipality_approval_signs_on_the_municipality_day() {
        let half = apply_ok(
            Lifecycle::draft(),
            approve(Approval::Police, day(2025, 2, 10)),
        );
        let both = apply_ok(half, approve(Approval::Municipality, day(2025, 2, 20)));
        assert_eq!(both.status, PledgeStatus::Signed);
        assert!(both.municipality_approved);
        assert!(both.police_approved);
        assert_eq!(both.signed_on, Some(day(2025, 2, 20)));
    }

    #[test]
    fn approving_twice_by_the_same_side_is_an_invalid_state() {
        for (side, name) in [
            (Approval::Municipality, "municipality"),
            (Approval::Police, "police"),
        ] {
            let half = apply_ok(Lifecycle::draft(), approve(side, day(2025, 3, 1)));
            let error = apply_err(half, approve(side, day(2025, 3, 2)));
            assert_eq!(
                error,
                DomainError::InvalidState(format!(
                    "the {name} side has already approved this pledge"
                ))
            );
        }
    }

    #[test]
    fn a_failed_transition_leaves_the_state_untouched() {
        let half = apply_ok(
            Lifecycle::draft(),
            approve(Approval::Municipality, day(2025, 3, 1)),
        );
        let _ = apply_err(half, approve(Approval::Municipality, day(2025, 3, 2)));
        assert!(half.municipality_approved);
        assert!(!half.police_approved);
        assert_eq!(half.status, PledgeStatus::Draft);
    }

    #[test]
    fn approving_a_signed_published_or_withdrawn_pledge_is_an_invalid_state() {
        for state in [signed(), published(), withdrawn()] {
            for side in [Approval::Municipality, Approval::Police] {
                assert_invalid_state(state, approve(side, day(2025, 4, 1)));
            }
        }
    }

    #[test]
    fn approve_error_names_the_current_status() {
        let error = apply_err(published(), approve(Approval::Police, day(2025, 4, 1)));
        assert_eq!(
            error.to_string(),
            "only a DRAFT pledge can be approved; this one is PUBLISHED"
        );
    }

    // --- edit text after drafting ---------------------------------------------

    #[test]
    fn editing_a_signed_published_or_withdrawn_pledge_is_an_invalid_state() {
        for state in [signed(), published(), withdrawn()] {
            assert_invalid_state(state, Transition::EditText);
        }
    }

    #[test]
    fn edit_error_suggests_a_superseding_pledge() {
        let error = apply_err(signed(), Transition::EditText);
        assert_eq!(
            error.to_string(),
            "a SIGNED pledge's text cannot change; create a new pledge that supersedes it"
        );
    }

    // --- publish ------------------------------------------------------------

    #[test]
    fn publishing_a_draft_is_an_invalid_state() {
        assert_invalid_state(Lifecycle::draft(), Transition::Publish);
        let half = apply_ok(
            Lifecycle::draft(),
            approve(Approval::Municipality, day(2025, 3, 1)),
        );
        assert_invalid_state(half, Transition::Publish);
    }

    #[test]
    fn publishing_a_signed_pledge_makes_it_published_and_keeps_the_signing() {
        let before = signed();
        let after = apply_ok(before, Transition::Publish);
        assert_eq!(after.status, PledgeStatus::Published);
        assert_eq!(after.signed_on, before.signed_on);
        assert!(after.municipality_approved);
        assert!(after.police_approved);
    }

    #[test]
    fn publishing_a_published_or_withdrawn_pledge_is_an_invalid_state() {
        assert_invalid_state(published(), Transition::Publish);
        assert_invalid_state(withdrawn(), Transition::Publish);
    }

    #[test]
    fn publish_error_names_the_current_status() {
        let error = apply_err(Lifecycle::draft(), Transition::Publish);
        assert_eq!(
            error.to_string(),
            "only a SIGNED pledge can be published; this one is DRAFT"
        );
    }

    // --- withdraw -----------------------------------------------------------

    #[test]
    fn a_draft_a_signed_and_a_published_pledge_can_be_withdrawn() {
        for state in [Lifecycle::draft(), signed(), published()] {
            let after = apply_ok(state, Transition::Withdraw);
            assert_eq!(after.status, PledgeStatus::Withdrawn);
            assert_eq!(
                after.signed_on, state.signed_on,
                "signing is kept for the record"
            );
            assert_eq!(after.municipality_approved, state.municipality_approved);
            assert_eq!(after.police_approved, state.police_approved);
        }
    }

    #[test]
    fn a_half_approved_draft_can_be_withdrawn() {
        let half = apply_ok(
            Lifecycle::draft(),
            approve(Approval::Police, day(2025, 3, 1)),
        );
        assert_eq!(
            apply_ok(half, Transition::Withdraw).status,
            PledgeStatus::Withdrawn
        );
    }

    #[test]
    fn withdrawing_a_withdrawn_pledge_is_an_invalid_state() {
        let error = apply_err(withdrawn(), Transition::Withdraw);
        assert_eq!(
            error,
            DomainError::InvalidState("the pledge is already withdrawn".to_owned())
        );
    }

    #[test]
    fn a_withdrawn_draft_cannot_be_approved_edited_or_published() {
        let gone = apply_ok(Lifecycle::draft(), Transition::Withdraw);
        for transition in every_transition() {
            assert_invalid_state(gone, transition);
        }
    }

    // --- the whole table ----------------------------------------------------

    #[test]
    fn exactly_the_documented_transitions_are_allowed_from_each_status() {
        use PledgeStatus::*;
        let on = day(2025, 4, 1);
        // (from, transition, Some(resulting status) if allowed)
        let table: [(PledgeStatus, Transition, Option<PledgeStatus>); 20] = [
            (Draft, Transition::EditText, Some(Draft)),
            (Draft, approve(Approval::Municipality, on), Some(Draft)),
            (Draft, approve(Approval::Police, on), Some(Draft)),
            (Draft, Transition::Publish, None),
            (Draft, Transition::Withdraw, Some(Withdrawn)),
            (Signed, Transition::EditText, None),
            (Signed, approve(Approval::Municipality, on), None),
            (Signed, approve(Approval::Police, on), None),
            (Signed, Transition::Publish, Some(Published)),
            (Signed, Transition::Withdraw, Some(Withdrawn)),
            (Published, Transition::EditText, None),
            (Published, approve(Approval::Municipality, on), None),
            (Published, approve(Approval::Police, on), None),
            (Published, Transition::Publish, None),
            (Published, Transition::Withdraw, Some(Withdrawn)),
            (Withdrawn, Transition::EditText, None),
            (Withdrawn, approve(Approval::Municipality, on), None),
            (Withdrawn, approve(Approval::Police, on), None),
            (Withdrawn, Transition::Publish, None),
            (Withdrawn, Transition::Withdraw, None),
        ];

        // The table lists every (status, transition) pair exactly once.
        for &status in PledgeStatus::ALL {
            for transition in every_transition() {
                let rows = table
                    .iter()
                    .filter(|(s, t, _)| *s == status && *t == transition)
                    .count();
                assert_eq!(rows, 1, "({status}, {transition:?}) must appear once");
            }
        }

        for (status, transition, expected) in table {
            let state = state_with(status);
            match (state.apply(transition), expected) {
                (Ok(next), Some(want)) => {
                    assert_eq!(next.status, want, "({status}, {transition:?})");
                }
                (Err(error), None) => assert!(
                    matches!(error, DomainError::InvalidState(_)),
                    "({status}, {transition:?}) gave {error:?}"
                ),
                (Ok(next), None) => {
                    panic!("({status}, {transition:?}) should fail but gave {next:?}")
                }
                (Err(error), Some(_)) => {
                    panic!("({status}, {transition:?}) should succeed but failed: {error}")
                }
            }
        }
    }

    #[test]
    fn a_signed_state_built_by_hand_is_not_signed_again_by_approval() {
        // Even a hand-built SIGNED state with a missing approval flag is frozen.
        let odd = Lifecycle {
            status: PledgeStatus::Signed,
            municipality_approved: false,
            police_approved: true,
            signed_on: Some(day(2025, 1, 1)),
        };
        assert_invalid_state(odd, approve(Approval::Municipality, day(2025, 2, 1)));
    }
}
