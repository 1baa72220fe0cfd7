//! The Raft network over gRPC: openraft's `RaftNetworkFactory` whose connections call the `Raft`
//! service of other schedulers. A channel connects lazily and reconnects by itself; a failed
//! connection is reported `Unreachable` (openraft backs off), a bad answer `NetworkError`.
//! Every request names the node it is meant for (`TARGET_KEY`): a node that is not it refuses,
//! and the connection is rebuilt, which resolves the address again. (When containers restart,
//! a name can resolve to another scheduler's old address — even the sender's own — and openraft
//! must never take a leader's own AppendEntries for someone else's.)

use crate::raft_codec::{decode, encode};
use corral_proto::v1::raft_client::RaftClient;
use corral_proto::v1::RaftPayload;
use corral_raft::openraft::error::{
    InstallSnapshotError, NetworkError, RPCError, RaftError, RemoteError, Unreachable,
};
use corral_raft::openraft::network::RPCOption;
use corral_raft::openraft::raft::{
    AppendEntriesRequest, AppendEntriesResponse, InstallSnapshotRequest, InstallSnapshotResponse,
    VoteRequest, VoteResponse,
};
use corral_raft::openraft::{RaftNetwork, RaftNetworkFactory};
use corral_raft::{RaftNodeAddr, RaftNodeId, TypeConfig};
use std::time::Duration;
use tonic::transport::{Channel, Endpoint};

/// How long to wait for a TCP connection to another scheduler.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);

#[derive(Clone, Default)]
pub struct GrpcNetwork;

impl RaftNetworkFactory<TypeConfig> for GrpcNetwork {
    type Network = GrpcConnection;

    async fn new_client(&mut self, target: RaftNodeId, node: &RaftNodeAddr) -> GrpcConnection {
        let client = connect(target, &node.addr);
        GrpcConnection {
            target,
            addr: node.addr.clone(),
            client,
        }
    }
}

/// Metadata key naming the Raft node id a request is meant for.
pub const TARGET_KEY: &str = "corral-raft-target";

fn connect(target: RaftNodeId, addr: &str) -> Result<RaftClient<Channel>, String> {
    Endpoint::from_shared(format!("http://{addr}"))
        .map(|endpoint| RaftClient::new(endpoint.connect_timeout(CONNECT_TIMEOUT).connect_lazy()))
        .map_err(|e| format!("node {target}: bad address {addr:?}: {e}"))
}

pub struct GrpcConnection {
    target: RaftNodeId,
    addr: String,
    client: Result<RaftClient<Channel>, String>,
}

type RpcError<E = corral_raft::openraft::error::Infallible> =
    RPCError<RaftNodeId, RaftNodeAddr, RaftError<RaftNodeId, E>>;

#[derive(Clone, Copy)]
enum Call {
    AppendEntries,
    Vote,
    InstallSnapshot,
}

impl GrpcConnection {
    /// Sends `request` to the target's `call`, and decodes the `Result` its openraft answered.
    async fn call<Req, Resp, E>(
        &mut self,
        call: Call,
        request: &Req,
        option: &RPCOption,
    ) -> Result<Resp, RpcError<E>>
    where
        Req: serde::Serialize,
        Resp: serde::de::DeserializeOwned,
        E: std::error::Error + serde::de::DeserializeOwned,
    {
        let client = self.client.as_mut().map_err(|e| unreachable(e.clone()))?;
        let payload = encode(request).map_err(|e| RPCError::Network(NetworkError::new(&e)))?;
        let mut message = tonic::Request::new(RaftPayload { payload });
        message.metadata_mut().insert(
            TARGET_KEY,
            tonic::metadata::MetadataValue::from(self.target),
        );
        let sent = async {
            match call {
                Call::AppendEntries => client.append_entries(message).await,
                Call::Vote => client.vote(message).await,
                Call::InstallSnapshot => client.install_snapshot(message).await,
            }
        };
        let answer = tokio::time::timeout(option.hard_ttl(), sent)
            .await
            .map_err(|_| {
                unreachable(format!(
                    "node {}: no answer in {:?}",
                    self.target,
                    option.hard_ttl()
                ))
            })?;
        let answer = match answer {
            Ok(answer) => answer,
            Err(status) => {
                if status.code() == tonic::Code::FailedPrecondition {
                    // Reached the wrong node: resolve the address again next time.
                    self.client = connect(self.target, &self.addr);
                }
                return Err(status_error(self.target, status));
            }
        };
        let answer: Result<Resp, RaftError<RaftNodeId, E>> =
            decode(&answer.into_inner().payload)
                .map_err(|e| RPCError::Network(NetworkError::new(&e)))?;
        answer.map_err(|e| RPCError::RemoteError(RemoteError::new(self.target, e)))
    }
}

fn unreachable(why: String) -> Unreachable {
    Unreachable::new(&std::io::Error::new(std::io::ErrorKind::NotConnected, why))
}

/// A transport failure means the target is unreachable; any other status is a network error.
fn status_error<E: std::error::Error>(target: RaftNodeId, status: tonic::Status) -> RpcError<E> {
    let why = format!("node {target}: {status}");
    match status.code() {
        tonic::Code::Unavailable
        | tonic::Code::Unknown
        | tonic::Code::Cancelled
        | tonic::Code::FailedPrecondition => RPCError::Unreachable(unreachable(why)),
        _ => RPCError::Network(NetworkError::new(&std::io::Error::other(why))),
    }
}

impl RaftNetwork<TypeConfig> for GrpcConnection {
    async fn append_entries(
        &mut self,
        rpc: AppendEntriesRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<AppendEntriesResponse<RaftNodeId>, RpcError> {
        self.call(Call::AppendEntries, &rpc, &option).await
    }

    async fn install_snapshot(
        &mut self,
        rpc: InstallSnapshotRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<InstallSnapshotResponse<RaftNodeId>, RpcError<InstallSnapshotError>> {
        self.call(Call::InstallSnapshot, &rpc, &option).await
    }

    async fn vote(
        &mut self,
        rpc: VoteRequest<RaftNodeId>,
        option: RPCOption,
    ) -> Result<VoteResponse<RaftNodeId>, RpcError> {
        self.call(Call::Vote, &rpc, &option).await
    }
}
