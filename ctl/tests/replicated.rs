//! Reads on a replicated cluster (`corral up --schedulers 3`) go to the leader: `queue` through
//! a follower's address lists a job the moment `submit` has answered; with no majority left, a
//! read says no leader is elected and exits 3.

mod common;

use common::{eventually, LocalCluster};

#[test]
fn reads_through_a_follower_see_the_leaders_state() {
    let cluster = LocalCluster::up_replicated("replicated", 3, 1, "2xH100-80GB", "ada");
    let status = cluster.json(&["cluster", "status", "--json"]);
    let leader = status["leader_addr"]
        .as_str()
        .expect("a leader")
        .to_string();
    let addrs = cluster.scheduler_addrs();
    let follower = addrs
        .iter()
        .find(|a| **a != leader)
        .expect("a follower")
        .clone();
    for _ in 0..5 {
        let id = cluster.submit(&["--wrap", "sleep 1"]);
        let queue = cluster.json(&[
            "queue",
            "--json",
            "--state",
            "all",
            "--scheduler",
            &follower,
        ]);
        assert!(
            queue["jobs"]
                .as_array()
                .unwrap()
                .iter()
                .any(|j| j["id"] == id),
            "job {id} through {follower}: {queue:#}"
        );
    }

    // Stop two of the three schedulers: the one left cannot elect a leader.
    let left = addrs.iter().position(|a| *a == follower).unwrap() + 1;
    for n in (1..=3).filter(|n| *n != left) {
        let pid = cluster.pid(&format!("scheduler-{n}"));
        // SAFETY: kill(2) with a pid this test's cluster started; it touches no memory.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
    }
    // Until its election timeout the follower still names the dead leader (exit 3, naming it as
    // unreachable); then it says no leader is elected: "no leader elected yet" (asking who
    // leads), or its own "no leader is known" (for a call it must send on to the leader).
    let stderr = eventually("the follower to say there is no leader", || {
        let out = cluster.corral(&["queue", "--scheduler", &follower, "--timeout", "2"]);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        match out.status.code() {
            Some(3) if stderr.contains("no leader") => Some(stderr),
            Some(0 | 3) => None,
            other => panic!("queue exited {other:?}: {stderr}"),
        }
    });
    assert!(stderr.contains(&follower), "{stderr}");
}
