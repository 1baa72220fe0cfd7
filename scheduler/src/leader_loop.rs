//! The leader's scheduling loop. Woken by writes (submits, cancels, node registrations) and at
//! least once per idle interval, at most once per minimum interval; on the leader only, it reads
//! the applied state, runs `corral_policies::schedule`, and proposes the plan (`CommitPlan`, which
//! `apply` re-verifies) and a `TimeLimitReached` for each timed-out job, stamped with its clock.

use crate::clock;
use crate::policy_source::PolicySource;
use corral_model::{Command, JobId};
use corral_policies::schedule::{schedule, Plan, View};
use corral_raft::RaftNode;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

pub struct LeaderLoop {
    pub node: Arc<RaftNode>,
    pub wake: Arc<Notify>,
    pub policy: PolicySource,
    pub min_interval: Duration,
    pub idle_interval: Duration,
}

impl LeaderLoop {
    /// Runs until `stop` turns true (or its sender is dropped).
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) {
        loop {
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.idle_interval) => {}
                _ = stop.changed() => return,
            }
            if *stop.borrow() {
                return;
            }
            if self.node.current_leader() == Some(self.node.id()) {
                self.pass().await;
            }
            tokio::select! {
                _ = tokio::time::sleep(self.min_interval) => {}
                _ = stop.changed() => return,
            }
        }
    }

    /// One pass: plan on the applied state, propose what changes state.
    async fn pass(&mut self) {
        let now_secs = clock::now_secs();
        let empty_fairshare = BTreeMap::new();
        let policy = &mut self.policy;
        let plan = self.node.read_state(|cluster| {
            let policy = policy.current(cluster);
            let view = View {
                cluster,
                fairshare: &empty_fairshare,
            };
            schedule(&view, &policy, now_secs)
        });
        for command in commands_of(&plan) {
            // A refused or failed proposal changes nothing; the next pass plans again from the
            // state as it then is (a lost leadership simply ends the proposals here).
            if let Err(e) = self.node.client_write(command, now_secs).await {
                eprintln!(
                    "corral-scheduler: node {}: leader loop: {e}",
                    self.node.id()
                );
                return;
            }
        }
    }
}

/// The commands that carry out `plan`: its starts and preemptions in one `CommitPlan` (so a gang
/// and its victims go together), then one `TimeLimitReached` per timed-out job.
pub fn commands_of(plan: &Plan) -> Vec<Command> {
    let commit = plan.to_commit();
    let mut commands = Vec::new();
    if !commit.starts.is_empty() || !commit.preemptions.is_empty() {
        commands.push(Command::CommitPlan(commit));
    }
    commands.extend(
        plan.timed_out
            .iter()
            .map(|&job: &JobId| Command::TimeLimitReached { job }),
    );
    commands
}
