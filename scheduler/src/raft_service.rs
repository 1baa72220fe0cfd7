//! The `Raft` gRPC service: feeds other schedulers' AppendEntries, Vote and InstallSnapshot to
//! this node's openraft, and answers with what openraft returned (both CBOR-encoded). A request
//! meant for another node id is refused.

use crate::network::TARGET_KEY;
use crate::raft_codec::{decode, encode};
use corral_proto::v1::raft_server::Raft;
use corral_proto::v1::RaftPayload;
use corral_raft::types::Raft as RaftHandle;
use tonic::{Request, Response, Status};

pub struct RaftService {
    raft: RaftHandle,
    id: u64,
}

impl RaftService {
    pub fn new(raft: RaftHandle, id: u64) -> RaftService {
        RaftService { raft, id }
    }

    /// Refuses a request meant for another node (see `network::TARGET_KEY`).
    fn check_target(&self, request: &Request<RaftPayload>) -> Result<(), Status> {
        let target = request
            .metadata()
            .get(TARGET_KEY)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        match target {
            Some(target) if target != self.id => Err(Status::failed_precondition(format!(
                "this is scheduler node {}, not node {target}",
                self.id
            ))),
            _ => Ok(()),
        }
    }
}

fn decode_request<T: serde::de::DeserializeOwned>(
    request: Request<RaftPayload>,
) -> Result<T, Status> {
    decode(&request.into_inner().payload).map_err(|e| Status::invalid_argument(e.to_string()))
}

fn reply<T: serde::Serialize>(answer: &T) -> Result<Response<RaftPayload>, Status> {
    let payload = encode(answer).map_err(|e| Status::internal(e.to_string()))?;
    Ok(Response::new(RaftPayload { payload }))
}

#[tonic::async_trait]
impl Raft for RaftService {
    async fn append_entries(
        &self,
        request: Request<RaftPayload>,
    ) -> Result<Response<RaftPayload>, Status> {
        self.check_target(&request)?;
        let answer = self.raft.append_entries(decode_request(request)?).await;
        reply(&answer)
    }

    async fn vote(&self, request: Request<RaftPayload>) -> Result<Response<RaftPayload>, Status> {
        self.check_target(&request)?;
        let answer = self.raft.vote(decode_request(request)?).await;
        reply(&answer)
    }

    async fn install_snapshot(
        &self,
        request: Request<RaftPayload>,
    ) -> Result<Response<RaftPayload>, Status> {
        self.check_target(&request)?;
        let answer = self.raft.install_snapshot(decode_request(request)?).await;
        reply(&answer)
    }
}
