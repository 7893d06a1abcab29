//! Rules of follow-up reports: which periods a report may cover.
//!
//! A report covers explicit dates inside its pledge's validity.
//! - T1/T2/T3 (tertials: Jan–Apr, May–Aug, Sep–Dec) and Q1–Q4 end on the
//!   last day of that period in some year (or on the pledge's last day,
//!   when the pledge ends inside it) and start on the period's first day
//!   (or the pledge's first day, when the pledge starts inside it).
//! - YEAR_END covers the whole pledge.
//! - AD_HOC covers any dates inside the pledge.
//! - A report is *cumulative* when it starts on the pledge's first day: it
//!   reports everything so far (e.g. a T2 report for January–August).
//!   Cumulative reports may overlap any other report; all other reports of
//!   a pledge must not overlap each other.

use chrono::{Datelike, NaiveDate};

use crate::enums::PeriodKind;
use crate::error::DomainError;
use crate::validity::ValidityPeriod;

/// The dates a report covers, checked against its pledge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportPeriod {
    kind: PeriodKind,
    start: NaiveDate,
    end: NaiveDate,
    cumulative: bool,
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

fn last_of_month(year: i32, month: u32) -> NaiveDate {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    date(y, m, 1).pred_opt().unwrap_or(NaiveDate::MIN)
}

/// First and last month of a calendar period kind.
fn months(kind: PeriodKind) -> Option<(u32, u32)> {
    match kind {
        PeriodKind::T1 => Some((1, 4)),
        PeriodKind::T2 => Some((5, 8)),
        PeriodKind::T3 => Some((9, 12)),
        PeriodKind::Q1 => Some((1, 3)),
        PeriodKind::Q2 => Some((4, 6)),
        PeriodKind::Q3 => Some((7, 9)),
        PeriodKind::Q4 => Some((10, 12)),
        PeriodKind::YearEnd | PeriodKind::AdHoc => None,
    }
}

/// Whether an activity held on `date` counts in a report's period
/// `start..=end`. An undated activity is real evidence but belongs to no
/// period: it counts in none. (The regional figures place a dated
/// activity in its year and an undated one with the pledge it evidences.)
pub fn counts_in_period(date: Option<NaiveDate>, start: NaiveDate, end: NaiveDate) -> bool {
    date.is_some_and(|d| start <= d && d <= end)
}

impl ReportPeriod {
    pub fn new(
        kind: PeriodKind,
        start: NaiveDate,
        end: NaiveDate,
        pledge: &ValidityPeriod,
    ) -> Result<Self, DomainError> {
        let invalid = |field, message: String| Err(DomainError::Invalid { field, message });
        if start > end {
            return invalid(
                "periodEnd",
                format!("periodEnd ({end}) is before periodStart ({start})"),
            );
        }
        if !pledge.contains(start) || !pledge.contains(end) {
            return invalid(
                "periodStart",
                format!(
                    "the period must lie within the pledge ({} – {})",
                    pledge.from(),
                    pledge.to()
                ),
            );
        }
        let cumulative = start == pledge.from();
        match (kind, months(kind)) {
            (PeriodKind::YearEnd, _) => {
                if start != pledge.from() || end != pledge.to() {
                    return invalid(
                        "periodStart",
                        "a YEAR_END report covers the whole pledge".to_owned(),
                    );
                }
            }
            (_, Some((first, last))) => {
                let window_start = date(end.year(), first, 1);
                let window_end = last_of_month(end.year(), last);
                let ends_right = end == window_end || (end == pledge.to() && end >= window_start);
                if !ends_right || end < window_start {
                    return invalid(
                        "periodEnd",
                        format!("a {kind} report ends on {window_end} (or when the pledge ends)"),
                    );
                }
                let starts_right = start == window_start.max(pledge.from()) || cumulative;
                if !starts_right {
                    return invalid(
                        "periodStart",
                        format!(
                            "a {kind} report starts on {} or, cumulative, on the pledge's first day",
                            window_start.max(pledge.from())
                        ),
                    );
                }
            }
            (_, None) => {}
        }
        Ok(Self {
            kind,
            start,
            end,
            cumulative,
        })
    }

    pub fn kind(&self) -> PeriodKind {
        self.kind
    }

    pub fn start(&self) -> NaiveDate {
        self.start
    }

    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// Whether the report covers everything from the pledge's first day.
    pub fn is_cumulative(&self) -> bool {
        self.cumulative
    }

    /// Whether two reports of one pledge may coexist: cumulative ones
    /// always; others only when their periods do not overlap.
    pub fn compatible_with(&self, other: &ReportPeriod) -> bool {
        self.cumulative || other.cumulative || self.end < other.start || other.end < self.start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_undated_activity_counts_in_no_period() {
        let (start, end) = (date(2024, 1, 1), date(2024, 4, 30));
        assert!(!counts_in_period(None, start, end));
        assert!(!counts_in_period(None, NaiveDate::MIN, NaiveDate::MAX));
    }

    #[test]
    fn a_dated_activity_counts_in_the_periods_that_contain_its_day() {
        let (start, end) = (date(2024, 1, 1), date(2024, 4, 30));
        assert!(counts_in_period(Some(start), start, end));
        assert!(counts_in_period(Some(end), start, end));
        assert!(!counts_in_period(Some(date(2024, 5, 1)), start, end));
        assert!(!counts_in_period(Some(date(2023, 12, 31)), start, end));
    }

    fn pledge(from: (i32, u32, u32), to: (i32, u32, u32)) -> ValidityPeriod {
        ValidityPeriod::new(date(from.0, from.1, from.2), date(to.0, to.1, to.2)).expect("valid")
    }

    fn period(
        kind: PeriodKind,
        s: (i32, u32, u32),
        e: (i32, u32, u32),
        p: &ValidityPeriod,
    ) -> Result<ReportPeriod, DomainError> {
        ReportPeriod::new(kind, date(s.0, s.1, s.2), date(e.0, e.1, e.2), p)
    }

    #[test]
    fn tertials_cover_their_four_months() {
        let p = pledge((2024, 1, 1), (2024, 12, 31));
        assert!(period(PeriodKind::T1, (2024, 1, 1), (2024, 4, 30), &p).is_ok());
        assert!(period(PeriodKind::T2, (2024, 5, 1), (2024, 8, 31), &p).is_ok());
        assert!(period(PeriodKind::T3, (2024, 9, 1), (2024, 12, 31), &p).is_ok());
        assert!(period(PeriodKind::T2, (2024, 5, 1), (2024, 8, 30), &p).is_err());
        assert!(period(PeriodKind::T2, (2024, 5, 2), (2024, 8, 31), &p).is_err());
        assert!(period(PeriodKind::Q1, (2024, 1, 1), (2024, 3, 31), &p).is_ok());
    }

    #[test]
    fn a_report_starting_on_the_pledges_first_day_is_cumulative() {
        let p = pledge((2024, 1, 1), (2024, 12, 31));
        let t2 = period(PeriodKind::T2, (2024, 1, 1), (2024, 8, 31), &p).expect("cumulative T2");
        assert!(t2.is_cumulative());
        let t3 = period(PeriodKind::T3, (2024, 9, 1), (2024, 12, 31), &p).expect("T3");
        assert!(!t3.is_cumulative());
    }

    #[test]
    fn periods_are_clipped_to_a_pledge_that_starts_or_ends_inside_them() {
        // Värnamo 2024 was signed 2024-04-22; Älmhult 2023 ran to 2024-03-01.
        let varnamo = pledge((2024, 4, 22), (2024, 12, 31));
        assert!(period(PeriodKind::T1, (2024, 4, 22), (2024, 4, 30), &varnamo).is_ok());
        let almhult = pledge((2023, 1, 1), (2024, 3, 1));
        assert!(period(PeriodKind::T1, (2024, 1, 1), (2024, 3, 1), &almhult).is_ok());
    }

    #[test]
    fn a_period_outside_the_pledge_or_reversed_is_refused() {
        let p = pledge((2024, 1, 1), (2024, 12, 31));
        assert_eq!(
            period(PeriodKind::T1, (2023, 1, 1), (2023, 4, 30), &p)
                .expect_err("outside")
                .field(),
            Some("periodStart")
        );
        assert_eq!(
            period(PeriodKind::AdHoc, (2024, 6, 1), (2024, 5, 1), &p)
                .expect_err("reversed")
                .field(),
            Some("periodEnd")
        );
    }

    #[test]
    fn year_end_covers_the_whole_pledge() {
        let p = pledge((2023, 1, 1), (2024, 3, 1));
        assert!(period(PeriodKind::YearEnd, (2023, 1, 1), (2024, 3, 1), &p).is_ok());
        assert!(period(PeriodKind::YearEnd, (2023, 1, 1), (2023, 12, 31), &p).is_err());
    }

    #[test]
    fn only_cumulative_reports_may_overlap() {
        let p = pledge((2024, 1, 1), (2024, 12, 31));
        let a = period(PeriodKind::AdHoc, (2024, 2, 1), (2024, 3, 1), &p).expect("a");
        let b = period(PeriodKind::AdHoc, (2024, 2, 15), (2024, 4, 1), &p).expect("b");
        let c = period(PeriodKind::AdHoc, (2024, 3, 2), (2024, 4, 1), &p).expect("c");
        let cum = period(PeriodKind::T2, (2024, 1, 1), (2024, 8, 31), &p).expect("cumulative");
        assert!(!a.compatible_with(&b));
        assert!(a.compatible_with(&c));
        assert!(cum.compatible_with(&a) && b.compatible_with(&cum));
    }
}
