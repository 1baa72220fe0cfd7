//! The Agent API on one scheduler: a node whose agent stops heartbeating goes DOWN and its job
//! is requeued; registering again brings it back; job end reports end jobs, and a report from a
//! node the job does not run on is refused. Also the admin writes drain, resume, policy apply.

mod common;

use common::client::{connect, one_gpu_job};
use common::cluster::start_single;
use common::eventually;
use common::nodes::gpu_node;
use common::scratch::ScratchDir;
use corral_model::{ExitStatus, JobId, NodeId, Outcome};
use corral_proto::convert::{job_end_report, job_from_info, register_request, submit_request};
use corral_proto::v1::agent_client::AgentClient;
use corral_proto::v1::client_client::ClientClient;
use corral_proto::v1::{
    DrainRequest, GetJobRequest, HeartbeatRequest, JobInfo, ListNodesRequest, NodeInfo,
    PolicyApplyRequest, ResumeRequest,
};
use corral_scheduler::{Config, Scheduler};
use std::time::{Duration, Instant};
use tonic::transport::Channel;

const NODE_TIMEOUT_MS: u64 = 600;
/// How often a live agent heartbeats here: well inside the node timeout.
const HEARTBEAT_EVERY: Duration = Duration::from_millis(50);

struct OneScheduler {
    scheduler: Scheduler,
    client: ClientClient<Channel>,
    agent: AgentClient<Channel>,
    _dir: ScratchDir,
}

async fn start(label: &str) -> OneScheduler {
    let dir = ScratchDir::new(label);
    let config = Config {
        listen: "127.0.0.1:0".to_string(),
        data_dir: Some(dir.path().join("data")),
        leader_loop_min_interval_ms: 10,
        leader_loop_idle_interval_ms: 50,
        node_timeout_ms: NODE_TIMEOUT_MS,
        ..Config::default()
    };
    let scheduler = start_single(&config).await;
    let addr = scheduler.local_addr().to_string();
    let agent = AgentClient::connect(format!("http://{addr}"))
        .await
        .expect("agent");
    let client = connect(&addr).await.expect("client");
    OneScheduler {
        scheduler,
        client,
        agent,
        _dir: dir,
    }
}

impl OneScheduler {
    async fn register(&mut self, name: &str) -> u64 {
        self.agent
            .register(register_request(&gpu_node(name, 2)))
            .await
            .expect("register")
            .into_inner()
            .node_id
    }

    async fn submit(&mut self, name: &str) -> u64 {
        let request = submit_request("ana", None, Some(name), &one_gpu_job(name));
        let reply = self.client.submit(request).await.expect("submit");
        reply.into_inner().job_ids[0]
    }

    async fn job(&self, id: u64) -> Option<JobInfo> {
        let mut client = self.client.clone();
        client
            .get_job(GetJobRequest { job_id: id })
            .await
            .ok()?
            .into_inner()
            .job
    }

    async fn node(&self, name: &str) -> Option<NodeInfo> {
        let mut client = self.client.clone();
        let nodes = client.list_nodes(ListNodesRequest {}).await.ok()?;
        nodes
            .into_inner()
            .nodes
            .into_iter()
            .find(|n| n.name == name)
    }

    /// Heartbeats for `node_id` until `job` is in `state`.
    async fn heartbeat_until_job_is(&self, node_id: u64, job: u64, state: &str) {
        eventually(&format!("job {job} to be {state}"), || async {
            let mut agent = self.agent.clone();
            agent.heartbeat(HeartbeatRequest { node_id }).await.ok()?;
            (self.job(job).await?.state == state).then_some(())
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_that_stops_heartbeating_goes_down_once_and_its_job_is_requeued() {
    let mut s = start("node-lost").await;
    let node_id = s.register("gpu-01").await;
    let job = s.submit("train").await;
    s.heartbeat_until_job_is(node_id, job, "RUNNING").await;

    // A live agent keeps its node UP well past the timeout.
    let alive_until = Instant::now() + Duration::from_millis(3 * NODE_TIMEOUT_MS);
    while Instant::now() < alive_until {
        let mut agent = s.agent.clone();
        let reply = agent
            .heartbeat(HeartbeatRequest { node_id })
            .await
            .expect("heartbeat")
            .into_inner();
        assert_eq!(reply.node_state, "UP");
        assert_eq!(reply.job_ids, vec![job]);
        tokio::time::sleep(HEARTBEAT_EVERY).await;
    }
    assert_eq!(s.job(job).await.expect("job").state, "RUNNING");

    // Silence: the node goes DOWN and the job, which allows requeue, is PENDING again.
    let node = eventually("gpu-01 to go DOWN", || async {
        let node = s.node("gpu-01").await?;
        (node.state == "DOWN").then_some(node)
    })
    .await;
    let node = corral_proto::convert::node_from_info(&node).expect("node JSON");
    let reason = match &node.state {
        corral_model::NodeState::Down(reason) => reason.clone(),
        other => panic!("not DOWN: {other:?}"),
    };
    assert!(reason.starts_with("no heartbeat for "), "{reason}");
    let info = s.job(job).await.expect("job");
    let requeued = job_from_info(&info).expect("job JSON");
    assert_eq!(requeued.state, corral_model::JobState::Pending);
    assert_eq!(requeued.requeue_count, 1, "requeued exactly once");

    let reply = s
        .agent
        .heartbeat(HeartbeatRequest { node_id })
        .await
        .expect("heartbeat")
        .into_inner();
    assert_eq!(
        reply.node_state, "DOWN",
        "the agent learns to register again"
    );

    // Registering again brings the node back, and the requeued job runs on it again.
    assert_eq!(s.register("gpu-01").await, node_id, "same name, same id");
    assert_eq!(s.node("gpu-01").await.expect("node").state, "UP");
    s.heartbeat_until_job_is(node_id, job, "RUNNING").await;
    let info = s.job(job).await.expect("job");
    assert_eq!(job_from_info(&info).expect("job").requeue_count, 1);
    s.scheduler.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_end_report_ends_the_job_and_one_from_another_node_is_refused() {
    let mut s = start("job-ended").await;
    let first = s.register("gpu-01").await;
    let job = s.submit("train").await;
    s.heartbeat_until_job_is(first, job, "RUNNING").await;
    let runs_on = job_from_info(&s.job(job).await.expect("job"))
        .expect("job JSON")
        .allocation
        .expect("allocated")
        .nodes[0]
        .node;
    assert_eq!(u64::from(runs_on.0), first);
    let second = s.register("gpu-02").await;
    let status = ExitStatus {
        outcome: Outcome::Success,
        exit_code: Some(0),
        signal: None,
    };
    let wrong = job_end_report(NodeId(second as u32), JobId(job), &status);
    let refused = s
        .agent
        .report_job_ended(wrong)
        .await
        .expect_err("wrong node");
    assert_eq!(refused.code(), tonic::Code::InvalidArgument);
    assert!(refused.message().contains("not on node"), "{refused:?}");
    assert_eq!(s.job(job).await.expect("job").state, "RUNNING");

    let report = job_end_report(runs_on, JobId(job), &status);
    let reply = s
        .agent
        .report_job_ended(report.clone())
        .await
        .expect("report");
    assert!(reply.into_inner().changed);
    let ended = job_from_info(&s.job(job).await.expect("job")).expect("job JSON");
    assert_eq!(ended.state, corral_model::JobState::Completed);
    assert_eq!(ended.exit, Some(status));
    let again = s.agent.report_job_ended(report).await.expect("repeat");
    assert!(
        !again.into_inner().changed,
        "a repeated report changes nothing"
    );
    s.scheduler.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drain_resume_and_policy_apply_change_the_cluster_and_refuse_bad_input() {
    let mut s = start("admin").await;
    s.register("gpu-01").await;
    let drain = |node: &str, reason: &str| DrainRequest {
        user: "root".to_string(),
        node: node.to_string(),
        reason: reason.to_string(),
    };
    let drained = s
        .client
        .drain(drain("gpu-01", "bad fan"))
        .await
        .expect("drain");
    assert!(drained.into_inner().changed);
    assert_eq!(s.node("gpu-01").await.expect("node").state, "DRAIN");
    let missing = s
        .client
        .drain(drain("gpu-09", "x"))
        .await
        .expect_err("unknown");
    assert_eq!(
        missing.message(),
        "node \"gpu-09\": no such node (known: gpu-01)"
    );
    let no_reason = s
        .client
        .drain(drain("gpu-01", " "))
        .await
        .expect_err("reason");
    assert!(no_reason.message().starts_with("reason: must not be empty"));
    let resume = ResumeRequest {
        user: "root".to_string(),
        node: "gpu-01".to_string(),
    };
    assert!(
        s.client
            .resume(resume.clone())
            .await
            .expect("resume")
            .into_inner()
            .changed
    );
    assert_eq!(s.node("gpu-01").await.expect("node").state, "UP");
    assert!(
        !s.client
            .resume(resume)
            .await
            .expect("again")
            .into_inner()
            .changed
    );

    let bad = "[qos.normal]\nmax_gpus = -1\nbogus = 1\n";
    let refused = s
        .client
        .policy_apply(PolicyApplyRequest {
            user: "root".to_string(),
            text: bad.to_string(),
        })
        .await
        .expect_err("bad policy");
    assert_eq!(refused.code(), tonic::Code::InvalidArgument);
    let expected = corral_policies::config::parse_policy("policy", bad).expect_err("bad");
    assert!(expected.len() >= 2, "the test policy has several errors");
    for error in expected.iter() {
        assert!(
            refused.message().contains(&error.to_string()),
            "{error} missing from {}",
            refused.message()
        );
    }
    assert_eq!(s.scheduler.node().read_state(|c| c.policy_version()), 0);
    let applied = s
        .client
        .policy_apply(PolicyApplyRequest {
            user: "root".to_string(),
            text: String::new(),
        })
        .await
        .expect("the empty policy is the defaults");
    assert_eq!(applied.into_inner().version, 1);
    let source = s
        .scheduler
        .node()
        .read_state(|c| c.policy_source().map(str::to_string));
    assert_eq!(source.as_deref(), Some(""));
    s.scheduler.shutdown().await.expect("shutdown");
}
