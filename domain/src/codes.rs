//! Identifying codes: SCB municipality and county codes, police-area slugs
//! and focus-area codes. Each is a newtype with a private field, built only
//! through `parse`, so an invalid code cannot exist past the API edge.

use std::fmt;

use crate::error::DomainError;

/// SCB kommunkod: exactly four ASCII digits, e.g. "0683" (Värnamo).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MunicipalityCode(String);

impl MunicipalityCode {
    /// Parses a municipality code; leading zeros are significant.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        if raw.len() == 4 && raw.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::invalid(
                "municipality",
                format!("municipality code must be four digits (e.g. \"0683\"), got {raw:?}"),
            ))
        }
    }

    /// The county (län) is the first two digits of the municipality code.
    pub fn county(&self) -> CountyCode {
        CountyCode(self.0[..2].to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Two-digit county (län) code, e.g. "06" for Jönköpings län.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountyCode(String);

impl CountyCode {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        if raw.len() == 2 && raw.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::invalid(
                "county",
                format!("county code must be two digits (e.g. \"06\"), got {raw:?}"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Police-area slug: lowercase ASCII letters, digits and single hyphens,
/// 2..=64 characters, e.g. "lpo-varnamo".
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PoliceAreaCode(String);

impl PoliceAreaCode {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let ok_chars = raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let ok_shape = (2..=64).contains(&raw.len())
            && !raw.starts_with('-')
            && !raw.ends_with('-')
            && !raw.contains("--");
        if ok_chars && ok_shape {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::invalid(
                "policeArea",
                format!(
                    "police-area code must be a lowercase slug (e.g. \"lpo-varnamo\"), got {raw:?}"
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Focus-area catalogue code: SCREAMING_SNAKE_CASE ASCII, 2..=48 characters,
/// e.g. "NARKOTIKA".
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FocusAreaCode(String);

impl FocusAreaCode {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let ok_chars = raw
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
        let ok_shape = (2..=48).contains(&raw.len())
            && raw.as_bytes()[0].is_ascii_uppercase()
            && !raw.ends_with('_');
        if ok_chars && ok_shape {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::invalid(
                "focusArea",
                format!("focus-area code must be like \"NARKOTIKA\", got {raw:?}"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! display_as_str {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )*};
}
display_as_str!(MunicipalityCode, CountyCode, PoliceAreaCode, FocusAreaCode);

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of<T: fmt::Debug>(result: Result<T, DomainError>) -> &'static str {
        result
            .expect_err("expected the value to be rejected")
            .field()
            .expect("a validation error names its field")
    }

    // --- MunicipalityCode -------------------------------------------------

    #[test]
    fn municipality_code_accepts_four_digits() {
        let code = MunicipalityCode::parse("0683").expect("0683 is a valid municipality");
        assert_eq!(code.as_str(), "0683");
    }

    #[test]
    fn municipality_code_keeps_leading_zero() {
        let code = MunicipalityCode::parse("0114").expect("0114 is a valid municipality");
        assert_eq!(code.as_str(), "0114");
        assert_eq!(code.to_string(), "0114");
    }

    #[test]
    fn municipality_code_county_is_its_first_two_digits() {
        let code = MunicipalityCode::parse("0683").expect("0683 is a valid municipality");
        assert_eq!(code.county().as_str(), "06");
        assert_eq!(
            code.county(),
            CountyCode::parse("06").expect("06 is a valid county")
        );
    }

    #[test]
    fn municipality_code_county_of_a_two_digit_county_number() {
        let code = MunicipalityCode::parse("2583").expect("2583 is a valid municipality");
        assert_eq!(code.county().as_str(), "25");
    }

    #[test]
    fn municipality_code_rejects_wrong_lengths_letters_spaces_and_non_ascii_digits() {
        for raw in [
            "683",
            "06830",
            "06a3",
            "",
            " 0683",
            "0683 ",
            "06-3",
            "٠٦٨٣",
            "０６８３",
        ] {
            assert_eq!(
                field_of(MunicipalityCode::parse(raw)),
                "municipality",
                "{raw:?} must be rejected as a municipality code"
            );
        }
    }

    #[test]
    fn municipality_code_rejects_arabic_indic_digits() {
        assert!(MunicipalityCode::parse("٠٦٨٣").is_err());
    }

    #[test]
    fn municipality_code_error_message_quotes_the_input() {
        let error = MunicipalityCode::parse("683").expect_err("683 is too short");
        assert!(error.to_string().contains("\"683\""), "{error}");
        assert!(error.to_string().starts_with("municipality: "), "{error}");
    }

    #[test]
    fn municipality_codes_order_as_strings() {
        let a = MunicipalityCode::parse("0114").expect("valid");
        let b = MunicipalityCode::parse("0683").expect("valid");
        assert!(a < b);
    }

    // --- CountyCode ---------------------------------------------------------

    #[test]
    fn county_code_accepts_two_digits_and_keeps_leading_zero() {
        let code = CountyCode::parse("06").expect("06 is a valid county");
        assert_eq!(code.as_str(), "06");
        assert_eq!(code.to_string(), "06");
    }

    #[test]
    fn county_code_rejects_anything_but_two_ascii_digits() {
        for raw in ["6", "006", "0a", "", " 6", "6 ", "٠٦", "-6"] {
            assert_eq!(
                field_of(CountyCode::parse(raw)),
                "county",
                "{raw:?} must be rejected as a county code"
            );
        }
    }

    // --- PoliceAreaCode -----------------------------------------------------

    #[test]
    fn police_area_code_accepts_a_lowercase_slug() {
        let code = PoliceAreaCode::parse("lpo-varnamo").expect("lpo-varnamo is valid");
        assert_eq!(code.as_str(), "lpo-varnamo");
        assert_eq!(code.to_string(), "lpo-varnamo");
    }

    #[test]
    fn police_area_code_accepts_digits_and_length_bounds() {
        for raw in ["ab", "a1", "lpo-2", "x".repeat(64).as_str(), "a-b-c"] {
            assert!(
                PoliceAreaCode::parse(raw).is_ok(),
                "{raw:?} should be a valid police-area code"
            );
        }
    }

    #[test]
    fn police_area_code_rejects_malformed_slugs() {
        let too_long = "x".repeat(65);
        for raw in [
            "LPO-Varnamo",
            "-lpo",
            "lpo-",
            "lpo--x",
            "a",
            "",
            too_long.as_str(),
            "lpo_varnamo",
            "lpo värnamo",
            "lpo-värnamo",
            " lpo",
            "-",
            "--",
        ] {
            assert_eq!(
                field_of(PoliceAreaCode::parse(raw)),
                "policeArea",
                "{raw:?} must be rejected as a police-area code"
            );
        }
    }

    #[test]
    fn police_area_code_of_65_characters_is_rejected() {
        let raw = "a".repeat(65);
        assert_eq!(raw.len(), 65);
        assert!(PoliceAreaCode::parse(&raw).is_err());
    }

    // --- FocusAreaCode ------------------------------------------------------

    #[test]
    fn focus_area_code_accepts_screaming_snake_case() {
        for raw in [
            "NARKOTIKA",
            "MANS_VALD_MOT_KVINNOR",
            "AB",
            "A1",
            "X".repeat(48).as_str(),
        ] {
            let code = FocusAreaCode::parse(raw).expect("valid focus-area code");
            assert_eq!(code.as_str(), raw);
            assert_eq!(code.to_string(), raw);
        }
    }

    #[test]
    fn focus_area_code_rejects_malformed_codes() {
        let too_long = "X".repeat(49);
        for raw in [
            "narkotika",
            "Narkotika",
            "_X",
            "X_",
            "1ABC",
            "",
            "A",
            too_long.as_str(),
            "NARK-OTIKA",
            "NARK OTIKA",
            "MÄNS_VÅLD",
            " NARKOTIKA",
        ] {
            assert_eq!(
                field_of(FocusAreaCode::parse(raw)),
                "focusArea",
                "{raw:?} must be rejected as a focus-area code"
            );
        }
    }

    #[test]
    fn focus_area_code_empty_input_is_an_error_not_a_panic() {
        assert!(FocusAreaCode::parse("").is_err());
    }
}
