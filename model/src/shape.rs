//! `Shape`: what a job needs, derived once from its `JobSpec` at submit time, in the one form that
//! placement, limits, priority and the simulator all read. Derivation follows Slurm's defaults
//! (sbatch(1)): one task per node unless told otherwise, one CPU per task.

use crate::spec::{GpuCount, JobSpec, MemRequest, NodeRange};
use serde::{Deserialize, Serialize};

/// A job's resource demand.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Shape {
    /// How many nodes the job may span.
    pub nodes: NodeRange,
    /// Total tasks (ranks).
    pub tasks: u32,
    /// Fixed tasks per node, if the user asked for it.
    pub tasks_per_node: Option<u32>,
    pub cpus_per_task: u32,
    pub gpus: GpuDemand,
    /// The GPU model asked for, if any (`a100`): matched case-insensitively against the node's model.
    pub gpu_model: Option<String>,
    pub mem: Option<MemRequest>,
    /// Whole nodes, shared with nobody.
    pub exclusive: bool,
}

/// How GPUs are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "per", content = "count", rename_all = "snake_case")]
pub enum GpuDemand {
    None,
    /// `--gpus-per-node` / `--gres=gpu:N`: this many on every node of the allocation.
    PerNode(u32),
    /// `--gpus-per-task`: this many for every task.
    PerTask(u32),
    /// `-G/--gpus`: this many in all, spread as placement sees fit.
    Total(u32),
}

impl Shape {
    /// Derives the demand. `-G` wins over per-node, which wins over per-task, when several are
    /// given (Slurm rejects some mixes; the script parser reports those).
    pub fn of(spec: &JobSpec) -> Shape {
        let (gpus, gpu_model) = gpu_demand(spec);
        let tasks_per_node = spec.ntasks_per_node;
        let explicit_nodes = spec.nodes;
        // `-G N --gpus-per-task=G` without `-n` means N/G tasks, as sbatch works it out.
        let tasks_from_gpus = match (&spec.gpus_per_job, &spec.extras().gpus_per_task) {
            (Some(total), Some(per)) if per.count > 0 => Some(total.count.div_ceil(per.count)),
            _ => None,
        };
        let tasks = match (
            spec.ntasks.or(tasks_from_gpus),
            tasks_per_node,
            explicit_nodes,
        ) {
            (Some(n), _, _) => n,
            (None, Some(per), Some(range)) => per.saturating_mul(range.min),
            (None, Some(per), None) => per,
            (None, None, Some(range)) => range.min,
            (None, None, None) => 1,
        }
        .max(1);
        let nodes = explicit_nodes.unwrap_or_else(|| implied_nodes(tasks, tasks_per_node, gpus));
        Shape {
            nodes,
            tasks,
            tasks_per_node,
            cpus_per_task: spec.cpus_per_task.unwrap_or(1).max(1),
            gpus,
            gpu_model,
            mem: spec.mem,
            exclusive: spec.exclusive,
        }
    }

    /// GPUs the job holds in all when placed on `node_count` nodes.
    pub fn total_gpus_on(&self, node_count: u32) -> u64 {
        match self.gpus {
            GpuDemand::None => 0,
            GpuDemand::PerNode(g) => u64::from(g) * u64::from(node_count),
            GpuDemand::PerTask(g) => u64::from(g) * u64::from(self.tasks),
            GpuDemand::Total(g) => u64::from(g),
        }
    }

    /// GPUs the job holds in all at its smallest node count: what limits and job-size use.
    pub fn min_total_gpus(&self) -> u64 {
        self.total_gpus_on(self.nodes.min)
    }

    /// CPUs the job holds in all.
    pub fn total_cpus(&self) -> u64 {
        u64::from(self.tasks) * u64::from(self.cpus_per_task)
    }
}

fn gpu_demand(spec: &JobSpec) -> (GpuDemand, Option<String>) {
    let pick = |c: &GpuCount, make: fn(u32) -> GpuDemand| (make(c.count), c.model.clone());
    if let Some(c) = &spec.gpus_per_job {
        pick(c, GpuDemand::Total)
    } else if let Some(c) = &spec.gpus_per_node {
        pick(c, GpuDemand::PerNode)
    } else if let Some(c) = &spec.extras().gpus_per_task {
        pick(c, GpuDemand::PerTask)
    } else {
        (GpuDemand::None, None)
    }
}

/// Without `-N`: a fixed tasks-per-node pins the node count; otherwise the job may spread its
/// tasks (or its `-G` GPUs) over as many nodes as it has tasks (or GPUs), and placement prefers one.
fn implied_nodes(tasks: u32, tasks_per_node: Option<u32>, gpus: GpuDemand) -> NodeRange {
    if let Some(per) = tasks_per_node {
        let n = tasks.div_ceil(per.max(1)).max(1);
        return NodeRange { min: n, max: n };
    }
    let spread = match gpus {
        GpuDemand::Total(g) => g.max(1),
        _ => tasks,
    };
    NodeRange {
        min: 1,
        max: spread.max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::SpecExtras;

    fn gpus(n: u32) -> Option<GpuCount> {
        Some(GpuCount {
            model: None,
            count: n,
        })
    }

    #[test]
    fn a_bare_job_is_one_task_on_one_node() {
        let s = Shape::of(&JobSpec::default());
        assert_eq!(s.nodes, NodeRange { min: 1, max: 1 });
        assert_eq!((s.tasks, s.cpus_per_task), (1, 1));
        assert_eq!(s.gpus, GpuDemand::None);
    }

    #[test]
    fn nodes_times_tasks_per_node_gives_the_task_count() {
        let spec = JobSpec {
            nodes: Some(NodeRange { min: 2, max: 2 }),
            ntasks_per_node: Some(8),
            gpus_per_node: gpus(8),
            ..JobSpec::default()
        };
        let s = Shape::of(&spec);
        assert_eq!(s.tasks, 16);
        assert_eq!(s.total_gpus_on(2), 16);
    }

    #[test]
    fn tasks_with_a_fixed_per_node_count_pin_the_nodes() {
        let spec = JobSpec {
            ntasks: Some(12),
            ntasks_per_node: Some(4),
            extras: SpecExtras {
                gpus_per_task: gpus(1),
                ..SpecExtras::default()
            }
            .into(),
            ..JobSpec::default()
        };
        let s = Shape::of(&spec);
        assert_eq!(s.nodes, NodeRange { min: 3, max: 3 });
        assert_eq!(s.min_total_gpus(), 12);
    }

    #[test]
    fn total_gpus_with_gpus_per_task_imply_the_task_count() {
        let spec = JobSpec {
            gpus_per_job: gpus(4),
            extras: SpecExtras {
                gpus_per_task: gpus(1),
                ..SpecExtras::default()
            }
            .into(),
            ..JobSpec::default()
        };
        let s = Shape::of(&spec);
        assert_eq!(s.tasks, 4);
        assert_eq!(s.min_total_gpus(), 4);
        assert_eq!(s.nodes, NodeRange { min: 1, max: 4 });
    }

    #[test]
    fn total_gpus_may_spread() {
        let spec = JobSpec {
            gpus_per_job: gpus(16),
            ..JobSpec::default()
        };
        let s = Shape::of(&spec);
        assert_eq!(s.nodes, NodeRange { min: 1, max: 16 });
        assert_eq!(s.min_total_gpus(), 16);
    }
}
