//! Never: a running job holding only part of its gang (fewer nodes, tasks or GPUs than it needs).

use crate::cluster::ClusterState;

pub fn check(state: &ClusterState) -> Result<(), String> {
    for job in state.jobs.values() {
        let Some(allocation) = &job.allocation else {
            continue;
        };
        let count = allocation.nodes.len() as u32;
        let tasks: u64 = allocation.nodes.iter().map(|p| u64::from(p.tasks)).sum();
        let gpus = allocation.gpu_count() as u64;
        let shape = &job.shape;
        if count < shape.nodes.min
            || count > shape.nodes.max
            || tasks != u64::from(shape.tasks)
            || gpus != shape.total_gpus_on(count)
        {
            return Err(format!(
                "job {} holds {count} nodes, {tasks} tasks, {gpus} GPUs: not its whole gang",
                job.id
            ));
        }
    }
    Ok(())
}
