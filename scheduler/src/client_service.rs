//! The `Client` gRPC service: submit and cancel (writes, through `Writer`), the admin writes
//! drain, resume and policy apply (`admin_writes`), and reads of jobs,
//! nodes and cluster status from this node's applied state (a follower's may lag by a few
//! entries; `ClusterStatus` says which node answered and who leads).

use crate::admin_writes;
use crate::insight::{
    fairshare_report, pending_info, pending_infos, share_rows, LastPass, PassRecord, PolicyView,
    Pricer,
};
use crate::membership;
use crate::permission;
use crate::status_report::cluster_status;
use crate::writer::Writer;
use corral_model::{Applied, Command, JobId, JobState, SignalTarget};
use corral_policies::admission::admit;
use corral_proto::convert::{job_ids, job_info, node_info, submit_from_request};
use corral_proto::v1::client_server::Client;
use corral_proto::v1::*;
use std::sync::Arc;
use tonic::{Request, Response, Status};

pub struct ClientService {
    writer: Writer,
    insights: Insights,
    /// The OS user this scheduler runs as: an admin (`permission`).
    service_user: String,
}

/// What the "why" reads need beside the state: the last pass's record and the policy in force.
pub struct Insights {
    pub last_pass: LastPass,
    pub policy: PolicyView,
    /// The configured policy file's text (`None` = the built-in defaults).
    pub configured_policy_text: Option<String>,
}

impl ClientService {
    pub fn new(writer: Writer, insights: Insights) -> ClientService {
        ClientService {
            writer,
            insights,
            service_user: corral_proto::caller::os_user(),
        }
    }

    /// `Ok` when `user` is an admin (`permission`); checked on the leader, which alone writes.
    fn permit_admin(&self, user: &str, action: &str) -> Result<(), Status> {
        self.writer.redirect_unless_leader()?;
        admin_writes::require_user(user)?;
        let policy = self
            .writer
            .node()
            .read_state(|cluster| self.insights.policy.current(cluster));
        permission::require_admin(&policy, &self.service_user, user, action)
    }

    /// `Ok` when `user` owns job `id` or is an admin; a job that does not exist is left for
    /// `apply` to refuse.
    fn permit_owner(&self, user: &str, id: JobId, action: &str) -> Result<(), Status> {
        self.writer.redirect_unless_leader()?;
        admin_writes::require_user(user)?;
        self.writer.node().read_state(|cluster| {
            let Some(job) = cluster.job(id) else {
                return Ok(());
            };
            let policy = self.insights.policy.current(cluster);
            permission::require_owner_or_admin(&policy, &self.service_user, user, job, action)
        })
    }

    /// `PendingReasons` and `Explain` read the leader's record: other nodes redirect.
    fn leader_record(&self) -> Result<Option<Arc<PassRecord>>, Status> {
        self.writer.redirect_unless_leader()?;
        Ok(self.insights.last_pass.get())
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
        self.writer.redirect_unless_leader()?;
        let mut submit = submit_from_request(request.get_ref())
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        // The account the request names wins over the script's.
        if !request.get_ref().account.is_empty() {
            submit.spec.account = Some(request.get_ref().account.clone());
        }
        submit.account = self
            .writer
            .node()
            .read_state(|cluster| {
                let policy = self.insights.policy.current(cluster);
                admit(cluster, &policy, &submit.user, &submit.spec)
            })
            .map_err(|refusal| Status::invalid_argument(refusal.0))?;
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
        let action = if request.signal == 0 {
            "cancel"
        } else {
            "signal"
        };
        self.permit_owner(&request.user, JobId(request.job_id), action)?;
        let command = match request.signal {
            0 => Command::Cancel {
                job: JobId(request.job_id),
                by: request.user,
            },
            signal => Command::Signal {
                job: JobId(request.job_id),
                signal,
                by: request.user,
                target: SignalTarget::All,
            },
        };
        let changed = !matches!(self.writer.write(command).await?, Applied::NoChange);
        Ok(Response::new(CancelReply { changed }))
    }

    async fn list_jobs(
        &self,
        request: Request<ListJobsRequest>,
    ) -> Result<Response<ListJobsReply>, Status> {
        self.writer.check_member()?;
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
        self.writer.check_member()?;
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
        self.writer.check_member()?;
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
        self.permit_admin(&r.user, "drain nodes")?;
        let changed = admin_writes::drain(&self.writer, &r.user, &r.node, &r.reason).await?;
        Ok(Response::new(DrainReply { changed }))
    }

    async fn resume(
        &self,
        request: Request<ResumeRequest>,
    ) -> Result<Response<ResumeReply>, Status> {
        let r = request.get_ref();
        self.permit_admin(&r.user, "resume nodes")?;
        let changed = admin_writes::resume(&self.writer, &r.user, &r.node).await?;
        Ok(Response::new(ResumeReply { changed }))
    }

    async fn policy_apply(
        &self,
        request: Request<PolicyApplyRequest>,
    ) -> Result<Response<PolicyApplyReply>, Status> {
        let r = request.get_ref();
        self.permit_admin(&r.user, "apply a policy")?;
        let version = admin_writes::policy_apply(&self.writer, &r.user, &r.text).await?;
        Ok(Response::new(PolicyApplyReply { version }))
    }

    async fn policy_get(
        &self,
        _request: Request<PolicyGetRequest>,
    ) -> Result<Response<PolicyGetReply>, Status> {
        self.writer.check_member()?;
        let (version, cluster_text) = self
            .writer
            .node()
            .read_state(|c| (c.policy_version(), c.policy_source().map(str::to_string)));
        let (text, source) = match (cluster_text, &self.insights.configured_policy_text) {
            (Some(text), _) => (text, "cluster"),
            (None, Some(text)) => (text.clone(), "file"),
            (None, None) => (String::new(), "defaults"),
        };
        Ok(Response::new(PolicyGetReply {
            version,
            text,
            source: source.to_string(),
        }))
    }

    async fn explain(
        &self,
        request: Request<ExplainRequest>,
    ) -> Result<Response<ExplainReply>, Status> {
        let record = self.leader_record()?;
        let id = JobId(request.get_ref().job_id);
        let now_secs = crate::clock::now_secs();
        let reply = self.writer.node().read_state(|cluster| {
            let job = cluster.job(id)?;
            let pending = (job.state == JobState::Pending).then(|| {
                let policy = self.insights.policy.current(cluster);
                let report = fairshare_report(cluster, &policy, now_secs);
                let pricer = Pricer::new(&policy, &report, cluster, now_secs);
                pending_info(job, record.as_deref(), &pricer)
            });
            Some(ExplainReply {
                state: job.state.name().to_string(),
                pending,
                pass_secs: record.as_ref().map_or(0, |r| r.at_secs),
            })
        });
        reply
            .map(Response::new)
            .ok_or_else(|| Status::not_found(format!("job {}: no such job", id.0)))
    }

    async fn pending_reasons(
        &self,
        request: Request<PendingReasonsRequest>,
    ) -> Result<Response<PendingReasonsReply>, Status> {
        let record = self.leader_record()?;
        let user = request.into_inner().user;
        let now_secs = crate::clock::now_secs();
        let jobs = self.writer.node().read_state(|cluster| {
            let policy = self.insights.policy.current(cluster);
            let report = fairshare_report(cluster, &policy, now_secs);
            let pricer = Pricer::new(&policy, &report, cluster, now_secs);
            pending_infos(cluster, &user, record.as_deref(), &pricer)
        });
        Ok(Response::new(PendingReasonsReply {
            jobs,
            pass_secs: record.as_ref().map_or(0, |r| r.at_secs),
        }))
    }

    async fn fair_share(
        &self,
        _request: Request<FairShareRequest>,
    ) -> Result<Response<FairShareReply>, Status> {
        self.writer.check_member()?;
        let now_secs = crate::clock::now_secs();
        let rows = self.writer.node().read_state(|cluster| {
            let policy = self.insights.policy.current(cluster);
            share_rows(&fairshare_report(cluster, &policy, now_secs))
        });
        Ok(Response::new(FairShareReply { rows }))
    }

    async fn add_member(
        &self,
        request: Request<AddMemberRequest>,
    ) -> Result<Response<AddMemberReply>, Status> {
        let r = request.get_ref();
        self.permit_admin(&r.user, "add scheduler nodes")?;
        let members = membership::add_member(&self.writer, &r.user, r.id, &r.addr).await?;
        Ok(Response::new(AddMemberReply { members }))
    }

    async fn remove_member(
        &self,
        request: Request<RemoveMemberRequest>,
    ) -> Result<Response<RemoveMemberReply>, Status> {
        let r = request.get_ref();
        self.permit_admin(&r.user, "remove scheduler nodes")?;
        let members = membership::remove_member(&self.writer, &r.user, r.id).await?;
        Ok(Response::new(RemoveMemberReply { members }))
    }
}
