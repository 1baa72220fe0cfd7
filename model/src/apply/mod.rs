//! `ClusterState::apply`: the one writer of cluster state. Deterministic: it reads only the state,
//! the command and the `now_secs` it is given. A command that fails changes nothing.

mod end;
mod nodes;
mod plan;
mod resources;
mod signal;
mod submit;

use crate::cluster::ClusterState;
use crate::command::{Applied, Command};
use crate::ids::{JobId, NodeId};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApplyError {
    #[error("job {0} does not exist")]
    UnknownJob(JobId),
    #[error("node {0} does not exist")]
    UnknownNode(NodeId),
    #[error("{0}")]
    Invalid(String),
}

impl ClusterState {
    /// Applies one command at leader time `now_secs`. On `Err` the state is unchanged.
    pub fn apply(&mut self, now_secs: u64, command: Command) -> Result<Applied, ApplyError> {
        self.now_secs = self.now_secs.max(now_secs);
        let result = self.dispatch(command);
        if self.invariant_checks {
            if let Err(broken) = crate::invariants::check_all(self) {
                panic!("internal bug: invariant broken after apply: {broken}");
            }
        }
        result
    }

    fn dispatch(&mut self, command: Command) -> Result<Applied, ApplyError> {
        match command {
            Command::Submit(submit) => self.apply_submit(submit),
            Command::Cancel { job, by } => self.apply_cancel(job, by),
            Command::Signal {
                job,
                signal,
                by,
                target,
            } => self.apply_signal(job, signal, by, target),
            Command::RegisterNode(spec) => self.apply_register(spec),
            Command::SetNodeState { node, state } => self.apply_node_state(node, state),
            Command::NodeLost { node, reason } => self.apply_node_lost(node, reason),
            Command::SetGpuHealth {
                node,
                index,
                health,
            } => self.apply_gpu_health(node, index, health),
            Command::CommitPlan(plan) => Ok(Applied::Plan(self.apply_plan(plan))),
            Command::TimeLimitReached { job } => self.apply_time_limit(job),
            Command::JobEnded { job, status } => self.apply_job_ended(job, status),
            Command::SetPolicy { source } => {
                self.policy_source = Some(source);
                self.policy_version += 1;
                Ok(Applied::Done)
            }
            Command::Batch { commands } => self.apply_batch(commands),
        }
    }

    fn apply_batch(&mut self, commands: Vec<Command>) -> Result<Applied, ApplyError> {
        if commands.iter().any(|c| matches!(c, Command::Batch { .. })) {
            return Err(ApplyError::Invalid(
                "a batch contains a batch (batches are one level deep)".into(),
            ));
        }
        let results = commands
            .into_iter()
            .map(|command| self.dispatch(command).map_err(|e| e.to_string()))
            .collect();
        Ok(Applied::Batch { results })
    }
}
