//! `Router`: an in-memory `RaftNetwork` for tests. Each RPC is a direct call on the target's
//! `Raft` handle. A node can be cut off: every message to or from it is dropped (answered
//! `Unreachable`), also an answer to a call that was under way when the cut happened.

use corral_raft::types::Raft;
use corral_raft::{RaftNodeAddr, RaftNodeId, TypeConfig};
use openraft::error::{InstallSnapshotError, RPCError, RaftError, RemoteError, Unreachable};
use openraft::network::RPCOption;
use openraft::raft::{
    AppendEntriesRequest, AppendEntriesResponse, InstallSnapshotRequest, InstallSnapshotResponse,
    VoteRequest, VoteResponse,
};
use openraft::{RaftNetwork, RaftNetworkFactory};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Router {
    nodes: Mutex<BTreeMap<RaftNodeId, Raft>>,
    cut: Mutex<BTreeSet<RaftNodeId>>,
}

impl Router {
    pub fn new() -> Arc<Router> {
        Arc::new(Router::default())
    }

    pub fn register(&self, id: RaftNodeId, raft: Raft) {
        self.nodes.lock().expect("router lock").insert(id, raft);
    }

    pub fn unregister(&self, id: RaftNodeId) {
        self.nodes.lock().expect("router lock").remove(&id);
    }

    /// Drops every message to and from `id` until `heal`.
    pub fn cut_off(&self, id: RaftNodeId) {
        self.cut.lock().expect("router lock").insert(id);
    }

    pub fn heal(&self, id: RaftNodeId) {
        self.cut.lock().expect("router lock").remove(&id);
    }

    pub fn factory(self: &Arc<Router>, source: RaftNodeId) -> RouterFactory {
        RouterFactory {
            router: Arc::clone(self),
            source,
        }
    }

    /// The target's handle, or `Unreachable` when either end is cut off or the target is down.
    fn reach(&self, source: RaftNodeId, target: RaftNodeId) -> Result<Raft, Unreachable> {
        let cut = self.cut.lock().expect("router lock");
        if cut.contains(&source) || cut.contains(&target) {
            return Err(unreachable(format!("link {source} -> {target} is cut")));
        }
        drop(cut);
        self.nodes
            .lock()
            .expect("router lock")
            .get(&target)
            .cloned()
            .ok_or_else(|| unreachable(format!("node {target} is down")))
    }
}

fn unreachable(why: String) -> Unreachable {
    Unreachable::new(&std::io::Error::new(std::io::ErrorKind::NotConnected, why))
}

#[derive(Clone)]
pub struct RouterFactory {
    router: Arc<Router>,
    source: RaftNodeId,
}

impl RaftNetworkFactory<TypeConfig> for RouterFactory {
    type Network = RouterConnection;

    async fn new_client(&mut self, target: RaftNodeId, _node: &RaftNodeAddr) -> RouterConnection {
        RouterConnection {
            router: Arc::clone(&self.router),
            source: self.source,
            target,
        }
    }
}

pub struct RouterConnection {
    router: Arc<Router>,
    source: RaftNodeId,
    target: RaftNodeId,
}

type RpcError<E = openraft::error::Infallible> =
    RPCError<RaftNodeId, RaftNodeAddr, RaftError<RaftNodeId, E>>;

impl RouterConnection {
    fn target(&self) -> Result<Raft, Unreachable> {
        self.router.reach(self.source, self.target)
    }

    /// Drops an answer when the link was cut while the call ran.
    fn deliver<T>(&self, answer: T) -> Result<T, Unreachable> {
        self.target().map(|_| answer)
    }
}

impl RaftNetwork<TypeConfig> for RouterConnection {
    async fn append_entries(
        &mut self,
        rpc: AppendEntriesRequest<TypeConfig>,
        _option: RPCOption,
    ) -> Result<AppendEntriesResponse<RaftNodeId>, RpcError> {
        let raft = self.target()?;
        let answer = raft
            .append_entries(rpc)
            .await
            .map_err(|e| RemoteError::new(self.target, e))?;
        Ok(self.deliver(answer)?)
    }

    async fn install_snapshot(
        &mut self,
        rpc: InstallSnapshotRequest<TypeConfig>,
        _option: RPCOption,
    ) -> Result<InstallSnapshotResponse<RaftNodeId>, RpcError<InstallSnapshotError>> {
        let raft = self.target()?;
        let answer = raft
            .install_snapshot(rpc)
            .await
            .map_err(|e| RemoteError::new(self.target, e))?;
        Ok(self.deliver(answer)?)
    }

    async fn vote(
        &mut self,
        rpc: VoteRequest<RaftNodeId>,
        _option: RPCOption,
    ) -> Result<VoteResponse<RaftNodeId>, RpcError> {
        let raft = self.target()?;
        let answer = raft
            .vote(rpc)
            .await
            .map_err(|e| RemoteError::new(self.target, e))?;
        Ok(self.deliver(answer)?)
    }
}
