//! Unit tests of the whole parse: the built-in defaults, the example file (valid, complete, every
//! key commented), and the questions `queries.rs` answers.

use super::document::{parse_document, Table, Value};
use super::keys::{schema_paths, NAMED_TABLES};
use super::*;
use std::collections::{BTreeMap, BTreeSet};

const EXAMPLE: &str = include_str!("../../../examples/policy.toml");

fn example() -> Policy {
    match parse_policy("examples/policy.toml", EXAMPLE) {
        Ok(policy) => policy,
        Err(errors) => panic!("the example policy must be valid:\n{errors}"),
    }
}

#[test]
fn empty_file_gives_the_built_in_policy() {
    assert_eq!(parse_policy("p.toml", ""), Ok(Policy::default()));
}

#[test]
fn built_in_policy_is_one_open_partition_and_one_qos() {
    let p = Policy::default();
    let gpu = p.default_partition().expect("a default partition");
    assert_eq!(gpu.name, DEFAULT_PARTITION);
    assert!(gpu.nodes.matches("anything-01", &BTreeMap::new()));
    assert_eq!(gpu.default_time_secs, 3_600);
    assert_eq!(gpu.max_time_secs, Some(7 * 86_400));
    assert_eq!(p.default_qos().map(|q| q.name.as_str()), Some(DEFAULT_QOS));
    assert_eq!(p.account_of_user("anyone"), Some(ROOT_ACCOUNT));
    assert!(p.may_charge("anyone", ROOT_ACCOUNT));
    assert!(p.partition_allows_account(DEFAULT_PARTITION, ROOT_ACCOUNT));
    assert_eq!(p.default_qos_for("anyone", ROOT_ACCOUNT), Some(DEFAULT_QOS));
}

#[test]
fn example_policy_is_valid_and_read_as_written() {
    let p = example();
    assert_eq!(p.scheduler.max_jobs_considered, 10_000);
    assert_eq!(p.backfill.window_secs, 2 * 86_400);
    assert_eq!(p.backfill.reservations, 2);
    assert_eq!(p.billing.gpu_weight("NVIDIA H100 80GB HBM3"), 2.0);
    assert_eq!(p.billing.gpu_weight("NVIDIA A100-SXM4-80GB"), 1.0);
    assert_eq!(
        p.billing.gpu_weight("NVIDIA RTX A4000"),
        1.0,
        "unlisted: the default"
    );
    let gpu = &p.partitions["gpu"];
    assert_eq!(gpu.default_time_secs, 2 * 3_600);
    assert_eq!(gpu.max_time_secs, Some(3 * 86_400));
    assert_eq!(gpu.default_mem_per_gpu_mib, Some(64 * 1024));
    assert!(gpu.is_default && !p.partitions["debug"].is_default);
    let ib = BTreeMap::from([("fabric".to_owned(), "infiniband".to_owned())]);
    assert!(gpu.nodes.matches("dgx-07", &ib));
    assert!(
        !gpu.nodes.matches("dgx-007", &ib),
        "? is exactly one character"
    );
    assert!(
        !gpu.nodes.matches("gpu-01", &BTreeMap::new()),
        "the label is required"
    );
    let high = &p.qos["high"];
    assert_eq!(high.preempt, ["normal", "scavenger"]);
    assert_eq!(high.preempt_mode, PreemptMode::Cancel);
    assert_eq!(high.grace_time_secs, 300);
    assert_eq!(p.qos["normal"].min_runtime_secs, 600);
    assert_eq!(p.qos["normal"].limits.max_submitted_jobs, Some(10_000));
    assert_eq!(p.accounts["vision"].parent, "research");
    assert_eq!(p.accounts["prod"].parent, ROOT_ACCOUNT);
    assert_eq!(p.users["alice"].additional_accounts, ["nlp"]);
    assert_eq!(p.users["bob"].shares, 1);
    assert_eq!(p.user_defaults.account, "research");
}

#[test]
fn example_policy_answers_questions() {
    let p = example();
    assert_eq!(p.account_chain("vision"), ["vision", "research", "root"]);
    assert!(
        p.partition_allows_account("gpu", "vision"),
        "research admits its sub-accounts"
    );
    assert!(!p.partition_allows_account("gpu", "root"));
    assert!(p.partition_allows_account("debug", "root"));
    assert!(!p.partition_allows_account("nowhere", "root"));
    assert!(p.may_charge("alice", "nlp") && p.may_charge("alice", "vision"));
    assert!(!p.may_charge("alice", "prod"));
    assert_eq!(p.account_of_user("dave"), Some("research"));
    assert!(p.may_charge("dave", "research") && !p.may_charge("dave", "vision"));
    assert_eq!(p.default_qos_for("carol", "prod"), Some("high"));
    assert_eq!(
        p.default_qos_for("bob", "nlp"),
        Some("normal"),
        "inherited from research"
    );
    assert!(p.account_allows_qos("nlp", "scavenger") && !p.account_allows_qos("nlp", "high"));
    assert!(p.account_allows_qos("root", "high"));
    let alice = p.user_limits("alice");
    assert_eq!(
        (alice.max_gpus, alice.max_running_jobs),
        (Some(32), Some(20))
    );
    let bob = p.user_limits("bob");
    assert_eq!(
        (bob.max_gpus, bob.max_time_secs),
        (Some(16), Some(3 * 86_400))
    );
    assert!(p.partitions["gpu"].allows_qos("high") && !p.partitions["gpu"].allows_qos("other"));
    assert!(
        p.partitions["debug"].allows_qos("anything"),
        "no allowed_qos: all"
    );
}

/// Every key path in a document, with admin-chosen names replaced by `<name>`.
fn document_paths(table: &Table, prefix: &str, out: &mut BTreeSet<String>) {
    let named = NAMED_TABLES.contains(&prefix);
    for (key, value) in table {
        let segment = if named { "<name>" } else { key.value.as_str() };
        let path = if prefix.is_empty() {
            segment.to_owned()
        } else {
            format!("{prefix}.{segment}")
        };
        if let Value::Table(inner) = &value.value {
            document_paths(inner, &path, out);
        }
        out.insert(path);
    }
}

#[test]
fn example_policy_shows_every_key_of_the_schema() {
    let doc = parse_document(EXAMPLE).expect("the example is valid TOML");
    let mut present = BTreeSet::new();
    document_paths(&doc, "", &mut present);
    let missing: Vec<String> = schema_paths()
        .into_iter()
        .filter(|p| !present.contains(p))
        .collect();
    assert!(
        missing.is_empty(),
        "examples/policy.toml lacks: {missing:?}"
    );
    assert!(
        schema_paths().len() > 60,
        "the schema list is not empty by mistake"
    );
}

#[test]
fn every_key_in_the_example_has_a_comment() {
    let mut previous = "";
    for (i, line) in EXAMPLE.lines().enumerate() {
        let trimmed = line.trim();
        let is_key =
            !trimmed.starts_with('#') && !trimmed.starts_with('[') && trimmed.contains('=');
        let commented = previous.trim_start().starts_with('#') || trimmed.contains(" # ");
        assert!(
            !is_key || commented,
            "line {}: `{trimmed}` has no comment",
            i + 1
        );
        previous = line;
    }
}

#[test]
fn glob_patterns() {
    assert!(glob_matches("*", ""));
    assert!(glob_matches("gpu-*", "gpu-01"));
    assert!(glob_matches("gpu-*", "gpu-"));
    assert!(!glob_matches("gpu-*", "cpu-01"));
    assert!(glob_matches("*-01", "gpu-a-01"));
    assert!(glob_matches("g?u-*-0?", "gpu-rack1-07"));
    assert!(!glob_matches("g?u", "gu"));
    assert!(glob_matches("a*b*c", "aXXbYYbc"));
    assert!(!glob_matches("a*b*c", "aXXbYYb"));
}
