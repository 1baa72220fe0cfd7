//! The trace formats Corral reads, their names, and telling them apart from a file's name and
//! first line.

use super::{native, philly, source, tiresias, TraceError};
use serde::Serialize;
use std::fmt;
use std::io::BufRead;
use std::path::Path;
use std::str::FromStr;

/// A trace file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TraceFormat {
    /// Standard Workload Format (Parallel Workloads Archive), plain or gzip.
    Swf,
    /// Microsoft Philly GPU cluster CSV (`timestamp,duration,num_gpus,gpu_time,cluster`).
    Philly,
    /// Tiresias simulator job CSV (`job_id,num_gpu,submit_time,iterations,model_name,duration,interval`).
    Tiresias,
    /// Corral's own CSV, see `simulations/TRACE_FORMAT.md`.
    Native,
}

impl TraceFormat {
    pub const NAMES: &'static str = "swf, philly, tiresias, native";

    pub fn name(self) -> &'static str {
        match self {
            TraceFormat::Swf => "swf",
            TraceFormat::Philly => "philly",
            TraceFormat::Tiresias => "tiresias",
            TraceFormat::Native => "native",
        }
    }
}

impl fmt::Display for TraceFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error for an unknown format name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown trace format {0:?} (accepted: {names})", names = TraceFormat::NAMES)]
pub struct UnknownFormatName(pub String);

impl FromStr for TraceFormat {
    type Err = UnknownFormatName;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.to_ascii_lowercase().as_str() {
            "swf" => Ok(TraceFormat::Swf),
            "philly" => Ok(TraceFormat::Philly),
            "tiresias" => Ok(TraceFormat::Tiresias),
            "native" | "corral" => Ok(TraceFormat::Native),
            _ => Err(UnknownFormatName(name.to_string())),
        }
    }
}

/// Tells the format of a trace file: `.swf`/`.swf.gz` by name, otherwise by its first line
/// that is neither blank nor a `#` comment (a `;` comment means SWF; a CSV header names the CSV
/// format).
pub fn detect_format(path: &Path) -> Result<TraceFormat, TraceError> {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.ends_with(".swf") || name.ends_with(".swf.gz") {
        return Ok(TraceFormat::Swf);
    }
    let origin = path.display().to_string();
    let first_line = first_significant_line(source::open_trace_file(path)?, &origin)?;
    format_of_first_line(&first_line).ok_or_else(|| TraceError::UnknownFormat {
        origin,
        detail: format!("first line is {:?}", shorten(&first_line)),
    })
}

/// The format whose first line (header or comment) this is, if any.
pub(crate) fn format_of_first_line(line: &str) -> Option<TraceFormat> {
    let line = line.trim();
    if line.starts_with(';') {
        return Some(TraceFormat::Swf);
    }
    if philly::is_header(line) {
        return Some(TraceFormat::Philly);
    }
    if tiresias::is_header(line) {
        return Some(TraceFormat::Tiresias);
    }
    if native::is_header(line) {
        return Some(TraceFormat::Native);
    }
    None
}

fn first_significant_line(mut reader: impl BufRead, origin: &str) -> Result<String, TraceError> {
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        let read = reader
            .read_until(b'\n', &mut bytes)
            .map_err(|err| TraceError::io(origin, err))?;
        if read == 0 {
            return Err(TraceError::UnknownFormat {
                origin: origin.to_string(),
                detail: "the file has no line that is neither blank nor a # comment".to_string(),
            });
        }
        let text = String::from_utf8_lossy(&bytes);
        let trimmed = text.trim();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            return Ok(trimmed.to_string());
        }
    }
}

fn shorten(line: &str) -> String {
    const MAX_CHARS: usize = 80;
    if line.chars().count() <= MAX_CHARS {
        line.to_string()
    } else {
        let head: String = line.chars().take(MAX_CHARS).collect();
        format!("{head}...")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_lines_name_their_formats() {
        assert_eq!(format_of_first_line("; Version: 2"), Some(TraceFormat::Swf));
        assert_eq!(
            format_of_first_line("timestamp,duration,num_gpus,gpu_time,cluster"),
            Some(TraceFormat::Philly)
        );
        assert_eq!(
            format_of_first_line(
                "job_id,num_gpu,submit_time,iterations,model_name,duration,interval"
            ),
            Some(TraceFormat::Tiresias)
        );
        assert_eq!(
            format_of_first_line("submit_secs,run_secs,gpus"),
            Some(TraceFormat::Native)
        );
        assert_eq!(format_of_first_line("a,b,c"), None);
    }

    #[test]
    fn format_names_parse_case_insensitively_and_unknown_ones_list_the_choices() {
        assert_eq!("SWF".parse::<TraceFormat>(), Ok(TraceFormat::Swf));
        assert_eq!("philly".parse::<TraceFormat>(), Ok(TraceFormat::Philly));
        let err = "slurm".parse::<TraceFormat>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown trace format \"slurm\" (accepted: swf, philly, tiresias, native)"
        );
    }
}
