//! Reaching the cluster: the `--scheduler`/`--timeout` options every cluster command takes, where
//! the addresses come from when they are not given, and `Client`, which runs one call at a time
//! through `corral_proto::connect::Connector` and turns its errors into [`Failure`]s with the
//! right exit code. Writes reach the leader (a follower redirects them). Reads are sent to the
//! leader too, so that `queue` right after `submit` always sees the job: before its first read a
//! `Client` asks the scheduler it reaches who leads (`ClusterStatus`) and, when that is another
//! node, sends its calls there first. While no leader is known it asks again until its deadline,
//! then fails saying so (exit 3). `cluster status` itself reports whichever scheduler answered.

use crate::exit::Failure;
use corral_proto::connect::{CallError, Connector};
use corral_proto::v1::client_client::ClientClient;
use corral_proto::v1::*;
use std::future::Future;
use std::path::Path;
use std::time::{Duration, Instant};
use tonic::transport::Channel;
use tonic::{Code, Response, Status};

/// The file `corral up` writes with its schedulers' addresses, one per line.
pub const LOCAL_SCHEDULERS_FILE: &str = ".corral/schedulers";
/// Where a scheduler listens when nothing else says.
pub const DEFAULT_SCHEDULER: &str = "127.0.0.1:7100";

#[derive(clap::Args, Clone, Debug, Default)]
pub struct ClusterArgs {
    /// Scheduler addresses, HOST:PORT, comma-separated; the leader is found among them
    /// [default: ./.corral/schedulers, else 127.0.0.1:7100]
    #[arg(
        long = "scheduler",
        value_name = "ADDR[,ADDR...]",
        env = "CORRAL_SCHEDULERS",
        value_delimiter = ','
    )]
    pub schedulers: Vec<String>,
    /// Seconds to keep trying to reach the leader before giving up (exit code 3)
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub timeout: u64,
}

impl ClusterArgs {
    /// The addresses to try: the option (or its environment variable), else the local
    /// cluster's file in the current directory, else the default address.
    pub fn addresses(&self) -> Result<Vec<String>, Failure> {
        let given = clean(self.schedulers.iter().map(String::as_str));
        if !given.is_empty() {
            return Ok(given);
        }
        let file = Path::new(LOCAL_SCHEDULERS_FILE);
        if file.is_file() {
            let text = std::fs::read_to_string(file)
                .map_err(|e| Failure::usage(format!("{LOCAL_SCHEDULERS_FILE}: {e}")))?;
            let listed = clean(text.lines().filter(|l| !l.trim_start().starts_with('#')));
            if listed.is_empty() {
                return Err(Failure::usage(format!(
                    "{LOCAL_SCHEDULERS_FILE} lists no address; give --scheduler ADDR"
                )));
            }
            return Ok(listed);
        }
        Ok(vec![DEFAULT_SCHEDULER.to_string()])
    }
}

fn clean<'a>(addrs: impl Iterator<Item = &'a str>) -> Vec<String> {
    addrs
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect()
}

/// A connection to the cluster, for one command.
pub struct Client {
    runtime: tokio::runtime::Runtime,
    connector: Connector,
    addrs: Vec<String>,
    deadline: Duration,
    /// Whether the leader has been found (reads go there from then on).
    leader_found: bool,
}

impl Client {
    pub fn new(args: &ClusterArgs) -> Result<Client, Failure> {
        let addrs = args.addresses()?;
        Client::to(addrs, Duration::from_secs(args.timeout.max(1)))
    }

    /// A client for `addrs` whose calls give up after `deadline`.
    pub fn to(addrs: Vec<String>, deadline: Duration) -> Result<Client, Failure> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Failure::refused(format!("cannot start the async runtime: {e}")))?;
        Ok(Client {
            runtime,
            connector: connector(addrs.clone(), deadline),
            addrs,
            deadline,
            leader_found: false,
        })
    }

    /// Points the calls at the leader, once: asks the scheduler reached who leads and, when that
    /// is another node, tries it first from then on. While none is known (an election), asks
    /// again until the deadline, then fails saying no leader is elected yet.
    fn find_leader(&mut self) -> Result<(), Failure> {
        if self.leader_found {
            return Ok(());
        }
        let started = Instant::now();
        let mut backoff = Duration::from_millis(100);
        loop {
            let status = self.cluster_status()?;
            if status.role == "Leader" || !status.leader_addr.is_empty() {
                let leader = status.leader_addr;
                let answered = self.answered_by();
                if status.role != "Leader" && answered.as_deref() != Some(leader.as_str()) {
                    let mut addrs = vec![leader.clone()];
                    addrs.extend(self.addrs.iter().filter(|a| **a != leader).cloned());
                    self.connector = connector(addrs, self.deadline);
                }
                self.leader_found = true;
                return Ok(());
            }
            if started.elapsed() + backoff > self.deadline {
                return Err(Failure::Unreachable(format!(
                    "no leader elected yet: node {} at {} answers as {} in term {} \
                     (asked for {} ms); a majority of the schedulers must be up to elect one",
                    status.node_id,
                    self.answered_by().as_deref().unwrap_or("?"),
                    status.role,
                    status.term,
                    started.elapsed().as_millis()
                )));
            }
            std::thread::sleep(backoff);
            backoff = (backoff * 2).min(Duration::from_secs(1));
        }
    }

    /// Runs `call` (at the leader, for writes) and unwraps its answer.
    pub fn call<T, F, Fut>(&mut self, call: F) -> Result<T, Failure>
    where
        F: FnMut(ClientClient<Channel>) -> Fut,
        Fut: Future<Output = Result<Response<T>, Status>>,
    {
        let mut call = call;
        let result = self.runtime.block_on(
            self.connector
                .call(|channel| call(ClientClient::new(channel))),
        );
        result.map(Response::into_inner).map_err(failure)
    }

    /// The address of the scheduler that answered the last call.
    pub fn answered_by(&self) -> Option<String> {
        self.connector.leader_addr().map(str::to_string)
    }

    pub fn list_jobs(&mut self, user: &str, states: &[&str]) -> Result<Vec<JobInfo>, Failure> {
        self.find_leader()?;
        let request = ListJobsRequest {
            user: user.to_string(),
            states: states.iter().map(|s| s.to_string()).collect(),
        };
        let reply = self.call(|mut c| {
            let request = request.clone();
            async move { c.list_jobs(request).await }
        })?;
        Ok(reply.jobs)
    }

    pub fn get_job(&mut self, job_id: u64) -> Result<JobInfo, Failure> {
        self.find_leader()?;
        let reply = self.call(|mut c| async move { c.get_job(GetJobRequest { job_id }).await })?;
        reply
            .job
            .ok_or_else(|| Failure::refused(format!("job {job_id}: the scheduler sent no job")))
    }

    pub fn list_nodes(&mut self) -> Result<Vec<NodeInfo>, Failure> {
        self.find_leader()?;
        let reply = self.call(|mut c| async move { c.list_nodes(ListNodesRequest {}).await })?;
        Ok(reply.nodes)
    }

    pub fn cluster_status(&mut self) -> Result<ClusterStatusReply, Failure> {
        self.call(|mut c| async move { c.cluster_status(ClusterStatusRequest {}).await })
    }

    /// The policy in force, or `None` when this scheduler does not serve `PolicyGet` yet.
    pub fn policy(&mut self) -> Result<Option<PolicyGetReply>, Failure> {
        self.find_leader()?;
        optional(self.call(|mut c| async move { c.policy_get(PolicyGetRequest {}).await }))
    }

    /// Every pending job's reason (of `user`; `""` = everyone's), highest priority first, or
    /// `None` when this scheduler does not serve them yet.
    pub fn pending_reasons(&mut self, user: &str) -> Result<Option<PendingReasonsReply>, Failure> {
        self.find_leader()?;
        let request = PendingReasonsRequest {
            user: user.to_string(),
        };
        optional(self.call(|mut c| {
            let request = request.clone();
            async move { c.pending_reasons(request).await }
        }))
    }

    /// Why job `job_id` is pending (from the leader's last pass), or its state.
    pub fn explain(&mut self, job_id: u64) -> Result<ExplainReply, Failure> {
        self.find_leader()?;
        self.call(|mut c| async move { c.explain(ExplainRequest { job_id }).await })
    }

    /// The fair-share tree, in display order.
    pub fn fair_share(&mut self) -> Result<Vec<ShareRow>, Failure> {
        self.find_leader()?;
        let reply = self.call(|mut c| async move { c.fair_share(FairShareRequest {}).await })?;
        Ok(reply.rows)
    }
}

fn connector(addrs: Vec<String>, deadline: Duration) -> Connector {
    let call_timeout = deadline.min(Duration::from_secs(10));
    Connector::new(addrs, deadline).with_call_timeout(call_timeout)
}

/// An answer to a call that older schedulers do not serve: `Ok(None)` for "not served".
fn optional<T>(result: Result<T, Failure>) -> Result<Option<T>, Failure> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(Failure::Refused(text)) if text.starts_with(NOT_SERVED) => Ok(None),
        Err(other) => Err(other),
    }
}

const NOT_SERVED: &str = "the scheduler does not serve";

fn failure(error: CallError) -> Failure {
    match error {
        CallError::NoLeader { .. } => Failure::Unreachable(format!(
            "{error} (start a local cluster with `corral up`, or name the schedulers with \
             --scheduler ADDR)"
        )),
        CallError::Refused(status) if status.code() == Code::Unimplemented => Failure::Refused(
            format!("{NOT_SERVED} this call (is it older than this corral?)"),
        ),
        CallError::Refused(status) => Failure::Refused(status.message().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_addresses_are_trimmed_and_empty_ones_dropped() {
        let args = ClusterArgs {
            schedulers: vec![" a:1".into(), String::new(), "b:2 ".into()],
            timeout: 1,
        };
        assert_eq!(args.addresses().unwrap(), ["a:1", "b:2"]);
    }
}
