//! `ClusterState`: nodes, jobs, the id counter and the admin policy text. It is the Raft state
//! machine and the simulator's world; `apply` (in `apply/`) is its only writer.

use crate::ids::{JobId, NodeId};
use crate::job::Job;
use crate::node::Node;
use crate::state_machine::JobState;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterState {
    pub(crate) nodes: BTreeMap<NodeId, Node>,
    pub(crate) node_by_name: BTreeMap<String, NodeId>,
    pub(crate) jobs: BTreeMap<JobId, Job>,
    /// Jobs PENDING, RUNNING or COMPLETING: what a scheduling pass looks at, without walking
    /// every job the cluster has ever run. Kept by `apply` (invariant `active_index.rs`).
    pub(crate) active: BTreeSet<JobId>,
    /// The next job id to hand out. Only grows.
    pub(crate) next_job_id: u64,
    /// `(user, client request id)` → the jobs that submit made, for idempotent retries.
    pub(crate) submit_requests: BTreeMap<(String, String), Vec<JobId>>,
    /// Leader time of the last applied command; never goes backwards.
    pub(crate) now_secs: u64,
    pub(crate) policy_source: Option<String>,
    /// Incremented by every `SetPolicy`.
    pub(crate) policy_version: u64,
    /// Check every invariant after each apply (debug builds only). Large simulations turn it off.
    #[serde(skip, default = "default_checks")]
    pub(crate) invariant_checks: bool,
}

fn default_checks() -> bool {
    cfg!(debug_assertions)
}

impl Default for ClusterState {
    fn default() -> Self {
        ClusterState {
            nodes: BTreeMap::new(),
            node_by_name: BTreeMap::new(),
            jobs: BTreeMap::new(),
            active: BTreeSet::new(),
            next_job_id: 1,
            submit_requests: BTreeMap::new(),
            now_secs: 0,
            policy_source: None,
            policy_version: 0,
            invariant_checks: default_checks(),
        }
    }
}

impl ClusterState {
    pub fn new() -> ClusterState {
        ClusterState::default()
    }

    pub fn nodes(&self) -> impl Iterator<Item = &Node> + '_ {
        self.nodes.values()
    }

    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(&id)
    }

    pub fn node_by_name(&self, name: &str) -> Option<&Node> {
        self.node_by_name
            .get(name)
            .and_then(|id| self.nodes.get(id))
    }

    pub fn jobs(&self) -> impl Iterator<Item = &Job> + '_ {
        self.jobs.values()
    }

    pub fn job(&self, id: JobId) -> Option<&Job> {
        self.jobs.get(&id)
    }

    /// Jobs in `state`. For PENDING, RUNNING and COMPLETING this walks only the active jobs.
    pub fn jobs_in(&self, state: JobState) -> Box<dyn Iterator<Item = &Job> + '_> {
        if state.is_final() {
            Box::new(self.jobs.values().filter(move |j| j.state == state))
        } else {
            Box::new(self.active_jobs().filter(move |j| j.state == state))
        }
    }

    /// Jobs PENDING, RUNNING or COMPLETING, by id.
    pub fn active_jobs(&self) -> impl Iterator<Item = &Job> + '_ {
        self.active.iter().filter_map(|id| self.jobs.get(id))
    }

    pub fn next_job_id(&self) -> JobId {
        JobId(self.next_job_id)
    }

    pub fn now_secs(&self) -> u64 {
        self.now_secs
    }

    pub fn policy_source(&self) -> Option<&str> {
        self.policy_source.as_deref()
    }

    pub fn policy_version(&self) -> u64 {
        self.policy_version
    }

    /// Turns the per-apply invariant checks of debug builds on or off (release builds never run them).
    pub fn set_invariant_checks(&mut self, on: bool) {
        self.invariant_checks = on && cfg!(debug_assertions);
    }
}
