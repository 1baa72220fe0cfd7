//! A single scheduler started with only a data dir: it initializes itself, accepts a submit, and
//! its leader loop starts the job on a node registered through the Agent API. A restart on the
//! same dir keeps the job.

mod common;

use common::client::{connect, one_gpu_job};
use common::eventually;
use common::nodes::gpu_node;
use common::scratch::ScratchDir;
use corral_model::JobState;
use corral_proto::convert::{job_from_info, register_request, submit_request};
use corral_proto::v1::agent_client::AgentClient;
use corral_proto::v1::{ClusterStatusRequest, GetJobRequest, HeartbeatRequest};
use corral_scheduler::{Config, Scheduler};

fn data_dir_only(dir: &ScratchDir) -> Config {
    Config {
        listen: "127.0.0.1:0".to_string(),
        data_dir: Some(dir.path().join("data")),
        leader_loop_min_interval_ms: 10,
        ..Config::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_dir_alone_makes_a_cluster_that_runs_a_submitted_job() {
    let dir = ScratchDir::new("single");
    let config = data_dir_only(&dir).check().expect("valid");
    let scheduler = Scheduler::start(config).await.expect("start");
    let addr = scheduler.local_addr().to_string();
    eventually("node 1 to lead", || async {
        (scheduler.node().current_leader() == Some(1)).then_some(())
    })
    .await;

    let mut agent = AgentClient::connect(format!("http://{addr}"))
        .await
        .expect("agent");
    let node_id = agent
        .register(register_request(&gpu_node("gpu-01", 4)))
        .await
        .expect("register")
        .into_inner()
        .node_id;
    let mut client = connect(&addr).await.expect("client");
    let request = submit_request("ana", None, Some("r1"), &one_gpu_job("train"));
    let reply = client.submit(request).await.expect("submit").into_inner();
    assert_eq!(reply.job_ids, vec![1]);

    let job = eventually("the leader loop to start job 1", || {
        let mut client = client.clone();
        async move {
            let info = client
                .get_job(GetJobRequest { job_id: 1 })
                .await
                .ok()?
                .into_inner()
                .job?;
            (info.state == "RUNNING").then_some(info)
        }
    })
    .await;
    let job = job_from_info(&job).expect("job JSON");
    assert_eq!(job.state, JobState::Running);
    assert_eq!(job.user, "ana");
    assert_eq!(
        job.account, "root",
        "no account given: the built-in policy's account for unlisted users"
    );
    let on_node = agent
        .heartbeat(HeartbeatRequest { node_id })
        .await
        .expect("heartbeat")
        .into_inner()
        .job_ids;
    assert_eq!(on_node, vec![1]);

    scheduler.shutdown().await.expect("shutdown");
    let config = data_dir_only(&dir).check().expect("valid");
    let scheduler = Scheduler::start(config).await.expect("restart");
    let addr = scheduler.local_addr().to_string();
    eventually("node 1 to lead again", || async {
        (scheduler.node().current_leader() == Some(1)).then_some(())
    })
    .await;
    let mut client = connect(&addr).await.expect("client");
    let status = client
        .cluster_status(ClusterStatusRequest {})
        .await
        .expect("status")
        .into_inner();
    assert_eq!(status.next_job_id, 2);
    assert_eq!(status.running_jobs, 1);
    assert_eq!(status.leader_id, 1);
    scheduler.shutdown().await.expect("shutdown");
}
