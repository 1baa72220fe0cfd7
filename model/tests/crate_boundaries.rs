//! The dependency rules of `DESIGN.md` §2, read from `cargo metadata`: a workspace crate may depend
//! only on the workspace crates its row allows, and the pure crates (`model`, `policies`) pull in
//! nothing async, no logging and no clock, not even transitively.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// Workspace crate → the workspace crates it may depend on (normal and build dependencies).
const ALLOWED_INTERNAL: &[(&str, &[&str])] = &[
    ("corral-model", &[]),
    ("corral-policies", &["corral-model"]),
    ("corral-raft", &["corral-model"]),
    ("corral-proto", &["corral-model"]),
    (
        "corral-scheduler",
        &[
            "corral-model",
            "corral-policies",
            "corral-raft",
            "corral-proto",
        ],
    ),
    ("corral-agent", &["corral-model", "corral-proto"]),
    (
        "corral-ctl",
        &[
            "corral-proto",
            "corral-model",
            "corral-simulations",
            "corral-policies",
        ],
    ),
    ("corral-simulations", &["corral-model", "corral-policies"]),
];

/// The only third-party crates the model may use directly.
const MODEL_THIRD_PARTY: &[&str] = &["serde", "thiserror"];
/// The only third-party crates the policies may use directly.
const POLICIES_THIRD_PARTY: &[&str] = &["serde", "thiserror", "toml"];
/// Never anywhere below `model` or `policies`: async runtimes, logging, clocks, randomness.
const IMPURE: &[&str] = &[
    "tokio",
    "async-std",
    "futures",
    "log",
    "tracing",
    "chrono",
    "time",
    "rand",
    "getrandom",
];

struct Graph {
    /// package name → (workspace member?, normal dependency names)
    deps: BTreeMap<String, BTreeSet<String>>,
    members: BTreeSet<String>,
}

fn metadata() -> Graph {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1"])
        .current_dir(root)
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let name_of: BTreeMap<&str, &str> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    let members = meta["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| name_of[id.as_str().unwrap()].to_string())
        .collect();
    let mut deps = BTreeMap::new();
    for node in meta["resolve"]["nodes"].as_array().unwrap() {
        let name = name_of[node["id"].as_str().unwrap()].to_string();
        let normal: BTreeSet<String> = node["deps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| {
                d["dep_kinds"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|k| k["kind"].as_str() != Some("dev"))
            })
            .map(|d| name_of[d["pkg"].as_str().unwrap()].to_string())
            .collect();
        deps.entry(name)
            .or_insert_with(BTreeSet::new)
            .extend(normal);
    }
    Graph { deps, members }
}

fn closure(graph: &Graph, start: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![start.to_string()];
    while let Some(next) = todo.pop() {
        for dep in graph.deps.get(&next).into_iter().flatten() {
            if seen.insert(dep.clone()) {
                todo.push(dep.clone());
            }
        }
    }
    seen
}

#[test]
fn workspace_crates_depend_only_on_what_design_allows() {
    let graph = metadata();
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED_INTERNAL.iter().copied().collect();
    let mut violations = vec![];
    for member in &graph.members {
        let Some(ok) = allowed.get(member.as_str()) else {
            violations.push(format!("{member} is not a crate of DESIGN.md §2"));
            continue;
        };
        for dep in &graph.deps[member] {
            if graph.members.contains(dep) && !ok.contains(&dep.as_str()) {
                violations.push(format!("{member} -> {dep} is forbidden"));
            }
        }
    }
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn the_pure_crates_use_only_their_listed_third_party_crates() {
    let graph = metadata();
    for (krate, listed) in [
        ("corral-model", MODEL_THIRD_PARTY),
        ("corral-policies", POLICIES_THIRD_PARTY),
    ] {
        for dep in &graph.deps[krate] {
            assert!(
                graph.members.contains(dep) || listed.contains(&dep.as_str()),
                "{krate} -> {dep}: not in its allowed list {listed:?}"
            );
        }
        let impure: Vec<_> = closure(&graph, krate)
            .into_iter()
            .filter(|d| IMPURE.contains(&d.as_str()))
            .collect();
        assert!(impure.is_empty(), "{krate} pulls in {impure:?}");
    }
}

#[test]
fn raft_never_reaches_policies() {
    let graph = metadata();
    assert!(!closure(&graph, "corral-raft").contains("corral-policies"));
    assert!(!closure(&graph, "corral-agent").contains("corral-policies"));
}
