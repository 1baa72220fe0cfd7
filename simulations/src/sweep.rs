//! Capacity sweeps: replay one trace on clusters of several GPU counts (in parallel), evaluate a
//! target such as `p95-wait<=1h` at each point, and name the smallest cluster that meets it.
//! Each point is an independent, deterministic replay, so the result does not depend on how many
//! threads ran it.

mod target;

pub use target::{
    parse_duration_secs, Metric, Statistic, Target, TargetError, METRICS, STATISTICS,
};

use crate::cluster_spec::NodeGroup;
use crate::engine::{simulate, SimError, SimJob, SimOptions};
use crate::plot::{Chart, LineStyle, Reference};
use crate::Report;
use corral_model::NodeSpec;
use corral_policies::config::Policy;
use serde::Serialize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// What to sweep.
pub struct SweepSpec<'a> {
    pub jobs: &'a [SimJob],
    /// Cluster sizes in GPUs; each a multiple of `gpus_per_node`.
    pub gpu_counts: Vec<u64>,
    pub gpus_per_node: u32,
    /// GPU model of every node (`None`: the cluster spec default).
    pub gpu_model: Option<String>,
    pub policy: &'a Policy,
    pub options: &'a SimOptions,
    pub target: Target,
    /// Most replays at once (at least 1).
    pub threads: usize,
}

/// One cluster size and what its replay measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepPoint {
    pub gpus: u64,
    pub nodes: u64,
    pub jobs: usize,
    /// Jobs that never started (e.g. larger than the cluster): such a point never meets a target.
    pub never_started: usize,
    pub p95_wait_secs: f64,
    pub mean_wait_secs: f64,
    pub utilisation: f64,
    pub mean_bounded_slowdown: f64,
    /// The target's statistic at this point.
    pub target_value: f64,
    pub meets_target: bool,
}

/// The whole sweep: points in ascending GPU count, and the recommendation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sweep {
    pub target: String,
    pub target_spec: Target,
    pub gpus_per_node: u32,
    pub points: Vec<SweepPoint>,
    /// The smallest GPU count that meets the target, if any does.
    pub recommended_gpus: Option<u64>,
}

/// Why a sweep could not run.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("no cluster sizes to sweep (accepted: one or more GPU counts, e.g. 64,96,128)")]
    NoPoints,
    #[error("--gpus-per-node 0 (accepted: a whole number >= 1)")]
    NoGpusPerNode,
    #[error(
        "{gpus} GPUs is not a whole number of nodes of {gpus_per_node} GPUs \
         (accepted: a multiple of {gpus_per_node} >= {gpus_per_node}, e.g. {nearest})"
    )]
    NotWholeNodes {
        gpus: u64,
        gpus_per_node: u32,
        nearest: u64,
    },
    #[error("{gpus} GPUs: {nodes} nodes (accepted: at most {max} nodes)", max = u32::MAX)]
    TooManyNodes { gpus: u64, nodes: u64 },
    #[error("{gpus} GPUs: {source}")]
    Replay {
        gpus: u64,
        #[source]
        source: SimError,
    },
}

/// Nodes named `n-000…` of `gpus_per_node` GPUs each, optionally all of `gpu_model`.
pub fn uniform_nodes(count: u32, gpus_per_node: u32, gpu_model: Option<&str>) -> Vec<NodeSpec> {
    let mut group = NodeGroup::uniform("n", count, gpus_per_node);
    if let Some(model) = gpu_model {
        group.gpu_model = model.to_string();
    }
    group.node_specs()
}

/// Node counts for each GPU count, ascending and without repeats; refuses partial nodes.
pub fn node_counts(gpu_counts: &[u64], gpus_per_node: u32) -> Result<Vec<(u64, u32)>, SweepError> {
    if gpus_per_node == 0 {
        return Err(SweepError::NoGpusPerNode);
    }
    if gpu_counts.is_empty() {
        return Err(SweepError::NoPoints);
    }
    let per = u64::from(gpus_per_node);
    let mut sizes = Vec::with_capacity(gpu_counts.len());
    for &gpus in gpu_counts {
        if gpus == 0 || gpus % per != 0 {
            return Err(SweepError::NotWholeNodes {
                gpus,
                gpus_per_node,
                nearest: (gpus.div_ceil(per)).max(1) * per,
            });
        }
        let nodes = gpus / per;
        let nodes_u32 =
            u32::try_from(nodes).map_err(|_| SweepError::TooManyNodes { gpus, nodes })?;
        sizes.push((gpus, nodes_u32));
    }
    sizes.sort_unstable();
    sizes.dedup();
    Ok(sizes)
}

/// Runs every point (at most `spec.threads` at once) and recommends the smallest that meets the
/// target. `point_done(done, total)` is called from the worker threads as points finish.
pub fn run_sweep(
    spec: &SweepSpec,
    point_done: &(dyn Fn(usize, usize) + Sync),
) -> Result<Sweep, SweepError> {
    let sizes = node_counts(&spec.gpu_counts, spec.gpus_per_node)?;
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<SweepPoint, SweepError>>>> =
        Mutex::new((0..sizes.len()).map(|_| None).collect());
    let threads = spec.threads.clamp(1, sizes.len());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(gpus, nodes)) = sizes.get(index) else {
                    break;
                };
                let point = run_point(spec, gpus, nodes);
                if let Ok(mut slots) = results.lock() {
                    slots[index] = Some(point);
                }
                point_done(done.fetch_add(1, Ordering::Relaxed) + 1, sizes.len());
            });
        }
    });
    let slots = results.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut points = Vec::with_capacity(slots.len());
    for (slot, &(gpus, _)) in slots.into_iter().zip(&sizes) {
        match slot {
            Some(point) => points.push(point?),
            None => {
                return Err(SweepError::Replay {
                    gpus,
                    source: SimError::Engine("a sweep worker stopped early".to_string()),
                })
            }
        }
    }
    Ok(Sweep {
        target: spec.target.to_string(),
        target_spec: spec.target.clone(),
        gpus_per_node: spec.gpus_per_node,
        recommended_gpus: recommend(&points),
        points,
    })
}

fn run_point(spec: &SweepSpec, gpus: u64, nodes: u32) -> Result<SweepPoint, SweepError> {
    let cluster = uniform_nodes(nodes, spec.gpus_per_node, spec.gpu_model.as_deref());
    let report = simulate(spec.jobs, cluster, spec.policy, spec.options, None)
        .map_err(|source| SweepError::Replay { gpus, source })?;
    Ok(point_of(&report, gpus, u64::from(nodes), &spec.target))
}

/// The point's numbers from its replay's report.
pub fn point_of(report: &Report, gpus: u64, nodes: u64, target: &Target) -> SweepPoint {
    let target_value = target.value(report);
    SweepPoint {
        gpus,
        nodes,
        jobs: report.jobs,
        never_started: report.never_started,
        p95_wait_secs: report.wait_secs.p95,
        mean_wait_secs: report.wait_secs.mean,
        utilisation: report.utilisation,
        mean_bounded_slowdown: report.mean_bounded_slowdown,
        target_value,
        meets_target: report.never_started == 0 && target_value <= target.limit,
    }
}

/// The smallest GPU count whose point meets the target.
pub fn recommend(points: &[SweepPoint]) -> Option<u64> {
    points
        .iter()
        .filter(|p| p.meets_target)
        .map(|p| p.gpus)
        .min()
}

impl Sweep {
    /// `96 GPUs keep p95 wait under 1h`, or why no size does.
    pub fn recommendation(&self) -> String {
        let subject = self.target_spec.subject();
        let limit = &self.target_spec.limit_text;
        match self.recommended_gpus {
            Some(gpus) => format!("{gpus} GPUs keep {subject} under {limit}"),
            None => {
                let largest = self.points.last().map_or(0, |p| p.gpus);
                format!(
                    "no cluster size tried keeps {subject} under {limit} \
                     (largest tried: {largest} GPUs); try larger sizes"
                )
            }
        }
    }

    /// Charts against GPU count: p95 wait (with the target line when the target is on p95
    /// wait), utilisation, and the target's own metric when it is another one.
    pub fn charts(&self) -> Vec<Chart<'static>> {
        let (unit, per_unit) = time_unit(self.points.iter().map(|p| p.p95_wait_secs));
        let target = &self.target_spec;
        let on_p95_wait = target.metric == Metric::Wait && target.statistic == Statistic::P95;
        let reference = |scale: f64| Reference {
            y: target.limit / scale,
            label: format!("target {}", self.target),
        };
        let mut charts = vec![Chart {
            title: "p95 wait by cluster size",
            x_label: "GPUs",
            y_label: unit,
            points: self.xy(|p| p.p95_wait_secs / per_unit),
            y_max: None,
            style: LineStyle::Markers,
            reference: on_p95_wait.then(|| reference(per_unit)),
        }];
        charts.push(Chart {
            title: "GPU utilisation by cluster size",
            x_label: "GPUs",
            y_label: "busy GPUs / GPUs",
            points: self.xy(|p| p.utilisation),
            y_max: Some(1.0),
            style: LineStyle::Markers,
            reference: None,
        });
        if !on_p95_wait {
            let (unit, scale) = match target.metric {
                Metric::Bsld => ("bounded slowdown", 1.0),
                _ => time_unit(self.points.iter().map(|p| p.target_value)),
            };
            charts.push(Chart {
                title: "Target metric by cluster size",
                x_label: "GPUs",
                y_label: unit,
                points: self.xy(|p| p.target_value / scale),
                y_max: None,
                style: LineStyle::Markers,
                reference: Some(reference(scale)),
            });
        }
        charts
    }

    fn xy(&self, value: impl Fn(&SweepPoint) -> f64) -> Vec<(f64, f64)> {
        self.points
            .iter()
            .map(|p| (p.gpus as f64, value(p)))
            .collect()
    }
}

/// The axis label and seconds per unit that suit durations up to the largest of `secs`.
fn time_unit(secs: impl Iterator<Item = f64>) -> (&'static str, f64) {
    let largest = secs.fold(0.0, f64::max);
    if largest >= 2.0 * 3600.0 {
        ("hours", 3600.0)
    } else if largest >= 120.0 {
        ("minutes", 60.0)
    } else {
        ("seconds", 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fcfs_policy() -> Policy {
        corral_policies::config::parse_policy(
            "fcfs.toml",
            "[priority.weights]\njob_size = 0\n\n[backfill]\nenabled = true\n",
        )
        .expect("valid policy")
    }

    /// Eight 8-GPU jobs of an hour, all at t = 0: on n nodes they run in waves of n.
    fn jobs() -> Vec<SimJob> {
        (1..=8)
            .map(|id| SimJob {
                trace_id: id,
                submit_secs: 0,
                run_secs: 3600,
                requested_secs: Some(3600),
                gpus: 8,
                gpus_per_node: Some(8),
                nodes: Some(1),
                user: Some("u".to_string()),
                account: Some("a".to_string()),
                gpu_model: None,
                partition: None,
                qos: None,
                cancel_secs: None,
            })
            .collect()
    }

    fn sweep(gpu_counts: Vec<u64>, target: &str, threads: usize) -> Sweep {
        let jobs = jobs();
        let policy = fcfs_policy();
        let options = SimOptions::default();
        let spec = SweepSpec {
            jobs: &jobs,
            gpu_counts,
            gpus_per_node: 8,
            gpu_model: None,
            policy: &policy,
            options: &options,
            target: target.parse().expect("valid target"),
            threads,
        };
        run_sweep(&spec, &|_, _| {}).expect("sweep runs")
    }

    #[test]
    fn the_smallest_cluster_meeting_the_target_is_recommended() {
        // 2 nodes: waves at 0, 1h, 2h, 3h → p95 wait 3h. 4 nodes: 0, 1h → 1h. 8 nodes: 0.
        let s = sweep(vec![64, 16, 32], "p95-wait<=1h", 2);
        let got: Vec<(u64, f64, bool)> = s
            .points
            .iter()
            .map(|p| (p.gpus, p.p95_wait_secs, p.meets_target))
            .collect();
        assert_eq!(
            got,
            vec![(16, 10_800.0, false), (32, 3600.0, true), (64, 0.0, true)]
        );
        assert_eq!(s.recommended_gpus, Some(32));
        assert_eq!(s.recommendation(), "32 GPUs keep p95 wait under 1h");
        assert_eq!(s.points[2].utilisation, 1.0);
    }

    #[test]
    fn thread_count_does_not_change_the_result() {
        let one = sweep(vec![16, 24, 32, 64], "mean-bsld<=2", 1);
        let four = sweep(vec![16, 24, 32, 64], "mean-bsld<=2", 4);
        assert_eq!(one, four);
        assert_eq!(one.charts().len(), 3);
    }

    #[test]
    fn a_cluster_too_small_for_a_job_never_meets_the_target() {
        let mut big = jobs();
        big[0].gpus = 16;
        big[0].nodes = Some(2);
        let policy = fcfs_policy();
        let options = SimOptions::default();
        let spec = SweepSpec {
            jobs: &big,
            gpu_counts: vec![8, 64],
            gpus_per_node: 8,
            gpu_model: None,
            policy: &policy,
            options: &options,
            target: "max-wait<=100d".parse().expect("valid"),
            threads: 2,
        };
        let s = run_sweep(&spec, &|_, _| {}).expect("runs");
        assert_eq!(s.points[0].never_started, 1);
        assert!(!s.points[0].meets_target);
        assert_eq!(s.recommended_gpus, Some(64));
        let none = Sweep {
            recommended_gpus: None,
            ..s
        };
        assert_eq!(
            none.recommendation(),
            "no cluster size tried keeps max wait under 100d (largest tried: 64 GPUs); \
             try larger sizes"
        );
    }

    #[test]
    fn sizes_must_be_whole_nodes() {
        assert_eq!(
            node_counts(&[64, 8, 64], 8).expect("valid"),
            vec![(8, 1), (64, 8)]
        );
        let err = node_counts(&[100], 8).unwrap_err().to_string();
        assert_eq!(
            err,
            "100 GPUs is not a whole number of nodes of 8 GPUs (accepted: a multiple of 8 >= 8, \
             e.g. 104)"
        );
        assert!(matches!(node_counts(&[], 8), Err(SweepError::NoPoints)));
        assert!(matches!(
            node_counts(&[8], 0),
            Err(SweepError::NoGpusPerNode)
        ));
    }
}
