//! Runs the real `corral` binary: `submit --dry-run [--json]` on the model's fixture scripts,
//! submitting for real with no cluster there, and the error and warning paths.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture(name: &str) -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "model",
        "tests",
        "scripts",
        name,
    ]
    .iter()
    .collect();
    path.to_string_lossy().into_owned()
}

fn corral(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_corral"))
        .args(args)
        .output()
        .expect("corral runs")
}

fn json_of(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON object")
}

#[test]
fn dry_run_json_of_a_multi_node_gang() {
    let script = fixture("ddp_24x8_exclusive.sh");
    let job = json_of(&corral(&["submit", "--dry-run", "--json", &script]));
    assert_eq!(job["name"], "pretrain-gpt");
    assert_eq!(job["shell"], "/bin/bash");
    let spec = &job["spec"];
    assert_eq!(spec["nodes"], serde_json::json!({ "min": 24, "max": 24 }));
    assert_eq!(spec["ntasks_per_node"], 8);
    assert_eq!(
        spec["gpus_per_node"],
        serde_json::json!({ "model": null, "count": 8 })
    );
    assert_eq!(spec["exclusive"], true);
    assert_eq!(
        spec["time_limit"],
        serde_json::json!({ "kind": "secs", "secs": 172_800 })
    );
    assert_eq!(spec["mem"], serde_json::json!({ "per": "node", "mib": 0 }));
}

#[test]
fn dry_run_json_of_a_throttled_array_with_options_after_the_script() {
    let script = fixture("array_throttled.sh");
    // Options after the script, and Corral's own flags after it too.
    let job = json_of(&corral(&[
        "submit",
        &script,
        "-t",
        "0:90:00",
        "--dry-run",
        "--json",
        "--",
        "x",
    ]));
    let spec = &job["spec"];
    let ids: Vec<u64> = spec["array"]["task_ids"]
        .as_array()
        .expect("a list of ids")
        .iter()
        .map(|v| v.as_u64().expect("an id"))
        .collect();
    assert_eq!(ids, (0..100).collect::<Vec<u64>>());
    assert_eq!(spec["array"]["throttle"], 10);
    assert_eq!(
        spec["time_limit"]["secs"], 5400,
        "the command line overrides the script"
    );
    assert_eq!(
        spec["mem"],
        serde_json::json!({ "per": "cpu", "mib": 4096 })
    );
    assert_eq!(job["script_args"], serde_json::json!(["x"]));
}

#[test]
fn dry_run_table_fits_100_columns_and_warnings_go_to_stderr() {
    let script = fixture("late_and_unknown_directives.sh");
    let output = corral(&[
        "submit",
        "--dry-run",
        &script,
        "--comment",
        &"long ".repeat(40),
    ]);
    assert!(output.status.success());
    let table = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(table.lines().all(|l| l.chars().count() <= 100), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("name ") && l.ends_with("messy")),
        "{table}"
    );
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("gpus ") && l.ends_with("1 per node")),
        "{table}"
    );
    let stderr = String::from_utf8(output.stderr).expect("UTF-8");
    assert!(
        stderr.contains("warning: line 3: unknown option --frobnicate: ignored"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: line 10: `#SBATCH -J too-late` comes after the first command")
    );
}

#[test]
fn wrap_needs_no_script() {
    let job = json_of(&corral(&[
        "submit",
        "--dry-run",
        "--json",
        "--wrap",
        "nvidia-smi",
        "-G",
        "2",
    ]));
    assert_eq!(job["script"], Value::Null);
    assert_eq!(job["name"], "wrap");
    assert_eq!(job["shell"], "/bin/sh");
    assert_eq!(job["spec"]["gpus_per_job"]["count"], 2);
}

#[test]
fn an_invalid_script_fails_with_the_line_and_accepted_forms() {
    let dir = std::env::temp_dir().join(format!("corral-ctl-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("bad.sh");
    std::fs::write(&path, "#!/bin/bash\n#SBATCH --time=90min\ntrue\n").expect("write");
    let output = corral(&["submit", "--dry-run", path.to_str().expect("UTF-8 path")]);
    std::fs::remove_dir_all(&dir).expect("cleanup");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).expect("UTF-8");
    assert!(
        stderr.contains("line 2: --time=90min: `90min` is not a time (accepted: M, M:S"),
        "{stderr}"
    );
}

#[test]
fn a_valid_script_without_dry_run_goes_to_the_cluster() {
    let output = Command::new(env!("CARGO_BIN_EXE_corral"))
        .args(["submit", &fixture("single_gpu.sh")])
        .args(["--scheduler", "127.0.0.1:1", "--timeout", "1"])
        .output()
        .expect("corral runs");
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("corral submit: error: no scheduler leader reached"),
        "{stderr}"
    );
    assert!(stderr.contains("127.0.0.1:1"), "{stderr}");
    assert!(output.stdout.is_empty());
}
