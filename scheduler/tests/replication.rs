//! Three schedulers on loopback: leader redirection, idempotent submits, a leader killed during a
//! stream of submits, and a full-cluster restart.

mod common;

use common::client::{connect, LeaderClient};
use common::cluster::TestCluster;
use corral_model::JobId;
use corral_proto::leader::leader_hint;
use corral_proto::v1::ListJobsRequest;
use std::collections::BTreeMap;

/// How many jobs named `name` the node at `addr` holds.
async fn jobs_named(addr: &str) -> BTreeMap<String, Vec<u64>> {
    let mut client = connect(addr).await.expect("connect");
    let jobs = client
        .list_jobs(ListJobsRequest::default())
        .await
        .expect("list jobs")
        .into_inner()
        .jobs;
    let mut by_name: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for job in jobs {
        by_name.entry(job.name).or_default().push(job.id);
    }
    by_name
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_follower_answers_a_submit_with_the_leaders_address() {
    let cluster = TestCluster::start("redirect", 3).await;
    let leader = cluster.wait_for_leader().await;
    let follower = *cluster
        .addrs
        .keys()
        .find(|&&id| id != leader)
        .expect("a follower");
    let status = LeaderClient::submit_via(&cluster.addrs[&follower].to_string(), "ana", "r1")
        .await
        .expect_err("a follower does not accept writes");
    let hint = leader_hint(&status).unwrap_or_else(|| panic!("no leader hint in {status:?}"));
    assert_eq!(hint.addr, cluster.addrs[&leader].to_string());
    assert_eq!(hint.id, Some(leader));
    let reply = LeaderClient::submit_via(&hint.addr, "ana", "r1")
        .await
        .expect("leader accepts");
    assert_eq!(reply.job_ids, vec![1]);
    let mut cluster = cluster;
    for id in [1, 2, 3] {
        cluster.stop(id).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_retried_submit_with_the_same_request_id_makes_one_job() {
    let mut cluster = TestCluster::start("retry", 3).await;
    let leader = cluster.wait_for_leader().await;
    let leader_addr = cluster.addrs[&leader].to_string();
    let first = LeaderClient::submit_via(&leader_addr, "ana", "same")
        .await
        .expect("first");
    let again = LeaderClient::submit_via(&leader_addr, "ana", "same")
        .await
        .expect("retry");
    assert_eq!(first.job_ids, again.job_ids);
    assert!(!first.duplicate);
    assert!(again.duplicate);
    let other_user = LeaderClient::submit_via(&leader_addr, "bo", "same")
        .await
        .expect("bo");
    assert_ne!(
        other_user.job_ids, first.job_ids,
        "the id is scoped by user"
    );
    assert_eq!(jobs_named(&leader_addr).await["same"].len(), 2);
    for id in [1, 2, 3] {
        cluster.stop(id).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_job_survives_a_leader_killed_mid_stream_exactly_once() {
    let mut cluster = TestCluster::start("failover", 3).await;
    let old_leader = cluster.wait_for_leader().await;
    // Four clients submit concurrently; the leader is stopped once 20 jobs are acknowledged,
    // with submits in flight.
    let (acks, mut acked_rx) = tokio::sync::mpsc::unbounded_channel();
    for stream in 0..4 {
        let acks = acks.clone();
        let mut client = LeaderClient::new(cluster.addr_list());
        tokio::spawn(async move {
            for i in 0..15 {
                let request_id = format!("job-{stream}-{i:02}");
                let reply = client.submit("ana", &request_id).await;
                let _ = acks.send((request_id, reply.job_ids));
            }
        });
    }
    drop(acks);
    let mut acked: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    while let Some((request_id, job_ids)) = acked_rx.recv().await {
        acked.insert(request_id, job_ids);
        if acked.len() == 20 {
            cluster.stop(old_leader).await;
        }
    }
    assert_eq!(
        acked.len(),
        60,
        "every client got all its submits acknowledged"
    );
    let new_leader = cluster.wait_for_leader().await;
    assert_ne!(new_leader, old_leader);
    let held = jobs_named(&cluster.addrs[&new_leader].to_string()).await;
    for (name, ids) in &acked {
        assert_eq!(
            held.get(name),
            Some(ids),
            "acknowledged job {name} exactly once"
        );
    }
    assert_eq!(held.len(), acked.len(), "no job that was never submitted");
    let ids: std::collections::BTreeSet<u64> = acked.values().flatten().copied().collect();
    assert_eq!(ids.len(), acked.len(), "no id handed out twice");
    for id in [1, 2, 3] {
        cluster.stop(id).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_cluster_restart_keeps_every_job_and_the_next_id() {
    let mut cluster = TestCluster::start("restart", 3).await;
    let leader = cluster.wait_for_leader().await;
    let mut client = LeaderClient::new(cluster.addr_list());
    for i in 0..5 {
        client.submit("ana", &format!("before-{i}")).await;
    }
    for id in [1, 2, 3] {
        cluster.wait_caught_up(id, leader).await;
    }
    let before = jobs_named(&cluster.addrs[&leader].to_string()).await;
    let next_before = cluster.running[&leader]
        .node()
        .read_state(|c| c.next_job_id());
    assert_eq!(next_before, JobId(6));
    for id in [1, 2, 3] {
        cluster.stop(id).await;
    }
    for id in [1, 2, 3] {
        cluster.restart(id).await;
    }
    let leader = cluster.wait_for_leader().await;
    let mut client = LeaderClient::new(cluster.addr_list());
    let after_restart = client.submit("ana", "after").await;
    assert_eq!(
        after_restart.job_ids,
        vec![next_before.0],
        "ids continue, never reused"
    );
    let retried = client.submit("ana", "before-0").await;
    assert!(
        retried.duplicate,
        "request ids are remembered across restarts"
    );
    let mut after = jobs_named(&cluster.addrs[&leader].to_string()).await;
    after.remove("after");
    assert_eq!(after, before);
    for id in [1, 2, 3] {
        cluster.stop(id).await;
    }
}
