//! Never: a RUNNING or COMPLETING job without an allocation, or any other job with one.

use crate::cluster::ClusterState;

pub fn check(state: &ClusterState) -> Result<(), String> {
    for job in state.jobs.values() {
        if job.state.holds_resources() != job.allocation.is_some() {
            return Err(format!(
                "job {} is {} and {} an allocation",
                job.id,
                job.state,
                if job.allocation.is_some() {
                    "has"
                } else {
                    "lacks"
                }
            ));
        }
    }
    Ok(())
}
