//! `TestCluster`: `RaftNode`s on the in-memory `Router`, each on its own sled directory, with
//! waits that watch openraft's metrics until a deadline (no sleeping).

use super::router::Router;
use super::scratch::ScratchDir;
use corral_model::{Applied, ClusterState, Command};
use corral_raft::types::LogId;
use corral_raft::{RaftConfig, RaftNode, RaftNodeId, WriteError};
use openraft::RaftMetrics;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How long any one condition may take on a busy 2-core machine.
pub const DEADLINE: Duration = Duration::from_secs(20);

pub type Metrics = RaftMetrics<RaftNodeId, corral_raft::RaftNodeAddr>;

pub fn addr_of(id: RaftNodeId) -> String {
    format!("127.0.0.1:{}", 7100 + id)
}

pub struct TestCluster {
    pub router: Arc<Router>,
    pub nodes: BTreeMap<RaftNodeId, RaftNode>,
    config: RaftConfig,
    root: ScratchDir,
}

impl TestCluster {
    /// Starts nodes `ids` (not yet members of anything).
    pub async fn start(label: &str, ids: &[RaftNodeId], config: RaftConfig) -> TestCluster {
        let mut cluster = TestCluster {
            router: Router::new(),
            nodes: BTreeMap::new(),
            config,
            root: ScratchDir::new(label),
        };
        for &id in ids {
            cluster.start_node(id).await;
        }
        cluster
    }

    /// Starts a cluster of `ids` with the first as its initializer, and returns the leader.
    pub async fn start_initialized(
        label: &str,
        ids: &[RaftNodeId],
        config: RaftConfig,
    ) -> (TestCluster, RaftNodeId) {
        let cluster = TestCluster::start(label, ids, config).await;
        let members = ids.iter().map(|&id| (id, addr_of(id))).collect();
        cluster
            .node(ids[0])
            .initialize(members)
            .await
            .expect("initialize");
        let leader = cluster.wait_for_leader(ids).await;
        (cluster, leader)
    }

    pub fn dir_of(&self, id: RaftNodeId) -> PathBuf {
        self.root.path().join(format!("node-{id}"))
    }

    pub fn node(&self, id: RaftNodeId) -> &RaftNode {
        self.nodes
            .get(&id)
            .unwrap_or_else(|| panic!("node {id} is not running"))
    }

    pub async fn start_node(&mut self, id: RaftNodeId) {
        let node = RaftNode::start(id, &self.dir_of(id), self.router.factory(id), &self.config)
            .await
            .unwrap_or_else(|e| panic!("start node {id}: {e}"));
        self.router.register(id, node.raft().clone());
        self.nodes.insert(id, node);
    }

    pub async fn stop_node(&mut self, id: RaftNodeId) {
        self.router.unregister(id);
        if let Some(node) = self.nodes.remove(&id) {
            node.shutdown().await.expect("shutdown");
        }
    }

    /// Waits until node `id`'s metrics satisfy `condition`.
    pub async fn wait_for(
        &self,
        id: RaftNodeId,
        what: &str,
        condition: impl Fn(&Metrics) -> bool + Send,
    ) -> Metrics {
        self.node(id)
            .raft()
            .wait(Some(DEADLINE))
            .metrics(condition, format!("node {id}: {what}"))
            .await
            .unwrap_or_else(|e| panic!("node {id}: {what}: {e}"))
    }

    /// Waits until every node in `among` names the same leader, itself one of `among`.
    pub async fn wait_for_leader(&self, among: &[RaftNodeId]) -> RaftNodeId {
        let first = self
            .wait_for(among[0], "knows a leader", |m| {
                m.current_leader.is_some_and(|l| among.contains(&l))
            })
            .await;
        let leader = first.current_leader.expect("leader known");
        for &id in among {
            self.wait_for(id, &format!("follows leader {leader}"), |m| {
                m.current_leader == Some(leader)
            })
            .await;
        }
        leader
    }

    /// Waits until node `id` has applied the entry `log_id` (or a later one).
    pub async fn wait_for_applied(&self, id: RaftNodeId, index: u64) {
        self.wait_for(id, &format!("applied index {index}"), |m| {
            m.last_applied.is_some_and(|applied| applied.index >= index)
        })
        .await;
    }

    /// The leader's last applied log id.
    pub fn last_applied(&self, id: RaftNodeId) -> LogId {
        self.node(id).last_applied().expect("something applied")
    }

    pub fn state_of(&self, id: RaftNodeId) -> ClusterState {
        self.node(id).read_state(|state| state.clone())
    }

    /// Writes through `leader`, retrying on another leader named by `ForwardToLeader` (an election
    /// may happen on a busy machine). Returns the answer and the leader that gave it.
    pub async fn write(
        &self,
        leader: RaftNodeId,
        command: Command,
        now_secs: u64,
    ) -> (Applied, RaftNodeId) {
        let mut target = leader;
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            match self
                .node(target)
                .client_write(command.clone(), now_secs)
                .await
            {
                Ok(applied) => return (applied, target),
                Err(WriteError::ForwardToLeader { leader_id, .. })
                    if tokio::time::Instant::now() < deadline =>
                {
                    target = match leader_id {
                        Some(id) if self.nodes.contains_key(&id) => id,
                        _ => self.wait_for_leader(&self.running()).await,
                    };
                }
                Err(e) => panic!("write through node {target}: {e}"),
            }
        }
    }

    pub fn running(&self) -> Vec<RaftNodeId> {
        self.nodes.keys().copied().collect()
    }
}
