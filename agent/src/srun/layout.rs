//! The job's layout as `srun` finds it in its environment (set by the agent for the batch
//! script): the nodes in order with their agents' addresses, GPUs and task counts.

use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayoutNode {
    pub name: String,
    pub addr: String,
    pub gpus: Vec<u32>,
    pub tasks: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobLayout {
    pub job_id: u64,
    pub nodes: Vec<LayoutNode>,
}

impl JobLayout {
    pub fn from_env(env: &HashMap<String, String>) -> Result<JobLayout, String> {
        let get = |key: &str| {
            env.get(key).ok_or_else(|| {
                format!("{key} is not set: srun runs inside a job (a batch script submitted with corral submit)")
            })
        };
        let job_id = get("SLURM_JOB_ID")?
            .parse()
            .map_err(|_| "SLURM_JOB_ID: not a job id".to_string())?;
        let names: Vec<&str> = get("SLURM_JOB_NODELIST")?.split(',').collect();
        let addrs: Vec<&str> = get("CORRAL_NODE_ADDRS")?.split(',').collect();
        let gpus: Vec<&str> = get("CORRAL_NODE_GPUS")?.split(';').collect();
        let tasks: Vec<&str> = get("CORRAL_NODE_TASKS")?.split(',').collect();
        if [addrs.len(), gpus.len(), tasks.len()]
            .iter()
            .any(|&n| n != names.len())
        {
            return Err(format!(
                "the job's layout variables disagree: {} node names, {} addresses, {} GPU lists, {} task counts",
                names.len(),
                addrs.len(),
                gpus.len(),
                tasks.len()
            ));
        }
        let mut nodes = Vec::with_capacity(names.len());
        for i in 0..names.len() {
            nodes.push(LayoutNode {
                name: names[i].to_string(),
                addr: addrs[i].to_string(),
                gpus: parse_list(gpus[i])?,
                tasks: tasks[i]
                    .parse()
                    .map_err(|_| format!("CORRAL_NODE_TASKS: {:?} is not a count", tasks[i]))?,
            });
        }
        Ok(JobLayout { job_id, nodes })
    }
}

fn parse_list(text: &str) -> Result<Vec<u32>, String> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|g| {
            g.parse()
                .map_err(|_| format!("CORRAL_NODE_GPUS: {g:?} is not a GPU index"))
        })
        .collect()
}
