//! Never: a PENDING, RUNNING or COMPLETING job missing from the active index, or a finished
//! job (or an unknown id) in it. Passes read only the index, so a job missing from it would
//! never be scheduled again.

use crate::cluster::ClusterState;

pub fn check(state: &ClusterState) -> Result<(), String> {
    for job in state.jobs.values() {
        if job.state.is_final() == state.active.contains(&job.id) {
            return Err(format!(
                "job {} is {} but {} the active index",
                job.id,
                job.state,
                if state.active.contains(&job.id) {
                    "in"
                } else {
                    "not in"
                }
            ));
        }
    }
    match state.active.iter().find(|id| !state.jobs.contains_key(id)) {
        Some(id) => Err(format!("the active index holds unknown job {id}")),
        None => Ok(()),
    }
}
