//! Microsoft Philly trace reader, for the cleaned CSV `timestamp,duration,num_gpus,gpu_time,cluster`
//! (as published with the AdaptDL/Pollux OSDI'21 artifact, `simulator/traces/philly.csv`).
//!
//! Mapping: a job's id is its line number (the CSV has no job id); `submit_secs` is the timestamp
//! (UTC, `YYYY-MM-DD HH:MM:SS`) minus the earliest timestamp in the file, which the report keeps
//! as `origin_unix_secs`; `run_secs` = `duration` (seconds, decimals rounded); `gpus` =
//! `num_gpus`; `account` = `cluster` (the virtual cluster). `gpu_time` is not used.

use super::csv::{cells_exact, for_each_csv_row, Header};
use super::{fields, JobCollector, Trace, TraceError, TraceFormat, TraceJob, TraceReport};
use corral_model::civil_time::parse_utc_timestamp;
use std::io::BufRead;

/// The header of the Philly CSV.
pub const PHILLY_HEADER: &str = "timestamp,duration,num_gpus,gpu_time,cluster";

/// Whether a first line is the Philly header.
pub fn is_header(line: &str) -> bool {
    Header::names_all(line, &["timestamp", "duration", "num_gpus", "cluster"])
}

/// Column positions of the fields the reader uses.
struct Columns {
    count: usize,
    timestamp: usize,
    duration: usize,
    num_gpus: usize,
    cluster: usize,
}

impl Columns {
    fn from_header(header: &Header, origin: &str, line: u64) -> Result<Self, TraceError> {
        let require = |name| header.require(name, origin, line, PHILLY_HEADER);
        Ok(Columns {
            count: header.len(),
            timestamp: require("timestamp")?,
            duration: require("duration")?,
            num_gpus: require("num_gpus")?,
            cluster: require("cluster")?,
        })
    }
}

/// A parsed row whose submit time is still absolute.
struct Row {
    line: u64,
    submit_unix_secs: i64,
    job: TraceJob,
}

/// Reads a Philly CSV trace.
pub fn read_philly(reader: impl BufRead, origin: &str) -> Result<Trace, TraceError> {
    let mut report = TraceReport::new(origin, TraceFormat::Philly);
    let mut rows = Vec::new();
    for_each_csv_row(
        reader,
        origin,
        &mut report,
        false,
        Columns::from_header,
        |line, text, columns| {
            rows.push(parse_row(line, text, columns)?);
            Ok(())
        },
    )?;
    let origin_unix_secs = rows.iter().map(|row| row.submit_unix_secs).min();
    report.origin_unix_secs = origin_unix_secs;
    let mut collector = JobCollector::default();
    for Row {
        line,
        submit_unix_secs,
        mut job,
    } in rows
    {
        let earliest = origin_unix_secs.unwrap_or(submit_unix_secs);
        job.submit_secs = submit_unix_secs.abs_diff(earliest);
        collector.add(line, job);
    }
    Ok(collector.finish(report))
}

fn parse_row(line: u64, text: &str, columns: &Columns) -> Result<Row, String> {
    let cells = cells_exact(text, columns.count)?;
    let submit_unix_secs = parse_utc_timestamp(cells[columns.timestamp])?;
    let run_secs = fields::seconds("duration", cells[columns.duration])?;
    let gpus = fields::positive_count("num_gpus", cells[columns.num_gpus])?;
    let mut job = TraceJob::new(line, 0, run_secs, gpus);
    job.account = fields::label(cells[columns.cluster]);
    Ok(Row {
        line,
        submit_unix_secs,
        job,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
timestamp,duration,num_gpus,gpu_time,cluster
2017-10-09 07:01:55,66.0,1,66.0,11cb48
2017-10-09 06:13:03,2951.0,8,23608.0,6214e9
2017-10-09 07:00:00,10.0,0,0.0,6214e9
2017-10-09 25:00:00,10.0,1,10.0,6214e9
2017-10-09 07:00:00,10.0,1,10.0
2017-10-09 07:00:00,-5,1,10.0,6214e9

";

    #[test]
    fn rows_become_jobs_rebased_to_the_earliest_timestamp() {
        let trace = read_philly(SAMPLE.as_bytes(), "inline").unwrap();
        assert_eq!(trace.report.origin_unix_secs, Some(1_507_529_583));
        let jobs: Vec<(u64, u64, u64, u32, Option<&str>)> = trace
            .jobs
            .iter()
            .map(|j| {
                (
                    j.id,
                    j.submit_secs,
                    j.run_secs,
                    j.gpus,
                    j.account.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            jobs,
            vec![
                (3, 0, 2951, 8, Some("6214e9")),
                (2, 2932, 66, 1, Some("11cb48")),
            ]
        );
    }

    #[test]
    fn bad_rows_are_reported_with_line_numbers_and_reasons() {
        let trace = read_philly(SAMPLE.as_bytes(), "inline").unwrap();
        let report = &trace.report;
        let bad: Vec<(u64, &str)> = report
            .bad
            .iter()
            .map(|b| (b.line, b.reason.as_str()))
            .collect();
        assert_eq!(
            bad,
            vec![
                (4, "num_gpus \"0\" is not a count (accepted: a whole number from 1 to 4294967295)"),
                (5, "timestamp \"2017-10-09 25:00:00\" is not a date and time (accepted: YYYY-MM-DD HH:MM:SS)"),
                (6, "4 cells, the header has 5 (cells are separated by commas; quoting is not supported)"),
                (7, "duration \"-5\" is not a number of seconds (accepted: a number >= 0, e.g. 3600 or 66.0)"),
            ]
        );
        assert_eq!(
            (report.lines, report.header_lines, report.blank_lines),
            (8, 1, 1)
        );
        assert_eq!(report.loaded, 2);
    }

    #[test]
    fn a_header_without_the_needed_columns_is_an_error() {
        let err =
            read_philly("timestamp,runtime,num_gpus,cluster\n".as_bytes(), "p.csv").unwrap_err();
        assert_eq!(
            err.to_string(),
            "p.csv: line 1: header has no column \"duration\" (expected: timestamp,duration,num_gpus,gpu_time,cluster)"
        );
    }
}
