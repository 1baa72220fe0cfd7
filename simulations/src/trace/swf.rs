//! Standard Workload Format (Parallel Workloads Archive) reader: `;` header comments, then one job
//! per line as 18 whitespace-separated fields. Gives both the raw records (for modes that need the
//! original fields, such as the RLScheduler compatibility mode) and [`TraceJob`]s.
//!
//! Field meanings follow the SWF definition at
//! <https://www.cs.huji.ac.il/labs/parallel/workload/swf.html>: 1 job id, 2 submit, 3 wait, 4 run
//! time, 5 allocated processors, 6 average CPU time, 7 used memory, 8 requested processors,
//! 9 requested time, 10 requested memory, 11 status, 12 user, 13 group, 14 executable, 15 queue,
//! 16 partition, 17 preceding job, 18 think time; `-1` means unknown.

use super::source::{for_each_line, NotUtf8};
use super::{fields, JobCollector, Trace, TraceError, TraceFormat, TraceJob, TraceReport};
use std::collections::BTreeMap;
use std::io::BufRead;

/// Number of fields on a SWF job line.
pub const SWF_FIELD_COUNT: usize = 18;

/// One SWF job line, fields as written (`-1` = unknown), times in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwfRecord {
    /// 1-based line number in the file.
    pub line: u64,
    pub job_id: i64,
    pub submit_secs: i64,
    pub wait_secs: i64,
    pub run_secs: i64,
    pub allocated_procs: i64,
    pub requested_procs: i64,
    pub requested_secs: i64,
    pub status: i64,
    pub user_id: i64,
    pub group_id: i64,
    pub queue: i64,
    pub partition: i64,
}

/// The `; Key: value` lines of a SWF header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SwfHeader {
    /// Keys as written (e.g. `MaxNodes`), values trimmed; the first occurrence of a key wins.
    pub entries: BTreeMap<String, String>,
}

impl SwfHeader {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(String::as_str)
    }

    /// `; MaxNodes:` as a number, when present and numeric.
    pub fn max_nodes(&self) -> Option<u64> {
        self.get("MaxNodes")?.parse().ok()
    }

    /// `; MaxProcs:` as a number, when present and numeric.
    pub fn max_procs(&self) -> Option<u64> {
        self.get("MaxProcs")?.parse().ok()
    }

    fn record_comment(&mut self, comment: &str) {
        let body = comment.trim_start_matches(';').trim();
        if let Some((key, value)) = body.split_once(':') {
            let key = key.trim();
            if !key.is_empty() && !key.contains(char::is_whitespace) {
                self.entries
                    .entry(key.to_string())
                    .or_insert_with(|| value.trim().to_string());
            }
        }
    }
}

/// A SWF file read as raw records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwfFile {
    pub header: SwfHeader,
    /// Well-formed job lines, in file order.
    pub records: Vec<SwfRecord>,
    /// Line accounting; `loaded` counts `records`.
    pub report: TraceReport,
}

/// Reads every well-formed SWF job line as a raw [`SwfRecord`]; malformed lines go to
/// `report.bad`.
pub fn read_swf_records(reader: impl BufRead, origin: &str) -> Result<SwfFile, TraceError> {
    let mut records = Vec::new();
    let (header, mut report) = scan_swf(reader, origin, |record| {
        records.push(record);
        Ok(())
    })?;
    report.loaded = records.len();
    Ok(SwfFile {
        header,
        records,
        report,
    })
}

/// Reads a SWF trace into [`TraceJob`]s (see [`swf_record_to_job`] for the mapping).
pub fn read_swf(reader: impl BufRead, origin: &str) -> Result<Trace, TraceError> {
    let mut collector = JobCollector::default();
    let mut labels = NumberLabels::default();
    let (_header, report) = scan_swf(reader, origin, |record| {
        collector.add(record.line, swf_job(&record, &mut labels)?);
        Ok(())
    })?;
    Ok(collector.finish(report))
}

/// Maps a SWF record to a [`TraceJob`]: GPUs = max(allocated, requested processors), which must
/// be at least 1; the run time must be known (>= 0); the requested time is kept when positive;
/// user = field 12, account = group (field 13), partition = queue (field 15), when known.
pub fn swf_record_to_job(record: &SwfRecord) -> Result<TraceJob, String> {
    swf_job(record, &mut NumberLabels::default())
}

fn swf_job(record: &SwfRecord, labels: &mut NumberLabels) -> Result<TraceJob, String> {
    let id = u64::try_from(record.job_id)
        .map_err(|_| format!("job id {} is negative (accepted: >= 0)", record.job_id))?;
    let submit_secs = u64::try_from(record.submit_secs).map_err(|_| {
        format!(
            "submit time {} is negative (accepted: seconds >= 0)",
            record.submit_secs
        )
    })?;
    let run_secs = u64::try_from(record.run_secs).map_err(|_| {
        format!(
            "run time {} is unknown or negative (accepted: seconds >= 0)",
            record.run_secs
        )
    })?;
    let procs = record.allocated_procs.max(record.requested_procs);
    let gpus = u32::try_from(procs).ok().filter(|&gpus| gpus >= 1).ok_or_else(|| {
        format!(
            "processor count unknown: allocated {}, requested {} (accepted: at least one of them from 1 to {})",
            record.allocated_procs,
            record.requested_procs,
            u32::MAX
        )
    })?;
    let mut job = TraceJob::new(id, submit_secs, run_secs, gpus);
    job.requested_secs = u64::try_from(record.requested_secs)
        .ok()
        .filter(|&secs| secs > 0);
    job.user = labels.label(record.user_id);
    job.account = labels.label(record.group_id);
    job.partition = labels.label(record.queue);
    Ok(job)
}

/// Text labels for SWF numbers (user, group, queue), formatted once per small number: a long
/// trace repeats the same few thousand ids hundreds of thousands of times.
#[derive(Default)]
struct NumberLabels {
    formatted: Vec<Option<String>>,
}

impl NumberLabels {
    const CACHED_BELOW: i64 = 1 << 16;

    /// The number as text; `None` for a negative (unknown) number.
    fn label(&mut self, value: i64) -> Option<String> {
        if value < 0 {
            return None;
        }
        if value >= Self::CACHED_BELOW {
            return Some(value.to_string());
        }
        let index = value as usize;
        if self.formatted.len() <= index {
            self.formatted.resize(index + 1, None);
        }
        Some(
            self.formatted[index]
                .get_or_insert_with(|| value.to_string())
                .clone(),
        )
    }
}

/// Walks a SWF stream: header comments into the header, job lines parsed and handed to `sink`
/// (which may reject them with a reason), everything else counted in the report.
fn scan_swf(
    reader: impl BufRead,
    origin: &str,
    mut sink: impl FnMut(SwfRecord) -> Result<(), String>,
) -> Result<(SwfHeader, TraceReport), TraceError> {
    let mut header = SwfHeader::default();
    let mut report = TraceReport::new(origin, TraceFormat::Swf);
    for_each_line::<_, TraceError>(reader, origin, |line, text| {
        report.lines = line;
        let Ok(text) = text else {
            report.reject(line, NotUtf8::REASON);
            return Ok(());
        };
        let trimmed = text.trim();
        if trimmed.starts_with(';') {
            report.comment_lines += 1;
            header.record_comment(trimmed);
        } else if trimmed.is_empty() {
            report.blank_lines += 1;
        } else if let Err(reason) = parse_record(line, trimmed).and_then(&mut sink) {
            report.reject(line, reason);
        }
        Ok(())
    })?;
    Ok((header, report))
}

/// Field positions (0-based) and names of the SWF fields a [`SwfRecord`] keeps.
const KEPT_FIELDS: [(usize, &str); 12] = [
    (0, "job id"),
    (1, "submit time"),
    (2, "wait time"),
    (3, "run time"),
    (4, "allocated processors"),
    (7, "requested processors"),
    (8, "requested time"),
    (10, "status"),
    (11, "user id"),
    (12, "group id"),
    (14, "queue"),
    (15, "partition"),
];

fn parse_record(line: u64, text: &str) -> Result<SwfRecord, String> {
    let mut cells = [""; SWF_FIELD_COUNT];
    let count = split_fields(text, &mut cells);
    if count != SWF_FIELD_COUNT {
        return Err(format!(
            "{count} fields (accepted: {SWF_FIELD_COUNT} whitespace-separated SWF fields)"
        ));
    }
    let mut values = [0i64; KEPT_FIELDS.len()];
    for (value, &(position, name)) in values.iter_mut().zip(KEPT_FIELDS.iter()) {
        let cell = cells[position];
        *value = fields::swf_integer(cell).ok_or_else(|| {
            format!(
                "field {} ({name}) {cell:?} is not a number (accepted: an integer, or -1 for unknown)",
                position + 1
            )
        })?;
    }
    let [job_id, submit_secs, wait_secs, run_secs, allocated_procs, requested_procs, requested_secs, status, user_id, group_id, queue, partition] =
        values;
    Ok(SwfRecord {
        line,
        job_id,
        submit_secs,
        wait_secs,
        run_secs,
        allocated_procs,
        requested_procs,
        requested_secs,
        status,
        user_id,
        group_id,
        queue,
        partition,
    })
}

/// Splits a line on ASCII whitespace into `cells`; returns how many fields the line has (which
/// may be more than `cells` holds).
fn split_fields<'a>(text: &'a str, cells: &mut [&'a str]) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut position = 0;
    while position < bytes.len() {
        while position < bytes.len() && bytes[position].is_ascii_whitespace() {
            position += 1;
        }
        if position == bytes.len() {
            break;
        }
        let start = position;
        while position < bytes.len() && !bytes[position].is_ascii_whitespace() {
            position += 1;
        }
        if let Some(cell) = cells.get_mut(count) {
            *cell = &text[start..position];
        }
        count += 1;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
; Version: 2
; MaxNodes: 128
; MaxProcs: 1024
1 0 5 100 8 -1 -1 8 3600 -1 1 7 3 -1 2 -1 -1 -1
2 10 0 50 -1 -1 -1 16 -1 -1 1 -1 -1 -1 -1 -1 -1 -1

3 20 0 -1 4 -1 -1 4 60 -1 0 7 3 -1 1 -1 -1 -1
4 30 0 10 4 -1 -1
5 40 0 abc 4 -1 -1 4 60 -1 1 7 3 -1 1 -1 -1 -1
6 50 0 12.6 -1 -1 -1 -1 60 -1 1 7 3 -1 1 -1 -1 -1
1 60 0 10 2 -1 -1 2 60 -1 1 7 3 -1 1 -1 -1 -1
";

    #[test]
    fn raw_records_keep_the_fields_and_report_malformed_lines() {
        let file = read_swf_records(SAMPLE.as_bytes(), "inline").unwrap();
        assert_eq!(file.header.max_nodes(), Some(128));
        assert_eq!(file.header.max_procs(), Some(1024));
        assert_eq!(file.header.get("Version"), Some("2"));
        let ids: Vec<i64> = file.records.iter().map(|r| r.job_id).collect();
        assert_eq!(ids, vec![1, 2, 3, 6, 1]);
        assert_eq!(file.records[0].requested_secs, 3600);
        assert_eq!(file.records[0].line, 4);
        assert_eq!(file.records[3].run_secs, 13, "decimal run time rounds");
        assert_eq!(file.report.lines, 11);
        assert_eq!(file.report.comment_lines, 3);
        assert_eq!(file.report.blank_lines, 1);
        assert_eq!(file.report.loaded, 5);
        let bad_lines: Vec<u64> = file.report.bad.iter().map(|b| b.line).collect();
        assert_eq!(bad_lines, vec![8, 9]);
        assert_eq!(
            file.report.bad[0].reason,
            "7 fields (accepted: 18 whitespace-separated SWF fields)"
        );
        assert_eq!(
            file.report.bad[1].reason,
            "field 4 (run time) \"abc\" is not a number (accepted: an integer, or -1 for unknown)"
        );
    }

    #[test]
    fn trace_jobs_map_fields_and_reject_unknown_runs_sizes_and_repeated_ids() {
        let trace = read_swf(SAMPLE.as_bytes(), "inline").unwrap();
        let ids: Vec<u64> = trace.jobs.iter().map(|job| job.id).collect();
        assert_eq!(ids, vec![1, 2]);
        let first = &trace.jobs[0];
        assert_eq!((first.submit_secs, first.run_secs, first.gpus), (0, 100, 8));
        assert_eq!(first.requested_secs, Some(3600));
        assert_eq!(first.user.as_deref(), Some("7"));
        assert_eq!(first.account.as_deref(), Some("3"));
        assert_eq!(first.partition.as_deref(), Some("2"));
        let second = &trace.jobs[1];
        assert_eq!(
            second.gpus, 16,
            "requested processors when allocated is unknown"
        );
        assert_eq!(second.requested_secs, None);
        assert_eq!(second.user, None);

        let report = &trace.report;
        assert_eq!(report.loaded, 2);
        let bad: Vec<(u64, &str)> = report
            .bad
            .iter()
            .map(|b| (b.line, b.reason.as_str()))
            .collect();
        assert_eq!(bad.len(), 5);
        assert_eq!(
            bad[0],
            (
                7,
                "run time -1 is unknown or negative (accepted: seconds >= 0)"
            )
        );
        assert!(bad[3].1.starts_with("processor count unknown"), "{bad:?}");
        assert_eq!(bad[4], (11, "job id 1 repeats (first on line 4)"));
    }

    #[test]
    fn fields_split_on_any_ascii_whitespace_and_extra_fields_are_counted() {
        let mut cells = [""; 3];
        assert_eq!(split_fields("  1\t 2   3 4 ", &mut cells), 4);
        assert_eq!(cells, ["1", "2", "3"]);
        assert_eq!(split_fields("", &mut cells), 0);
    }

    #[test]
    fn every_line_is_accounted_for() {
        let trace = read_swf(SAMPLE.as_bytes(), "inline").unwrap();
        let r = &trace.report;
        assert_eq!(
            r.lines,
            r.header_lines + r.comment_lines + r.blank_lines + r.loaded as u64 + r.bad.len() as u64
        );
    }
}
