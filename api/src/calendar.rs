//! The date, as the municipalities and the Police see it. Pledges are
//! signed, in force and covered by police areas on Swedish calendar days;
//! near midnight the UTC date would be a day off.

use chrono::{NaiveDate, Utc};
use chrono_tz::Europe::Stockholm;

/// Today in Sweden.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&Stockholm).date_naive()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn late_evening_utc_is_already_tomorrow_in_sweden() {
        // 23:30 UTC on 31 December is 00:30 on 1 January in Stockholm.
        let moment = Utc
            .with_ymd_and_hms(2025, 12, 31, 23, 30, 0)
            .single()
            .expect("valid");
        assert_eq!(
            moment.with_timezone(&Stockholm).date_naive(),
            NaiveDate::from_ymd_opt(2026, 1, 1).expect("date")
        );
    }
}
