//! A step's plan: which nodes of the job it uses, which global ranks run on each (block
//! distribution, as Slurm's default), which GPUs each task sees, and the requests to send.

use super::args::StepArgs;
use super::layout::JobLayout;
use corral_proto::v1::{RunTasksRequest, TaskGpus};
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeStep {
    pub node_index: u32,
    pub name: String,
    pub addr: String,
    pub ranks: Vec<u32>,
    pub task_gpus: Vec<Vec<u32>>,
}

/// The default port torch.distributed's rendezvous gets: the same for every task of the job.
pub fn master_port(job_id: u64) -> u16 {
    20_000 + (job_id % 20_000) as u16
}

pub fn plan(args: &StepArgs, layout: &JobLayout) -> Result<Vec<NodeStep>, String> {
    let available = layout.nodes.len() as u32;
    let node_count = match (args.nodes, args.ntasks) {
        (Some(n), _) if n > available => {
            return Err(format!("-N {n}: the job has {available} node(s)"));
        }
        (Some(n), Some(t)) if t < n => {
            return Err(format!("-n {t} tasks cannot span -N {n} nodes"));
        }
        (Some(n), _) => n,
        (None, Some(t)) if args.ntasks_per_node.is_none() => available.min(t),
        (None, _) => available,
    };
    let per_node = tasks_per_node(args, layout, node_count);
    let mut steps = Vec::with_capacity(node_count as usize);
    let mut next_rank = 0;
    for (index, tasks) in per_node.into_iter().enumerate() {
        let node = &layout.nodes[index];
        let ranks: Vec<u32> = (next_rank..next_rank + tasks).collect();
        next_rank += tasks;
        let task_gpus = match args.gpus_per_task {
            None => vec![node.gpus.clone(); tasks as usize],
            Some(g) => {
                let need = (g * tasks) as usize;
                if need > node.gpus.len() {
                    return Err(format!(
                        "--gpus-per-task={g} with {tasks} task(s) on node {} needs {need} GPUs; the job has {} there",
                        node.name,
                        node.gpus.len()
                    ));
                }
                node.gpus
                    .chunks(g as usize)
                    .take(tasks as usize)
                    .map(<[u32]>::to_vec)
                    .collect()
            }
        };
        if node.addr.is_empty() {
            return Err(format!(
                "node {}: its agent takes no task launches (no address registered)",
                node.name
            ));
        }
        steps.push(NodeStep {
            node_index: index as u32,
            name: node.name.clone(),
            addr: node.addr.clone(),
            ranks,
            task_gpus,
        });
    }
    Ok(steps)
}

fn tasks_per_node(args: &StepArgs, layout: &JobLayout, node_count: u32) -> Vec<u32> {
    let n = node_count as usize;
    match (args.ntasks_per_node, args.ntasks) {
        (Some(per), Some(total)) => {
            let mut left = total;
            (0..n)
                .map(|_| {
                    let t = per.min(left);
                    left -= t;
                    t
                })
                .collect()
        }
        (Some(per), None) => vec![per; n],
        (None, Some(total)) => {
            let (base, extra) = (total / node_count, total % node_count);
            (0..node_count)
                .map(|i| base + u32::from(i < extra))
                .collect()
        }
        (None, None) => layout.nodes[..n]
            .iter()
            .map(|node| node.tasks.max(1))
            .collect(),
    }
}

/// The requests for `steps`: srun's environment (as Slurm propagates it) plus the step's own
/// variables; the output goes to the job's files.
pub fn requests(
    args: &StepArgs,
    layout: &JobLayout,
    steps: &[NodeStep],
    env: &HashMap<String, String>,
    step_id: u32,
) -> Vec<RunTasksRequest> {
    let total: u32 = steps.iter().map(|s| s.ranks.len() as u32).sum();
    let mut common = env.clone();
    common.insert("SLURM_STEP_ID".into(), step_id.to_string());
    common.insert("SLURM_NTASKS".into(), total.to_string());
    common.insert("SLURM_STEP_NUM_TASKS".into(), total.to_string());
    common.insert("SLURM_STEP_NUM_NODES".into(), steps.len().to_string());
    common.insert(
        "SLURM_STEP_NODELIST".into(),
        steps
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(","),
    );
    if steps.len() > 1 {
        let host = steps[0]
            .addr
            .rsplit_once(':')
            .map(|(h, _)| h)
            .unwrap_or(&steps[0].addr);
        common.insert("MASTER_ADDR".into(), host.to_string());
        common.insert("MASTER_PORT".into(), master_port(layout.job_id).to_string());
        common.insert("WORLD_SIZE".into(), total.to_string());
    } else {
        for key in [
            "MASTER_ADDR",
            "MASTER_PORT",
            "WORLD_SIZE",
            "RANK",
            "LOCAL_RANK",
            "NODE_RANK",
        ] {
            common.remove(key);
        }
    }
    let cwd = std::env::current_dir()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|_| "/".into());
    let stdout = env.get("CORRAL_STDOUT").cloned().unwrap_or_default();
    let stderr = env
        .get("CORRAL_STDERR")
        .cloned()
        .unwrap_or_else(|| stdout.clone());
    steps
        .iter()
        .map(|step| RunTasksRequest {
            job_id: layout.job_id,
            step_id,
            argv: args.argv.clone(),
            cwd: cwd.clone(),
            env: common.clone(),
            ranks: step.ranks.clone(),
            node_index: step.node_index,
            task_gpus: step
                .task_gpus
                .iter()
                .map(|g| TaskGpus { indices: g.clone() })
                .collect(),
            stdout_path: stdout.clone(),
            stderr_path: stderr.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::srun::layout::LayoutNode;

    fn layout() -> JobLayout {
        let node = |name: &str, gpus: Vec<u32>| LayoutNode {
            name: name.into(),
            addr: format!("10.0.0.{}:7200", &name[1..]),
            gpus,
            tasks: 1,
        };
        JobLayout {
            job_id: 42,
            nodes: vec![node("n1", vec![0, 1, 2, 3]), node("n2", vec![4, 5, 6, 7])],
        }
    }

    fn args(
        nodes: Option<u32>,
        ntasks: Option<u32>,
        per_node: Option<u32>,
        gpus: Option<u32>,
    ) -> StepArgs {
        StepArgs {
            nodes,
            ntasks,
            ntasks_per_node: per_node,
            gpus_per_task: gpus,
            argv: vec!["x".into()],
        }
    }

    #[test]
    fn by_default_one_task_per_node_of_the_job_with_all_its_gpus() {
        let steps = plan(&args(None, None, None, None), &layout()).unwrap();
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[1].ranks, vec![1]);
        assert_eq!(steps[1].task_gpus, vec![vec![4, 5, 6, 7]]);
    }

    #[test]
    fn tasks_are_spread_in_blocks_and_gpus_split_per_task() {
        let steps = plan(&args(None, Some(8), None, Some(1)), &layout()).unwrap();
        assert_eq!(steps[0].ranks, vec![0, 1, 2, 3]);
        assert_eq!(steps[1].ranks, vec![4, 5, 6, 7]);
        assert_eq!(steps[1].task_gpus[2], vec![6]);
        let steps = plan(&args(None, Some(3), None, None), &layout()).unwrap();
        assert_eq!((steps[0].ranks.len(), steps[1].ranks.len()), (2, 1));
        let steps = plan(&args(Some(1), None, Some(2), Some(2)), &layout()).unwrap();
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].task_gpus, vec![vec![0, 1], vec![2, 3]]);
    }

    #[test]
    fn impossible_steps_are_refused_with_the_numbers() {
        assert!(plan(&args(Some(3), None, None, None), &layout())
            .unwrap_err()
            .contains("has 2 node"));
        let error = plan(&args(None, None, Some(3), Some(2)), &layout()).unwrap_err();
        assert!(error.contains("needs 6 GPUs; the job has 4"), "{error}");
    }

    #[test]
    fn multi_node_steps_get_a_rendezvous() {
        let layout = layout();
        let a = args(None, None, None, None);
        let steps = plan(&a, &layout).unwrap();
        let requests = requests(&a, &layout, &steps, &HashMap::new(), 7);
        assert_eq!(requests[1].env["MASTER_ADDR"], "10.0.0.1");
        assert_eq!(requests[1].env["MASTER_PORT"], "20042");
        assert_eq!(requests[1].env["WORLD_SIZE"], "2");
        assert_eq!(requests[1].node_index, 1);
    }
}
