//! Never: a job whose id is at or above the next id to hand out (which would be reused).

use crate::cluster::ClusterState;

pub fn check(state: &ClusterState) -> Result<(), String> {
    match state.jobs.keys().next_back() {
        Some(last) if last.0 >= state.next_job_id => Err(format!(
            "job {last} exists but the next id is {}",
            state.next_job_id
        )),
        _ => Ok(()),
    }
}
