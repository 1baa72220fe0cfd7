//! Simulator speed: the RICC trace (447,794 jobs, 1,024 nodes × 8 processors, each processor a
//! GPU slot) with EASY backfill, and a synthetic GPU trace on 10,000 GPUs. Prints wall time and
//! peak RSS. Run: `cargo bench -p corral-simulations --bench replay_speed [-- JOBS]` (JOBS
//! limits how many jobs of each trace are replayed; default: all of RICC and 1,000,000 synthetic).

use corral_policies::config::Policy;
use corral_simulations::cluster_spec::NodeGroup;
use corral_simulations::trace::{load_trace, TraceJob};
use corral_simulations::{simulate_trace, SimOptions};
use std::path::Path;
use std::time::Instant;

fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// A Philly-like mix: mostly 1 GPU, some 2/4/8, runs of minutes to hours; arrivals keep the
/// cluster near saturation.
fn synthetic(n: usize) -> Vec<TraceJob> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut submit = 0;
    (0..n)
        .map(|i| {
            submit += next() % 12;
            let gpus = [1, 1, 1, 1, 1, 1, 2, 4, 8][(next() % 9) as usize];
            let run = 60 + next() % 7_200;
            let mut job = TraceJob::new(i as u64 + 1, submit, run, gpus);
            job.requested_secs = Some(run + next() % 3_600);
            job.user = Some(format!("u{}", next() % 200));
            job
        })
        .collect()
}

fn run(label: &str, jobs: &[TraceJob], groups: &[NodeGroup]) {
    let nodes = groups.iter().flat_map(NodeGroup::node_specs).collect();
    let policy = Policy::default();
    let t = Instant::now();
    let report =
        simulate_trace(jobs, nodes, &policy, &SimOptions::default(), None).expect("replay");
    println!(
        "{label}: {} jobs in {:.2} s wall, {} passes, mean wait {:.0} s, utilisation {:.3}, peak RSS {} MiB",
        jobs.len(),
        t.elapsed().as_secs_f64(),
        report.counters.passes,
        report.wait_secs.mean,
        report.utilisation,
        peak_rss_mib()
    );
}

fn main() {
    let limit: Option<usize> = std::env::args().skip(1).find_map(|a| a.parse().ok());
    let ricc =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/swf/RICC-2010-2.swf.gz");
    match load_trace(&ricc, None) {
        Ok(trace) => {
            let n = limit.unwrap_or(trace.jobs.len()).min(trace.jobs.len());
            run(
                "RICC EASY",
                &trace.jobs[..n],
                &[NodeGroup::uniform("ricc", 1_024, 8)],
            );
        }
        Err(e) => println!("RICC skipped: {e}"),
    }
    let n = limit.unwrap_or(1_000_000);
    run(
        "synthetic",
        &synthetic(n),
        &[NodeGroup::uniform("gpu", 1_250, 8)],
    );
}
