//! The `Agent` gRPC service, minimal for now: a node agent registers its node (a write, through
//! `Writer`) and sends heartbeats, answered with the jobs that hold resources on its node.
//! Heartbeats are not yet recorded, so no node is marked DOWN for missing them (issue 6).

use crate::writer::Writer;
use corral_model::{Applied, Command, NodeId};
use corral_proto::convert::node_spec_from_register;
use corral_proto::v1::agent_server::Agent;
use corral_proto::v1::*;
use tonic::{Request, Response, Status};

pub struct AgentService {
    writer: Writer,
}

impl AgentService {
    pub fn new(writer: Writer) -> AgentService {
        AgentService { writer }
    }
}

#[tonic::async_trait]
impl Agent for AgentService {
    async fn register(
        &self,
        request: Request<RegisterRequest>,
    ) -> Result<Response<RegisterReply>, Status> {
        let spec = node_spec_from_register(request.get_ref())
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        match self.writer.write(Command::RegisterNode(spec)).await? {
            Applied::NodeRegistered { node } => Ok(Response::new(RegisterReply {
                node_id: u64::from(node.0),
            })),
            other => Err(Status::internal(format!(
                "register: unexpected answer from apply: {other:?}"
            ))),
        }
    }

    async fn heartbeat(
        &self,
        request: Request<HeartbeatRequest>,
    ) -> Result<Response<HeartbeatReply>, Status> {
        let raw_id = request.get_ref().node_id;
        let id = u32::try_from(raw_id).map(NodeId).map_err(|_| {
            Status::invalid_argument(format!(
                "node_id = {raw_id}: above the largest node id {}",
                u32::MAX
            ))
        })?;
        let job_ids = self
            .writer
            .node()
            .read_state(|cluster| {
                cluster
                    .node(id)
                    .map(|node| node.usage.jobs.iter().map(|job| job.0).collect())
            })
            .ok_or_else(|| {
                Status::not_found(format!("node_id = {raw_id}: no such node (register first)"))
            })?;
        Ok(Response::new(HeartbeatReply { job_ids }))
    }
}
