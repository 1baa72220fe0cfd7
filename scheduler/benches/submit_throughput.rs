//! Submit throughput: three scheduler nodes in this process on 127.0.0.1 (sled fsyncs its log on
//! every append, as in production; production Raft and leader loop timings), clients submitting
//! one-GPU jobs through the leader at concurrency 1, 16 and 256. Prints submits/s and the p50 and
//! p99 latency of each round. No agents are registered, so every job stays PENDING and the leader
//! loop plans over a growing queue, as it would with a full cluster.

use corral_model::spec::{GpuCount, NodeRange};
use corral_model::JobSpec;
use corral_proto::convert::submit_request;
use corral_proto::v1::client_client::ClientClient;
use corral_scheduler::{Config, Peer, Scheduler};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tonic::transport::Channel;

/// (concurrent clients, submits in the round).
const ROUNDS: [(usize, usize); 3] = [(1, 2_000), (16, 10_000), (256, 20_000)];
/// Clients share this many HTTP/2 connections (round-robin), as a pool of CLI processes would.
const MAX_CONNECTIONS: usize = 16;
const NODES: u64 = 3;

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let root = std::env::temp_dir().join(format!("corral-bench-submit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let nodes = start_cluster(&root).await?;
    let leader = wait_for_leader(&nodes).await?;
    let leader_addr = nodes[&leader].local_addr().to_string();
    println!(
        "submit_throughput: {NODES} nodes on 127.0.0.1, fsync on, leader node {leader}, {} CPUs",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let mut channels = Vec::new();
    for _ in 0..MAX_CONNECTIONS {
        channels.push(
            Channel::from_shared(format!("http://{leader_addr}"))?
                .connect()
                .await?,
        );
    }
    for (concurrency, count) in ROUNDS {
        let round = run_round(&channels, concurrency, count).await?;
        println!(
            "concurrency {concurrency:>3}: {count:>6} submits in {:>6.2} s = {:>7.0} submits/s, p50 {:>7.2} ms, p99 {:>7.2} ms",
            round.elapsed.as_secs_f64(),
            count as f64 / round.elapsed.as_secs_f64(),
            millis(percentile(&round.latencies, 50)),
            millis(percentile(&round.latencies, 99)),
        );
    }
    for (_, scheduler) in nodes {
        scheduler.shutdown().await?;
    }
    let _ = std::fs::remove_dir_all(&root);
    Ok(())
}

struct Round {
    elapsed: Duration,
    /// Sorted.
    latencies: Vec<Duration>,
}

async fn run_round(
    channels: &[Channel],
    concurrency: usize,
    count: usize,
) -> anyhow::Result<Round> {
    let per_client = count / concurrency;
    let extra = count % concurrency;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..concurrency {
        let channel = channels[client % channels.len()].clone();
        let submits = per_client + usize::from(client < extra);
        tasks.push(tokio::spawn(submit_many(
            channel,
            concurrency,
            client,
            submits,
        )));
    }
    let mut latencies = Vec::with_capacity(count);
    for task in tasks {
        latencies.extend(task.await??);
    }
    let elapsed = start.elapsed();
    latencies.sort();
    Ok(Round { elapsed, latencies })
}

/// One client: `submits` submits in a row, each with its own request id; their latencies.
async fn submit_many(
    channel: Channel,
    concurrency: usize,
    client: usize,
    submits: usize,
) -> anyhow::Result<Vec<Duration>> {
    let mut grpc = ClientClient::new(channel);
    let spec = one_gpu_job();
    let mut latencies = Vec::with_capacity(submits);
    for i in 0..submits {
        let request_id = format!("bench-c{concurrency}-{client}-{i}");
        let request = submit_request("bench", None, Some(&request_id), &spec);
        let sent = Instant::now();
        let reply = grpc.submit(request).await?.into_inner();
        latencies.push(sent.elapsed());
        anyhow::ensure!(!reply.duplicate, "{request_id}: answered as a duplicate");
    }
    Ok(latencies)
}

fn one_gpu_job() -> JobSpec {
    JobSpec {
        name: Some("bench".to_string()),
        nodes: Some(NodeRange { min: 1, max: 1 }),
        gpus_per_node: Some(GpuCount {
            model: None,
            count: 1,
        }),
        ..JobSpec::default()
    }
}

async fn start_cluster(root: &std::path::Path) -> anyhow::Result<BTreeMap<u64, Scheduler>> {
    let mut listeners = BTreeMap::new();
    for id in 1..=NODES {
        listeners.insert(id, TcpListener::bind("127.0.0.1:0").await?);
    }
    let peers: Vec<Peer> = listeners
        .iter()
        .map(|(&id, l)| {
            Ok(Peer {
                id,
                addr: l.local_addr()?.to_string(),
            })
        })
        .collect::<std::io::Result<_>>()?;
    let mut nodes = BTreeMap::new();
    for (id, listener) in listeners {
        let config = Config {
            node_id: id,
            listen: "127.0.0.1:0".to_string(),
            data_dir: Some(PathBuf::from(root).join(format!("node-{id}"))),
            peers: peers.clone(),
            ..Config::default()
        };
        nodes.insert(id, Scheduler::start_on(config.check()?, listener).await?);
    }
    Ok(nodes)
}

async fn wait_for_leader(nodes: &BTreeMap<u64, Scheduler>) -> anyhow::Result<u64> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let leaders: Vec<Option<u64>> = nodes.values().map(|s| s.node().current_leader()).collect();
        if let Some(Some(first)) = leaders.first() {
            if leaders.iter().all(|l| *l == Some(*first)) {
                return Ok(*first);
            }
        }
        anyhow::ensure!(Instant::now() < deadline, "no leader within 30 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The `p`-th percentile of sorted `latencies` (nearest rank).
fn percentile(latencies: &[Duration], p: usize) -> Duration {
    if latencies.is_empty() {
        return Duration::ZERO;
    }
    let rank = (latencies.len() * p).div_ceil(100).max(1);
    latencies[rank - 1]
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}
