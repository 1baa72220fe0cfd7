//! "Why" on a local cluster (`corral up`): a researcher's job that can never fit is explained
//! as NeverFits; an admin applies a policy that changes the priority weights and sees `prio`
//! change; `share` lists the researcher; `policy show`/`diff` report the policy in force; and
//! the Slurm-named links (`install-aliases`) print their familiar columns.

mod common;

use common::{assert_success, eventually, LocalCluster};
use serde_json::Value;
use std::path::Path;

/// Only the nice factor counts, so every job's priority is 0.5 × 5000.
const NICE_ONLY: &str = "[priority.weights]
age = 0
fairshare = 0
job_size = 0
partition = 0
qos = 0
nice = 5000
";

fn ok_as(cluster: &LocalCluster, user: &str, args: &[&str]) -> String {
    let out = cluster.corral_as(user, args);
    assert_success(&out, &format!("corral {}", args.join(" ")));
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn factor(job: &Value, name: &str) -> f64 {
    job["priority"]["factors"]
        .as_array()
        .expect("factors")
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no {name} factor: {job:#}"))["weighted"]
        .as_f64()
        .expect("a number")
}

fn prio_of(cluster: &LocalCluster, id: u64) -> Value {
    let prio = cluster.json(&["prio", "--json"]);
    prio["jobs"]
        .as_array()
        .expect("jobs")
        .iter()
        .find(|j| j["id"] == id)
        .unwrap_or_else(|| panic!("job {id} in prio: {prio:#}"))
        .clone()
}

/// The words of a table's first line.
fn header(text: &str) -> Vec<&str> {
    text.lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect()
}

#[test]
fn why_a_job_waits_and_how_policy_changes_priorities() {
    let cluster = LocalCluster::up("insight", 2, "4xH100-80GB", "root");

    // More GPUs on one node than any node has: it can never start.
    let never: u64 = ok_as(
        &cluster,
        "ada",
        &[
            "submit",
            "--parsable",
            "-N",
            "1",
            "--gpus-per-node=16",
            "--wrap",
            "true",
        ],
    )
    .trim()
    .parse()
    .expect("an id");
    let queue = cluster.json(&["queue", "--json"]);
    assert!(
        queue["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|j| j["id"] == never),
        "queue right after submit lists the job: {queue:#}"
    );
    let id = never.to_string();
    let explained = eventually("the job to be NeverFits", || {
        let e = cluster.json(&["explain", &id, "--json"]);
        (e["pending"]["reason"] == "NeverFits").then_some(e)
    });
    assert_eq!(explained["state"], "PENDING");
    assert!(explained["pass_time"].as_u64().is_some(), "{explained:#}");
    let words = explained["explanation"].as_str().unwrap();
    assert!(
        words.starts_with(&format!("Job {never} is pending: ")) && words.contains("never start"),
        "{words}"
    );
    let text = cluster.ok(&["explain", &id]);
    assert!(
        text.contains("FACTOR") && text.contains("fairshare"),
        "{text}"
    );
    let start = cluster.ok(&["queue", "--start"]);
    assert!(header(&start).contains(&"START_TIME"), "{start}");
    assert!(start.contains("(NeverFits)"), "{start}");

    // The default weights: fair-share counts. Then only nice does.
    let before = prio_of(&cluster, never);
    assert_eq!(before["user"], "ada");
    assert!(factor(&before, "fairshare") > 0.0, "{before:#}");
    std::fs::write(cluster.dir().join("nice.toml"), NICE_ONLY).expect("policy");
    let diff = cluster.ok(&["policy", "diff", "nice.toml"]);
    assert!(diff.contains("+nice = 5000"), "{diff}");
    cluster.ok(&["policy", "apply", "nice.toml"]);
    let after = prio_of(&cluster, never);
    let total = after["priority"]["total"].as_f64().unwrap();
    assert!((total - 2500.0).abs() < 1e-6, "{after:#}");
    assert_eq!(factor(&after, "fairshare"), 0.0);
    assert_eq!(factor(&after, "nice"), 2500.0);
    let shown = cluster.json(&["policy", "show", "--json"]);
    assert_eq!(shown["source"], "cluster");
    assert_eq!(shown["text"], NICE_ONLY);
    let same = cluster.ok(&["policy", "diff", "nice.toml"]);
    assert!(same.starts_with("no change"), "{same}");

    let share = cluster.json(&["share", "--json"]);
    let rows = share["rows"].as_array().expect("rows");
    assert!(
        rows.iter()
            .any(|r| r["kind"] == "user" && r["name"] == "ada"),
        "{share:#}"
    );

    // Membership errors are the server's, passed through.
    let remove = cluster.corral(&["cluster", "remove", "9"]);
    assert_eq!(remove.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&remove.stderr).contains("not a voting member"));

    // The Slurm-named links.
    let bin = cluster.dir().join("bin");
    cluster.ok(&["install-aliases", bin.to_str().unwrap()]);
    let link = |name: &str| bin.join(name);
    let squeue = run_ok(&cluster, &link("squeue"), &[]);
    assert_eq!(
        header(&squeue),
        [
            "JOBID",
            "PARTITION",
            "NAME",
            "USER",
            "ST",
            "TIME",
            "NODES",
            "NODELIST(REASON)"
        ]
    );
    let row = squeue
        .lines()
        .find(|l| l.starts_with(&format!("{never} ")))
        .unwrap_or_else(|| panic!("the job in squeue: {squeue}"));
    assert!(
        row.contains(" PD ") && row.contains("(NeverFits)") && row.contains("ada"),
        "{row}"
    );
    let mine = run_ok(&cluster, &link("squeue"), &["-h", "-u", "nobody"]);
    assert_eq!(mine, "", "no header, no jobs");
    let sinfo = run_ok(&cluster, &link("sinfo"), &[]);
    assert_eq!(
        header(&sinfo),
        [
            "PARTITION",
            "AVAIL",
            "TIMELIMIT",
            "NODES",
            "STATE",
            "NODELIST"
        ]
    );
    assert!(
        sinfo.contains("node-1") && sinfo.contains("node-2"),
        "{sinfo}"
    );
    let nodes = run_ok(&cluster, &link("sinfo"), &["-N"]);
    assert_eq!(header(&nodes), ["NODELIST", "NODES", "PARTITION", "STATE"]);
    let submitted = run_ok(&cluster, &link("sbatch"), &["--parsable", "--wrap", "true"]);
    let id: u64 = submitted
        .trim()
        .parse()
        .expect("sbatch --parsable prints the id");
    let done = cluster.wait_in_history(id);
    assert_eq!(done["state"], "COMPLETED", "{done:#}");
}

fn run_ok(cluster: &LocalCluster, program: &Path, args: &[&str]) -> String {
    let out = cluster.run(program, "ada", args);
    assert_success(&out, &format!("{} {}", program.display(), args.join(" ")));
    String::from_utf8(out.stdout).expect("UTF-8")
}
