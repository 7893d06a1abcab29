//! The closed vocabularies of DOMAIN.md. Each enum knows its stable
//! SCREAMING_SNAKE_CASE name, which is what the database stores and what the
//! API shows, so renaming a Rust variant can never change stored data.

use std::fmt;

use crate::error::DomainError;

macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $name:ident, field = $field:literal {
            $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable name stored in the database and shown by the API.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// Parses the stable name; anything else is a `BAD_USER_INPUT`.
            pub fn parse(raw: &str) -> Result<Self, DomainError> {
                match raw {
                    $($text => Ok($name::$variant),)+
                    other => Err(DomainError::invalid(
                        $field,
                        format!(
                            "unknown {} {:?}; expected one of {}",
                            stringify!($name),
                            other,
                            [$($text),+].join(", ")
                        ),
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

named_enum! {
    /// Where a pledge is in its lifecycle (see `lifecycle`).
    PledgeStatus, field = "status" {
        /// Being written; visible only to staff in scope.
        Draft = "DRAFT",
        /// Approved by both the municipality and the police; text frozen.
        Signed = "SIGNED",
        /// Visible to the public.
        Published = "PUBLISHED",
        /// Taken back; kept for the record.
        Withdrawn = "WITHDRAWN",
    }
}

named_enum! {
    /// Where a pledge record comes from.
    Provenance, field = "provenance" {
        /// Taken from a document published elsewhere (the seed's source
        /// documents): its approvals were not given in this system.
        Imported = "IMPORTED",
        /// Written through the API; its approvals, once given, are
        /// recorded here.
        Recorded = "RECORDED",
    }
}

named_enum! {
    /// Which side carries a commitment or signs a pledge.
    Party, field = "responsible" {
        Police = "POLICE",
        Municipality = "MUNICIPALITY",
        /// Police and municipality together.
        Joint = "JOINT",
    }
}

named_enum! {
    /// Working method of a commitment, and kind of an activity.
    Method, field = "method" {
        /// Effektiv samordning för trygghet: recurring joint situation pictures.
        Est = "EST",
        /// Scanning, analysis, response, assessment.
        Sara = "SARA",
        /// Trygghetsvandring.
        SafetyWalk = "SAFETY_WALK",
        /// Trygghetsrunda at a hot spot.
        SafetyPatrol = "SAFETY_PATROL",
        /// Medborgardialog.
        CitizenDialogue = "CITIZEN_DIALOGUE",
        /// Grannsamverkan.
        NeighbourhoodWatch = "NEIGHBOURHOOD_WATCH",
        FootPatrol = "FOOT_PATROL",
        InformationCampaign = "INFORMATION_CAMPAIGN",
        SchoolVisits = "SCHOOL_VISITS",
        DrugDogSearch = "DRUG_DOG_SEARCH",
        WastewaterAnalysis = "WASTEWATER_ANALYSIS",
        CrimePreventionGroup = "CRIME_PREVENTION_GROUP",
        BusinessNetwork = "BUSINESS_NETWORK",
        Other = "OTHER",
    }
}

named_enum! {
    /// Reporting period of a follow-up report. Tertials are four months.
    PeriodKind, field = "periodKind" {
        /// January–April.
        T1 = "T1",
        /// May–August.
        T2 = "T2",
        /// September–December.
        T3 = "T3",
        Q1 = "Q1",
        Q2 = "Q2",
        Q3 = "Q3",
        Q4 = "Q4",
        YearEnd = "YEAR_END",
        AdHoc = "AD_HOC",
    }
}

named_enum! {
    /// Progress of one commitment in one follow-up report.
    ProgressStatus, field = "status" {
        NotStarted = "NOT_STARTED",
        Planned = "PLANNED",
        InProgress = "IN_PROGRESS",
        Ongoing = "ONGOING",
        Completed = "COMPLETED",
        PartlyCompleted = "PARTLY_COMPLETED",
        Delayed = "DELAYED",
        Stalled = "STALLED",
        Cancelled = "CANCELLED",
        NotDone = "NOT_DONE",
    }
}

named_enum! {
    /// Where a follow-up report is in its life.
    FollowUpStatus, field = "status" {
        /// Being written; visible only to staff in scope.
        Draft = "DRAFT",
        /// Visible to everyone who may see its pledge.
        Published = "PUBLISHED",
        /// Taken back after publication; integrations see it as removed.
        Withdrawn = "WITHDRAWN",
    }
}

named_enum! {
    /// Verdict on a commitment when its pledge ends.
    Outcome, field = "outcome" {
        Kept = "KEPT",
        PartlyKept = "PARTLY_KEPT",
        NotKept = "NOT_KEPT",
        NotRated = "NOT_RATED",
    }
}

named_enum! {
    /// What kind of named place a commitment or activity refers to.
    PlaceKind, field = "kind" {
        Town = "TOWN",
        District = "DISTRICT",
        HotSpot = "HOT_SPOT",
        School = "SCHOOL",
        Station = "STATION",
        Park = "PARK",
        Street = "STREET",
        Other = "OTHER",
    }
}

named_enum! {
    /// Kinds of evidence a pledge's situation picture is built on (underlag).
    BasisKind, field = "basisKinds" {
        /// Trygghetsundersökning / trygghetsmätning.
        SafetySurvey = "SAFETY_SURVEY",
        CitizenDialogue = "CITIZEN_DIALOGUE",
        /// Medarbetardialoger.
        StaffDialogue = "STAFF_DIALOGUE",
        /// Tips from residents.
        ResidentTips = "RESIDENT_TIPS",
        CrimeStatistics = "CRIME_STATISTICS",
        /// Polisens underrättelsetjänst.
        PoliceIntelligence = "POLICE_INTELLIGENCE",
        /// Lokala lägesbilder.
        LocalSituationPicture = "LOCAL_SITUATION_PICTURE",
        SafetyWalk = "SAFETY_WALK",
        /// Views or interviews of business, schools, associations, officials.
        StakeholderInput = "STAKEHOLDER_INPUT",
        Other = "OTHER",
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// Checks the shared contract of a named enum: `ALL` has the expected
    /// length and no duplicates, every value round-trips through
    /// `as_str`/`parse`, `Display` matches `as_str`, names are unique and
    /// SCREAMING_SNAKE_CASE, and unknown or lower-case names are rejected
    /// with `field`.
    fn check_named_enum<T>(
        all: &[T],
        as_str: fn(T) -> &'static str,
        parse: fn(&str) -> Result<T, DomainError>,
        expected_len: usize,
        field: &'static str,
    ) where
        T: Copy + Eq + std::hash::Hash + fmt::Debug + fmt::Display,
    {
        assert_eq!(all.len(), expected_len, "ALL has the wrong length");

        let values: HashSet<T> = all.iter().copied().collect();
        assert_eq!(values.len(), all.len(), "ALL lists a value twice");

        let mut names = HashSet::new();
        for &value in all {
            let name = as_str(value);
            assert!(names.insert(name), "name {name:?} is used twice");
            assert!(
                is_screaming_snake_case(name),
                "{name:?} is not SCREAMING_SNAKE_CASE"
            );
            assert_eq!(value.to_string(), name, "Display differs from as_str");
            assert_eq!(
                parse(name).expect("a stable name parses"),
                value,
                "{name:?} does not round-trip"
            );

            let lower = name.to_ascii_lowercase();
            let error = parse(&lower).expect_err("a lower-case name is rejected");
            assert_eq!(error.field(), Some(field), "wrong field for {lower:?}");

            for padded in [format!(" {name}"), format!("{name} ")] {
                let error = parse(&padded).expect_err("a padded name is rejected");
                assert_eq!(error.field(), Some(field));
            }
        }

        for unknown in ["", "UNKNOWN", "NOT_A_VALUE", "draft", "Other"] {
            let error = parse(unknown).expect_err("an unknown name is rejected");
            assert_eq!(error.field(), Some(field), "wrong field for {unknown:?}");
        }
    }

    fn is_screaming_snake_case(name: &str) -> bool {
        let bytes = name.as_bytes();
        !name.is_empty()
            && bytes[0].is_ascii_uppercase()
            && !name.ends_with('_')
            && !name.contains("__")
            && bytes
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
    }

    #[test]
    fn screaming_snake_case_helper_accepts_and_rejects_as_intended() {
        assert!(is_screaming_snake_case("YEAR_END"));
        assert!(is_screaming_snake_case("T1"));
        assert!(!is_screaming_snake_case("Year_End"));
        assert!(!is_screaming_snake_case("_X"));
        assert!(!is_screaming_snake_case("X_"));
        assert!(!is_screaming_snake_case("A__B"));
        assert!(!is_screaming_snake_case(""));
    }

    #[test]
    fn pledge_status_names_round_trip_and_reject_unknowns_on_status() {
        check_named_enum(
            PledgeStatus::ALL,
            PledgeStatus::as_str,
            PledgeStatus::parse,
            4,
            "status",
        );
    }

    #[test]
    fn party_names_round_trip_and_reject_unknowns_on_responsible() {
        check_named_enum(Party::ALL, Party::as_str, Party::parse, 3, "responsible");
    }

    #[test]
    fn method_names_round_trip_and_reject_unknowns_on_method() {
        check_named_enum(Method::ALL, Method::as_str, Method::parse, 14, "method");
    }

    #[test]
    fn period_kind_names_round_trip_and_reject_unknowns_on_period_kind() {
        check_named_enum(
            PeriodKind::ALL,
            PeriodKind::as_str,
            PeriodKind::parse,
            9,
            "periodKind",
        );
    }

    #[test]
    fn progress_status_names_round_trip_and_reject_unknowns_on_status() {
        check_named_enum(
            ProgressStatus::ALL,
            ProgressStatus::as_str,
            ProgressStatus::parse,
            10,
            "status",
        );
    }

    #[test]
    fn outcome_names_round_trip_and_reject_unknowns_on_outcome() {
        check_named_enum(Outcome::ALL, Outcome::as_str, Outcome::parse, 4, "outcome");
    }

    #[test]
    fn place_kind_names_round_trip_and_reject_unknowns_on_kind() {
        check_named_enum(
            PlaceKind::ALL,
            PlaceKind::as_str,
            PlaceKind::parse,
            8,
            "kind",
        );
    }

    #[test]
    fn basis_kind_names_round_trip_and_reject_unknowns_on_basis_kinds() {
        // The brief gives no count for BasisKind; 10 is the number declared today.
        check_named_enum(
            BasisKind::ALL,
            BasisKind::as_str,
            BasisKind::parse,
            10,
            "basisKinds",
        );
    }

    #[test]
    fn pledge_status_all_is_in_lifecycle_order() {
        assert_eq!(
            PledgeStatus::ALL,
            &[
                PledgeStatus::Draft,
                PledgeStatus::Signed,
                PledgeStatus::Published,
                PledgeStatus::Withdrawn,
            ]
        );
    }

    #[test]
    fn stored_names_of_key_values_are_stable() {
        assert_eq!(PledgeStatus::Draft.as_str(), "DRAFT");
        assert_eq!(PledgeStatus::Withdrawn.as_str(), "WITHDRAWN");
        assert_eq!(Party::Joint.as_str(), "JOINT");
        assert_eq!(Method::SafetyWalk.as_str(), "SAFETY_WALK");
        assert_eq!(Method::Est.as_str(), "EST");
        assert_eq!(PeriodKind::YearEnd.as_str(), "YEAR_END");
        assert_eq!(PeriodKind::AdHoc.as_str(), "AD_HOC");
        assert_eq!(ProgressStatus::NotStarted.as_str(), "NOT_STARTED");
        assert_eq!(ProgressStatus::NotDone.as_str(), "NOT_DONE");
        assert_eq!(Outcome::PartlyKept.as_str(), "PARTLY_KEPT");
        assert_eq!(PlaceKind::HotSpot.as_str(), "HOT_SPOT");
        assert_eq!(
            BasisKind::LocalSituationPicture.as_str(),
            "LOCAL_SITUATION_PICTURE"
        );
    }

    #[test]
    fn parse_error_message_names_the_type_and_lists_the_choices() {
        let error = Party::parse("POLIS").expect_err("POLIS is not a party");
        let text = error.to_string();
        assert!(text.starts_with("responsible: "), "{text}");
        assert!(text.contains("Party"), "{text}");
        assert!(text.contains("\"POLIS\""), "{text}");
        assert!(text.contains("POLICE, MUNICIPALITY, JOINT"), "{text}");
    }

    #[test]
    fn parse_is_case_sensitive() {
        assert!(PledgeStatus::parse("Draft").is_err());
        assert!(Method::parse("safety_walk").is_err());
        assert!(PeriodKind::parse("t1").is_err());
    }
}
