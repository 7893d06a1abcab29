//! The `Date` scalar: an ISO calendar date, `YYYY-MM-DD`, nothing else.
//! (`DateTime`, RFC 3339, is async-graphql's chrono scalar.)

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// A calendar date in ISO 8601 form, `YYYY-MM-DD` (e.g. "2024-04-22").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar date in ISO 8601 form, `YYYY-MM-DD` (e.g. "2024-04-22").
#[Scalar(
    name = "Date",
    specified_by_url = "https://www.iso.org/iso-8601-date-and-time-format.html"
)]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        let Value::String(raw) = &value else {
            return Err(InputValueError::custom("a Date is a string \"YYYY-MM-DD\""));
        };
        // chrono alone would accept "2024-4-2"; the contract is the fixed form.
        let shaped = raw.len() == 10
            && raw.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(day) if shaped => Ok(Date(day)),
            _ => Err(InputValueError::custom(format!(
                "{raw:?} is not a date of the form YYYY-MM-DD"
            ))),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(day: NaiveDate) -> Self {
        Date(day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_only_in_the_iso_form() {
        let ok = Date::parse(Value::String("2024-03-01".into())).expect("valid");
        assert_eq!(ok.0, NaiveDate::from_ymd_opt(2024, 3, 1).expect("date"));
        for bad in [
            "2024-3-1",
            "01/03/2024",
            "2024-02-30",
            "2024-03-01T00:00:00Z",
            "",
        ] {
            assert!(Date::parse(Value::String(bad.into())).is_err(), "{bad}");
        }
        assert!(Date::parse(Value::Number(20240301.into())).is_err());
    }

    #[test]
    fn dates_print_in_the_iso_form() {
        let day = Date(NaiveDate::from_ymd_opt(2023, 1, 9).expect("date"));
        assert_eq!(day.to_value(), Value::String("2023-01-09".into()));
    }
}
