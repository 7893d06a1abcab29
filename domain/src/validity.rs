//! The period a pledge (or report) covers: inclusive dates, start not after end.

use chrono::NaiveDate;

use crate::error::DomainError;

/// An inclusive date range with `from <= to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidityPeriod {
    from: NaiveDate,
    to: NaiveDate,
}

impl ValidityPeriod {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, DomainError> {
        if from <= to {
            Ok(Self { from, to })
        } else {
            Err(DomainError::invalid(
                "validTo",
                format!("validTo ({to}) must not be before validFrom ({from})"),
            ))
        }
    }

    pub fn from(&self) -> NaiveDate {
        self.from
    }

    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// Whether `day` falls inside the period (both ends included). A pledge
    /// is "in force" exactly when today is inside its validity period.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// Whether `inner` lies entirely within this period.
    pub fn covers(&self, inner: &ValidityPeriod) -> bool {
        self.from <= inner.from && inner.to <= self.to
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a real calendar date")
    }

    fn period(from: NaiveDate, to: NaiveDate) -> ValidityPeriod {
        ValidityPeriod::new(from, to).expect("from is not after to")
    }

    #[test]
    fn validity_period_keeps_its_ends() {
        let p = period(day(2025, 1, 1), day(2025, 12, 31));
        assert_eq!(p.from(), day(2025, 1, 1));
        assert_eq!(p.to(), day(2025, 12, 31));
    }

    #[test]
    fn validity_period_of_a_single_day_is_allowed() {
        let p = period(day(2025, 6, 6), day(2025, 6, 6));
        assert!(p.contains(day(2025, 6, 6)));
        assert!(!p.contains(day(2025, 6, 5)));
        assert!(!p.contains(day(2025, 6, 7)));
    }

    #[test]
    fn validity_period_with_from_after_to_is_rejected_on_valid_to() {
        let error = ValidityPeriod::new(day(2025, 1, 2), day(2025, 1, 1))
            .expect_err("from after to must be rejected");
        assert_eq!(error.field(), Some("validTo"));
        assert_eq!(
            error.to_string(),
            "validTo: validTo (2025-01-01) must not be before validFrom (2025-01-02)"
        );
    }

    #[test]
    fn validity_period_contains_both_ends() {
        let p = period(day(2025, 1, 1), day(2025, 12, 31));
        assert!(p.contains(day(2025, 1, 1)));
        assert!(p.contains(day(2025, 12, 31)));
        assert!(p.contains(day(2025, 6, 15)));
    }

    #[test]
    fn validity_period_excludes_the_day_before_and_the_day_after() {
        let p = period(day(2025, 1, 1), day(2025, 12, 31));
        assert!(!p.contains(day(2024, 12, 31)));
        assert!(!p.contains(day(2026, 1, 1)));
    }

    #[test]
    fn validity_period_covers_itself() {
        let p = period(day(2025, 1, 1), day(2025, 12, 31));
        assert!(p.covers(&p));
    }

    #[test]
    fn validity_period_covers_an_inner_period_including_shared_ends() {
        let outer = period(day(2025, 1, 1), day(2025, 12, 31));
        assert!(outer.covers(&period(day(2025, 1, 1), day(2025, 4, 30))));
        assert!(outer.covers(&period(day(2025, 9, 1), day(2025, 12, 31))));
        assert!(outer.covers(&period(day(2025, 5, 1), day(2025, 5, 1))));
    }

    #[test]
    fn validity_period_does_not_cover_a_period_sticking_out_on_either_side() {
        let outer = period(day(2025, 1, 1), day(2025, 12, 31));
        assert!(!outer.covers(&period(day(2024, 12, 31), day(2025, 6, 30))));
        assert!(!outer.covers(&period(day(2025, 6, 1), day(2026, 1, 1))));
        assert!(!outer.covers(&period(day(2024, 1, 1), day(2026, 12, 31))));
        assert!(!outer.covers(&period(day(2026, 1, 1), day(2026, 2, 1))));
    }

    #[test]
    fn validity_period_covers_is_not_symmetric() {
        let outer = period(day(2025, 1, 1), day(2025, 12, 31));
        let inner = period(day(2025, 3, 1), day(2025, 3, 31));
        assert!(outer.covers(&inner));
        assert!(!inner.covers(&outer));
    }
}
