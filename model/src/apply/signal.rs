//! Signals sent to a running job (`corral cancel --signal`): recorded on the job, numbered, for
//! the agents of its allocation to deliver once each.

use super::ApplyError;
use crate::cluster::ClusterState;
use crate::command::Applied;
use crate::ids::JobId;
use crate::job::{SignalRequest, SignalTarget, MAX_KEPT_SIGNALS};
use crate::state_machine::JobState;

/// Linux's signal numbers run 1-64 (signal(7)).
const SIGNAL_NUMBERS: std::ops::RangeInclusive<i32> = 1..=64;

impl ClusterState {
    pub(super) fn apply_signal(
        &mut self,
        id: JobId,
        signal: i32,
        by: String,
        target: SignalTarget,
    ) -> Result<Applied, ApplyError> {
        if !SIGNAL_NUMBERS.contains(&signal) {
            return Err(ApplyError::Invalid(format!(
                "signal {signal}: not a signal number (accepted: 1-64)"
            )));
        }
        let job = self.jobs.get_mut(&id).ok_or(ApplyError::UnknownJob(id))?;
        match job.state {
            JobState::Running | JobState::Completing => {}
            JobState::Pending => {
                return Err(ApplyError::Invalid(format!(
                    "job {}: PENDING, so it has no processes to signal (cancel it instead)",
                    job.display_id()
                )))
            }
            ended => {
                return Err(ApplyError::Invalid(format!(
                    "job {}: already ended ({ended}), nothing to signal",
                    job.display_id()
                )))
            }
        }
        let seq = job.signals.last().map_or(1, |last| last.seq + 1);
        job.signals.push(SignalRequest {
            seq,
            signal,
            by,
            target,
        });
        if job.signals.len() > MAX_KEPT_SIGNALS {
            job.signals.remove(0);
        }
        Ok(Applied::Done)
    }
}
