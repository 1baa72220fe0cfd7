//! Checks that a script is text sbatch would accept (not empty, not binary, UTF-8, UNIX line
//! breaks, not too large, `#!` on line 1) and finds its interpreter. sbatch's own messages were
//! the model: checked with Slurm 22.05 (`sbatch --hold`), which refuses an empty or whitespace-only
//! script, a NUL byte, `\r\n` line breaks, and a first line without `#!`.

use super::error::{ScriptError, MAX_SCRIPT_BYTES};

/// Returns the script as text once it passes every check, or the first check it fails.
pub fn checked_text(bytes: &[u8]) -> Result<&str, ScriptError> {
    if bytes.is_empty() {
        return Err(ScriptError::Empty);
    }
    if bytes.len() > MAX_SCRIPT_BYTES {
        return Err(ScriptError::TooLarge {
            bytes: bytes.len(),
            limit: MAX_SCRIPT_BYTES,
        });
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(ScriptError::NulByte {
            line: line_of(bytes, offset),
            offset,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        ScriptError::NotUtf8 {
            line: line_of(bytes, offset),
            offset,
        }
    })?;
    if text.trim().is_empty() {
        return Err(ScriptError::OnlyWhitespace);
    }
    if let Some(offset) = text.find("\r\n") {
        return Err(ScriptError::DosLineBreaks {
            line: line_of(bytes, offset),
        });
    }
    Ok(text)
}

/// The interpreter named on line 1 (`/bin/bash`, `/usr/bin/env bash`), without the `#!`.
pub fn shebang(text: &str) -> Result<String, ScriptError> {
    let first = text.lines().next().unwrap_or("");
    match first.strip_prefix("#!") {
        Some(rest) if !rest.trim().is_empty() => Ok(rest.trim().to_string()),
        _ => Err(ScriptError::NoShebang {
            found: first.chars().take(60).collect(),
        }),
    }
}

/// The 1-based line holding byte `offset`.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    let end = offset.min(bytes.len());
    bytes[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_line_of_a_bad_byte() {
        assert_eq!(line_of(b"a\nb\nc", 4), 3);
        assert_eq!(line_of(b"abc", 0), 1);
    }

    #[test]
    fn shebang_keeps_interpreter_arguments() {
        assert_eq!(
            shebang("#!/usr/bin/env bash\necho").unwrap(),
            "/usr/bin/env bash"
        );
        assert_eq!(shebang("#! /bin/sh\n").unwrap(), "/bin/sh");
        assert!(matches!(
            shebang("#!\necho"),
            Err(ScriptError::NoShebang { .. })
        ));
    }
}
