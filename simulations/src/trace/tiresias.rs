//! Tiresias (SymbioticLab, NSDI'19) simulator inputs: the job CSV
//! `job_id,num_gpu,submit_time,iterations,model_name,duration,interval` and the cluster-shape CSV
//! `num_switch,num_node_p_switch,num_gpu_p_node,num_cpu_p_node,mem_p_node`.
//!
//! Job mapping: `id` = `job_id`, `gpus` = `num_gpu`, `submit_secs` = `submit_time`, `run_secs` =
//! `duration` (seconds), `name` = `model_name`. `iterations` and `interval` (the gap to the
//! previous arrival) are not used.

use super::csv::{cells_exact, for_each_csv_row, Header};
use super::source::{for_each_line, open_trace_file, NotUtf8};
use super::{fields, JobCollector, Trace, TraceError, TraceFormat, TraceJob, TraceReport};
use serde::Serialize;
use std::io::BufRead;
use std::path::Path;

/// The header of the Tiresias job CSV.
pub const TIRESIAS_JOB_HEADER: &str =
    "job_id,num_gpu,submit_time,iterations,model_name,duration,interval";

/// The header of a Tiresias cluster-shape CSV.
pub const TIRESIAS_CLUSTER_HEADER: &str =
    "num_switch,num_node_p_switch,num_gpu_p_node,num_cpu_p_node,mem_p_node";

/// Whether a first line is the Tiresias job header.
pub fn is_header(line: &str) -> bool {
    Header::names_all(line, &["job_id", "num_gpu", "submit_time", "duration"])
}

/// Column positions of the job fields the reader uses.
struct Columns {
    count: usize,
    job_id: usize,
    num_gpu: usize,
    submit_time: usize,
    duration: usize,
    model_name: Option<usize>,
}

impl Columns {
    fn from_header(header: &Header, origin: &str, line: u64) -> Result<Self, TraceError> {
        let require = |name| header.require(name, origin, line, TIRESIAS_JOB_HEADER);
        Ok(Columns {
            count: header.len(),
            job_id: require("job_id")?,
            num_gpu: require("num_gpu")?,
            submit_time: require("submit_time")?,
            duration: require("duration")?,
            model_name: header.find("model_name"),
        })
    }
}

/// Reads a Tiresias job CSV.
pub fn read_tiresias(reader: impl BufRead, origin: &str) -> Result<Trace, TraceError> {
    let mut report = TraceReport::new(origin, TraceFormat::Tiresias);
    let mut collector = JobCollector::default();
    for_each_csv_row(
        reader,
        origin,
        &mut report,
        false,
        Columns::from_header,
        |line, text, columns| {
            collector.add(line, parse_job(text, columns)?);
            Ok(())
        },
    )?;
    Ok(collector.finish(report))
}

fn parse_job(text: &str, columns: &Columns) -> Result<TraceJob, String> {
    let cells = cells_exact(text, columns.count)?;
    let id = fields::job_id("job_id", cells[columns.job_id])?;
    let gpus = fields::positive_count("num_gpu", cells[columns.num_gpu])?;
    let submit_secs = fields::seconds("submit_time", cells[columns.submit_time])?;
    let run_secs = fields::seconds("duration", cells[columns.duration])?;
    let mut job = TraceJob::new(id, submit_secs, run_secs, gpus);
    job.name = columns
        .model_name
        .and_then(|position| fields::label(cells[position]));
    Ok(job)
}

/// A Tiresias cluster shape: switches × nodes per switch × GPUs per node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TiresiasClusterSpec {
    pub switches: u32,
    pub nodes_per_switch: u32,
    pub gpus_per_node: u32,
    pub cpus_per_node: u32,
    /// Memory per node, GiB (Tiresias's `mem_p_node`).
    pub mem_per_node_gib: u32,
}

impl TiresiasClusterSpec {
    pub fn nodes(&self) -> u64 {
        u64::from(self.switches) * u64::from(self.nodes_per_switch)
    }

    pub fn gpus(&self) -> u64 {
        self.nodes() * u64::from(self.gpus_per_node)
    }
}

/// Reads a Tiresias cluster-shape file (e.g. `n32g4.csv`).
pub fn load_tiresias_cluster_spec(path: &Path) -> Result<TiresiasClusterSpec, TraceError> {
    read_tiresias_cluster_spec(open_trace_file(path)?, &path.display().to_string())
}

/// Reads a Tiresias cluster-shape CSV: its header, then exactly one row of whole numbers >= 1.
pub fn read_tiresias_cluster_spec(
    reader: impl BufRead,
    origin: &str,
) -> Result<TiresiasClusterSpec, TraceError> {
    let mut rows: Vec<(u64, String)> = Vec::new();
    for_each_line::<_, TraceError>(reader, origin, |line, text| {
        let text = text.map_err(|_| {
            TraceError::header(origin, line, NotUtf8::REASON, TIRESIAS_CLUSTER_HEADER)
        })?;
        if !text.trim().is_empty() {
            rows.push((line, text.to_string()));
        }
        Ok(())
    })?;
    let expected = format!("the header {TIRESIAS_CLUSTER_HEADER} and one row of numbers");
    let [(header_line, header_text), (row_line, row_text)] = rows.as_slice() else {
        return Err(TraceError::header(
            origin,
            rows.len() as u64,
            format!("{} non-blank lines", rows.len()),
            expected,
        ));
    };
    let header = Header::parse(header_text);
    let names = [
        "num_switch",
        "num_node_p_switch",
        "num_gpu_p_node",
        "num_cpu_p_node",
        "mem_p_node",
    ];
    let mut positions = [0usize; 5];
    for (position, name) in positions.iter_mut().zip(names) {
        *position = header.require(name, origin, *header_line, TIRESIAS_CLUSTER_HEADER)?;
    }
    let cells = cells_exact(row_text, header.len())
        .map_err(|problem| TraceError::header(origin, *row_line, problem, expected.as_str()))?;
    let mut values = [0u32; 5];
    for ((value, position), name) in values.iter_mut().zip(positions).zip(names) {
        *value = fields::positive_count(name, cells[position])
            .map_err(|problem| TraceError::header(origin, *row_line, problem, expected.as_str()))?;
    }
    let [switches, nodes_per_switch, gpus_per_node, cpus_per_node, mem_per_node_gib] = values;
    Ok(TiresiasClusterSpec {
        switches,
        nodes_per_switch,
        gpus_per_node,
        cpus_per_node,
        mem_per_node_gib,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const JOBS: &str = "\
job_id,num_gpu,submit_time,iterations,model_name,duration,interval
0,1,0,606,vgg19,164,30
1,8,30,133,vgg11,147,23
2,two,53,157,inception4,127,26
3,2,79,513,resnet50
1,4,99,138,vgg16,121,33
";

    #[test]
    fn jobs_map_id_gpus_submit_duration_and_model() {
        let trace = read_tiresias(JOBS.as_bytes(), "inline").unwrap();
        assert_eq!(trace.jobs.len(), 2);
        let second = &trace.jobs[1];
        assert_eq!(
            (second.id, second.gpus, second.submit_secs, second.run_secs),
            (1, 8, 30, 147)
        );
        assert_eq!(second.name.as_deref(), Some("vgg11"));
    }

    #[test]
    fn bad_job_rows_are_reported() {
        let trace = read_tiresias(JOBS.as_bytes(), "inline").unwrap();
        let bad: Vec<(u64, &str)> = trace
            .report
            .bad
            .iter()
            .map(|b| (b.line, b.reason.as_str()))
            .collect();
        assert_eq!(
            bad,
            vec![
                (4, "num_gpu \"two\" is not a count (accepted: a whole number from 1 to 4294967295)"),
                (5, "5 cells, the header has 7 (cells are separated by commas; quoting is not supported)"),
                (6, "job id 1 repeats (first on line 3)"),
            ]
        );
    }

    #[test]
    fn cluster_spec_reads_its_single_row_without_a_final_newline() {
        let spec = read_tiresias_cluster_spec(
            "num_switch,num_node_p_switch,num_gpu_p_node,num_cpu_p_node,mem_p_node\n1,32,4,40,256"
                .as_bytes(),
            "n32g4.csv",
        )
        .unwrap();
        assert_eq!(spec.nodes(), 32);
        assert_eq!(spec.gpus(), 128);
        assert_eq!(spec.mem_per_node_gib, 256);
    }

    #[test]
    fn cluster_spec_errors_name_the_problem() {
        let err = read_tiresias_cluster_spec(
            "num_switch,num_node_p_switch,num_gpu_p_node,num_cpu_p_node,mem_p_node\n1,32,0,40,256\n"
                .as_bytes(),
            "x.csv",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.csv: line 2: num_gpu_p_node \"0\" is not a count (accepted: a whole number from 1 to 4294967295) \
             (expected: the header num_switch,num_node_p_switch,num_gpu_p_node,num_cpu_p_node,mem_p_node and one row of numbers)"
        );
        let err = read_tiresias_cluster_spec("".as_bytes(), "empty.csv").unwrap_err();
        assert!(err.to_string().contains("0 non-blank lines"), "{err}");
    }
}
