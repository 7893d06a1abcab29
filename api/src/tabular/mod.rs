//! Exported values as cells that CSV readers and spreadsheets read right:
//! typed cells (a number stays a number), text that a spreadsheet cannot
//! mistake for a formula, and the CSV dialects; NDJSON lines (`json_line`)
//! and workbooks (`xlsx`) from the same cells. Free of HTTP and of the
//! database: the export handlers turn rows into `Cell`s and write them
//! here.

pub mod xlsx;

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::ApiError;
use crate::open_data::dictionary::LIST_SEPARATOR;

/// One value of an exported row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Integer(i64),
    Decimal(f64),
    Boolean(bool),
    Date(NaiveDate),
    Timestamp(DateTime<Utc>),
    /// Several texts in one cell (methods, focus areas, …).
    List(Vec<String>),
}

impl Cell {
    /// `Text`, or `Empty` for `None`.
    pub fn text(value: Option<&str>) -> Self {
        value.map_or(Cell::Empty, |v| Cell::Text(v.to_owned()))
    }

    /// `Decimal`, or `Empty` for `None`.
    pub fn decimal(value: Option<f64>) -> Self {
        value.map_or(Cell::Empty, Cell::Decimal)
    }

    /// `Integer`, or `Empty` for `None`.
    pub fn integer(value: Option<i64>) -> Self {
        value.map_or(Cell::Empty, Cell::Integer)
    }

    /// `Date`, or `Empty` for `None`.
    pub fn date(value: Option<NaiveDate>) -> Self {
        value.map_or(Cell::Empty, Cell::Date)
    }

    /// A text or list cell as a spreadsheet may show it (neutralised,
    /// lists joined); `None` for the typed cells.
    pub fn spreadsheet_text(&self) -> Option<Cow<'_, str>> {
        match self {
            Cell::Text(text) => Some(spreadsheet_safe(text)),
            Cell::List(items) => Some(Cow::Owned(
                spreadsheet_safe(&items.join(LIST_SEPARATOR)).into_owned(),
            )),
            _ => None,
        }
    }

    /// The cell as CSV field text in `dialect`.
    fn render(&self, dialect: Dialect) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(_) | Cell::List(_) => self.spreadsheet_text().unwrap_or_default(),
            Cell::Boolean(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Cell::Integer(n) => Cow::Owned(n.to_string()),
            Cell::Decimal(x) => {
                let plain = x.to_string();
                match dialect {
                    Dialect::Rfc4180 => Cow::Owned(plain),
                    // The comma is the Swedish decimal sign.
                    Dialect::ExcelSv => Cow::Owned(plain.replace('.', ",")),
                }
            }
            Cell::Date(date) => Cow::Owned(date.to_string()),
            Cell::Timestamp(at) => Cow::Owned(timestamp(at)),
        }
    }

    /// The cell as a JSON value: the exact text (nothing neutralised),
    /// numbers as numbers, lists as arrays, `null` when empty.
    pub fn json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Cell::Empty => Value::Null,
            Cell::Text(text) => Value::String(text.clone()),
            Cell::Integer(n) => Value::from(*n),
            Cell::Decimal(x) => serde_json::Number::from_f64(*x).map_or(Value::Null, Value::Number),
            Cell::Boolean(b) => Value::Bool(*b),
            Cell::Date(date) => Value::String(date.to_string()),
            Cell::Timestamp(at) => Value::String(timestamp(at)),
            Cell::List(items) => Value::from(items.clone()),
        }
    }
}

/// RFC 3339 in UTC with a `Z` (the same instant GraphQL shows as
/// `+00:00`), so that a value can be passed back as `?updatedSince=`
/// unencoded: a `+` in a query string reads as a space.
fn timestamp(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// One NDJSON line: an object of `columns` to `cells`, keys in column
/// order (written by hand: serde_json's map would sort them).
pub fn json_line<'a>(
    columns: impl IntoIterator<Item = &'a str>,
    cells: &[Cell],
) -> Result<Vec<u8>, ApiError> {
    let mut line = Vec::with_capacity(64 * cells.len());
    line.push(b'{');
    for (i, (name, cell)) in columns.into_iter().zip(cells).enumerate() {
        if i > 0 {
            line.push(b',');
        }
        serde_json::to_writer(&mut line, &name).map_err(ApiError::internal)?;
        line.push(b':');
        serde_json::to_writer(&mut line, &cell.json()).map_err(ApiError::internal)?;
    }
    line.extend_from_slice(b"}\n");
    Ok(line)
}

/// What makes a spreadsheet read a cell as a formula (OWASP, "CSV
/// injection"): a leading `=`, `+`, `-` or `@`, or a tab or carriage
/// return before one.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `text` as a spreadsheet shows it without evaluating it: one that would
/// start a formula gets a leading `'` (OWASP's recommendation; Excel and
/// LibreOffice then show the text as written). Everything else is as is.
pub fn spreadsheet_safe(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// How a CSV file is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// RFC 4180: `,` between fields, CRLF line ends, UTF-8, `.` in
    /// decimals. For programs.
    #[default]
    Rfc4180,
    /// What Excel with Swedish settings opens as it should: `;` between
    /// fields (the comma is the decimal sign there), decimal commas, and
    /// a UTF-8 byte-order mark (without one Excel reads the file as
    /// Windows-1252 and "Värnamo" turns into "VÃ¤rnamo").
    ExcelSv,
}

impl Dialect {
    /// `?dialect=`: absent or `rfc4180`, or `excel-sv`.
    pub fn parse(raw: Option<&str>) -> Result<Self, ApiError> {
        match raw {
            None | Some("rfc4180") => Ok(Dialect::Rfc4180),
            Some("excel-sv") => Ok(Dialect::ExcelSv),
            Some(other) => Err(ApiError::bad_input(
                "dialect",
                format!("expected rfc4180 or excel-sv, got {other:?}"),
            )),
        }
    }

    fn delimiter(self) -> u8 {
        match self {
            Dialect::Rfc4180 => b',',
            Dialect::ExcelSv => b';',
        }
    }

    /// What the file starts with, before its header line.
    pub fn preamble(self) -> &'static [u8] {
        match self {
            Dialect::Rfc4180 => b"",
            Dialect::ExcelSv => "\u{feff}".as_bytes(),
        }
    }
}

/// One CSV line (CRLF-terminated) of `cells` in `dialect`.
pub fn csv_line(cells: &[Cell], dialect: Dialect) -> Result<Vec<u8>, ApiError> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(dialect.delimiter())
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer
        .write_record(cells.iter().map(|cell| cell.render(dialect).into_owned()))
        .map_err(ApiError::internal)?;
    writer.into_inner().map_err(ApiError::internal)
}

/// The header line of `columns` in `dialect`.
pub fn csv_header(columns: &[&str], dialect: Dialect) -> Result<Vec<u8>, ApiError> {
    let cells: Vec<Cell> = columns
        .iter()
        .map(|c| Cell::Text((*c).to_owned()))
        .collect();
    csv_line(&cells, dialect)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_starts_a_formula_is_neutralised_and_nothing_else() {
        for formula in ["=1+1", "+46 70", "-x", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(spreadsheet_safe(formula), format!("'{formula}"));
        }
        for plain in ["Värnamo", "1 = 1", "", "'already"] {
            assert_eq!(spreadsheet_safe(plain), plain);
        }
    }

    #[test]
    fn numbers_stay_numbers_in_either_dialect() {
        let cells = [
            Cell::Decimal(-2.5),
            Cell::Integer(-3),
            Cell::Text("-3".into()),
        ];
        assert_eq!(
            csv_line(&cells, Dialect::Rfc4180).expect("a line"),
            b"-2.5,-3,'-3\r\n"
        );
        assert_eq!(
            csv_line(&cells, Dialect::ExcelSv).expect("a line"),
            b"-2,5;-3;'-3\r\n"
        );
    }

    #[test]
    fn ndjson_keeps_the_exact_text_and_the_column_order() {
        let cells = [
            Cell::Text("=1+1".into()),
            Cell::List(vec!["-a".into(), "b".into()]),
            Cell::Empty,
        ];
        assert_eq!(
            json_line(["z", "a", "m"], &cells).expect("a line"),
            b"{\"z\":\"=1+1\",\"a\":[\"-a\",\"b\"],\"m\":null}\n"
        );
        assert_eq!(
            csv_line(&cells, Dialect::Rfc4180).expect("a line"),
            b"'=1+1,'-a | b,\r\n"
        );
    }

    #[test]
    fn the_swedish_dialect_has_a_byte_order_mark_and_semicolons() {
        assert_eq!(Dialect::ExcelSv.preamble(), [0xEF, 0xBB, 0xBF]);
        assert_eq!(
            csv_header(&["a", "b"], Dialect::ExcelSv).expect("a line"),
            b"a;b\r\n"
        );
        assert!(Dialect::parse(Some("excel")).is_err());
    }
}
