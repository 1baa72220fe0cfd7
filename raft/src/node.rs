//! `RaftNode`: one scheduler node's replica — openraft over the durable store, with the calls the
//! scheduler needs: write a command through the leader, read the applied state, change membership.

use crate::closing::Closing;
use crate::config::RaftConfig;
use crate::engine::StorageEngine;
use crate::error::{StartError, WriteError};
use crate::log_growth::{spawn_snapshot_trigger, LogGrowth};
use crate::log_store::LogStore;
use crate::sled_engine::SledEngine;
use crate::state_machine::{SharedState, StateMachineStore};
use crate::types::{LogId, Raft, RaftNodeAddr, RaftNodeId, StampedCommand, TypeConfig};
use corral_model::{Applied, ClusterState, Command};
use openraft::error::{
    CheckIsLeaderError, ClientWriteError, ForwardToLeader, InitializeError, RaftError,
};
use openraft::{RaftMetrics, RaftNetworkFactory};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

pub struct RaftNode {
    id: RaftNodeId,
    raft: Raft,
    state: SharedState,
    /// Completes once the storage engine is dropped (see `closing.rs`).
    store_closed: Mutex<Option<oneshot::Receiver<()>>>,
    /// Asks for a snapshot when the log has grown past its byte limit (`log_growth.rs`).
    snapshot_trigger: Option<JoinHandle<()>>,
}

/// How long `shutdown` waits for openraft's tasks to let go of the store.
const STORE_CLOSE_TIMEOUT: Duration = Duration::from_secs(10);

impl Drop for RaftNode {
    fn drop(&mut self) {
        if let Some(trigger) = &self.snapshot_trigger {
            trigger.abort();
        }
    }
}

impl RaftNode {
    /// Starts node `id` on the sled store in `dir` (created if absent). A node restarted on the same
    /// directory resumes with its log, vote and snapshot. Must run inside a tokio runtime.
    pub async fn start<N>(
        id: RaftNodeId,
        dir: &Path,
        network: N,
        config: &RaftConfig,
    ) -> Result<RaftNode, StartError>
    where
        N: RaftNetworkFactory<TypeConfig>,
    {
        let engine = SledEngine::open(dir).map_err(|source| StartError::Engine {
            dir: dir.display().to_string(),
            source,
        })?;
        RaftNode::start_with_engine(id, engine, network, config).await
    }

    /// Starts node `id` on any storage engine.
    pub async fn start_with_engine<E, N>(
        id: RaftNodeId,
        engine: E,
        network: N,
        config: &RaftConfig,
    ) -> Result<RaftNode, StartError>
    where
        E: StorageEngine,
        N: RaftNetworkFactory<TypeConfig>,
    {
        let raft_config = Arc::new(config.to_openraft()?);
        let (engine, store_closed) = Closing::new(engine);
        let engine = Arc::new(engine);
        let growth = LogGrowth::default();
        let log_store = LogStore::new(Arc::clone(&engine)).counting_growth(growth.clone());
        let state_machine = StateMachineStore::open(engine)
            .map_err(|e| StartError::Storage(e.to_string()))?
            .counting_growth(growth.clone());
        let state = state_machine.shared_state();
        let raft = Raft::new(id, raft_config, network, log_store, state_machine)
            .await
            .map_err(|e| StartError::Raft {
                id,
                reason: e.to_string(),
            })?;
        let snapshot_trigger = (config.snapshot_after_log_mib > 0).then(|| {
            let limit_bytes = config.snapshot_after_log_mib.saturating_mul(1024 * 1024);
            spawn_snapshot_trigger(raft.clone(), growth, limit_bytes)
        });
        Ok(RaftNode {
            id,
            raft,
            state,
            store_closed: Mutex::new(Some(store_closed)),
            snapshot_trigger,
        })
    }

    pub fn id(&self) -> RaftNodeId {
        self.id
    }

    /// The openraft handle, for the RPC server that feeds it `append_entries`, `vote` and
    /// `install_snapshot` from other nodes.
    pub fn raft(&self) -> &Raft {
        &self.raft
    }

    /// Makes a new cluster of `members` (node id → address) with this node in it. Call it on one
    /// node of a fresh cluster; on a node that already has Raft state it does nothing.
    pub async fn initialize(
        &self,
        members: BTreeMap<RaftNodeId, String>,
    ) -> Result<(), WriteError> {
        let members: BTreeMap<RaftNodeId, RaftNodeAddr> = members
            .into_iter()
            .map(|(id, addr)| (id, RaftNodeAddr { addr }))
            .collect();
        match self.raft.initialize(members).await {
            Ok(()) => Ok(()),
            Err(RaftError::APIError(InitializeError::NotAllowed(_))) => Ok(()),
            Err(RaftError::APIError(e)) => Err(WriteError::Membership {
                reason: e.to_string(),
            }),
            Err(RaftError::Fatal(e)) => Err(WriteError::Stopped {
                reason: e.to_string(),
            }),
        }
    }

    /// Proposes `command`, stamped with the leader's clock `now_secs`, and returns what `apply` did
    /// once the entry is committed on a majority (durably) and applied here.
    pub async fn client_write(
        &self,
        command: Command,
        now_secs: u64,
    ) -> Result<Applied, WriteError> {
        let stamped = StampedCommand { now_secs, command };
        let response = self
            .raft
            .client_write(stamped)
            .await
            .map_err(|e| self.write_error(e))?;
        response
            .data
            .map_err(|reason| WriteError::Refused { reason })
    }

    /// Reads this node's applied state. On a follower it may lag the leader by a few entries.
    pub fn read_state<T>(&self, read: impl FnOnce(&ClusterState) -> T) -> T {
        read(&self.state.read().cluster)
    }

    /// Reads the state after confirming with a majority that this node is still the leader and
    /// applying everything committed before the call: the read sees every acknowledged write.
    pub async fn read_state_linearizable<T>(
        &self,
        read: impl FnOnce(&ClusterState) -> T,
    ) -> Result<T, WriteError> {
        match self.raft.ensure_linearizable().await {
            Ok(_) => Ok(self.read_state(read)),
            Err(RaftError::APIError(CheckIsLeaderError::ForwardToLeader(forward))) => {
                Err(self.forward_error(forward))
            }
            Err(RaftError::APIError(CheckIsLeaderError::QuorumNotEnough(e))) => {
                Err(WriteError::NoQuorum {
                    reason: e.to_string(),
                })
            }
            Err(RaftError::Fatal(e)) => Err(WriteError::Stopped {
                reason: e.to_string(),
            }),
        }
    }

    /// The log id of the last entry applied to this node's state.
    pub fn last_applied(&self) -> Option<LogId> {
        self.state.read().last_applied
    }

    /// Adds node `id` at `addr` as a learner and waits until it has caught up with the log.
    pub async fn add_learner(&self, id: RaftNodeId, addr: String) -> Result<(), WriteError> {
        self.raft
            .add_learner(id, RaftNodeAddr { addr }, true)
            .await
            .map(|_| ())
            .map_err(|e| self.write_error(e))
    }

    /// Makes `voters` the voting members (through a joint config). Nodes that were members and are
    /// not in `voters` leave the cluster entirely.
    pub async fn change_membership(&self, voters: BTreeSet<RaftNodeId>) -> Result<(), WriteError> {
        self.raft
            .change_membership(voters, false)
            .await
            .map(|_| ())
            .map_err(|e| self.write_error(e))
    }

    /// The leader this node knows of, if any.
    pub fn current_leader(&self) -> Option<RaftNodeId> {
        self.raft.metrics().borrow().current_leader
    }

    /// openraft's metrics: role, term, leader, log and applied indexes, membership.
    pub fn metrics(&self) -> watch::Receiver<RaftMetrics<RaftNodeId, RaftNodeAddr>> {
        self.raft.metrics()
    }

    /// Stops the node. Once this returns `Ok` its store is closed, and the same directory can be
    /// opened again.
    pub async fn shutdown(&self) -> Result<(), WriteError> {
        if let Some(trigger) = &self.snapshot_trigger {
            trigger.abort();
        }
        self.raft
            .shutdown()
            .await
            .map_err(|e| WriteError::Stopped {
                reason: e.to_string(),
            })?;
        let store_closed = self
            .store_closed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(store_closed) = store_closed {
            // The sender is dropped, never used: either result means the engine is gone.
            let _closed = tokio::time::timeout(STORE_CLOSE_TIMEOUT, store_closed)
                .await
                .map_err(|_| WriteError::Stopped {
                    reason: format!(
                        "node {}: store still open {} s after raft stopped",
                        self.id,
                        STORE_CLOSE_TIMEOUT.as_secs()
                    ),
                })?;
        }
        Ok(())
    }

    fn write_error(
        &self,
        error: RaftError<RaftNodeId, ClientWriteError<RaftNodeId, RaftNodeAddr>>,
    ) -> WriteError {
        match error {
            RaftError::APIError(ClientWriteError::ForwardToLeader(forward)) => {
                self.forward_error(forward)
            }
            RaftError::APIError(ClientWriteError::ChangeMembershipError(e)) => {
                WriteError::Membership {
                    reason: e.to_string(),
                }
            }
            RaftError::Fatal(e) => WriteError::Stopped {
                reason: e.to_string(),
            },
        }
    }

    /// `ForwardToLeader` with the leader's address, from the membership when openraft lacks it.
    fn forward_error(&self, forward: ForwardToLeader<RaftNodeId, RaftNodeAddr>) -> WriteError {
        let addr = forward
            .leader_node
            .map(|node| node.addr)
            .or_else(|| forward.leader_id.and_then(|id| self.member_addr(id)));
        WriteError::ForwardToLeader {
            leader_id: forward.leader_id,
            addr,
        }
    }

    fn member_addr(&self, id: RaftNodeId) -> Option<String> {
        let metrics = self.raft.metrics();
        let metrics = metrics.borrow();
        metrics
            .membership_config
            .membership()
            .get_node(&id)
            .map(|node| node.addr.clone())
    }
}
