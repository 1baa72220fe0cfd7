//! Opening a trace file (plain, or gzip by its magic bytes) and walking it line by line with
//! 1-based line numbers, without one allocation per line.

use super::TraceError;
use flate2::bufread::MultiGzDecoder;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const READ_BUFFER_BYTES: usize = 256 * 1024;

/// Opens `path` for line reading, decompressing it when it starts with the gzip magic bytes.
pub fn open_trace_file(path: &Path) -> Result<Box<dyn BufRead>, TraceError> {
    let origin = path.display().to_string();
    let file = File::open(path).map_err(|err| TraceError::io(&origin, err))?;
    let mut reader = BufReader::with_capacity(READ_BUFFER_BYTES, file);
    let is_gzip = reader
        .fill_buf()
        .map_err(|err| TraceError::io(&origin, err))?
        .starts_with(&GZIP_MAGIC);
    if is_gzip {
        let decoder = MultiGzDecoder::new(reader);
        Ok(Box::new(BufReader::with_capacity(
            READ_BUFFER_BYTES,
            decoder,
        )))
    } else {
        Ok(Box::new(reader))
    }
}

/// The text of one line, or the fact that it is not UTF-8.
pub(crate) type LineText<'a> = Result<&'a str, NotUtf8>;

/// Marker for a line whose bytes are not valid UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NotUtf8;

impl NotUtf8 {
    pub(crate) const REASON: &'static str = "not UTF-8 text";
}

/// Calls `visit(line_number, text)` for every line, trailing `\n` / `\r\n` removed.
/// Stops early, returning the visitor's error, when the visitor fails.
pub(crate) fn for_each_line<R, E>(
    mut reader: R,
    origin: &str,
    mut visit: impl FnMut(u64, LineText<'_>) -> Result<(), E>,
) -> Result<(), E>
where
    R: BufRead,
    E: From<TraceError>,
{
    let mut buffer = Vec::with_capacity(256);
    let mut line_number = 0u64;
    loop {
        buffer.clear();
        let read = reader
            .read_until(b'\n', &mut buffer)
            .map_err(|err| TraceError::io(origin, err))?;
        if read == 0 {
            return Ok(());
        }
        line_number += 1;
        let text = trim_line_end(&buffer);
        visit(line_number, std::str::from_utf8(text).map_err(|_| NotUtf8))?;
    }
}

fn trim_line_end(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    bytes.strip_suffix(b"\r").unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &[u8]) -> Vec<(u64, Result<String, NotUtf8>)> {
        let mut seen = Vec::new();
        for_each_line::<_, TraceError>(input, "inline", |number, text| {
            seen.push((number, text.map(str::to_string)));
            Ok(())
        })
        .expect("in-memory reads cannot fail");
        seen
    }

    #[test]
    fn numbers_lines_from_one_and_strips_line_ends() {
        let seen = collect(b"a\r\nb\n\nc");
        assert_eq!(
            seen,
            vec![
                (1, Ok("a".to_string())),
                (2, Ok("b".to_string())),
                (3, Ok(String::new())),
                (4, Ok("c".to_string())),
            ]
        );
    }

    #[test]
    fn flags_a_non_utf8_line_and_keeps_going() {
        let seen = collect(b"ok\n\xff\xfe\nok again\n");
        assert_eq!(seen[1], (2, Err(NotUtf8)));
        assert_eq!(seen[2], (3, Ok("ok again".to_string())));
    }
}
