//! Workbooks (XLSX) from cells: one sheet, a bold header row that stays in
//! view (frozen) and carries an auto-filter, numbers as numbers, dates and
//! timestamps as the spreadsheet's own dates, and text neutralised as in
//! CSV. A workbook is built whole in memory before it is sent (the format
//! is a zip archive), so it has a row limit (`APP_XLSX_MAX_ROWS`); CSV and
//! NDJSON stream any size.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::Cell;
use crate::error::ApiError;

/// A workbook being filled, row by row.
pub struct Sheet {
    workbook: Workbook,
    columns: u16,
    /// Rows written below the header.
    rows: u32,
    date: Format,
    timestamp: Format,
}

impl std::fmt::Debug for Sheet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sheet")
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

fn failed(err: XlsxError) -> ApiError {
    ApiError::internal(format!("writing a workbook: {err}"))
}

impl Sheet {
    /// A workbook with one sheet named `name` and a header of `columns`.
    pub fn new(name: &str, columns: &[&str]) -> Result<Self, ApiError> {
        let mut workbook = Workbook::new();
        let count = u16::try_from(columns.len()).map_err(ApiError::internal)?;
        let header = Format::new().set_bold();
        let sheet = workbook.add_worksheet();
        // Sheet names are at most 31 characters.
        sheet
            .set_name(name.chars().take(31).collect::<String>())
            .map_err(failed)?;
        for (col, name) in (0u16..).zip(columns) {
            sheet
                .write_string_with_format(0, col, *name, &header)
                .map_err(failed)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(failed)?;
        Ok(Self {
            workbook,
            columns: count,
            rows: 0,
            date: Format::new().set_num_format("yyyy-mm-dd"),
            timestamp: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
        })
    }

    /// Rows written so far, not counting the header.
    pub fn rows(&self) -> u32 {
        self.rows
    }

    fn sheet(workbook: &mut Workbook) -> Result<&mut Worksheet, ApiError> {
        workbook.worksheet_from_index(0).map_err(failed)
    }

    /// Writes one row below the last.
    pub fn push(&mut self, cells: &[Cell]) -> Result<(), ApiError> {
        let row = self.rows + 1;
        let (date, timestamp) = (&self.date, &self.timestamp);
        let sheet = Self::sheet(&mut self.workbook)?;
        for (col, cell) in (0u16..).zip(cells) {
            match cell {
                Cell::Empty => None,
                Cell::Text(_) | Cell::List(_) => cell
                    .spreadsheet_text()
                    .map(|text| sheet.write_string(row, col, text)),
                // Whole numbers below 2^53 are exact in a spreadsheet's
                // doubles; counts and percentages are far below.
                #[allow(clippy::cast_precision_loss)]
                Cell::Integer(n) => Some(sheet.write_number(row, col, *n as f64)),
                Cell::Decimal(x) => Some(sheet.write_number(row, col, *x)),
                Cell::Boolean(b) => Some(sheet.write_boolean(row, col, *b)),
                Cell::Date(day) => Some(sheet.write_date_with_format(row, col, day, date)),
                // Spreadsheets have no time zones: the UTC wall-clock time,
                // as the dictionary says.
                Cell::Timestamp(at) => {
                    Some(sheet.write_datetime_with_format(row, col, at.naive_utc(), timestamp))
                }
            }
            .transpose()
            .map_err(failed)?;
        }
        self.rows = row;
        Ok(())
    }

    /// The finished file.
    pub fn finish(mut self) -> Result<Vec<u8>, ApiError> {
        let (rows, last_col) = (self.rows, self.columns.saturating_sub(1));
        let sheet = Self::sheet(&mut self.workbook)?;
        sheet.autofilter(0, 0, rows, last_col).map_err(failed)?;
        // Wide enough to read the header; a reader widens the rest.
        sheet
            .set_column_range_width(0, last_col, 18)
            .map_err(failed)?;
        self.workbook.save_to_buffer().map_err(failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_is_a_zip_archive_with_its_rows() {
        let mut sheet = Sheet::new("pledges", &["a", "b"]).expect("a sheet");
        sheet
            .push(&[Cell::Text("=1".into()), Cell::Integer(2)])
            .expect("a row");
        assert_eq!(sheet.rows(), 1);
        let bytes = sheet.finish().expect("a file");
        assert_eq!(&bytes[..2], b"PK");
    }
}
