//! `corral sim sweep` as the real binary: the table, the recommendation, the files of --out, and
//! its errors.

use std::path::Path;
use std::process::{Command, Output};

const TRACE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../simulations/traces/native_example.csv"
);

fn corral(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_corral"))
        .args(args)
        .output()
        .expect("corral runs")
}

#[test]
fn sweep_names_the_smallest_cluster_meeting_the_target() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sim-sweep-out");
    let _ = std::fs::remove_dir_all(&dir);
    let out = corral(&[
        "sim",
        "sweep",
        "--trace",
        TRACE,
        "--gpus",
        "64,8,16,32",
        "--target",
        "p95-wait<=1h",
        "--out",
        dir.to_str().expect("utf-8"),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // 8 and 16 GPUs cannot fit the 32-GPU job at all, so they never meet a target.
    assert!(
        text.contains("\n32 GPUs keep p95 wait under 1h\n"),
        "{text}"
    );
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.ends_with(" yes") || l.ends_with(" no"))
        .collect();
    assert_eq!(rows.len(), 4, "{text}");
    assert!(
        rows[0].trim_start().starts_with("8 ") && rows[0].ends_with(" no"),
        "{text}"
    );
    assert!(
        rows[2].trim_start().starts_with("32 ") && rows[2].ends_with(" yes"),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("sweep.json")).expect("sweep.json"))
            .expect("JSON");
    assert_eq!(json["recommended_gpus"], 32);
    assert_eq!(json["points"].as_array().map(Vec::len), Some(4));
    let png = std::fs::read(dir.join("sweep.png")).expect("sweep.png");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(std::fs::read_to_string(dir.join("sweep.svg"))
        .expect("svg")
        .contains("target p95-wait"));
}

#[test]
fn sweep_json_is_one_object_with_every_point() {
    let out = corral(&[
        "sim",
        "sweep",
        "--trace",
        TRACE,
        "--gpus",
        "32,64",
        "--target",
        "mean-bsld<=1.5",
        "--json",
        "--threads",
        "1",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["target"], "mean-bsld<=1.5");
    assert_eq!(json["recommended_gpus"], 32);
    assert_eq!(json["points"][1]["gpus"], 64);
    assert_eq!(json["points"][1]["meets_target"], true);
}

#[test]
fn sweep_refuses_partial_nodes_and_unknown_targets() {
    let out = corral(&["sim", "sweep", "--trace", TRACE, "--gpus", "8,12"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim_end(),
        "corral sim sweep: 12 GPUs is not a whole number of nodes of 8 GPUs \
         (accepted: a multiple of 8 >= 8, e.g. 16)"
    );
    let out = corral(&[
        "sim",
        "sweep",
        "--trace",
        TRACE,
        "--gpus",
        "8",
        "--target",
        "p90-wait<=1h",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown statistic \"p90\" (accepted: mean, p50, p95, p99, max)"),
        "{err}"
    );
}
