//! `corral sim run` through Corral's own policies, run as the real binary on the committed
//! native example trace (five good jobs, one bad line) and a small cluster.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TRACE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../simulations/traces/native_example.csv"
);
const EXAMPLE_CLUSTER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../simulations/examples/cluster.toml"
);

fn corral(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_corral"))
        .args(args)
        .output()
        .expect("corral runs")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn json_report_has_the_replays_numbers() {
    let out = corral(&["sim", "run", "--trace", TRACE, "--nodes", "4", "--json"]);
    let report: serde_json::Value =
        serde_json::from_str(&stdout(&out)).expect("stdout is one JSON object");
    assert_eq!(report["cluster_nodes"], 4);
    assert_eq!(report["cluster_gpus"], 32);
    assert_eq!(report["jobs"], 5);
    assert_eq!(report["states"]["COMPLETED"], 5);
    assert_eq!(report["never_started"], 0);
    // Job 3 (32 GPUs, 1 day) waits for job 1 (8 GPUs, 1 h from t = 0) until t = 3600: 58 min.
    assert_eq!(report["wait_secs"]["max"], 3480.0);
    assert_eq!(report["makespan_secs"], 3600 + 86_400);
    let utilisation = report["utilisation"].as_f64().expect("a number");
    assert!(utilisation > 0.9 && utilisation <= 1.0, "{utilisation}");
    assert!(report["mean_bounded_slowdown"].as_f64().expect("a number") >= 1.0);
    assert!(report["queue_length"]
        .as_array()
        .is_some_and(|a| !a.is_empty()));
}

#[test]
fn summary_names_the_bad_line_and_fits_in_100_columns() {
    let out = corral(&["sim", "run", "--trace", TRACE, "--nodes", "4"]);
    let text = stdout(&out);
    assert!(text.contains("bad records   1 (line 9): gpus 6"), "{text}");
    assert!(text.contains("cluster       4 nodes, 32 GPUs"), "{text}");
    assert!(text.contains("\nwait "), "{text}");
    assert!(text.contains("\nbounded slowdown "), "{text}");
    for line in text.lines() {
        assert!(line.chars().count() <= 100, "too wide: {line}");
    }
}

#[test]
fn out_dir_gets_report_csv_and_plots() {
    let dir = fresh_dir("sim-run-out");
    let dir_text = dir.to_str().expect("utf-8 path");
    let out = corral(&[
        "sim", "run", "--trace", TRACE, "--nodes", "4", "--out", dir_text,
    ]);
    assert!(stdout(&out).contains("wrote 8 files to"));
    let report = std::fs::read_to_string(dir.join("report.json")).expect("report.json");
    assert!(report.contains("\"cluster_gpus\": 32"));
    let csv = std::fs::read_to_string(dir.join("jobs.csv")).expect("jobs.csv");
    assert_eq!(csv.lines().count(), 1 + 5);
    assert!(csv.starts_with("trace_id,"));
    for stem in ["wait_cdf", "queue_length", "utilisation"] {
        let svg = std::fs::read_to_string(dir.join(format!("{stem}.svg"))).expect("svg");
        assert!(
            svg.starts_with("<svg") && svg.contains("<path d=\"M"),
            "{stem}.svg"
        );
        let png = std::fs::read(dir.join(format!("{stem}.png"))).expect("png");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{stem}.png signature");
        assert_eq!(&png[12..16], b"IHDR");
        let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
        let height = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
        assert_eq!((width, height), (720, 400), "{stem}.png size");
        assert!(png.len() > 2_000, "{stem}.png is {} bytes", png.len());
    }
}

#[test]
fn the_example_cluster_spec_loads_and_replays() {
    let nodes = corral_simulations::cluster_spec::load_cluster_spec(Path::new(EXAMPLE_CLUSTER))
        .expect("the example cluster spec is valid");
    assert_eq!(nodes.len(), 28);
    let gpus: usize = nodes.iter().map(|n| n.gpus.len()).sum();
    assert_eq!(gpus, 208);
    let out = corral(&[
        "sim",
        "run",
        "--trace",
        TRACE,
        "--cluster",
        EXAMPLE_CLUSTER,
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(report["cluster_gpus"], 208);
    assert_eq!(report["states"]["COMPLETED"], 5);
}

#[test]
fn bad_inputs_exit_1_naming_the_file() {
    let missing = corral(&[
        "sim",
        "run",
        "--trace",
        "/no/such/trace.csv",
        "--nodes",
        "2",
    ]);
    assert_eq!(missing.status.code(), Some(1));
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(
        err.starts_with("corral sim run: /no/such/trace.csv: cannot read:"),
        "{err}"
    );
    assert_eq!(err.matches("No such file").count(), 1, "{err}");

    let dir = fresh_dir("sim-run-bad-inputs");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let spec = dir.join("cluster.toml");
    std::fs::write(
        &spec,
        "[[group]]\nname = \"a\"\ncount = 0\ngpus_per_node = 8\ncpus = 8\nmem_gib = 64\n",
    )
    .expect("write spec");
    let bad_spec = corral(&[
        "sim",
        "run",
        "--trace",
        TRACE,
        "--cluster",
        spec.to_str().expect("utf-8"),
    ]);
    assert_eq!(bad_spec.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad_spec.stderr);
    assert!(
        err.contains("cluster.toml: group 1 (a): count = 0 (accepted:"),
        "{err}"
    );

    let policy = dir.join("policy.toml");
    std::fs::write(&policy, "[backfill]\nenabeld = true\n").expect("write policy");
    let bad_policy = corral(&[
        "sim",
        "run",
        "--trace",
        TRACE,
        "--nodes",
        "2",
        "--policy",
        policy.to_str().expect("utf-8"),
    ]);
    assert_eq!(bad_policy.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad_policy.stderr);
    assert!(err.contains("policy.toml:2:"), "{err}");
    assert!(err.contains("enabeld"), "{err}");

    let no_cluster = corral(&["sim", "run", "--trace", TRACE]);
    assert_eq!(no_cluster.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&no_cluster.stderr)
        .contains("no cluster given (accepted: --cluster"));
}
