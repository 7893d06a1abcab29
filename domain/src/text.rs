//! Bounded free text and small numbers with rules: titles, commitment texts,
//! pledge years and progress percentages.

use crate::error::DomainError;

/// Trimmed, non-empty text of at most `max` characters (not bytes: Swedish
/// letters count as one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundedText(String);

impl BoundedText {
    pub fn parse(field: &'static str, raw: &str, max: usize) -> Result<Self, DomainError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(DomainError::invalid(field, "must not be empty"));
        }
        let chars = trimmed.chars().count();
        if chars > max {
            return Err(DomainError::invalid(
                field,
                format!("must be at most {max} characters, got {chars}"),
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A pledge title: 1..=200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(BoundedText);

impl Title {
    pub const MAX: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        BoundedText::parse("title", raw, Self::MAX).map(Self)
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// A commitment's text ("Detta gör vi genom att …"): 1..=2000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitmentText(BoundedText);

impl CommitmentText {
    pub const MAX: usize = 2000;

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        BoundedText::parse("text", raw, Self::MAX).map(Self)
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// A pledge year. Citizen pledges started in 2014; far-future years are
/// typing mistakes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Year(i32);

impl Year {
    pub const MIN: i32 = 2000;
    pub const MAX: i32 = 2100;

    pub fn parse(raw: i32) -> Result<Self, DomainError> {
        if (Self::MIN..=Self::MAX).contains(&raw) {
            Ok(Self(raw))
        } else {
            Err(DomainError::invalid(
                "year",
                format!(
                    "year must be between {} and {}, got {raw}",
                    Self::MIN,
                    Self::MAX
                ),
            ))
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// Progress of a commitment in percent, 0..=100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ProgressPercent(u8);

impl ProgressPercent {
    pub fn parse(raw: i64) -> Result<Self, DomainError> {
        match u8::try_from(raw) {
            Ok(value) if value <= 100 => Ok(Self(value)),
            _ => Err(DomainError::invalid(
                "progressPercent",
                format!("progress must be between 0 and 100, got {raw}"),
            )),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// A key that sorts Swedish names as Swedes expect: case-insensitively,
/// with å, ä and ö after z (in that order), independent of any database
/// collation.
pub fn swedish_sort_key(name: &str) -> Vec<u32> {
    name.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'å' => u32::from('z') + 1,
            'ä' | 'æ' => u32::from('z') + 2,
            'ö' | 'ø' => u32::from('z') + 3,
            other => u32::from(other),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of<T: std::fmt::Debug>(result: Result<T, DomainError>) -> &'static str {
        result
            .expect_err("expected the value to be rejected")
            .field()
            .expect("a validation error names its field")
    }

    // --- BoundedText --------------------------------------------------------

    #[test]
    fn bounded_text_trims_surrounding_whitespace() {
        let text = BoundedText::parse("name", "  \t Värnamo \n", 10).expect("fits after trimming");
        assert_eq!(text.as_str(), "Värnamo");
        assert_eq!(text.into_string(), "Värnamo");
    }

    #[test]
    fn bounded_text_keeps_inner_whitespace() {
        let text = BoundedText::parse("name", " a  b ", 10).expect("valid");
        assert_eq!(text.as_str(), "a  b");
    }

    #[test]
    fn bounded_text_rejects_empty_and_whitespace_only_input_on_the_given_field() {
        for raw in ["", " ", "   ", "\t\n", "\u{3000}"] {
            assert_eq!(
                field_of(BoundedText::parse("summary", raw, 10)),
                "summary",
                "{raw:?} must be rejected"
            );
        }
    }

    #[test]
    fn bounded_text_empty_error_says_must_not_be_empty() {
        let error = BoundedText::parse("summary", "  ", 10).expect_err("blank");
        assert_eq!(error.to_string(), "summary: must not be empty");
    }

    #[test]
    fn bounded_text_accepts_exactly_max_characters_and_rejects_one_more() {
        assert!(BoundedText::parse("f", "abcde", 5).is_ok());
        let error = BoundedText::parse("f", "abcdef", 5).expect_err("too long");
        assert_eq!(error.field(), Some("f"));
        assert!(
            error.to_string().contains("at most 5 characters, got 6"),
            "{error}"
        );
    }

    #[test]
    fn bounded_text_counts_characters_not_bytes() {
        // "åäö" is three characters but six bytes.
        let text = BoundedText::parse("f", "åäö", 3).expect("three characters fit");
        assert_eq!(text.as_str().len(), 6);
    }

    #[test]
    fn bounded_text_limit_applies_after_trimming() {
        assert!(BoundedText::parse("f", "   abc   ", 3).is_ok());
    }

    // --- Title --------------------------------------------------------------

    #[test]
    fn title_accepts_ordinary_text_trimmed() {
        let title = Title::parse("  Tryggare Värnamo 2025 ").expect("valid title");
        assert_eq!(title.as_str(), "Tryggare Värnamo 2025");
    }

    #[test]
    fn title_of_200_swedish_letters_is_valid() {
        let raw = "å".repeat(200);
        assert_eq!(raw.len(), 400, "two bytes per letter");
        let title = Title::parse(&raw).expect("200 characters fit a title");
        assert_eq!(title.as_str().chars().count(), Title::MAX);
    }

    #[test]
    fn title_of_201_swedish_letters_is_rejected_on_title() {
        assert_eq!(field_of(Title::parse(&"å".repeat(201))), "title");
    }

    #[test]
    fn title_rejects_empty_and_blank_on_title() {
        assert_eq!(field_of(Title::parse("")), "title");
        assert_eq!(field_of(Title::parse("   ")), "title");
    }

    #[test]
    fn title_max_is_200() {
        assert_eq!(Title::MAX, 200);
    }

    // --- CommitmentText -----------------------------------------------------

    #[test]
    fn commitment_text_accepts_2000_characters() {
        let raw = "ö".repeat(2000);
        let text = CommitmentText::parse(&raw).expect("2000 characters fit");
        assert_eq!(text.as_str(), raw);
    }

    #[test]
    fn commitment_text_rejects_2001_characters_on_text() {
        assert_eq!(field_of(CommitmentText::parse(&"a".repeat(2001))), "text");
    }

    #[test]
    fn commitment_text_rejects_blank_on_text() {
        assert_eq!(field_of(CommitmentText::parse(" \n ")), "text");
    }

    #[test]
    fn commitment_text_trims() {
        let text = CommitmentText::parse("\nDetta gör vi genom att … \n").expect("valid");
        assert_eq!(text.as_str(), "Detta gör vi genom att …");
    }

    #[test]
    fn commitment_text_max_is_2000() {
        assert_eq!(CommitmentText::MAX, 2000);
    }

    // --- Year ---------------------------------------------------------------

    #[test]
    fn year_accepts_both_edges_and_a_middle_value() {
        for raw in [2000, 2014, 2025, 2100] {
            assert_eq!(Year::parse(raw).expect("in range").get(), raw);
        }
    }

    #[test]
    fn year_rejects_values_just_outside_and_far_outside_on_year() {
        for raw in [1999, 2101, 0, -2025, i32::MIN, i32::MAX] {
            assert_eq!(field_of(Year::parse(raw)), "year", "{raw} must be rejected");
        }
    }

    #[test]
    fn year_bounds_are_2000_and_2100() {
        assert_eq!(Year::MIN, 2000);
        assert_eq!(Year::MAX, 2100);
    }

    #[test]
    fn years_order_numerically() {
        assert!(Year::parse(2024).expect("valid") < Year::parse(2025).expect("valid"));
    }

    // --- ProgressPercent ----------------------------------------------------

    #[test]
    fn progress_percent_accepts_zero_fifty_and_one_hundred() {
        for raw in [0, 50, 100] {
            let percent = ProgressPercent::parse(raw).expect("in range");
            assert_eq!(i64::from(percent.get()), raw);
        }
    }

    #[test]
    fn progress_percent_rejects_out_of_range_on_progress_percent() {
        for raw in [-1, 101, 255, 256, i64::MAX, i64::MIN] {
            assert_eq!(
                field_of(ProgressPercent::parse(raw)),
                "progressPercent",
                "{raw} must be rejected"
            );
        }
    }

    #[test]
    fn progress_percent_error_shows_the_original_number() {
        let error = ProgressPercent::parse(i64::MAX).expect_err("too big");
        assert!(error.to_string().contains(&i64::MAX.to_string()), "{error}");
        let error = ProgressPercent::parse(-1).expect_err("negative");
        assert!(error.to_string().ends_with("got -1"), "{error}");
    }

    #[test]
    fn swedish_names_sort_with_a_ring_a_umlaut_o_umlaut_after_z() {
        let mut names = [
            "Älmhult",
            "Åre",
            "Värnamo",
            "Örebro",
            "gnosjö",
            "Gislaved",
            "Zinkgruvan",
        ];
        names.sort_by_key(|n| swedish_sort_key(n));
        assert_eq!(
            names,
            [
                "Gislaved",
                "gnosjö",
                "Värnamo",
                "Zinkgruvan",
                "Åre",
                "Älmhult",
                "Örebro"
            ]
        );
    }
}
