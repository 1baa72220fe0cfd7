//! A gang loses a node: the scheduler declares the silent node lost and ends the whole job
//! (NODE_FAIL, as it asked not to be requeued), and the surviving node's agent kills the batch
//! script it was running — no part of the job keeps running.

mod common;

use common::{eventually, AgentSetup, TestCluster};
use corral_model::spec::{GpuCount, NodeRange, TimeLimit};
use corral_model::JobSpec;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_node_of_a_gang_ends_the_whole_job_everywhere() {
    let mut cluster = TestCluster::start_with_node_timeout("gang-loss", 800).await;
    let n1 = cluster.start_agent(AgentSetup::new("n1", "2xH100-80GB"));
    let n2 = cluster.start_agent(AgentSetup::new("n2", "2xH100-80GB"));
    let spec = JobSpec {
        name: Some("gang".into()),
        nodes: Some(NodeRange { min: 2, max: 2 }),
        gpus_per_node: Some(GpuCount {
            model: None,
            count: 1,
        }),
        time_limit: TimeLimit::Secs(600),
        requeue: Some(false),
        ..JobSpec::default()
    };
    let script = "#!/bin/sh\necho up\nwhile true; do sleep 0.05; done\n";
    let id = cluster.submit(spec, script).await;
    let out = format!("slurm-{id}.out");
    eventually("the batch script to start", || async {
        cluster.read(&out).contains("up").then_some(())
    })
    .await;
    let job = cluster.job(id).await;
    let nodes = &job.allocation.as_ref().expect("running").nodes;
    let batch_node = cluster.node("n1").await.expect("n1").id;
    // Stop the agent of the node that does not run the script.
    let (survivor, victim) = if nodes[0].node == batch_node {
        ("n1", n2)
    } else {
        ("n2", n1)
    };
    assert_eq!(
        cluster.agent_runs(survivor).len(),
        1,
        "the survivor runs the script"
    );
    cluster.stop_agent(victim).await;
    let job = cluster.wait_for_state(id, "NODE_FAIL").await;
    assert!(job.allocation.is_none(), "no node holds it any more");
    eventually(
        "the surviving agent to kill and forget the script",
        || async { cluster.agent_runs(survivor).is_empty().then_some(()) },
    )
    .await;
}
