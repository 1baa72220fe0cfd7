//! The replay engine against hand-computed schedules: FCFS order, EASY backfill, time limits,
//! cancellations, multi-node jobs; determinism; and a 2,000-job synthetic run.

use corral_model::NodeSpec;
use corral_policies::config::{parse_policy, Policy};
use corral_simulations::cluster_spec::NodeGroup;
use corral_simulations::engine::{GpuMapping, JobRecord};
use corral_simulations::metrics::write_jobs_csv;
use corral_simulations::{simulate, Report, SimJob, SimOptions};

/// The built-in policy without the job-size factor: priority is queue age, so the queue is FCFS.
fn fcfs_policy(backfill: bool) -> Policy {
    let text = format!("[priority.weights]\njob_size = 0\n\n[backfill]\nenabled = {backfill}\n");
    parse_policy("fcfs.toml", &text).expect("valid policy")
}

fn nodes(count: u32, gpus_per_node: u32) -> Vec<NodeSpec> {
    NodeGroup::uniform("n", count, gpus_per_node).node_specs()
}

fn job(id: u64, submit_secs: u64, gpus: u32, run_secs: u64, requested_secs: u64) -> SimJob {
    SimJob {
        trace_id: id,
        submit_secs,
        run_secs,
        requested_secs: Some(requested_secs),
        gpus,
        gpus_per_node: None,
        nodes: None,
        user: Some(format!("u{}", id % 3)),
        account: Some(format!("acct{}", id % 2)),
        gpu_model: None,
        partition: None,
        qos: None,
        cancel_secs: None,
    }
}

fn run(jobs: &[SimJob], nodes: Vec<NodeSpec>, policy: &Policy) -> Report {
    let options = SimOptions {
        invariant_checks: true,
        ..SimOptions::default()
    };
    simulate(jobs, nodes, policy, &options, None).expect("replay runs")
}

fn record(report: &Report, trace_id: u64) -> &JobRecord {
    report
        .job_records
        .iter()
        .find(|r| r.trace_id == trace_id)
        .expect("job in report")
}

fn waits(report: &Report) -> Vec<(u64, Option<u64>)> {
    report
        .job_records
        .iter()
        .map(|r| (r.trace_id, r.wait_secs()))
        .collect()
}

#[test]
fn jobs_start_in_arrival_order_when_the_head_does_not_fit() {
    let jobs = [
        job(1, 0, 4, 100, 100),
        job(2, 10, 2, 50, 50),
        job(3, 20, 2, 30, 30),
    ];
    let report = run(&jobs, nodes(1, 4), &fcfs_policy(true));
    assert_eq!(
        waits(&report),
        vec![(1, Some(0)), (2, Some(90)), (3, Some(80))]
    );
    assert_eq!(report.makespan_secs, 150);
    assert_eq!(report.states.get("COMPLETED"), Some(&3));
    // GPU-seconds: 4·100 + 2·50 + 2·30 = 560 of 4·150 = 600.
    assert!((report.utilisation - 560.0 / 600.0).abs() < 1e-12);
    assert_eq!(report.wait_secs.max, 90.0);
    // Bounded slowdowns: 1, 140/50, 110/30.
    let mean = (1.0 + 140.0 / 50.0 + 110.0 / 30.0) / 3.0;
    assert!((report.mean_bounded_slowdown - mean).abs() < 1e-12);
}

#[test]
fn a_short_job_backfills_without_delaying_the_reserved_head() {
    let jobs = [
        job(1, 0, 1, 100, 100), // runs 0..100
        job(2, 10, 4, 50, 50),  // needs the whole node: reserved for 100
        job(3, 20, 2, 50, 60),  // ends by 80 <= 100: backfills at 20
        job(4, 30, 1, 10, 200), // would overrun the reservation: waits for job 2
    ];
    let report = run(&jobs, nodes(1, 4), &fcfs_policy(true));
    assert_eq!(
        waits(&report),
        vec![(1, Some(0)), (2, Some(90)), (3, Some(0)), (4, Some(120))]
    );
    let without = run(&jobs, nodes(1, 4), &fcfs_policy(false));
    // Without backfill job 3 waits behind job 2 (starts at 150 with job 4).
    assert_eq!(
        waits(&without),
        vec![(1, Some(0)), (2, Some(90)), (3, Some(130)), (4, Some(120))]
    );
}

#[test]
fn a_job_past_its_time_limit_ends_timeout_and_frees_its_gpu() {
    let jobs = [job(1, 0, 1, 500, 100), job(2, 5, 1, 10, 20)];
    let report = run(&jobs, nodes(1, 1), &fcfs_policy(true));
    let late = record(&report, 1);
    assert_eq!(late.state.name(), "TIMEOUT");
    assert_eq!((late.start_secs, late.end_secs), (Some(0), Some(100)));
    assert_eq!(late.gpu_secs, 100);
    assert_eq!(record(&report, 2).wait_secs(), Some(95));
    assert_eq!(report.states.get("TIMEOUT"), Some(&1));
    assert_eq!(report.counters.policy_timeouts, 0);
}

#[test]
fn cancelled_jobs_end_whether_pending_or_running() {
    let mut running = job(1, 0, 2, 1000, 1000);
    running.cancel_secs = Some(40);
    let mut waiting = job(2, 10, 2, 100, 100);
    waiting.cancel_secs = Some(20);
    let jobs = [running, waiting, job(3, 30, 2, 10, 10)];
    let report = run(&jobs, nodes(1, 2), &fcfs_policy(true));
    let first = record(&report, 1);
    assert_eq!(
        (first.state.name(), first.end_secs),
        ("CANCELLED", Some(40))
    );
    let second = record(&report, 2);
    assert_eq!(
        (second.state.name(), second.start_secs),
        ("CANCELLED", None)
    );
    assert_eq!(record(&report, 3).wait_secs(), Some(10));
}

#[test]
fn gang_jobs_span_nodes_under_both_mappings() {
    let mut shaped = job(2, 0, 8, 100, 100);
    shaped.nodes = Some(2);
    shaped.gpus_per_node = Some(4);
    let jobs = [job(1, 0, 8, 100, 100), shaped];
    for mapping in [GpuMapping::Spread, GpuMapping::TraceShape] {
        let options = SimOptions {
            gpu_mapping: mapping,
            invariant_checks: true,
            ..SimOptions::default()
        };
        let report =
            simulate(&jobs, nodes(2, 4), &fcfs_policy(true), &options, None).expect("replay runs");
        assert_eq!(
            waits(&report),
            vec![(1, Some(0)), (2, Some(100))],
            "{mapping:?}"
        );
        assert_eq!(record(&report, 1).gpus, 8);
    }
}

#[test]
fn a_job_larger_than_the_cluster_is_reported_never_started() {
    let jobs = [job(1, 0, 16, 10, 10), job(2, 0, 1, 10, 10)];
    let report = run(&jobs, nodes(1, 4), &fcfs_policy(true));
    assert_eq!(report.never_started, 1);
    let stuck = record(&report, 1);
    assert_eq!(stuck.state.name(), "PENDING");
    let reason = stuck.pending_reason.as_deref().unwrap_or("");
    assert!(reason.contains("16 GPUs"), "{reason}");
    assert_eq!(record(&report, 2).state.name(), "COMPLETED");
}

/// A deterministic pseudo-random workload (linear congruential generator, fixed seed).
fn synthetic_jobs(count: u64, seed: u64) -> Vec<SimJob> {
    let mut x = seed;
    let mut next = move |bound: u64| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) % bound
    };
    let mut submit = 0;
    (1..=count)
        .map(|id| {
            submit += next(120);
            let gpus = [1, 1, 2, 4, 8, 16][next(6) as usize];
            let run = 30 + next(3_600);
            // One job in ten underestimates its run time and ends TIMEOUT.
            let requested = if next(10) == 0 {
                run / 2 + 1
            } else {
                run + next(3_600)
            };
            let mut j = job(id, submit, gpus, run, requested);
            j.account = Some(format!("acct{}", next(4)));
            j
        })
        .collect()
}

#[test]
fn two_thousand_synthetic_jobs_all_end_with_invariants_checked() {
    let jobs = synthetic_jobs(2_000, 7);
    let mut calls = 0;
    let mut last = (0, 0);
    let mut progress = |done: usize, total: usize| {
        calls += 1;
        last = (done, total);
    };
    let options = SimOptions {
        invariant_checks: true,
        ..SimOptions::default()
    };
    let report = simulate(
        &jobs,
        nodes(8, 8),
        &Policy::default(),
        &options,
        Some(&mut progress),
    )
    .expect("replay runs");
    assert_eq!(last, (2_000, 2_000));
    assert!((2..=1_001).contains(&calls), "{calls} progress calls");
    assert_eq!(report.never_started, 0);
    let completed = report.states.get("COMPLETED").copied().unwrap_or(0);
    let timeout = report.states.get("TIMEOUT").copied().unwrap_or(0);
    assert_eq!(completed + timeout, 2_000, "{:?}", report.states);
    assert!(timeout > 100, "{timeout} timeouts");
    assert_eq!(report.counters.refused_starts, 0);
    assert_eq!(report.counters.policy_timeouts, 0);
    assert!(report.utilisation > 0.0 && report.utilisation <= 1.0);
    assert!(report.utilisation_over_time.iter().all(|p| p.value <= 1.0));
    assert!(report.wait_secs.p50 <= report.wait_secs.p95);
    assert!(report.wait_secs.p95 <= report.wait_secs.p99);
    assert_eq!(report.accounts.len(), 4);
    assert!(report.jain_fairness > 0.25 && report.jain_fairness <= 1.0);
    assert!(report.queue_length.len() <= 1_000);
    for r in &report.job_records {
        let (start, end) = (r.start_secs.unwrap_or(0), r.end_secs.unwrap_or(0));
        assert!(start >= r.submit_secs && end >= start, "{r:?}");
    }
}

#[test]
fn the_same_input_gives_the_same_report_bit_for_bit() {
    let jobs = synthetic_jobs(300, 11);
    let once = run(&jobs, nodes(4, 8), &Policy::default());
    let twice = run(&jobs, nodes(4, 8), &Policy::default());
    assert_eq!(once.to_json(), twice.to_json());
    let csv = |report: &Report| {
        let mut out = Vec::new();
        write_jobs_csv(&mut out, &report.job_records).expect("write to memory");
        out
    };
    assert_eq!(csv(&once), csv(&twice));
    let text = String::from_utf8(csv(&once)).expect("utf-8");
    assert_eq!(text.lines().count(), 301);
    assert!(text.starts_with("trace_id,user,account,gpus,submit_secs,"));
}
