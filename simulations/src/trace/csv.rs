//! The small CSV dialect the CSV trace formats share: one record per line, cells separated by
//! commas, no quoting; a header line names the columns.

use super::source::{for_each_line, NotUtf8};
use super::{TraceError, TraceReport};
use std::io::BufRead;

/// Reads a CSV trace with a header line into `report`: a line that is not UTF-8 is a bad record,
/// blank lines (and `#` comment lines when `comments` is set) are counted, the first other line
/// is the header (`columns_of` turns it into the reader's columns, or refuses the file), and
/// every later line goes to `row` with its number; a row's `Err(reason)` is a bad record.
pub(crate) fn for_each_csv_row<C>(
    reader: impl BufRead,
    origin: &str,
    report: &mut TraceReport,
    comments: bool,
    columns_of: impl Fn(&Header, &str, u64) -> Result<C, TraceError>,
    mut row: impl FnMut(u64, &str, &C) -> Result<(), String>,
) -> Result<(), TraceError> {
    let mut columns: Option<C> = None;
    for_each_line::<_, TraceError>(reader, origin, |line, text| {
        report.lines = line;
        let Ok(text) = text else {
            report.reject(line, NotUtf8::REASON);
            return Ok(());
        };
        let trimmed = text.trim();
        if trimmed.is_empty() {
            report.blank_lines += 1;
            return Ok(());
        }
        if comments && trimmed.starts_with('#') {
            report.comment_lines += 1;
            return Ok(());
        }
        let Some(columns) = &columns else {
            columns = Some(columns_of(&Header::parse(text), origin, line)?);
            report.header_lines += 1;
            return Ok(());
        };
        if let Err(reason) = row(line, text, columns) {
            report.reject(line, reason);
        }
        Ok(())
    })
}

/// The column names of a CSV header, in file order.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    names: Vec<String>,
}

impl Header {
    pub(crate) fn parse(line: &str) -> Self {
        Header {
            names: split_cells(line)
                .map(|name| name.trim().to_string())
                .collect(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// Index of a column, if present.
    pub(crate) fn find(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|column| column == name)
    }

    /// Whether `line`, read as a header, names every one of `names` (format detection).
    pub(crate) fn names_all(line: &str, names: &[&str]) -> bool {
        let header = Header::parse(line);
        names.iter().all(|name| header.find(name).is_some())
    }

    /// Index of a column the format requires; a header error naming the expected header if absent.
    pub(crate) fn require(
        &self,
        name: &str,
        origin: &str,
        line: u64,
        expected: &str,
    ) -> Result<usize, TraceError> {
        self.find(name).ok_or_else(|| {
            TraceError::header(
                origin,
                line,
                format!("header has no column {name:?}"),
                expected,
            )
        })
    }

    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }
}

/// Splits a record into its cells.
pub(crate) fn split_cells(line: &str) -> impl Iterator<Item = &str> {
    line.split(',')
}

/// Splits a record into exactly `expected` cells, or says how many it had.
pub(crate) fn cells_exact(line: &str, expected: usize) -> Result<Vec<&str>, String> {
    let cells: Vec<&str> = split_cells(line).collect();
    if cells.len() == expected {
        Ok(cells)
    } else {
        Err(format!(
            "{} cells, the header has {expected} (cells are separated by commas; quoting is not supported)",
            cells.len()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_finds_columns_by_trimmed_name() {
        let header = Header::parse("a, b ,c");
        assert_eq!(header.len(), 3);
        assert_eq!(header.find("b"), Some(1));
        assert_eq!(header.find("d"), None);
    }

    #[test]
    fn rows_with_the_wrong_cell_count_say_how_many() {
        assert_eq!(cells_exact("1,2,3", 3), Ok(vec!["1", "2", "3"]));
        assert_eq!(
            cells_exact("1,2", 3),
            Err("2 cells, the header has 3 (cells are separated by commas; quoting is not supported)".to_string())
        );
    }
}
