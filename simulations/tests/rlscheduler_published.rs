//! Reproduces the average bounded slowdowns RLScheduler published for the classic heuristics on
//! Lublin-1 (Zhang et al., "RLScheduler: An Automated HPC Batch Job Scheduler Using Reinforcement
//! Learning", SC'20): FCFS 7273.77, FCFS+backfill 235.82, SJF 277.35, SJF+backfill 73.31.

use corral_simulations::compat::rlscheduler::{
    run_rlscheduler_file, CompatResult, Order, PUBLISHED_WINDOW_JOBS, PUBLISHED_WINDOW_STARTS,
};
use std::path::PathBuf;

fn replay_lublin(order: Order, backfill: bool) -> CompatResult {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("traces/lublin_256.swf");
    run_rlscheduler_file(&path, order, backfill).expect("Lublin-1 replays")
}

fn two_decimals(result: &CompatResult) -> String {
    format!("{:.2}", result.mean_bounded_slowdown)
}

#[test]
fn fcfs_without_backfill_gives_7273_77() {
    assert_eq!(two_decimals(&replay_lublin(Order::Fcfs, false)), "7273.77");
}

#[test]
fn fcfs_with_backfill_gives_235_82() {
    assert_eq!(two_decimals(&replay_lublin(Order::Fcfs, true)), "235.82");
}

#[test]
fn sjf_without_backfill_gives_277_35() {
    assert_eq!(two_decimals(&replay_lublin(Order::Sjf, false)), "277.35");
}

#[test]
fn sjf_with_backfill_gives_73_31() {
    assert_eq!(two_decimals(&replay_lublin(Order::Sjf, true)), "73.31");
}

#[test]
fn the_replay_uses_the_published_windows_on_a_clean_256_node_trace() {
    let result = replay_lublin(Order::Sjf, true);
    assert_eq!(result.cluster.nodes, 256);
    assert_eq!(result.jobs_loaded, 10_000);
    assert_eq!(result.jobs_dropped_zero_run, 0);
    assert!(result.trace_report.bad.is_empty());
    let starts: Vec<usize> = result.windows.iter().map(|w| w.start_index).collect();
    assert_eq!(starts, PUBLISHED_WINDOW_STARTS);
    assert!(result
        .windows
        .iter()
        .all(|w| w.jobs == PUBLISHED_WINDOW_JOBS && w.mean_bounded_slowdown >= 1.0));
}
