//! `JobView`: one job as `queue`, `history` and `show job` print it in JSON (and draw it in
//! tables).

use super::NodeNames;
use corral_model::job::ExitStatus;
use corral_model::spec::TimeLimit;
use corral_model::Job;
use corral_proto::convert::outcome_name;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct JobView {
    pub id: u64,
    /// `42`, or `40_2` for an array element.
    pub display_id: String,
    pub array_job_id: Option<u64>,
    pub array_task_id: Option<u32>,
    pub name: String,
    pub user: String,
    pub account: String,
    /// As asked for; `null` = the default partition.
    pub partition: Option<String>,
    pub qos: Option<String>,
    pub state: &'static str,
    /// Why a pending job waits (`Resources`, `Priority`, ...), when the scheduler says.
    pub reason: Option<String>,
    pub reason_detail: Option<String>,
    /// When backfill expects a pending job to start, if it holds a reservation.
    pub reserved_start_time: Option<u64>,
    pub submit_time: u64,
    pub eligible_time: u64,
    pub start_time: Option<u64>,
    pub end_time: Option<u64>,
    /// Run time so far (running) or in all (ended); 0 when it never started.
    pub elapsed_secs: u64,
    /// The job's own limit; `null` = none of its own (the partition's applies).
    pub time_limit_secs: Option<u64>,
    /// Nodes of the allocation, first node first (empty unless RUNNING or COMPLETING).
    pub nodes: Vec<String>,
    /// Nodes asked for (the minimum of `-N MIN-MAX`).
    pub node_count: u32,
    /// GPUs held, or asked for while it holds none.
    pub gpus: u64,
    pub allocation: Vec<NodeAllocationView>,
    pub exit: Option<ExitView>,
    /// GPUs × elapsed hours.
    pub gpu_hours: f64,
    pub requeue_count: u32,
    /// The directory it was submitted from, when known.
    pub submit_dir: Option<String>,
    /// `cancel`, `preempt` or `time_limit` while it is being ended.
    pub ending: Option<&'static str>,
}

#[derive(Clone, Debug, Serialize)]
pub struct NodeAllocationView {
    pub node: String,
    /// NVML indices on that node.
    pub gpus: Vec<u32>,
    pub cpus: u32,
    pub mem_mib: u64,
    pub tasks: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct ExitView {
    /// success, failure, out_of_memory, timeout, killed or node_fail.
    pub outcome: &'static str,
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
}

impl JobView {
    pub fn new(job: &Job, names: &NodeNames, now_secs: u64) -> JobView {
        let name_of = |id| {
            names
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("node#{}", id.0))
        };
        let allocation: Vec<NodeAllocationView> = job
            .allocation
            .iter()
            .flat_map(|a| &a.nodes)
            .map(|n| NodeAllocationView {
                node: name_of(n.node),
                gpus: n.gpus.clone(),
                cpus: n.cpus,
                mem_mib: n.mem_mib,
                tasks: n.tasks,
            })
            .collect();
        let elapsed_secs = elapsed(job, now_secs);
        let gpus = job.gpu_count();
        JobView {
            id: job.id.0,
            display_id: job.display_id(),
            array_job_id: job.array.map(|a| a.array_job_id.0),
            array_task_id: job.array.map(|a| a.task_id),
            name: job.name().to_string(),
            user: job.user.to_string(),
            account: job.account.to_string(),
            partition: job.spec.partition.clone(),
            qos: job.spec.qos.clone(),
            state: job.state.name(),
            reason: None,
            reason_detail: None,
            reserved_start_time: None,
            submit_time: job.submit_secs,
            eligible_time: job.eligible_secs,
            start_time: job.start_secs,
            end_time: job.end_secs,
            elapsed_secs,
            time_limit_secs: match job.spec.time_limit {
                TimeLimit::Secs(secs) => Some(secs),
                TimeLimit::NotSet | TimeLimit::Unlimited => None,
            },
            nodes: allocation.iter().map(|a| a.node.clone()).collect(),
            node_count: job.shape.nodes.min,
            gpus,
            allocation,
            exit: job.exit.as_ref().map(exit_view),
            gpu_hours: gpus as f64 * elapsed_secs as f64 / 3600.0,
            requeue_count: job.requeue_count,
            submit_dir: job.spec.launch.as_ref().map(|l| l.submit_dir.clone()),
            ending: job.ending.as_ref().map(|e| match e {
                corral_model::job::Ending::Cancel { .. } => "cancel",
                corral_model::job::Ending::Preempt { .. } => "preempt",
                corral_model::job::Ending::TimeLimit => "time_limit",
            }),
        }
    }

    /// `code:signal` as sacct prints it (`0:0`, `1:0`, `0:9`); `-` when it has not ended.
    pub fn exit_text(&self) -> String {
        match &self.exit {
            Some(exit) => format!(
                "{}:{}",
                exit.exit_code.unwrap_or(0),
                exit.signal.unwrap_or(0)
            ),
            None => "-".into(),
        }
    }

    /// The nodes it runs on, or `(Reason)` while it waits.
    pub fn nodelist_or_reason(&self) -> String {
        if !self.nodes.is_empty() {
            return self.nodes.join(",");
        }
        match &self.reason {
            Some(reason) => format!("({reason})"),
            None if self.state == "PENDING" => "(Pending)".into(),
            None => "-".into(),
        }
    }
}

fn elapsed(job: &Job, now_secs: u64) -> u64 {
    match (job.start_secs, job.end_secs) {
        (Some(start), Some(end)) if end >= start => end - start,
        (Some(start), None) => now_secs.saturating_sub(start),
        _ => 0,
    }
}

fn exit_view(exit: &ExitStatus) -> ExitView {
    ExitView {
        outcome: outcome_name(exit.outcome),
        exit_code: exit.exit_code,
        signal: exit.signal,
    }
}

/// A pending job with the default spec, for tests.
#[cfg(test)]
pub fn test_job(id: u64, user: &str) -> Job {
    let spec = corral_model::JobSpec::default();
    Job {
        id: corral_model::JobId(id),
        shape: corral_model::shape::Shape::of(&spec),
        spec,
        user: user.into(),
        account: "root".into(),
        submit_secs: 0,
        eligible_secs: 0,
        array: None,
        state: corral_model::JobState::Pending,
        allocation: None,
        start_secs: None,
        end_secs: None,
        ending: None,
        exit: None,
        requeue_count: 0,
        signals: Vec::new(),
    }
}
