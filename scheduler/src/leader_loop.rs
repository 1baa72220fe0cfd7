//! The leader's scheduling loop. Woken by writes (submits, cancels, node registrations) and at
//! least once per idle interval, at most once per minimum interval; on the leader only, it reads
//! the applied state, first proposes `NodeLost` for every node whose agent has been silent past
//! the node timeout (`Liveness`), then runs `corral_policies::schedule` and proposes the plan
//! (`CommitPlan`, which `apply` re-verifies), a `TimeLimitReached` for each timed-out job and a
//! `Signal` for each `--signal` time-limit warning due, all stamped with its clock.

use crate::clock;
use crate::event_log::event;
use crate::fairshare_cache::FairShareCache;
use crate::insight::{LastPass, PassRecord};
use crate::liveness::{Liveness, Silent};
use crate::policy_source::PolicySource;
use corral_model::{ClusterState, Command, JobId, NodeState, TIME_LIMIT_WARNING_BY};
use corral_policies::schedule::{schedule, Plan, View};
use corral_raft::{RaftNode, WriteError};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{watch, Notify};

pub struct LeaderLoop {
    pub node: Arc<RaftNode>,
    pub wake: Arc<Notify>,
    pub policy: PolicySource,
    pub liveness: Arc<Liveness>,
    pub min_interval: Duration,
    pub idle_interval: Duration,
    /// Where each pass leaves its pending reasons for `Explain` and `PendingReasons`.
    pub last_pass: LastPass,
    pub fairshare: FairShareCache,
}

impl LeaderLoop {
    /// Runs until `stop` turns true (or its sender is dropped).
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) {
        let mut leading = false;
        loop {
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.idle_interval) => {}
                _ = stop.changed() => return,
            }
            if *stop.borrow() {
                return;
            }
            let leads = self.node.current_leader() == Some(self.node.id());
            if leads != leading {
                leading = leads;
                let term = self.node.metrics().borrow().current_term;
                let text = if leads {
                    format!("leading (term {term}); the leader loop runs here")
                } else {
                    format!("no longer leading (term {term})")
                };
                event(self.node.id(), text);
            }
            if leads {
                self.pass().await;
            }
            tokio::select! {
                _ = tokio::time::sleep(self.min_interval) => {}
                _ = stop.changed() => return,
            }
        }
    }

    /// One pass: mark silent nodes lost, plan on the applied state, propose what changes state.
    async fn pass(&mut self) {
        let now_secs = clock::now_secs();
        if let Err(e) = self.mark_silent_nodes_lost(now_secs).await {
            eprintln!(
                "corral-scheduler: node {}: leader loop: node loss: {e}",
                self.node.id()
            );
            return;
        }
        let policy = &mut self.policy;
        let fairshare = &mut self.fairshare;
        let plan = self.node.read_state(|cluster| {
            if !worth_a_pass(cluster) {
                return None;
            }
            let policy = policy.current(cluster);
            let view = View {
                cluster,
                fairshare: fairshare.factors(cluster, &policy, now_secs),
            };
            Some(schedule(&view, &policy, now_secs))
        });
        let Some(plan) = plan else {
            return;
        };
        let commands = commands_of(&plan);
        if !plan.is_empty() {
            event(self.node.id(), pass_summary(&plan));
        }
        self.last_pass.set(PassRecord {
            at_secs: now_secs,
            pending: plan.pending,
        });
        for command in commands {
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

impl LeaderLoop {
    /// Proposes `NodeLost` for each node not DOWN whose agent has been silent past the timeout.
    /// A new term restarts the count (`Liveness::leading`), so a new leader gives every node a
    /// full timeout; `apply` ignores a `NodeLost` for a node already DOWN.
    async fn mark_silent_nodes_lost(&self, now_secs: u64) -> Result<(), WriteError> {
        let term = self.node.metrics().borrow().current_term;
        let now = Instant::now();
        self.liveness.leading(term, now);
        let watched: Vec<_> = self.node.read_state(|cluster| {
            cluster
                .nodes()
                .filter(|node| !matches!(node.state, NodeState::Down(_)))
                .map(|node| node.id)
                .collect()
        });
        for silent in self.liveness.silent(watched, now) {
            let command = node_lost(&silent);
            if let Command::NodeLost { node, reason } = &command {
                event(self.node.id(), format!("node {} lost: {reason}", node.0));
            }
            self.node.client_write(command, now_secs).await?;
        }
        Ok(())
    }
}

/// The command for a node whose agent went silent, with how long it has been silent.
pub fn node_lost(silent: &Silent) -> Command {
    Command::NodeLost {
        node: silent.node,
        reason: format!("no heartbeat for {:.1} s", silent.silent_for.as_secs_f64()),
    }
}

/// One line for a pass that changes something: `pass: started 3, preempted 1, ...`.
fn pass_summary(plan: &Plan) -> String {
    let mut parts = vec![format!("started {}", plan.starts.len())];
    for (count, what) in [
        (plan.preemptions.len(), "preempted"),
        (plan.timed_out.len(), "past their time limit"),
        (plan.warnings.len(), "warned of their time limit"),
    ] {
        if count > 0 {
            parts.push(format!("{what} {count}"));
        }
    }
    format!("pass: {}; {} pending", parts.join(", "), plan.pending.len())
}

/// Whether a pass could change anything: a pending job and a node up to take it, or a running
/// job whose time limit a pass may find passed. (A queue with no node to run on is left alone.)
pub fn worth_a_pass(cluster: &ClusterState) -> bool {
    let could_start =
        cluster.pending_jobs().next().is_some() && cluster.nodes().any(|node| node.is_up());
    could_start || cluster.holding_jobs().next().is_some()
}

/// The commands that carry out `plan`: its starts and preemptions in one `CommitPlan` (so a gang
/// and its victims go together), then one `TimeLimitReached` per timed-out job and one `Signal`
/// per `--signal` warning due.
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
    commands.extend(plan.warnings.iter().map(|w| Command::Signal {
        job: w.job,
        signal: w.signal,
        by: TIME_LIMIT_WARNING_BY.to_string(),
        target: w.target,
    }));
    commands
}

#[cfg(test)]
mod tests {
    use super::worth_a_pass;
    use corral_model::{ClusterState, Command, JobSpec, NodeSpec, Submit};

    #[test]
    fn a_queue_with_no_node_to_run_on_is_not_worth_a_pass() {
        let mut state = ClusterState::new();
        assert!(!worth_a_pass(&state), "nothing at all");
        let submit = Submit {
            user: "u".into(),
            account: "root".into(),
            spec: JobSpec::default(),
            client_request_id: None,
        };
        state.apply(1, Command::Submit(submit)).unwrap();
        assert!(!worth_a_pass(&state), "a pending job but no node");
        let node = NodeSpec {
            name: "a".into(),
            cpus: 8,
            mem_mib: 1024,
            gpus: vec![],
            features: Default::default(),
            labels: Default::default(),
            rack: None,
            switch: None,
            addr: None,
        };
        state.apply(2, Command::RegisterNode(node)).unwrap();
        assert!(worth_a_pass(&state), "a pending job and a node up");
    }
}
