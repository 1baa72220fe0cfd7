//! The `Agent` gRPC service: a node agent registers its node and reports job ends (writes,
//! through `Writer`), and sends heartbeats, answered with the jobs that hold resources on its node
//! and the node's state. All three are served by the leader only, which records each register
//! and heartbeat in `Liveness` so that the leader loop can mark silent nodes DOWN.

use crate::assignments::{stream_assignments, AssignmentStream};
use crate::event_log::event;
use crate::liveness::Liveness;
use crate::writer::Writer;
use corral_model::{Applied, Command, GpuHealth, JobId, NodeId};
use corral_proto::convert::{job_end_from_report, node_id_from_wire, node_spec_from_register};
use corral_proto::v1::agent_server::Agent;
use corral_proto::v1::*;
use std::sync::Arc;
use std::time::Instant;
use tonic::{Request, Response, Status};

pub struct AgentService {
    writer: Writer,
    liveness: Arc<Liveness>,
}

impl AgentService {
    pub fn new(writer: Writer, liveness: Arc<Liveness>) -> AgentService {
        AgentService { writer, liveness }
    }

    /// `Ok` when `job` may be reported ended by `node`: it runs there, or it no longer holds
    /// resources anywhere (a repeated report, which `apply` answers with no change).
    fn check_runs_on(&self, job: JobId, node: NodeId) -> Result<(), Status> {
        let placed_on = self.writer.node().read_state(|cluster| {
            let job = cluster.job(job)?;
            let nodes: Vec<u32> = job
                .allocation
                .as_ref()
                .map(|a| a.nodes.iter().map(|n| n.node.0).collect())
                .unwrap_or_default();
            Some(nodes)
        });
        match placed_on {
            None => Err(Status::not_found(format!("job_id = {}: no such job", job.0))),
            Some(nodes) if nodes.is_empty() || nodes.contains(&node.0) => Ok(()),
            Some(nodes) => Err(Status::invalid_argument(format!(
                "job {} runs on node ids {nodes:?}, not on node {} (a report from a node it no longer runs on)",
                job.0, node.0
            ))),
        }
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
        let described = format!(
            "{} ({} GPUs, {} CPUs)",
            spec.name,
            spec.gpus.len(),
            spec.cpus
        );
        match self.writer.write(Command::RegisterNode(spec)).await? {
            Applied::NodeRegistered { node } => {
                self.liveness.heard_from(node, Instant::now());
                event(
                    self.writer.node().id(),
                    format!("node {} registered: {described}", node.0),
                );
                Ok(Response::new(RegisterReply {
                    node_id: u64::from(node.0),
                }))
            }
            other => Err(Status::internal(format!(
                "register: unexpected answer from apply: {other:?}"
            ))),
        }
    }

    async fn heartbeat(
        &self,
        request: Request<HeartbeatRequest>,
    ) -> Result<Response<HeartbeatReply>, Status> {
        self.writer.redirect_unless_leader()?;
        let raw_id = request.get_ref().node_id;
        let id = node_id_from_wire("node_id", raw_id)
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        let (job_ids, node_state) = self
            .writer
            .node()
            .read_state(|cluster| {
                cluster.node(id).map(|node| {
                    let jobs = node.usage.jobs.iter().map(|job| job.0).collect();
                    (jobs, node.state.name().to_string())
                })
            })
            .ok_or_else(|| {
                Status::not_found(format!("node_id = {raw_id}: no such node (register first)"))
            })?;
        self.liveness.heard_from(id, Instant::now());
        Ok(Response::new(HeartbeatReply {
            job_ids,
            node_state,
        }))
    }

    async fn report_job_ended(
        &self,
        request: Request<ReportJobEndedRequest>,
    ) -> Result<Response<ReportJobEndedReply>, Status> {
        self.writer.redirect_unless_leader()?;
        let report = job_end_from_report(request.get_ref())
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        self.check_runs_on(report.job, report.node)?;
        let command = Command::JobEnded {
            job: report.job,
            status: report.status,
        };
        let changed = !matches!(self.writer.write(command).await?, Applied::NoChange);
        Ok(Response::new(ReportJobEndedReply { changed }))
    }

    type AssignmentsStream = AssignmentStream;

    async fn assignments(
        &self,
        request: Request<AssignmentsRequest>,
    ) -> Result<Response<AssignmentStream>, Status> {
        self.writer.redirect_unless_leader()?;
        let id = node_id_from_wire("node_id", request.get_ref().node_id)
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        Ok(Response::new(stream_assignments(
            self.writer.shared_node(),
            id,
        )))
    }

    async fn report_gpu_health(
        &self,
        request: Request<ReportGpuHealthRequest>,
    ) -> Result<Response<ReportGpuHealthReply>, Status> {
        let report = request.into_inner();
        let node = node_id_from_wire("node_id", report.node_id)
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        let health = if report.healthy {
            GpuHealth::Healthy
        } else if report.reason.trim().is_empty() {
            return Err(Status::invalid_argument(
                "reason: must not be empty when healthy = false (say what NVML reported)",
            ));
        } else {
            GpuHealth::Unhealthy(report.reason)
        };
        let command = Command::SetGpuHealth {
            node,
            index: report.index,
            health,
        };
        let changed = !matches!(self.writer.write(command).await?, Applied::NoChange);
        Ok(Response::new(ReportGpuHealthReply { changed }))
    }
}
