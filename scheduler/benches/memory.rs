//! Scheduler memory with many jobs known: one scheduler node in this process (sled, fsync on,
//! snapshots every 10,000 entries as by default), 256 clients submitting 1,000,000 one-GPU jobs
//! (no agent registered, so all stay PENDING and are known to the state), each with a client
//! request id shaped like `corral submit`'s, so the retry table is measured too. Prints the
//! process's resident memory (VmRSS, and the peak VmHWM) every 100,000 jobs. The clients live in
//! the same process and hold almost nothing. `cargo bench -p corral-scheduler --bench memory --
//! 300000` stops at that many jobs instead.

use corral_model::spec::{GpuCount, NodeRange};
use corral_model::JobSpec;
use corral_proto::convert::submit_request;
use corral_proto::v1::client_client::ClientClient;
use corral_scheduler::{Config, Scheduler};
use std::time::{Duration, Instant};
use tonic::transport::Channel;

const JOBS: usize = 1_000_000;
const CLIENTS: usize = 256;
const REPORT_EVERY: usize = 100_000;

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let root = std::env::temp_dir().join(format!("corral-bench-memory-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let config = Config {
        listen: "127.0.0.1:0".into(),
        data_dir: Some(root.join("node")),
        ..Config::default()
    };
    let scheduler = Scheduler::start(config.check()?).await?;
    while scheduler.node().current_leader() != Some(scheduler.node().id()) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let addr = format!("http://{}", scheduler.local_addr());
    let mut channels = Vec::new();
    for _ in 0..16 {
        channels.push(Channel::from_shared(addr.clone())?.connect().await?);
    }
    println!("memory: before any job: {}", rss());
    let jobs = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(JOBS);
    let start = Instant::now();
    for chunk in 0..jobs / REPORT_EVERY {
        let mut tasks = Vec::new();
        for client in 0..CLIENTS {
            let channel = channels[client % channels.len()].clone();
            let count = REPORT_EVERY / CLIENTS + usize::from(client < REPORT_EVERY % CLIENTS);
            let prefix = format!("corral-{client}-{chunk}");
            tasks.push(tokio::spawn(submit_many(channel, prefix, count)));
        }
        for task in tasks {
            task.await??;
        }
        println!(
            "memory: {:>9} jobs known after {:>5.0} s: {}",
            (chunk + 1) * REPORT_EVERY,
            start.elapsed().as_secs_f64(),
            rss()
        );
    }
    scheduler.shutdown().await?;
    let _ = std::fs::remove_dir_all(&root);
    Ok(())
}

async fn submit_many(channel: Channel, prefix: String, count: usize) -> anyhow::Result<()> {
    let mut client = ClientClient::new(channel);
    let spec = JobSpec {
        name: Some("memory".into()),
        nodes: Some(NodeRange { min: 1, max: 1 }),
        gpus_per_node: Some(GpuCount {
            model: None,
            count: 1,
        }),
        ..JobSpec::default()
    };
    for n in 0..count {
        // `corral submit` sends `corral-PID-NANOS`: a 30-odd-character id.
        let request_id = format!("{prefix}-{:019}", n);
        client
            .submit(submit_request("bench", None, Some(&request_id), &spec))
            .await?;
    }
    Ok(())
}

/// VmRSS and VmHWM of this process, from /proc/self/status.
fn rss() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kib| kib.parse::<u64>().ok())
            .map_or("?".to_string(), |kib| format!("{} MiB", kib / 1024))
    };
    format!("RSS {}, peak {}", field("VmRSS:"), field("VmHWM:"))
}
