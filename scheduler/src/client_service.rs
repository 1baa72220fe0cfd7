//! The `Client` gRPC service: submit and cancel (writes, through `Writer`), the admin writes
//! drain, resume and policy apply (`admin_writes`), and reads of jobs,
//! nodes and cluster status from this node's applied state (a follower's may lag by a few
//! entries; `ClusterStatus` says which node answered and who leads).

use crate::admin_writes;
use crate::status_report::cluster_status;
use crate::writer::Writer;
use corral_model::{Applied, Command, JobId, JobState};
use corral_proto::convert::{job_ids, job_info, node_info, submit_from_request};
use corral_proto::v1::client_server::Client;
use corral_proto::v1::*;
use tonic::{Request, Response, Status};

pub struct ClientService {
    writer: Writer,
}

impl ClientService {
    pub fn new(writer: Writer) -> ClientService {
        ClientService { writer }
    }
}

fn unexpected(what: &str, applied: &Applied) -> Status {
    Status::internal(format!("{what}: unexpected answer from apply: {applied:?}"))
}

/// The job states named in a request, or which name is not one.
fn parse_states(names: &[String]) -> Result<Vec<JobState>, Status> {
    names
        .iter()
        .map(|name| {
            JobState::parse(name).ok_or_else(|| {
                let accepted: Vec<&str> = JobState::ALL.iter().map(|s| s.name()).collect();
                Status::invalid_argument(format!(
                    "states: {name:?} is not a job state (accepted: {})",
                    accepted.join(", ")
                ))
            })
        })
        .collect()
}

#[tonic::async_trait]
impl Client for ClientService {
    async fn submit(
        &self,
        request: Request<SubmitRequest>,
    ) -> Result<Response<SubmitReply>, Status> {
        let submit = submit_from_request(request.get_ref())
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        match self.writer.write(Command::Submit(submit)).await? {
            Applied::Submitted { jobs, duplicate } => Ok(Response::new(SubmitReply {
                job_ids: job_ids(&jobs),
                duplicate,
            })),
            other => Err(unexpected("submit", &other)),
        }
    }

    async fn cancel(
        &self,
        request: Request<CancelRequest>,
    ) -> Result<Response<CancelReply>, Status> {
        let request = request.into_inner();
        let command = Command::Cancel {
            job: JobId(request.job_id),
            by: request.user,
        };
        let changed = !matches!(self.writer.write(command).await?, Applied::NoChange);
        Ok(Response::new(CancelReply { changed }))
    }

    async fn list_jobs(
        &self,
        request: Request<ListJobsRequest>,
    ) -> Result<Response<ListJobsReply>, Status> {
        let request = request.into_inner();
        let states = parse_states(&request.states)?;
        let jobs = self.writer.node().read_state(|cluster| {
            cluster
                .jobs()
                .filter(|job| request.user.is_empty() || job.user == request.user)
                .filter(|job| states.is_empty() || states.contains(&job.state))
                .map(job_info)
                .collect()
        });
        Ok(Response::new(ListJobsReply { jobs }))
    }

    async fn get_job(
        &self,
        request: Request<GetJobRequest>,
    ) -> Result<Response<GetJobReply>, Status> {
        let id = JobId(request.get_ref().job_id);
        let job = self
            .writer
            .node()
            .read_state(|cluster| cluster.job(id).map(job_info))
            .ok_or_else(|| Status::not_found(format!("job {}: no such job", id.0)))?;
        Ok(Response::new(GetJobReply { job: Some(job) }))
    }

    async fn list_nodes(
        &self,
        _request: Request<ListNodesRequest>,
    ) -> Result<Response<ListNodesReply>, Status> {
        let nodes = self
            .writer
            .node()
            .read_state(|cluster| cluster.nodes().map(node_info).collect());
        Ok(Response::new(ListNodesReply { nodes }))
    }

    async fn cluster_status(
        &self,
        _request: Request<ClusterStatusRequest>,
    ) -> Result<Response<ClusterStatusReply>, Status> {
        Ok(Response::new(cluster_status(self.writer.node())))
    }

    async fn drain(&self, request: Request<DrainRequest>) -> Result<Response<DrainReply>, Status> {
        let r = request.get_ref();
        let changed = admin_writes::drain(&self.writer, &r.user, &r.node, &r.reason).await?;
        Ok(Response::new(DrainReply { changed }))
    }

    async fn resume(
        &self,
        request: Request<ResumeRequest>,
    ) -> Result<Response<ResumeReply>, Status> {
        let r = request.get_ref();
        let changed = admin_writes::resume(&self.writer, &r.user, &r.node).await?;
        Ok(Response::new(ResumeReply { changed }))
    }

    async fn policy_apply(
        &self,
        request: Request<PolicyApplyRequest>,
    ) -> Result<Response<PolicyApplyReply>, Status> {
        let r = request.get_ref();
        let version = admin_writes::policy_apply(&self.writer, &r.user, &r.text).await?;
        Ok(Response::new(PolicyApplyReply { version }))
    }
}
