//! Several `RaftNode`s on the in-memory router: election, replication of writes, forwarding,
//! restarts from disk, snapshot catch-up, and a partitioned old leader.

mod common;

use common::cluster::{addr_of, TestCluster, DEADLINE};
use common::commands::{register_node, submit_by, submitted_jobs};
use corral_model::{Applied, Command, JobId};
use corral_raft::{RaftConfig, WriteError};
use openraft::ServerState;

const NOW: u64 = 1_700_000_000;

fn jobs_by(state: &corral_model::ClusterState, user: &str) -> usize {
    state.jobs().filter(|job| job.user == user).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_elect_one_leader_and_every_node_applies_its_writes() {
    let (cluster, leader) =
        TestCluster::start_initialized("elect", &[1, 2, 3], RaftConfig::default()).await;
    let metrics = cluster.node(leader).metrics().borrow().clone();
    assert_eq!(metrics.state, ServerState::Leader);

    let (registered, leader) = cluster.write(leader, register_node("gpu-01", 8), NOW).await;
    assert!(
        matches!(registered, Applied::NodeRegistered { .. }),
        "{registered:?}"
    );
    let mut ids = Vec::new();
    for i in 0..5 {
        let (applied, _) = cluster.write(leader, submit_by("alice"), NOW + i).await;
        ids.extend(submitted_jobs(&applied));
    }
    assert_eq!(ids, (1..=5).map(JobId).collect::<Vec<_>>());

    let read = cluster
        .node(leader)
        .read_state_linearizable(|s| s.jobs().count())
        .await;
    assert_eq!(read, Ok(5));
    let last = cluster.last_applied(leader);
    let expected = cluster.state_of(leader);
    assert_eq!(expected.jobs().count(), 5);
    assert_eq!(
        expected.now_secs(),
        NOW + 4,
        "replicas apply at the leader's stamped time"
    );
    for id in [1, 2, 3] {
        cluster.wait_for_applied(id, last.index).await;
        assert_eq!(
            cluster.state_of(id),
            expected,
            "node {id} holds the leader's state"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_to_a_follower_names_the_leader_and_its_address() {
    let (cluster, leader) =
        TestCluster::start_initialized("forward", &[1, 2, 3], RaftConfig::default()).await;
    let follower = [1, 2, 3]
        .into_iter()
        .find(|&id| id != leader)
        .expect("a follower");

    let refused = cluster
        .node(follower)
        .client_write(submit_by("bob"), NOW)
        .await;

    assert_eq!(
        refused,
        Err(WriteError::ForwardToLeader {
            leader_id: Some(leader),
            addr: Some(addr_of(leader)),
        })
    );
    assert_eq!(
        cluster.state_of(follower).jobs().count(),
        0,
        "nothing was written"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_command_is_an_error_and_changes_nothing() {
    let (cluster, leader) =
        TestCluster::start_initialized("refused", &[1], RaftConfig::default()).await;
    let cancel_unknown = corral_model::Command::Cancel {
        job: JobId(42),
        by: "alice".to_string(),
    };

    let refused = cluster.node(leader).client_write(cancel_unknown, NOW).await;

    assert!(
        matches!(&refused, Err(WriteError::Refused { reason }) if reason.contains("42")),
        "{refused:?}"
    );
    assert_eq!(cluster.state_of(leader).next_job_id(), JobId(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_cluster_keeps_every_job_and_never_reuses_an_id() {
    let (mut cluster, mut leader) =
        TestCluster::start_initialized("restart", &[1, 2, 3], RaftConfig::default()).await;
    for i in 0..3 {
        leader = cluster.write(leader, submit_by("alice"), NOW + i).await.1;
    }

    // One follower restarts and catches up with what it missed.
    let follower = [1, 2, 3]
        .into_iter()
        .find(|&id| id != leader)
        .expect("a follower");
    cluster.stop_node(follower).await;
    leader = cluster.write(leader, submit_by("bob"), NOW + 10).await.1;
    cluster.start_node(follower).await;
    let last = cluster.last_applied(leader);
    cluster.wait_for_applied(follower, last.index).await;
    assert_eq!(cluster.state_of(follower), cluster.state_of(leader));

    // The whole cluster stops and starts again from its directories.
    let before = cluster.state_of(leader);
    for id in [1, 2, 3] {
        cluster.stop_node(id).await;
    }
    for id in [1, 2, 3] {
        cluster.start_node(id).await;
    }
    let members = [1, 2, 3].into_iter().map(|id| (id, addr_of(id))).collect();
    cluster
        .node(1)
        .initialize(members)
        .await
        .expect("initialize on a node with state is a no-op");
    let leader = cluster.wait_for_leader(&[1, 2, 3]).await;
    cluster.wait_for_applied(leader, last.index).await;
    assert_eq!(cluster.state_of(leader).jobs().count(), 4);
    assert_eq!(cluster.state_of(leader), before);

    let (applied, leader) = cluster.write(leader, submit_by("carol"), NOW + 20).await;
    assert_eq!(
        submitted_jobs(&applied),
        vec![JobId(5)],
        "the next id survives the restart"
    );
    let last = cluster.last_applied(leader);
    for id in [1, 2, 3] {
        cluster.wait_for_applied(id, last.index).await;
        assert_eq!(cluster.state_of(id).next_job_id(), JobId(6));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follower_that_missed_a_snapshot_catches_up_from_it() {
    let config = RaftConfig {
        snapshot_after_entries: 0,
        entries_kept_after_snapshot: 0,
        ..RaftConfig::default()
    };
    let (cluster, mut leader) =
        TestCluster::start_initialized("snapshot", &[1, 2, 3], config.clone()).await;
    let lagging = [1, 2, 3]
        .into_iter()
        .find(|&id| id != leader)
        .expect("a follower");
    cluster.router.cut_off(lagging);

    for i in 0..10 {
        leader = cluster.write(leader, submit_by("alice"), NOW + i).await.1;
    }
    let last = cluster.last_applied(leader);
    cluster
        .node(leader)
        .raft()
        .trigger()
        .snapshot()
        .await
        .expect("trigger snapshot");
    cluster
        .wait_for(leader, "snapshot built", |m| m.snapshot == Some(last))
        .await;
    cluster
        .node(leader)
        .raft()
        .trigger()
        .purge_log(last.index)
        .await
        .expect("purge");
    cluster
        .wait_for(leader, "log purged", |m| m.purged == Some(last))
        .await;

    cluster.router.heal(lagging);
    cluster
        .wait_for(lagging, "installed the snapshot", |m| {
            m.snapshot == Some(last)
        })
        .await;
    cluster.wait_for_applied(lagging, last.index).await;
    assert_eq!(cluster.state_of(lagging), cluster.state_of(leader));

    // It keeps following after the snapshot.
    let (applied, leader) = cluster.write(leader, submit_by("bob"), NOW + 30).await;
    assert_eq!(submitted_jobs(&applied), vec![JobId(11)]);
    let last = cluster.last_applied(leader);
    cluster.wait_for_applied(lagging, last.index).await;
    assert_eq!(cluster.state_of(lagging), cluster.state_of(leader));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_added_after_the_log_was_purged_starts_from_the_snapshot() {
    let config = RaftConfig {
        snapshot_after_entries: 0,
        entries_kept_after_snapshot: 0,
        ..RaftConfig::default()
    };
    let (mut cluster, mut leader) =
        TestCluster::start_initialized("learner", &[1, 2, 3], config).await;
    for i in 0..5 {
        leader = cluster.write(leader, submit_by("alice"), NOW + i).await.1;
    }
    let last = cluster.last_applied(leader);
    cluster
        .node(leader)
        .raft()
        .trigger()
        .snapshot()
        .await
        .expect("trigger snapshot");
    cluster
        .wait_for(leader, "snapshot built", |m| m.snapshot == Some(last))
        .await;
    cluster
        .node(leader)
        .raft()
        .trigger()
        .purge_log(last.index)
        .await
        .expect("purge");
    cluster
        .wait_for(leader, "log purged", |m| m.purged == Some(last))
        .await;

    cluster.start_node(4).await;
    cluster
        .node(leader)
        .add_learner(4, addr_of(4))
        .await
        .expect("add learner");
    cluster.wait_for_applied(4, last.index).await;
    assert_eq!(
        cluster.node(4).metrics().borrow().snapshot,
        Some(last),
        "caught up by snapshot"
    );
    assert_eq!(cluster.state_of(4), cluster.state_of(leader));

    // Promote it, and remove a voter: the cluster keeps writing with the new membership.
    let removed = [1, 2, 3]
        .into_iter()
        .find(|&id| id != leader)
        .expect("a follower");
    let voters = [1, 2, 3, 4]
        .into_iter()
        .filter(|&id| id != removed)
        .collect();
    cluster
        .node(leader)
        .change_membership(voters)
        .await
        .expect("change membership");
    let (applied, leader) = cluster.write(leader, submit_by("bob"), NOW + 9).await;
    assert_eq!(submitted_jobs(&applied), vec![JobId(6)]);
    let membership = cluster
        .node(leader)
        .metrics()
        .borrow()
        .membership_config
        .clone();
    let voter_ids: Vec<u64> = membership.voter_ids().collect();
    assert!(
        voter_ids.contains(&4) && !voter_ids.contains(&removed),
        "{voter_ids:?}"
    );
    let last = cluster.last_applied(leader);
    cluster.wait_for_applied(4, last.index).await;
    assert_eq!(cluster.state_of(4), cluster.state_of(leader));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partitioned_old_leader_commits_nothing() {
    let (cluster, old_leader) =
        TestCluster::start_initialized("partition", &[1, 2, 3], RaftConfig::default()).await;
    let (_, old_leader) = cluster.write(old_leader, submit_by("alice"), NOW).await;
    let applied_before = cluster.last_applied(old_leader);

    cluster.router.cut_off(old_leader);
    let stale_node = cluster.node(old_leader).raft().clone();
    let stale_write = tokio::spawn(async move {
        let command = corral_raft::StampedCommand {
            now_secs: NOW + 1,
            command: submit_by("stale"),
        };
        stale_node.client_write(command).await
    });

    let others: Vec<u64> = [1, 2, 3]
        .into_iter()
        .filter(|&id| id != old_leader)
        .collect();
    let new_leader = cluster.wait_for_leader(&others).await;
    let (_, new_leader) = cluster.write(new_leader, submit_by("fresh"), NOW + 2).await;
    assert_eq!(
        cluster.last_applied(old_leader),
        applied_before,
        "the cut-off leader applied nothing new"
    );
    assert_eq!(jobs_by(&cluster.state_of(old_leader), "stale"), 0);
    let stale_read = tokio::time::timeout(
        DEADLINE,
        cluster
            .node(old_leader)
            .read_state_linearizable(|s| s.jobs().count()),
    )
    .await;
    assert!(
        !matches!(stale_read, Ok(Ok(_))),
        "a cut-off leader must not serve a linearizable read: {stale_read:?}"
    );

    cluster.router.heal(old_leader);
    let stale_result = tokio::time::timeout(DEADLINE, stale_write).await;
    assert!(
        !matches!(stale_result, Ok(Ok(Ok(_)))),
        "a write to the partitioned leader must not be acknowledged: {stale_result:?}"
    );
    let last = cluster.last_applied(new_leader);
    for id in [1, 2, 3] {
        cluster.wait_for_applied(id, last.index).await;
        let state = cluster.state_of(id);
        assert_eq!(jobs_by(&state, "stale"), 0, "node {id}");
        assert_eq!(jobs_by(&state, "fresh"), 1, "node {id}");
        assert_eq!(state.jobs().count(), 2, "node {id}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_grown_past_its_byte_limit_gets_a_snapshot_without_an_entry_count() {
    let config = RaftConfig {
        snapshot_after_entries: 0,
        snapshot_after_log_mib: 1,
        ..RaftConfig::default()
    };
    let (cluster, mut leader) = TestCluster::start_initialized("log-bytes", &[1], config).await;
    // Submits with a 64 KiB name: 20 of them are over 1 MiB of log.
    let big = |i: u64| match submit_by("alice") {
        Command::Submit(mut submit) => {
            submit.spec.name = Some(format!("{i}-{}", "x".repeat(64 * 1024)));
            Command::Submit(submit)
        }
        other => other,
    };
    for i in 0..4 {
        leader = cluster.write(leader, big(i), NOW + i).await.1;
    }
    let metrics = cluster.node(leader).raft().metrics().borrow().clone();
    assert_eq!(metrics.snapshot, None, "256 KiB of log is under the limit");
    for i in 4..24 {
        leader = cluster.write(leader, big(i), NOW + i).await.1;
    }
    cluster
        .wait_for(leader, "a snapshot triggered by log bytes", |m| {
            m.snapshot.is_some()
        })
        .await;
}
