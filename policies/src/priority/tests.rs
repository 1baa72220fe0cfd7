//! Priority factors: each normalised to 0..1, weighted, summed; by numbers and by names.

use super::*;
use crate::config::parse_policy;
use crate::fairshare::{fair_tree, ShareTree, UsageSnapshot};

fn inputs() -> PriorityInputs {
    PriorityInputs {
        age_secs: 0,
        fairshare: 0.5,
        job_gpus: 8,
        cluster_gpus: 64,
        partition_tier: 1,
        qos_priority: 0,
        nice: 0,
    }
}

fn only_weight(set: impl Fn(&mut crate::config::PriorityWeights)) -> Policy {
    let mut policy = Policy::default();
    let w = &mut policy.priority.weights;
    (w.age, w.fairshare, w.job_size, w.partition, w.qos, w.nice) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    set(w);
    policy
}

fn example() -> Policy {
    parse_policy("policy.toml", include_str!("../../../examples/policy.toml"))
        .expect("valid example")
}

#[test]
fn each_factor_is_normalised_and_weighted() {
    let mut policy = only_weight(|w| {
        w.age = 1000.0;
        w.fairshare = 10_000.0;
        w.job_size = 800.0;
    });
    policy.priority.max_age_secs = 100;
    let mut i = inputs();
    i.age_secs = 50;
    let b = job_priority(&i, &policy);
    assert_eq!(
        b.age,
        Factor {
            value: 0.5,
            weighted: 500.0
        }
    );
    assert_eq!(
        b.fairshare,
        Factor {
            value: 0.5,
            weighted: 5000.0
        }
    );
    assert_eq!(
        b.job_size,
        Factor {
            value: 0.125,
            weighted: 100.0
        }
    );
    assert_eq!(
        b.nice,
        Factor {
            value: 0.5,
            weighted: 0.0
        }
    );
    assert_eq!(b.total, 500.0 + 5000.0 + 100.0);
    assert_eq!(b.rounded(), 5600);
}

#[test]
fn age_and_size_are_capped() {
    let mut policy = Policy::default();
    policy.priority.max_age_secs = 100;
    let mut i = inputs();
    i.age_secs = 10_000;
    i.job_gpus = 500;
    let b = job_priority(&i, &policy);
    assert_eq!((b.age.value, b.job_size.value), (1.0, 1.0));
    i.cluster_gpus = 0;
    assert_eq!(
        job_priority(&i, &policy).job_size.value,
        0.0,
        "an empty cluster gives 0"
    );
}

#[test]
fn favor_small_jobs_inverts_job_size() {
    let mut policy = Policy::default();
    policy.priority.favor_small_jobs = true;
    let mut i = inputs();
    i.job_gpus = 16;
    assert_eq!(job_priority(&i, &policy).job_size.value, 0.75);
}

#[test]
fn nice_lowers_and_negative_nice_raises() {
    let mut policy = only_weight(|w| w.nice = 100.0);
    policy.priority.max_nice = 1000;
    let at = |nice| {
        let mut i = inputs();
        i.nice = nice;
        job_priority(&i, &policy).nice.value
    };
    assert_eq!(at(0), 0.5);
    assert_eq!(at(500), 0.25);
    assert_eq!(at(-500), 0.75);
    assert_eq!(at(5_000), 0.0, "clamped to max_nice");
    assert_eq!(at(i32::MIN), 1.0);
}

#[test]
fn partition_and_qos_are_relative_to_the_highest() {
    let policy = example();
    let scale = PriorityScale::of(&policy);
    assert_eq!(
        scale,
        PriorityScale {
            max_partition_tier: 2,
            max_qos_priority: 100
        }
    );
    let mut i = inputs();
    i.partition_tier = 1;
    i.qos_priority = 10;
    let b = job_priority_scaled(&i, &policy, &scale);
    assert_eq!(
        b.partition,
        Factor {
            value: 0.5,
            weighted: 500.0
        }
    );
    assert_eq!(
        b.qos,
        Factor {
            value: 0.1,
            weighted: 200.0
        }
    );
    // Tiers and QoS priorities that are all 0 give factor 0, not a division by zero.
    let flat = Policy::default();
    let b = job_priority(&inputs(), &flat);
    assert_eq!(b.qos.value, 0.0);
    assert_eq!(
        b.partition.value, 1.0,
        "the lone partition has the highest tier"
    );
}

#[test]
fn fairshare_is_clamped_and_nan_counts_as_zero() {
    let policy = only_weight(|w| w.fairshare = 10.0);
    let mut i = inputs();
    i.fairshare = 3.0;
    assert_eq!(job_priority(&i, &policy).fairshare.value, 1.0);
    i.fairshare = f64::NAN;
    assert_eq!(job_priority(&i, &policy).total, 0.0);
}

#[test]
fn prioritizer_looks_up_names() {
    let policy = example();
    let mut tree = ShareTree::from_policy(&policy);
    tree.add_unlisted_users(&policy, ["dave"]);
    let mut usage = UsageSnapshot::new(0);
    usage.set("vision", "alice", 100.0);
    let report = fair_tree(&tree, &usage);
    let prio = Prioritizer::new(&policy, &report, 64);
    let job = JobFacts {
        submit_secs: 1_000,
        gpus: 8,
        partition: "debug",
        qos: "high",
        nice: 0,
        account: "vision",
        user: "alice",
    };
    let b = prio.priority(&job, 1_000 + 7 * 86_400 / 2);
    assert_eq!(b.age.value, 0.5);
    assert_eq!(b.partition.value, 0.5);
    assert_eq!(b.qos.value, 1.0);
    assert_eq!(b.job_size.value, 0.125);
    assert_eq!(Some(b.fairshare.value), report.factor("vision", "alice"));
    assert!(b.fairshare.value < 1.0, "alice used the cluster");
    let same = job_priority(
        &PriorityInputs {
            age_secs: 7 * 86_400 / 2,
            fairshare: b.fairshare.value,
            job_gpus: 8,
            cluster_gpus: 64,
            partition_tier: 1,
            qos_priority: 100,
            nice: 0,
        },
        &policy,
    );
    assert_eq!(b, same, "names and numbers agree");
}

#[test]
fn prioritizer_defaults_for_unknown_names() {
    let policy = Policy::default();
    let report = fair_tree(&ShareTree::from_policy(&policy), &UsageSnapshot::new(0));
    let prio = Prioritizer::new(&policy, &report, 8);
    let job = JobFacts {
        submit_secs: 50,
        gpus: 1,
        partition: "nowhere",
        qos: "none",
        nice: 0,
        account: "root",
        user: "nobody",
    };
    let b = prio.priority(&job, 10);
    assert_eq!(b.age.value, 0.0, "submitted in the future: age 0");
    assert_eq!((b.partition.value, b.qos.value), (0.0, 0.0));
    assert_eq!(
        b.fairshare.value, 1.0,
        "an unranked association counts as new"
    );
}
