//! Never: a PENDING job missing from the pending index, a RUNNING or COMPLETING job missing from
//! the holding index, or an index naming a job in another state (or an unknown id). Passes read
//! only the indexes, so a job missing from them would never be scheduled again.

use crate::cluster::ClusterState;
use crate::state_machine::JobState;

pub fn check(state: &ClusterState) -> Result<(), String> {
    for job in state.jobs.values() {
        let in_pending = state.pending.contains(&job.id);
        let in_holding = state.holding.contains(&job.id);
        let expected = (job.state == JobState::Pending, job.state.holds_resources());
        if (in_pending, in_holding) != expected {
            return Err(format!(
                "job {} is {} but pending index: {in_pending}, holding index: {in_holding}",
                job.id, job.state
            ));
        }
    }
    let indexed = state.pending.len() + state.holding.len();
    let counted = state
        .jobs
        .values()
        .filter(|j| j.state == JobState::Pending || j.state.holds_resources())
        .count();
    if indexed != counted {
        return Err(format!(
            "the indexes hold {indexed} ids for {counted} active jobs"
        ));
    }
    Ok(())
}
