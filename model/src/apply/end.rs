//! How jobs end: cancel, time limit, the agent's (or simulator's) end report, and requeue.

use super::ApplyError;
use crate::cluster::ClusterState;
use crate::command::Applied;
use crate::ids::JobId;
use crate::job::{Ending, ExitStatus, Job, Outcome};
use crate::state_machine::JobState;
use std::collections::BTreeMap;

impl ClusterState {
    pub(super) fn apply_cancel(&mut self, id: JobId, by: String) -> Result<Applied, ApplyError> {
        let now = self.now_secs;
        let job = self.jobs.get_mut(&id).ok_or(ApplyError::UnknownJob(id))?;
        match job.state {
            JobState::Pending => {
                must_transition(job, JobState::Cancelled);
                self.pending.remove(&id);
                job.end_secs = Some(now);
                job.ending = Some(Ending::Cancel { by });
                Ok(Applied::Done)
            }
            JobState::Running => {
                must_transition(job, JobState::Completing);
                job.ending = Some(Ending::Cancel { by });
                Ok(Applied::Done)
            }
            // Already ending or ended: nothing to do (a repeated cancel is not an error).
            _ => Ok(Applied::NoChange),
        }
    }

    pub(super) fn apply_time_limit(&mut self, id: JobId) -> Result<Applied, ApplyError> {
        let job = self.jobs.get_mut(&id).ok_or(ApplyError::UnknownJob(id))?;
        match job.state {
            JobState::Running => {
                must_transition(job, JobState::Completing);
                job.ending = Some(Ending::TimeLimit);
                Ok(Applied::Done)
            }
            _ => Ok(Applied::NoChange),
        }
    }

    pub(super) fn apply_job_ended(
        &mut self,
        id: JobId,
        status: ExitStatus,
    ) -> Result<Applied, ApplyError> {
        let job = self.jobs.get(&id).ok_or(ApplyError::UnknownJob(id))?;
        if !job.state.holds_resources() {
            // A repeated report (agent retry, replayed message) for a job that already ended.
            return Ok(Applied::NoChange);
        }
        let final_state = final_state(status.outcome, job.ending.as_ref());
        self.finish_run(id, final_state, Some(status));
        Ok(Applied::Done)
    }

    /// Ends the current run of a job holding resources: frees them, sets the final state, and
    /// requeues a preempted or node-failed job that allows it. Callers checked `holds_resources`.
    pub(super) fn finish_run(&mut self, id: JobId, state: JobState, status: Option<ExitStatus>) {
        let now = self.now_secs;
        self.charge_run(id);
        let Some(job) = self.jobs.get_mut(&id) else {
            return;
        };
        let allocation = job.allocation.take();
        must_transition(job, state);
        job.end_secs = Some(now);
        job.exit = status;
        let requeue = match (state, &job.ending) {
            (JobState::Preempted, Some(Ending::Preempt { requeue, .. })) => *requeue,
            (JobState::NodeFail, _) => job.spec.requeue != Some(false),
            _ => false,
        };
        if requeue {
            must_transition(job, JobState::Pending);
            job.requeue_count += 1;
            job.ending = None;
            job.signals.clear();
            job.eligible_secs = now;
        }
        self.holding.remove(&id);
        if requeue {
            self.pending.insert(id);
        }
        if let Some(allocation) = allocation {
            self.release_resources(id, &allocation);
        }
    }
}

impl ClusterState {
    /// Charges the GPU-seconds of `id`'s current run, ending now, to its account and user in
    /// the usage book, per GPU model.
    fn charge_run(&mut self, id: JobId) {
        let Some(job) = self.jobs.get(&id) else {
            return;
        };
        let (Some(allocation), Some(start)) = (&job.allocation, job.start_secs) else {
            return;
        };
        let run_secs = self.now_secs.saturating_sub(start);
        let mut gpus_by_model: BTreeMap<&str, u64> = BTreeMap::new();
        for part in &allocation.nodes {
            let Some(node) = self.nodes.get(&part.node) else {
                continue;
            };
            for &index in &part.gpus {
                let model = node
                    .gpu_slot(index)
                    .map_or("", |slot| node.spec.gpus[slot].model.as_str());
                *gpus_by_model.entry(model).or_insert(0) += 1;
            }
        }
        for (model, gpus) in gpus_by_model {
            self.usage.charge(
                &job.account,
                &job.user,
                model,
                gpus.saturating_mul(run_secs),
                self.now_secs,
            );
        }
    }
}

/// The state a run ends in: a requested ending wins over what the process did, except that an
/// OOM kill is always reported as such.
fn final_state(outcome: Outcome, ending: Option<&Ending>) -> JobState {
    match (outcome, ending) {
        (Outcome::OutOfMemory, _) => JobState::OutOfMemory,
        (Outcome::NodeFail, _) => JobState::NodeFail,
        (_, Some(Ending::Cancel { .. })) => JobState::Cancelled,
        (_, Some(Ending::Preempt { .. })) => JobState::Preempted,
        (_, Some(Ending::TimeLimit)) | (Outcome::Timeout, None) => JobState::Timeout,
        (Outcome::Success, None) => JobState::Completed,
        (Outcome::Failure | Outcome::Killed, None) => JobState::Failed,
    }
}

/// A transition that `apply` has already shown legal. Failing here is a bug in `apply`, not bad
/// input, so the replica aborts and Raft recovers it.
pub(super) fn must_transition(job: &mut Job, to: JobState) {
    if let Err(illegal) = job.transition(to) {
        panic!("internal bug in apply: job {}: {illegal}", job.id);
    }
}
