//! The `Raft` gRPC service: feeds other schedulers' AppendEntries, Vote and InstallSnapshot to
//! this node's openraft, and answers with what openraft returned (both CBOR-encoded).

use crate::raft_codec::{decode, encode};
use corral_proto::v1::raft_server::Raft;
use corral_proto::v1::RaftPayload;
use corral_raft::types::Raft as RaftHandle;
use tonic::{Request, Response, Status};

pub struct RaftService {
    raft: RaftHandle,
}

impl RaftService {
    pub fn new(raft: RaftHandle) -> RaftService {
        RaftService { raft }
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
        let answer = self.raft.append_entries(decode_request(request)?).await;
        reply(&answer)
    }

    async fn vote(&self, request: Request<RaftPayload>) -> Result<Response<RaftPayload>, Status> {
        let answer = self.raft.vote(decode_request(request)?).await;
        reply(&answer)
    }

    async fn install_snapshot(
        &self,
        request: Request<RaftPayload>,
    ) -> Result<Response<RaftPayload>, Status> {
        let answer = self.raft.install_snapshot(decode_request(request)?).await;
        reply(&answer)
    }
}
