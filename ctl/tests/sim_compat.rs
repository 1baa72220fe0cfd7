//! `corral sim run --compat rlscheduler --json` prints the published Lublin-1 figure of
//! RLScheduler (SC'20): FCFS with backfill, 235.82.

use std::process::Command;

#[test]
fn sim_run_compat_prints_the_published_bounded_slowdown() {
    let trace = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../simulations/traces/lublin_256.swf"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_corral"))
        .args([
            "sim",
            "run",
            "--trace",
            trace,
            "--compat",
            "rlscheduler",
            "--order",
            "fcfs",
            "--backfill",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bsld = json["mean_bounded_slowdown"].as_f64().unwrap();
    assert_eq!(format!("{bsld:.2}"), "235.82");
}

#[test]
fn sim_run_on_a_missing_trace_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_corral"))
        .args([
            "sim",
            "run",
            "--trace",
            "/no/such.swf",
            "--compat",
            "rlscheduler",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such.swf"));
}
