//! Corral's native trace format: a CSV whose header names its columns, one job per line, `#`
//! comment lines. The full definition is in `simulations/TRACE_FORMAT.md`.

use super::csv::{cells_exact, for_each_csv_row, Header};
use super::{fields, JobCollector, Trace, TraceError, TraceFormat, TraceJob, TraceReport};
use std::io::BufRead;

/// Columns every native trace has.
pub const REQUIRED_COLUMNS: [&str; 3] = ["submit_secs", "run_secs", "gpus"];

/// Columns a native trace may add, in any order.
pub const OPTIONAL_COLUMNS: [&str; 10] = [
    "id",
    "requested_secs",
    "user",
    "account",
    "gpus_per_node",
    "nodes",
    "gpu_model",
    "partition",
    "qos",
    "name",
];

/// Whether a first line is a native header.
pub fn is_header(line: &str) -> bool {
    Header::names_all(line, &["submit_secs"])
}

fn expected_header() -> String {
    format!(
        "columns {} and optionally {}, comma-separated, each at most once",
        REQUIRED_COLUMNS.join(","),
        OPTIONAL_COLUMNS.join(",")
    )
}

/// Column positions, `None` for an optional column the file leaves out.
struct Columns {
    count: usize,
    submit_secs: usize,
    run_secs: usize,
    gpus: usize,
    id: Option<usize>,
    requested_secs: Option<usize>,
    user: Option<usize>,
    account: Option<usize>,
    gpus_per_node: Option<usize>,
    nodes: Option<usize>,
    gpu_model: Option<usize>,
    partition: Option<usize>,
    qos: Option<usize>,
    name: Option<usize>,
}

impl Columns {
    fn from_header(header: &Header, origin: &str, line: u64) -> Result<Self, TraceError> {
        check_column_names(header, origin, line)?;
        let expected = expected_header();
        let require = |name| header.require(name, origin, line, expected.as_str());
        Ok(Columns {
            count: header.len(),
            submit_secs: require("submit_secs")?,
            run_secs: require("run_secs")?,
            gpus: require("gpus")?,
            id: header.find("id"),
            requested_secs: header.find("requested_secs"),
            user: header.find("user"),
            account: header.find("account"),
            gpus_per_node: header.find("gpus_per_node"),
            nodes: header.find("nodes"),
            gpu_model: header.find("gpu_model"),
            partition: header.find("partition"),
            qos: header.find("qos"),
            name: header.find("name"),
        })
    }
}

fn check_column_names(header: &Header, origin: &str, line: u64) -> Result<(), TraceError> {
    let mut seen: Vec<&str> = Vec::new();
    for name in header.names() {
        let known = REQUIRED_COLUMNS.contains(&name) || OPTIONAL_COLUMNS.contains(&name);
        let problem = if !known {
            format!("unknown column {name:?}")
        } else if seen.contains(&name) {
            format!("column {name:?} appears twice")
        } else {
            seen.push(name);
            continue;
        };
        return Err(TraceError::header(origin, line, problem, expected_header()));
    }
    Ok(())
}

/// Reads a native trace.
pub fn read_native(reader: impl BufRead, origin: &str) -> Result<Trace, TraceError> {
    let mut report = TraceReport::new(origin, TraceFormat::Native);
    let mut collector = JobCollector::default();
    for_each_csv_row(
        reader,
        origin,
        &mut report,
        true,
        Columns::from_header,
        |line, text, columns| {
            collector.add(line, parse_job(line, text, columns)?);
            Ok(())
        },
    )?;
    Ok(collector.finish(report))
}

fn parse_job(line: u64, text: &str, columns: &Columns) -> Result<TraceJob, String> {
    let cells = cells_exact(text, columns.count)?;
    let cell = |position: Option<usize>| position.map(|position| cells[position].trim());
    let present = |position: Option<usize>| cell(position).filter(|text| !text.is_empty());
    let id = match cell(columns.id) {
        Some(text) => fields::job_id("id", text)?,
        None => line,
    };
    let submit_secs = fields::seconds("submit_secs", cells[columns.submit_secs])?;
    let run_secs = fields::seconds("run_secs", cells[columns.run_secs])?;
    let gpus = fields::positive_count("gpus", cells[columns.gpus])?;
    let mut job = TraceJob::new(id, submit_secs, run_secs, gpus);
    job.requested_secs = present(columns.requested_secs)
        .map(requested_secs)
        .transpose()?;
    let gpus_per_node = present(columns.gpus_per_node)
        .map(|text| fields::positive_count("gpus_per_node", text))
        .transpose()?;
    let nodes = present(columns.nodes)
        .map(|text| fields::positive_count("nodes", text))
        .transpose()?;
    (job.nodes, job.gpus_per_node) = job_shape(gpus, nodes, gpus_per_node)?;
    job.user = present(columns.user).and_then(fields::label);
    job.account = present(columns.account).and_then(fields::label);
    job.gpu_model = present(columns.gpu_model).and_then(fields::label);
    job.partition = present(columns.partition).and_then(fields::label);
    job.qos = present(columns.qos).and_then(fields::label);
    job.name = present(columns.name).and_then(fields::label);
    Ok(job)
}

fn requested_secs(text: &str) -> Result<u64, String> {
    match fields::seconds("requested_secs", text)? {
        0 => Err(format!(
            "requested_secs {text:?} is zero (accepted: seconds >= 1, or an empty cell for no limit)"
        )),
        secs => Ok(secs),
    }
}

/// Nodes and GPUs per node from whichever of the two the row gives; they must multiply to `gpus`.
fn job_shape(
    gpus: u32,
    nodes: Option<u32>,
    gpus_per_node: Option<u32>,
) -> Result<(Option<u32>, Option<u32>), String> {
    match (nodes, gpus_per_node) {
        (None, None) => Ok((None, None)),
        (Some(nodes), Some(per_node)) if u64::from(nodes) * u64::from(per_node) == u64::from(gpus) => {
            Ok((Some(nodes), Some(per_node)))
        }
        (Some(nodes), Some(per_node)) => Err(format!(
            "nodes {nodes} x gpus_per_node {per_node} is not gpus {gpus} (accepted: nodes x gpus_per_node = gpus)"
        )),
        (Some(nodes), None) if gpus.is_multiple_of(nodes) => Ok((Some(nodes), Some(gpus / nodes))),
        (None, Some(per_node)) if gpus.is_multiple_of(per_node) => Ok((Some(gpus / per_node), Some(per_node))),
        (Some(nodes), None) => Err(format!(
            "gpus {gpus} do not split evenly over nodes {nodes} (accepted: gpus a multiple of nodes)"
        )),
        (None, Some(per_node)) => Err(format!(
            "gpus {gpus} are not a multiple of gpus_per_node {per_node} (accepted: gpus a multiple of gpus_per_node)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
# a small native trace
submit_secs,run_secs,gpus,gpus_per_node,nodes,requested_secs,user,account,gpu_model,partition,qos,name
0,3600,8,8,,7200,alice,vision,H100,gpu,normal,resnet
30,60,16,,2,,bob,nlp,,,,
45,60,6,4,,,bob,nlp,,,,
50,60,4,,,0,bob,nlp,,,,
60,sixty,4,,,,bob,nlp,,,,
";

    #[test]
    fn rows_fill_every_field_and_derive_the_shape() {
        let trace = read_native(SAMPLE.as_bytes(), "inline").unwrap();
        assert_eq!(trace.jobs.len(), 2);
        let first = &trace.jobs[0];
        assert_eq!(first.id, 3, "no id column: the id is the line number");
        assert_eq!(
            (first.submit_secs, first.run_secs, first.gpus),
            (0, 3600, 8)
        );
        assert_eq!((first.nodes, first.gpus_per_node), (Some(1), Some(8)));
        assert_eq!(first.requested_secs, Some(7200));
        assert_eq!(first.user.as_deref(), Some("alice"));
        assert_eq!(first.account.as_deref(), Some("vision"));
        assert_eq!(first.gpu_model.as_deref(), Some("H100"));
        assert_eq!(first.partition.as_deref(), Some("gpu"));
        assert_eq!(first.qos.as_deref(), Some("normal"));
        assert_eq!(first.name.as_deref(), Some("resnet"));
        let second = &trace.jobs[1];
        assert_eq!((second.nodes, second.gpus_per_node), (Some(2), Some(8)));
        assert_eq!(second.requested_secs, None);
        assert_eq!(second.gpu_model, None);
    }

    #[test]
    fn bad_rows_are_reported_and_comments_counted() {
        let trace = read_native(SAMPLE.as_bytes(), "inline").unwrap();
        let bad: Vec<(u64, &str)> = trace
            .report
            .bad
            .iter()
            .map(|b| (b.line, b.reason.as_str()))
            .collect();
        assert_eq!(
            bad,
            vec![
                (5, "gpus 6 are not a multiple of gpus_per_node 4 (accepted: gpus a multiple of gpus_per_node)"),
                (6, "requested_secs \"0\" is zero (accepted: seconds >= 1, or an empty cell for no limit)"),
                (7, "run_secs \"sixty\" is not a number of seconds (accepted: a number >= 0, e.g. 3600 or 66.0)"),
            ]
        );
        assert_eq!(trace.report.comment_lines, 1);
        assert_eq!(trace.report.header_lines, 1);
    }

    #[test]
    fn explicit_ids_are_used_and_repeats_rejected() {
        let text = "id,submit_secs,run_secs,gpus\n7,0,10,1\n7,5,10,1\n";
        let trace = read_native(text.as_bytes(), "inline").unwrap();
        assert_eq!(trace.jobs[0].id, 7);
        assert_eq!(
            trace.report.bad[0].reason,
            "job id 7 repeats (first on line 2)"
        );
    }

    #[test]
    fn unknown_or_repeated_or_missing_columns_are_header_errors() {
        let unknown = read_native("submit_secs,run_secs,gpu\n".as_bytes(), "t.csv").unwrap_err();
        assert_eq!(
            unknown.to_string(),
            "t.csv: line 1: unknown column \"gpu\" (expected: columns submit_secs,run_secs,gpus and optionally \
             id,requested_secs,user,account,gpus_per_node,nodes,gpu_model,partition,qos,name, comma-separated, each at most once)"
        );
        let twice =
            read_native("submit_secs,run_secs,gpus,user,user\n".as_bytes(), "t.csv").unwrap_err();
        assert!(
            twice.to_string().contains("column \"user\" appears twice"),
            "{twice}"
        );
        let missing = read_native("submit_secs,gpus\n".as_bytes(), "t.csv").unwrap_err();
        assert!(
            missing.to_string().contains("no column \"run_secs\""),
            "{missing}"
        );
    }
}
