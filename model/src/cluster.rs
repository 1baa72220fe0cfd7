//! `ClusterState`: nodes, jobs, the id counter and the admin policy text. It is the Raft state
//! machine and the simulator's world; `apply` (in `apply/`) is its only writer.

use crate::ids::{JobId, NodeId};
use crate::job::Job;
use crate::node::Node;
use crate::state_machine::JobState;
use crate::submit_requests::{self, SubmitRequests};
use crate::usage::UsageBook;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Serialized (Raft snapshots) without its indexes, which are rebuilt from the jobs on load
/// (`StoredClusterState`), so adding an index never changes the stored form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredClusterState")]
pub struct ClusterState {
    pub(crate) nodes: BTreeMap<NodeId, Node>,
    pub(crate) node_by_name: BTreeMap<String, NodeId>,
    /// Boxed: a `Job` is over 1 KiB, and a B-tree leaf holds 11 entries inline, about half full
    /// when ids arrive in order; boxing keeps the tree small and the jobs packed (serde writes a
    /// `Box<Job>` exactly as a `Job`, so the stored form is the same).
    pub(crate) jobs: BTreeMap<JobId, Box<Job>>,
    /// PENDING jobs, and RUNNING or COMPLETING ones (`holding`): what a scheduling pass looks
    /// at, without walking every job the cluster has ever run. Kept by `apply` (invariant
    /// `active_index.rs`).
    #[serde(skip_serializing)]
    pub(crate) pending: BTreeSet<JobId>,
    #[serde(skip_serializing)]
    pub(crate) holding: BTreeSet<JobId>,
    /// The next job id to hand out. Only grows.
    pub(crate) next_job_id: u64,
    /// Digest of `(user, client request id)` → the jobs that submit made, for idempotent
    /// retries (`submit_requests.rs`). Pairs stored by older releases (`submit_requests`) are
    /// converted on load; releases that knew only those refuse today's snapshots (snapshot
    /// format version 2, `raft/ENCODING.md`).
    #[serde(rename = "submit_request_digests")]
    pub(crate) submit_requests: SubmitRequests,
    /// Leader time of the last applied command; never goes backwards.
    pub(crate) now_secs: u64,
    pub(crate) policy_source: Option<String>,
    /// Incremented by every `SetPolicy`.
    pub(crate) policy_version: u64,
    /// GPU time of every finished run, for fair-share.
    pub(crate) usage: UsageBook,
    /// Check every invariant after each apply (debug builds only). Large simulations turn it off.
    #[serde(skip_serializing)]
    pub(crate) invariant_checks: bool,
}

/// The stored form of `ClusterState`: its fields less the derived indexes.
#[derive(Deserialize)]
struct StoredClusterState {
    nodes: BTreeMap<NodeId, Node>,
    node_by_name: BTreeMap<String, NodeId>,
    jobs: BTreeMap<JobId, Box<Job>>,
    next_job_id: u64,
    /// Written by releases before snapshot format version 2 (always present, possibly empty).
    #[serde(default)]
    submit_requests: BTreeMap<(String, String), Vec<JobId>>,
    #[serde(default)]
    submit_request_digests: SubmitRequests,
    now_secs: u64,
    policy_source: Option<String>,
    policy_version: u64,
    /// Absent in states stored before usage was replicated.
    #[serde(default)]
    usage: UsageBook,
}

impl From<StoredClusterState> for ClusterState {
    fn from(stored: StoredClusterState) -> ClusterState {
        let pending = stored
            .jobs
            .values()
            .filter(|j| j.state == JobState::Pending)
            .map(|j| j.id)
            .collect();
        let holding = stored
            .jobs
            .values()
            .filter(|j| j.state.holds_resources())
            .map(|j| j.id)
            .collect();
        ClusterState {
            nodes: stored.nodes,
            node_by_name: stored.node_by_name,
            jobs: stored.jobs,
            pending,
            holding,
            next_job_id: stored.next_job_id,
            submit_requests: {
                let mut digests = stored.submit_request_digests;
                digests.extend(submit_requests::from_named(stored.submit_requests));
                digests
            },
            now_secs: stored.now_secs,
            policy_source: stored.policy_source,
            policy_version: stored.policy_version,
            usage: stored.usage,
            invariant_checks: default_checks(),
        }
    }
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
            pending: BTreeSet::new(),
            holding: BTreeSet::new(),
            next_job_id: 1,
            submit_requests: SubmitRequests::new(),
            now_secs: 0,
            policy_source: None,
            policy_version: 0,
            usage: UsageBook::default(),
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
        self.jobs.values().map(|job| &**job)
    }

    pub fn job(&self, id: JobId) -> Option<&Job> {
        self.jobs.get(&id).map(|job| &**job)
    }

    /// Jobs in `state`. For PENDING, RUNNING and COMPLETING this walks only the indexed jobs.
    pub fn jobs_in(&self, state: JobState) -> Box<dyn Iterator<Item = &Job> + '_> {
        match state {
            JobState::Pending => Box::new(self.pending_jobs()),
            JobState::Running | JobState::Completing => {
                Box::new(self.holding_jobs().filter(move |j| j.state == state))
            }
            _ => Box::new(
                self.jobs
                    .values()
                    .map(|job| &**job)
                    .filter(move |j| j.state == state),
            ),
        }
    }

    /// PENDING jobs, by id.
    pub fn pending_jobs(&self) -> impl Iterator<Item = &Job> + '_ {
        self.pending
            .iter()
            .filter_map(|id| self.jobs.get(id).map(|job| &**job))
    }

    /// RUNNING and COMPLETING jobs (those holding an allocation), by id.
    pub fn holding_jobs(&self) -> impl Iterator<Item = &Job> + '_ {
        self.holding
            .iter()
            .filter_map(|id| self.jobs.get(id).map(|job| &**job))
    }

    /// Jobs PENDING, RUNNING or COMPLETING, by id.
    pub fn active_jobs(&self) -> impl Iterator<Item = &Job> + '_ {
        let mut ids: Vec<JobId> = self.pending.iter().chain(&self.holding).copied().collect();
        ids.sort_unstable();
        ids.into_iter()
            .filter_map(|id| self.jobs.get(&id).map(|job| &**job))
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

    /// GPU time of every finished run (running ones are not in it until they end).
    pub fn usage(&self) -> &UsageBook {
        &self.usage
    }

    /// Turns the per-apply invariant checks of debug builds on or off (release builds never run them).
    pub fn set_invariant_checks(&mut self, on: bool) {
        self.invariant_checks = on && cfg!(debug_assertions);
    }
}
