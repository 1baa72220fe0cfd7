//! The environment a job's batch script (and its tasks) starts with: the submitter's environment
//! as `--export` says, then Corral's `CORRAL_*` variables, the common `SLURM_*` ones and the GPU
//! visibility variables — each job sees only its own GPUs.

use crate::placement::Placement;
use corral_model::spec::Export;
use std::collections::BTreeMap;

/// The `PATH` a job gets under `--export=NONE` (before the agent's own `bin` directory).
const MINIMAL_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

pub type Env = BTreeMap<String, String>;

/// What the agent adds beside the job's own data.
pub struct AgentSide<'a> {
    /// Directory holding `srun` (put first on `PATH`).
    pub bin_dir: &'a str,
    pub cluster_name: &'a str,
}

/// The batch script's environment on the job's first node.
pub fn batch_env(placement: &Placement, agent: &AgentSide) -> Env {
    let mut env = exported(placement);
    let job = &placement.job;
    let node = placement.this_node();
    let submit_dir = job
        .spec
        .launch
        .as_ref()
        .map(|l| l.submit_dir.clone())
        .unwrap_or_default();
    let node_names: Vec<&str> = placement.nodes.iter().map(|n| n.name.as_str()).collect();
    let gpus = join(&node.gpus);
    let mut set = |k: &str, v: String| {
        env.insert(k.to_string(), v);
    };
    set("SLURM_JOB_ID", job.id.0.to_string());
    set("SLURM_JOBID", job.id.0.to_string());
    set("SLURM_JOB_NAME", job.name().to_string());
    set("SLURM_JOB_USER", job.user.to_string());
    set("SLURM_JOB_ACCOUNT", job.account.to_string());
    if let Some(partition) = &job.spec.partition {
        set("SLURM_JOB_PARTITION", partition.clone());
    }
    if let Some(array) = job.array {
        set("SLURM_ARRAY_JOB_ID", array.array_job_id.0.to_string());
        set("SLURM_ARRAY_TASK_ID", array.task_id.to_string());
    }
    set("SLURM_NTASKS", placement.total_tasks().to_string());
    set("SLURM_NPROCS", placement.total_tasks().to_string());
    set("SLURM_JOB_NUM_NODES", placement.nodes.len().to_string());
    set("SLURM_NNODES", placement.nodes.len().to_string());
    set("SLURM_JOB_NODELIST", node_names.join(","));
    set("SLURM_NODELIST", node_names.join(","));
    set("SLURM_TASKS_PER_NODE", tasks_per_node(placement));
    set("SLURM_NODEID", placement.node_index.to_string());
    set("SLURMD_NODENAME", node.name.clone());
    set("SLURM_CPUS_ON_NODE", node.cpus.to_string());
    set("SLURM_MEM_PER_NODE", node.mem_mib.to_string());
    set("SLURM_GPUS_ON_NODE", node.gpus.len().to_string());
    set("SLURM_JOB_GPUS", gpus.clone());
    set("SLURM_SUBMIT_DIR", submit_dir);
    set("SLURM_CLUSTER_NAME", agent.cluster_name.to_string());
    set("CUDA_VISIBLE_DEVICES", gpus.clone());
    set(
        "NVIDIA_VISIBLE_DEVICES",
        if node.gpus.is_empty() {
            "void".into()
        } else {
            gpus.clone()
        },
    );
    set("CORRAL_JOB_ID", job.id.0.to_string());
    set("CORRAL_RUN", job.requeue_count.to_string());
    set("SLURM_RESTART_COUNT", job.requeue_count.to_string());
    set("CORRAL_NODE_NAME", node.name.clone());
    set("CORRAL_GPUS", gpus);
    set(
        "CORRAL_NODE_ADDRS",
        placement
            .nodes
            .iter()
            .map(|n| n.addr.as_str())
            .collect::<Vec<_>>()
            .join(","),
    );
    set(
        "CORRAL_NODE_GPUS",
        placement
            .nodes
            .iter()
            .map(|n| join(&n.gpus))
            .collect::<Vec<_>>()
            .join(";"),
    );
    set(
        "CORRAL_NODE_TASKS",
        placement
            .nodes
            .iter()
            .map(|n| n.tasks.max(1).to_string())
            .collect::<Vec<_>>()
            .join(","),
    );
    let path = env
        .get("PATH")
        .cloned()
        .unwrap_or_else(|| MINIMAL_PATH.to_string());
    env.insert("PATH".into(), format!("{}:{path}", agent.bin_dir));
    env
}

/// The submitter's variables as `--export` allows them.
fn exported(placement: &Placement) -> Env {
    let submitted = placement
        .job
        .spec
        .launch
        .as_ref()
        .map(|l| l.env.clone())
        .unwrap_or_default();
    match &placement.job.spec.extras().export {
        Export::All => submitted,
        Export::None => Env::from([("PATH".to_string(), MINIMAL_PATH.to_string())]),
        Export::Vars { include_all, vars } => {
            let mut env = if *include_all {
                submitted.clone()
            } else {
                Env::from([("PATH".to_string(), MINIMAL_PATH.to_string())])
            };
            for var in vars {
                let value = var
                    .value
                    .clone()
                    .or_else(|| submitted.get(&var.name).cloned());
                if let Some(value) = value {
                    env.insert(var.name.clone(), value);
                }
            }
            env
        }
    }
}

/// `2(x3),1` as Slurm writes it: task counts per node, runs compressed.
fn tasks_per_node(placement: &Placement) -> String {
    let counts: Vec<u32> = placement.nodes.iter().map(|n| n.tasks.max(1)).collect();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < counts.len() {
        let run = counts[i..].iter().take_while(|&&c| c == counts[i]).count();
        parts.push(if run > 1 {
            format!("{}(x{run})", counts[i])
        } else {
            counts[i].to_string()
        });
        i += run;
    }
    parts.join(",")
}

pub fn join(values: &[u32]) -> String {
    values
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placement::PlacedNode;
    use crate::test_support::job_with;
    use corral_model::spec::ExportVar;
    use corral_model::Launch;

    fn placement(export: Export) -> Placement {
        let mut job = job_with(42, "train");
        job.spec.extras_mut().export = export;
        job.spec.launch = Some(Box::new(Launch {
            script: "#!/bin/sh\n".into(),
            args: vec![],
            submit_dir: "/home/ada".into(),
            env: Env::from([
                ("HOME".to_string(), "/home/ada".to_string()),
                ("PATH".to_string(), "/opt/bin".to_string()),
                ("CUDA_VISIBLE_DEVICES".to_string(), "0,1,2,3".to_string()),
            ]),
        }));
        let node = |name: &str, gpus: Vec<u32>| PlacedNode {
            node_id: 1,
            name: name.into(),
            addr: format!("{name}:7200"),
            gpus,
            cpus: 8,
            mem_mib: 1024,
            tasks: 2,
        };
        Placement {
            job,
            nodes: vec![node("gpu-1", vec![2, 5]), node("gpu-2", vec![0, 1])],
            node_index: 0,
        }
    }

    fn agent() -> AgentSide<'static> {
        AgentSide {
            bin_dir: "/var/corral/bin",
            cluster_name: "corral",
        }
    }

    #[test]
    fn the_job_sees_only_its_gpus_on_this_node() {
        let env = batch_env(&placement(Export::All), &agent());
        assert_eq!(env["CUDA_VISIBLE_DEVICES"], "2,5");
        assert_eq!(env["NVIDIA_VISIBLE_DEVICES"], "2,5");
        assert_eq!(env["SLURM_GPUS_ON_NODE"], "2");
        assert_eq!(env["SLURM_JOB_NODELIST"], "gpu-1,gpu-2");
        assert_eq!(env["SLURM_JOB_NUM_NODES"], "2");
        assert_eq!(env["SLURM_NTASKS"], "4");
        assert_eq!(env["SLURM_TASKS_PER_NODE"], "2(x2)");
        assert_eq!(env["SLURM_SUBMIT_DIR"], "/home/ada");
        assert_eq!(env["CORRAL_NODE_GPUS"], "2,5;0,1");
        assert_eq!(env["HOME"], "/home/ada");
        assert_eq!(env["PATH"], "/var/corral/bin:/opt/bin");
    }

    #[test]
    fn export_none_keeps_nothing_of_the_submitter() {
        let env = batch_env(&placement(Export::None), &agent());
        assert!(!env.contains_key("HOME"));
        assert_eq!(env["PATH"], format!("/var/corral/bin:{MINIMAL_PATH}"));
        assert_eq!(env["SLURM_JOB_ID"], "42");
    }

    #[test]
    fn export_vars_takes_named_values() {
        let vars = vec![
            ExportVar {
                name: "HOME".into(),
                value: None,
            },
            ExportVar {
                name: "LR".into(),
                value: Some("0.1".into()),
            },
        ];
        let env = batch_env(
            &placement(Export::Vars {
                include_all: false,
                vars,
            }),
            &agent(),
        );
        assert_eq!(env["HOME"], "/home/ada");
        assert_eq!(env["LR"], "0.1");
    }
}
