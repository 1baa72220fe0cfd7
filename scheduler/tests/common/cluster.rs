//! `TestCluster`: scheduler nodes 1..=n on 127.0.0.1 with ports picked by the OS, each on its own
//! data dir; nodes can be stopped and restarted on the same dir and address.

use super::eventually;
use super::scratch::ScratchDir;
use corral_scheduler::{Config, Peer, Scheduler};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// One scheduler started from `config`, once it leads its single-node cluster.
pub async fn start_single(config: &Config) -> Scheduler {
    let scheduler = Scheduler::start(config.check().expect("valid"))
        .await
        .expect("start");
    eventually("node 1 to lead", || async {
        (scheduler.node().current_leader() == Some(1)).then_some(())
    })
    .await;
    scheduler
}

pub struct TestCluster {
    pub addrs: BTreeMap<u64, SocketAddr>,
    pub running: BTreeMap<u64, Scheduler>,
    root: ScratchDir,
}

/// Fast timings for tests: elections within a second, a leader loop that reacts at once.
pub fn test_config(id: u64, data_dir: std::path::PathBuf, peers: Vec<Peer>) -> Config {
    Config {
        node_id: id,
        listen: "127.0.0.1:0".to_string(),
        data_dir: Some(data_dir),
        peers,
        heartbeat_interval_ms: 50,
        election_timeout_min_ms: 300,
        election_timeout_max_ms: 600,
        leader_loop_min_interval_ms: 10,
        leader_loop_idle_interval_ms: 200,
        ..Config::default()
    }
}

impl TestCluster {
    pub async fn start(label: &str, size: u64) -> TestCluster {
        let mut listeners = BTreeMap::new();
        for id in 1..=size {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            listeners.insert(id, listener);
        }
        let mut cluster = TestCluster {
            addrs: listeners
                .iter()
                .map(|(&id, l)| (id, l.local_addr().expect("local addr")))
                .collect(),
            running: BTreeMap::new(),
            root: ScratchDir::new(label),
        };
        for (id, listener) in listeners {
            cluster.start_on(id, listener).await;
        }
        cluster
    }

    fn peers(&self) -> Vec<Peer> {
        self.addrs
            .iter()
            .map(|(&id, addr)| Peer {
                id,
                addr: addr.to_string(),
            })
            .collect()
    }

    async fn start_on(&mut self, id: u64, listener: TcpListener) {
        let dir = self.root.path().join(format!("node-{id}"));
        let config = test_config(id, dir, self.peers())
            .check()
            .expect("valid config");
        let scheduler = Scheduler::start_on(config, listener)
            .await
            .unwrap_or_else(|e| panic!("start node {id}: {e}"));
        self.running.insert(id, scheduler);
    }

    /// Starts node `id` outside the cluster, knowing its members (so it waits to be added rather
    /// than starting a cluster of its own).
    pub async fn start_new_node(&mut self, id: u64) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        self.addrs.insert(id, addr);
        self.start_on(id, listener).await;
        addr
    }

    /// Restarts a stopped node on its data dir and address.
    pub async fn restart(&mut self, id: u64) {
        let listener = TcpListener::bind(self.addrs[&id]).await.expect("rebind");
        self.start_on(id, listener).await;
    }

    pub async fn stop(&mut self, id: u64) {
        if let Some(scheduler) = self.running.remove(&id) {
            scheduler.shutdown().await.expect("shutdown");
        }
    }

    pub fn addr_list(&self) -> Vec<String> {
        self.addrs.values().map(|a| a.to_string()).collect()
    }

    /// The leader every running node agrees on, once they do.
    pub async fn wait_for_leader(&self) -> u64 {
        eventually("a leader all running nodes agree on", || async {
            let leaders: Vec<Option<u64>> = self
                .running
                .values()
                .map(|s| s.node().current_leader())
                .collect();
            let first = leaders.first().copied().flatten()?;
            let agreed = leaders.iter().all(|l| *l == Some(first));
            (agreed && self.running.contains_key(&first)).then_some(first)
        })
        .await
    }

    /// Waits until node `id` has applied everything the leader has.
    pub async fn wait_caught_up(&self, id: u64, leader: u64) {
        eventually(
            &format!("node {id} to catch up with node {leader}"),
            || async {
                let target = self.running[&leader].node().last_applied();
                (self.running[&id].node().last_applied() >= target).then_some(())
            },
        )
        .await
    }
}
