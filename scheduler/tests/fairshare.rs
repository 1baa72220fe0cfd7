//! Fair-share on a live scheduler: the GPU time of a running job counts at once, a finished
//! run's stays in the replicated usage book, and a restarted scheduler still has it; the user
//! with usage ranks below one without.

mod common;

use common::client::{connect, one_gpu_job};
use common::cluster::start_single;
use common::eventually;
use common::nodes::gpu_node;
use common::scratch::ScratchDir;
use corral_model::spec::{GpuCount, NodeRange};
use corral_model::{ExitStatus, JobId, JobSpec, NodeId, Outcome};
use corral_proto::convert::{job_end_report, job_from_info, register_request, submit_request};
use corral_proto::v1::agent_client::AgentClient;
use corral_proto::v1::client_client::ClientClient;
use corral_proto::v1::{FairShareRequest, GetJobRequest, HeartbeatRequest, ShareRow};
use corral_scheduler::{Config, Scheduler};
use tonic::transport::Channel;

async fn start(config: &Config) -> (Scheduler, ClientClient<Channel>, AgentClient<Channel>) {
    let scheduler = start_single(config).await;
    let addr = scheduler.local_addr().to_string();
    let agent = AgentClient::connect(format!("http://{addr}"))
        .await
        .expect("agent");
    let client = connect(&addr).await.expect("client");
    (scheduler, client, agent)
}

async fn rows(client: &ClientClient<Channel>) -> Vec<ShareRow> {
    let mut client = client.clone();
    client
        .fair_share(FairShareRequest {})
        .await
        .expect("share")
        .into_inner()
        .rows
}

fn user<'a>(rows: &'a [ShareRow], name: &str) -> &'a ShareRow {
    rows.iter()
        .find(|r| r.kind == "user" && r.name == name)
        .unwrap_or_else(|| panic!("no row for {name}: {rows:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gpu_time_used_lowers_the_users_factor_and_survives_a_restart() {
    let dir = ScratchDir::new("fairshare");
    let config = Config {
        listen: "127.0.0.1:0".to_string(),
        data_dir: Some(dir.path().join("data")),
        leader_loop_min_interval_ms: 10,
        leader_loop_idle_interval_ms: 50,
        fairshare_recompute_secs: 0,
        ..Config::default()
    };
    let (scheduler, mut client, mut agent) = start(&config).await;
    let node = agent
        .register(register_request(&gpu_node("gpu-01", 2)))
        .await
        .expect("register")
        .into_inner()
        .node_id;
    // Bob's job never fits, so bob is known but uses nothing.
    let too_big = JobSpec {
        nodes: Some(NodeRange { min: 1, max: 1 }),
        gpus_per_node: Some(GpuCount {
            model: None,
            count: 8,
        }),
        ..one_gpu_job("big")
    };
    client
        .submit(submit_request("bob", None, None, &too_big))
        .await
        .expect("bob submits");
    let job = client
        .submit(submit_request("ana", None, None, &one_gpu_job("train")))
        .await
        .expect("ana submits")
        .into_inner()
        .job_ids[0];
    let running = eventually("ana's job to run", || async {
        let mut agent = agent.clone();
        agent
            .heartbeat(HeartbeatRequest { node_id: node })
            .await
            .ok()?;
        let mut client = client.clone();
        let info = client
            .get_job(GetJobRequest { job_id: job })
            .await
            .ok()?
            .into_inner()
            .job?;
        (info.state == "RUNNING").then(|| job_from_info(&info).expect("job JSON"))
    })
    .await;

    // While it runs, its GPU time so far already counts.
    let during = eventually("ana's running job to show usage", || async {
        let rows = rows(&client).await;
        (user(&rows, "ana").raw_usage > 0.0).then_some(rows)
    })
    .await;
    assert!(
        user(&during, "ana").factor < user(&during, "bob").factor,
        "{during:?}"
    );

    let status = ExitStatus {
        outcome: Outcome::Success,
        exit_code: Some(0),
        signal: None,
    };
    let on = running.allocation.expect("allocated").nodes[0].node;
    assert_eq!(on, NodeId(node as u32));
    agent
        .report_job_ended(job_end_report(on, JobId(job), &status))
        .await
        .expect("end report");
    let after_end = rows(&client).await;
    let used = user(&after_end, "ana").raw_usage;
    // At least one GPU-second, counted at noon of its day, so decayed by at most half a day
    // of the 7-day half-life.
    assert!(used >= 0.95, "the finished run is charged: {after_end:?}");
    assert_eq!(user(&after_end, "bob").raw_usage, 0.0);
    assert_eq!(user(&after_end, "bob").factor, Some(1.0));
    assert_eq!(user(&after_end, "ana").factor, Some(0.5));

    scheduler.shutdown().await.expect("shutdown");
    let (scheduler, client, _agent) = start(&config).await;
    let restarted = rows(&client).await;
    let kept = user(&restarted, "ana").raw_usage;
    assert!(
        kept > 0.99 * used && kept <= used,
        "usage kept across a restart (only decayed): {used} then {kept}"
    );
    assert_eq!(user(&restarted, "ana").factor, Some(0.5));
    scheduler.shutdown().await.expect("shutdown");
}
