//! `Placement`: one job as this agent sees it — the job, the nodes of its allocation in order
//! (names, agent addresses, GPUs and tasks on each) and which of them is this node. Built from an
//! `Assignment` of the scheduler's stream.

use corral_model::Job;
use corral_proto::v1::Assignment;
use thiserror::Error;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacedNode {
    pub node_id: u64,
    pub name: String,
    /// The node's agent address for task launches (empty when it registered none).
    pub addr: String,
    pub gpus: Vec<u32>,
    pub cpus: u32,
    pub mem_mib: u64,
    pub tasks: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    pub job: Job,
    pub nodes: Vec<PlacedNode>,
    /// This node's position in `nodes` (0 = the node that runs the batch script).
    pub node_index: usize,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum PlacementError {
    #[error("assignment of job {job}: job_json is not a job: {reason}")]
    BadJob { job: u64, reason: String },
    #[error("assignment of job {job}: it has no allocation")]
    NoAllocation { job: u64 },
    #[error("assignment of job {job}: node id {node} is not in its allocation")]
    NotOnThisNode { job: u64, node: u64 },
}

impl Placement {
    pub fn from_assignment(
        assignment: &Assignment,
        this_node: u64,
    ) -> Result<Placement, PlacementError> {
        let job_id = assignment.job_id;
        let job: Job =
            serde_json::from_slice(&assignment.job_json).map_err(|e| PlacementError::BadJob {
                job: job_id,
                reason: e.to_string(),
            })?;
        let allocation = job
            .allocation
            .as_ref()
            .ok_or(PlacementError::NoAllocation { job: job_id })?;
        let nodes: Vec<PlacedNode> = allocation
            .nodes
            .iter()
            .enumerate()
            .map(|(i, placed)| {
                let wire = assignment.nodes.get(i);
                PlacedNode {
                    node_id: u64::from(placed.node.0),
                    name: wire.map(|n| n.name.clone()).unwrap_or_default(),
                    addr: wire.map(|n| n.addr.clone()).unwrap_or_default(),
                    gpus: placed.gpus.clone(),
                    cpus: placed.cpus,
                    mem_mib: placed.mem_mib,
                    tasks: placed.tasks,
                }
            })
            .collect();
        let node_index = nodes.iter().position(|n| n.node_id == this_node).ok_or(
            PlacementError::NotOnThisNode {
                job: job_id,
                node: this_node,
            },
        )?;
        Ok(Placement {
            job,
            nodes,
            node_index,
        })
    }

    pub fn this_node(&self) -> &PlacedNode {
        &self.nodes[self.node_index]
    }

    /// Whether this node runs the batch script.
    pub fn runs_batch_script(&self) -> bool {
        self.node_index == 0
    }

    pub fn total_tasks(&self) -> u32 {
        self.nodes.iter().map(|n| n.tasks.max(1)).sum()
    }

    /// Identifies one run of the job: a requeued job runs again under the same id.
    pub fn run_key(&self) -> RunKey {
        RunKey {
            job: self.job.id.0,
            run: self.job.requeue_count,
        }
    }
}

/// One run of a job: its id and how often it had been requeued when it started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RunKey {
    pub job: u64,
    pub run: u32,
}

impl RunKey {
    /// The run's directory name under the agent's `jobs/`: `42.0`.
    pub fn dir_name(self) -> String {
        format!("{}.{}", self.job, self.run)
    }

    pub fn from_dir_name(name: &str) -> Option<RunKey> {
        let (job, run) = name.split_once('.')?;
        Some(RunKey {
            job: job.parse().ok()?,
            run: run.parse().ok()?,
        })
    }
}
