//! Leader failover: three scheduler nodes in this process on 127.0.0.1 with the production Raft
//! timings (heartbeat 50 ms, election timeout 250–500 ms), a client submitting in a loop through
//! `Connector` (which finds the leader from the address list). Each round stops the leader
//! (its node shuts down, as a killed process would stop answering), measures the time until a
//! submit is acknowledged again, then restarts the stopped node. Prints each round and the median.

use corral_model::spec::{GpuCount, NodeRange};
use corral_model::JobSpec;
use corral_proto::connect::Connector;
use corral_proto::convert::submit_request;
use corral_proto::v1::client_client::ClientClient;
use corral_scheduler::{Config, Peer, Scheduler};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

const ROUNDS: usize = 7;
const NODES: u64 = 3;

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let root = std::env::temp_dir().join(format!("corral-bench-failover-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let mut addrs = BTreeMap::new();
    let mut listeners = BTreeMap::new();
    for id in 1..=NODES {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        addrs.insert(id, listener.local_addr()?);
        listeners.insert(id, listener);
    }
    let mut nodes = BTreeMap::new();
    for (id, listener) in listeners {
        nodes.insert(id, start(&root, &addrs, id, listener).await?);
    }
    let addr_list: Vec<String> = addrs.values().map(|a| a.to_string()).collect();
    let mut connector = Connector::new(addr_list, Duration::from_secs(30))
        .with_call_timeout(Duration::from_millis(300));
    submit(&mut connector, "warm-up").await?;
    let mut gaps = Vec::new();
    for round in 0..ROUNDS {
        let leader = leader_of(&nodes).await?;
        let stopped_at = Instant::now();
        nodes
            .remove(&leader)
            .expect("leader runs")
            .shutdown()
            .await?;
        submit(&mut connector, &format!("after-{round}")).await?;
        let gap = stopped_at.elapsed();
        println!(
            "failover round {round}: node {leader} stopped → submit acknowledged after {:.0} ms",
            gap.as_secs_f64() * 1e3
        );
        gaps.push(gap);
        let listener = TcpListener::bind(addrs[&leader]).await?;
        nodes.insert(leader, start(&root, &addrs, leader, listener).await?);
        tokio::time::sleep(Duration::from_millis(1_500)).await;
    }
    gaps.sort();
    println!(
        "failover: median {:.0} ms, max {:.0} ms over {ROUNDS} rounds ({} CPUs)",
        gaps[ROUNDS / 2].as_secs_f64() * 1e3,
        gaps[ROUNDS - 1].as_secs_f64() * 1e3,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    for (_, node) in nodes {
        node.shutdown().await?;
    }
    let _ = std::fs::remove_dir_all(&root);
    Ok(())
}

async fn start(
    root: &Path,
    addrs: &BTreeMap<u64, SocketAddr>,
    id: u64,
    listener: TcpListener,
) -> anyhow::Result<Scheduler> {
    let peers = addrs
        .iter()
        .map(|(&id, a)| Peer {
            id,
            addr: a.to_string(),
        })
        .collect();
    let config = Config {
        node_id: id,
        listen: "127.0.0.1:0".into(),
        data_dir: Some(PathBuf::from(root).join(format!("node-{id}"))),
        peers,
        ..Config::default()
    };
    Ok(Scheduler::start_on(config.check()?, listener).await?)
}

async fn leader_of(nodes: &BTreeMap<u64, Scheduler>) -> anyhow::Result<u64> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let leaders: Vec<Option<u64>> = nodes.values().map(|s| s.node().current_leader()).collect();
        if let Some(Some(first)) = leaders.first() {
            if leaders.iter().all(|l| *l == Some(*first)) && nodes.contains_key(first) {
                return Ok(*first);
            }
        }
        anyhow::ensure!(Instant::now() < deadline, "no leader within 30 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn submit(connector: &mut Connector, id: &str) -> anyhow::Result<()> {
    let spec = JobSpec {
        name: Some("failover".into()),
        nodes: Some(NodeRange { min: 1, max: 1 }),
        gpus_per_node: Some(GpuCount {
            model: None,
            count: 1,
        }),
        ..JobSpec::default()
    };
    let request = submit_request("bench", None, Some(id), &spec);
    connector
        .call(|channel| {
            let request = request.clone();
            async move { ClientClient::new(channel).submit(request).await }
        })
        .await?;
    Ok(())
}
