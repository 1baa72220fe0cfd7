//! `CommitPlan`: re-verifies every start of a scheduling plan against the state as it is now and
//! takes or refuses each start whole, then marks preemption victims. A plan made on a stale view
//! can therefore never double-book a GPU: the stale parts are refused with a reason.

use super::end::must_transition;
use crate::cluster::ClusterState;
use crate::command::{PlanCommit, PlanReport, PreemptOrder, Refusal, StartOrder};
use crate::gpu_model::gpu_model_matches;
use crate::job::{Ending, Job};
use crate::node::{GpuHealth, Node};
use crate::shape::GpuDemand;
use crate::state_machine::JobState;
use std::collections::BTreeSet;

impl ClusterState {
    pub(super) fn apply_plan(&mut self, plan: PlanCommit) -> PlanReport {
        let mut report = PlanReport::default();
        for order in plan.preemptions {
            match self.preempt(&order) {
                Ok(()) => report.preempted.push(order.victim),
                Err(reason) => report.refused.push(Refusal {
                    job: order.victim,
                    reason,
                }),
            }
        }
        for start in plan.starts {
            match self.verify_start(&start) {
                Ok(exclusive) => {
                    self.take_resources(start.job, &start.allocation, exclusive);
                    let now = self.now_secs;
                    if let Some(job) = self.jobs.get_mut(&start.job) {
                        must_transition(job, JobState::Running);
                        job.allocation = Some(start.allocation);
                        job.start_secs = Some(now);
                        job.end_secs = None;
                        job.exit = None;
                    }
                    self.pending.remove(&start.job);
                    self.holding.insert(start.job);
                    report.started.push(start.job);
                }
                Err(reason) => report.refused.push(Refusal {
                    job: start.job,
                    reason,
                }),
            }
        }
        report
    }

    fn preempt(&mut self, order: &PreemptOrder) -> Result<(), String> {
        let job = self
            .jobs
            .get_mut(&order.victim)
            .ok_or_else(|| format!("job {} does not exist", order.victim))?;
        if job.state != JobState::Running {
            return Err(format!("job {} is {}, not RUNNING", job.id, job.state));
        }
        must_transition(job, JobState::Completing);
        job.ending = Some(Ending::Preempt {
            by: order.by,
            requeue: order.requeue,
        });
        Ok(())
    }

    /// Checks a start against the current state. Returns whether it is exclusive.
    fn verify_start(&self, start: &StartOrder) -> Result<bool, String> {
        let job = self
            .jobs
            .get(&start.job)
            .ok_or_else(|| format!("job {} does not exist", start.job))?;
        if job.state != JobState::Pending {
            return Err(format!("job {} is {}, not PENDING", job.id, job.state));
        }
        if job.eligible_secs > self.now_secs {
            return Err(format!(
                "job {} may not start before {} (now {})",
                job.id, job.eligible_secs, self.now_secs
            ));
        }
        verify_gang_shape(job, start)?;
        for part in &start.allocation.nodes {
            let node = self
                .nodes
                .get(&part.node)
                .ok_or_else(|| format!("node {} does not exist", part.node))?;
            verify_node_part(job, node, part)?;
        }
        Ok(job.shape.exclusive)
    }
}

/// The allocation covers the whole gang: node count in range, every task placed, GPU counts as
/// the job asked, each node listed once.
fn verify_gang_shape(job: &Job, start: &StartOrder) -> Result<(), String> {
    let shape = &job.shape;
    let parts = &start.allocation.nodes;
    let count = parts.len() as u32;
    if count < shape.nodes.min || count > shape.nodes.max {
        return Err(format!(
            "job {} needs {}..={} nodes, plan gives {count}",
            job.id, shape.nodes.min, shape.nodes.max
        ));
    }
    let distinct: BTreeSet<_> = parts.iter().map(|p| p.node).collect();
    if distinct.len() != parts.len() {
        return Err(format!("job {}: a node is listed twice", job.id));
    }
    let tasks: u64 = parts.iter().map(|p| u64::from(p.tasks)).sum();
    if tasks != u64::from(shape.tasks) || parts.iter().any(|p| p.tasks == 0) {
        return Err(format!(
            "job {} has {} tasks, plan places {tasks} (every node needs at least one)",
            job.id, shape.tasks
        ));
    }
    if let Some(per) = shape.tasks_per_node {
        if parts.iter().any(|p| p.tasks != per) {
            return Err(format!("job {} needs {per} tasks on every node", job.id));
        }
    }
    let gpus: u64 = parts.iter().map(|p| p.gpus.len() as u64).sum();
    if gpus != shape.total_gpus_on(count) {
        return Err(format!(
            "job {} needs {} GPUs on {count} nodes, plan gives {gpus}",
            job.id,
            shape.total_gpus_on(count)
        ));
    }
    Ok(())
}

/// One node's share: the node is up, the GPUs exist, are healthy, free, distinct and of the
/// model asked for; CPUs and memory fit; exclusivity holds both ways.
fn verify_node_part(
    job: &Job,
    node: &Node,
    part: &crate::job::NodeAllocation,
) -> Result<(), String> {
    let name = node.name();
    if !node.is_up() {
        return Err(format!("node {name} is {}", node.state.name()));
    }
    if node.usage.exclusive_owner.is_some() || (job.shape.exclusive && !node.is_idle()) {
        return Err(format!("node {name} is not free for an exclusive job"));
    }
    let expected_gpus = match job.shape.gpus {
        GpuDemand::PerNode(g) => Some(g),
        GpuDemand::PerTask(g) => Some(g.saturating_mul(part.tasks)),
        GpuDemand::None => Some(0),
        GpuDemand::Total(_) => None,
    };
    if let Some(expected) = expected_gpus {
        if part.gpus.len() as u64 != u64::from(expected) {
            return Err(format!(
                "job {} needs {expected} GPUs on node {name}, plan gives {}",
                job.id,
                part.gpus.len()
            ));
        }
    }
    let distinct: BTreeSet<u32> = part.gpus.iter().copied().collect();
    if distinct.len() != part.gpus.len() {
        return Err(format!("node {name}: a GPU is listed twice"));
    }
    for &index in &part.gpus {
        let slot = node
            .gpu_slot(index)
            .ok_or_else(|| format!("node {name} has no GPU {index}"))?;
        let gpu = &node.spec.gpus[slot];
        if let Some(owner) = node.usage.gpu_owner[slot] {
            return Err(format!("node {name} GPU {index} is held by job {owner}"));
        }
        if let GpuHealth::Unhealthy(reason) = &gpu.health {
            return Err(format!("node {name} GPU {index} is unhealthy: {reason}"));
        }
        if let Some(model) = &job.shape.gpu_model {
            if !gpu_model_matches(model, &gpu.model) {
                return Err(format!(
                    "node {name} GPU {index} is a {}, job wants {model}",
                    gpu.model
                ));
            }
        }
    }
    let cpus_needed = part.tasks.saturating_mul(job.shape.cpus_per_task);
    if part.cpus < cpus_needed || part.cpus > node.free_cpus() {
        return Err(format!(
            "node {name}: {} CPUs given, job needs {cpus_needed}, {} free",
            part.cpus,
            node.free_cpus()
        ));
    }
    if part.mem_mib > node.free_mem_mib() {
        return Err(format!(
            "node {name}: {} MiB given, {} MiB free",
            part.mem_mib,
            node.free_mem_mib()
        ));
    }
    Ok(())
}
