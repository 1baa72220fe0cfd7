//! A small text format for scheduling fixtures, and helpers to build clusters and queues.
//!
//! ```text
//! # comment
//! policy [backfill]                   (lines after `policy ` form a TOML policy file)
//! node NAME GPUS [model=h100] [rack=r1] [cpus=64] [mem=524288] [features=a,b] [nvlink=pairs]
//! job ID [user=u] [account=a] [qos=q] [partition=p] [nodes=N] [gpus_per_node=G] [gpus=G]
//!        [gpus_per_task=G] [tasks=T] [tasks_per_node=T] [cpus=C] [time=SECS|none|unlimited]
//!        [model=M] [exclusive] [submit=T] [nice=N] [after_ok=ID] [no_requeue] [array_of=ID]
//!        [throttle=N] [run=NODE:GPU-GPU[+NODE:GPU-GPU]@START]
//! now T
//! expect start ID NODE:GPU,GPU [NODE:GPU,...]    (exact GPUs, in node order)
//! expect start ID *                                (started, anywhere)
//! expect pending ID CODE [substring of the detail]
//! expect reserve ID START
//! expect preempt VICTIM by=ID
//! expect starts N                                  (exact number of starts)
//! ```

#![allow(dead_code)]

use corral_model::spec::{
    ArraySpec, Dependency, DependencyCombine, DependencyCondition, GpuCount, JobSpec, NodeRange,
    SpecExtras, TimeLimit,
};
use corral_model::*;
use corral_policies::config::{parse_policy, Policy};
use corral_policies::schedule::{schedule, Plan, View};
use std::collections::BTreeMap;

pub struct Fixture {
    pub name: String,
    pub state: ClusterState,
    pub policy: Policy,
    pub now: u64,
    pub expects: Vec<String>,
    /// Fixture job id → real job id.
    pub ids: BTreeMap<u64, JobId>,
}

pub fn gpu(index: u32, model: &str, peers: Vec<u32>) -> GpuSpec {
    GpuSpec {
        index,
        uuid: format!("GPU-{index}"),
        model: model.to_string(),
        mem_mib: 81_920,
        nvlink_peers: peers,
        health: GpuHealth::Healthy,
    }
}

pub fn node_spec(name: &str, gpus: u32, kv: &BTreeMap<&str, &str>) -> NodeSpec {
    let model = kv.get("model").copied().unwrap_or("NVIDIA H100 80GB HBM3");
    let pairs = kv.get("nvlink") == Some(&"pairs");
    NodeSpec {
        name: name.into(),
        cpus: kv.get("cpus").map_or(64, |c| c.parse().unwrap()),
        mem_mib: kv.get("mem").map_or(512 * 1024, |c| c.parse().unwrap()),
        gpus: (0..gpus)
            .map(|i| {
                let peers = if pairs {
                    vec![i ^ 1]
                } else {
                    (0..gpus).filter(|&p| p != i).collect()
                };
                gpu(i, model, peers)
            })
            .collect(),
        features: kv.get("features").map_or(Default::default(), |f| {
            f.split(',').map(String::from).collect()
        }),
        labels: Default::default(),
        rack: kv.get("rack").map(|r| r.to_string()),
        switch: None,
        addr: None,
    }
}

fn kv_of<'a>(words: &[&'a str]) -> BTreeMap<&'a str, &'a str> {
    words
        .iter()
        .map(|w| w.split_once('=').unwrap_or((w, "")))
        .collect()
}

fn count(v: &str, model: Option<&str>) -> Option<GpuCount> {
    Some(GpuCount {
        model: model.map(String::from),
        count: v.parse().unwrap(),
    })
}

pub fn job_spec(kv: &BTreeMap<&str, &str>, ids: &BTreeMap<u64, JobId>) -> JobSpec {
    let model = kv.get("model").copied();
    let num = |k: &str| kv.get(k).map(|v| v.parse::<u32>().unwrap());
    JobSpec {
        qos: kv.get("qos").map(|s| s.to_string()),
        partition: kv.get("partition").map(|s| s.to_string()),
        name: kv.get("name").map(|s| s.to_string()),
        nodes: num("nodes").map(|n| NodeRange { min: n, max: n }),
        ntasks: num("tasks"),
        ntasks_per_node: num("tasks_per_node"),
        cpus_per_task: num("cpus"),
        gpus_per_node: kv.get("gpus_per_node").and_then(|v| count(v, model)),
        gpus_per_job: kv.get("gpus").and_then(|v| count(v, model)),
        extras: SpecExtras {
            gpus_per_task: kv.get("gpus_per_task").and_then(|v| count(v, model)),
            ..SpecExtras::default()
        }
        .into(),
        time_limit: match kv.get("time") {
            None | Some(&"none") => TimeLimit::NotSet,
            Some(&"unlimited") => TimeLimit::Unlimited,
            Some(t) => TimeLimit::Secs(t.parse().unwrap()),
        },
        exclusive: kv.contains_key("exclusive"),
        nice: kv.get("nice").map_or(0, |n| n.parse().unwrap()),
        requeue: kv.contains_key("no_requeue").then_some(false),
        dependency: kv.get("after_ok").map(|d| {
            Box::new(Dependency {
                combine: DependencyCombine::All,
                conditions: vec![DependencyCondition::AfterOk {
                    job: ids[&d.parse::<u64>().unwrap()].0,
                }],
            })
        }),
        array: kv.get("array").map(|n| {
            Box::new(ArraySpec {
                task_ids: (0..n.parse::<u32>().unwrap()).collect(),
                throttle: num("throttle"),
            })
        }),
        ..JobSpec::default()
    }
}

/// `a:0-3+b:4-7` → allocation parts with one task each (`tasks` on the first part).
fn allocation(text: &str, state: &ClusterState, job: &Job) -> Allocation {
    let parts: Vec<&str> = text.split('+').collect();
    let mut nodes = Vec::new();
    let mut tasks_left = job.shape.tasks;
    for (i, p) in parts.iter().enumerate() {
        let (name, range) = p.split_once(':').unwrap();
        let (lo, hi) = range.split_once('-').unwrap_or((range, range));
        let gpus: Vec<u32> = (lo.parse().unwrap()..=hi.parse().unwrap()).collect();
        let tasks = if i + 1 == parts.len() { tasks_left } else { 1 };
        tasks_left -= tasks;
        nodes.push(NodeAllocation {
            node: state.node_by_name(name).unwrap().id,
            gpus,
            cpus: tasks * job.shape.cpus_per_task,
            mem_mib: 0,
            tasks,
        });
    }
    Allocation { nodes }
}

pub fn load(name: &str, text: &str) -> Fixture {
    let mut state = ClusterState::new();
    let mut policy_lines = Vec::new();
    let mut expects = Vec::new();
    let mut ids = BTreeMap::new();
    let mut now = 0;
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        if let Some(rest) = line.strip_prefix("policy") {
            policy_lines.push(rest.trim().to_string());
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        match words[0] {
            "node" => {
                let kv = kv_of(&words[3..]);
                let spec = node_spec(words[1], words[2].parse().unwrap(), &kv);
                state.apply(0, Command::RegisterNode(spec)).unwrap();
            }
            "job" => {
                let kv = kv_of(&words[2..]);
                let submit_at = kv.get("submit").map_or(0, |s| s.parse().unwrap());
                let applied = state
                    .apply(
                        submit_at,
                        Command::Submit(Submit {
                            user: kv.get("user").unwrap_or(&"alice").to_string(),
                            account: kv.get("account").unwrap_or(&"root").to_string(),
                            spec: job_spec(&kv, &ids),
                            client_request_id: None,
                        }),
                    )
                    .unwrap();
                let Applied::Submitted { jobs, .. } = applied else {
                    panic!()
                };
                let fixture_id: u64 = words[1].parse().unwrap();
                for (k, id) in jobs.iter().enumerate() {
                    ids.insert(fixture_id + k as u64, *id);
                }
                if let Some(run) = kv.get("run") {
                    let (alloc, start) = run.split_once('@').unwrap();
                    let job = state.job(jobs[0]).unwrap().clone();
                    let allocation = allocation(alloc, &state, &job);
                    let plan = PlanCommit {
                        preemptions: vec![],
                        starts: vec![StartOrder {
                            job: job.id,
                            allocation,
                        }],
                    };
                    let Applied::Plan(report) = state
                        .apply(start.parse().unwrap(), Command::CommitPlan(plan))
                        .unwrap()
                    else {
                        panic!()
                    };
                    assert!(
                        report.refused.is_empty(),
                        "{name}: fixture start refused: {report:?}"
                    );
                }
            }
            "now" => now = words[1].parse().unwrap(),
            "expect" => expects.push(line.to_string()),
            other => panic!("{name}: unknown fixture line kind {other:?}"),
        }
    }
    let policy =
        parse_policy(name, &policy_lines.join("\n")).unwrap_or_else(|e| panic!("{name}: {e}"));
    Fixture {
        name: name.to_string(),
        state,
        policy,
        now,
        expects,
        ids,
    }
}

pub fn run(f: &Fixture) -> Plan {
    let fairshare = BTreeMap::new();
    let view = View {
        cluster: &f.state,
        fairshare: &fairshare,
    };
    schedule(&view, &f.policy, f.now)
}

fn describe_start(state: &ClusterState, alloc: &Allocation) -> String {
    alloc
        .nodes
        .iter()
        .map(|p| {
            let gpus: Vec<String> = p.gpus.iter().map(|g| g.to_string()).collect();
            format!("{}:{}", state.node(p.node).unwrap().name(), gpus.join(","))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks every `expect` line; returns the failures, each with the plan's relevant part.
pub fn check(f: &Fixture, plan: &Plan) -> Vec<String> {
    let mut failures = Vec::new();
    let id = |w: &str| f.ids[&w.parse::<u64>().unwrap()];
    for e in &f.expects {
        let w: Vec<&str> = e.split_whitespace().collect();
        let ok = match w[1] {
            "start" => {
                let start = plan.starts.iter().find(|s| s.job == id(w[2]));
                match (start, w.get(3)) {
                    (Some(_), Some(&"*")) => true,
                    (Some(s), _) => describe_start(&f.state, &s.allocation) == w[3..].join(" "),
                    (None, _) => false,
                }
            }
            "starts" => plan.starts.len() == w[2].parse::<usize>().unwrap(),
            "pending" => plan
                .pending
                .get(&id(w[2]))
                .is_some_and(|r| r.code.name() == w[3] && r.detail.contains(&w[4..].join(" "))),
            "reserve" => plan
                .reservations
                .iter()
                .any(|r| r.job == id(w[2]) && r.start_secs == w[3].parse::<u64>().unwrap()),
            "preempt" => {
                let by = id(w[3].trim_start_matches("by="));
                plan.preemptions
                    .iter()
                    .any(|p| p.victim == id(w[2]) && p.by == by)
            }
            other => panic!("{}: unknown expectation {other}", f.name),
        };
        if !ok {
            let starts: Vec<String> = plan
                .starts
                .iter()
                .map(|s| format!("{} -> {}", s.job, describe_start(&f.state, &s.allocation)))
                .collect();
            failures.push(format!(
                "{}: `{e}` does not hold.\n  starts: {starts:?}\n  pending: {:?}\n  reservations: {:?}\n  preemptions: {:?}",
                f.name, plan.pending, plan.reservations, plan.preemptions
            ));
        }
    }
    failures
}
