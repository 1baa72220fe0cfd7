//! Multifactor priority, after Slurm's priority/multifactor plugin: each factor is normalised to
//! 0..1 and multiplied by its weight from `[priority.weights]`; the priority is their sum.
//!
//! - age: time eligible in the queue / `max_age`, capped at 1;
//! - fair-share: the Fair Tree factor of the job's (account, user), from `fairshare`;
//! - job size: GPUs asked / GPUs in the cluster, capped at 1 (or 1 minus that with
//!   `favor_small_jobs`);
//! - partition: the partition's `priority_tier` / the highest tier among partitions;
//! - QoS: the QoS's `priority` / the highest QoS priority;
//! - nice: `nice` clamped to ±`max_nice`, mapped onto 1..0 (nice 0 gives 0.5).
//!
//! The total is an `f64` (Slurm rounds to an integer; `PriorityBreakdown::rounded` does the
//! same for display). It is deterministic: the same inputs give the same bits, and callers order
//! jobs by `total_cmp` and then job id.
//!
//! Two ways in: `job_priority` takes numbers already looked up (the scheduling pass has them);
//! `Prioritizer` takes names (partition, QoS, account, user) and looks them up once per policy,
//! for `corral prio` and the simulator.

use crate::config::Policy;
use crate::fairshare::FairShareReport;

/// Plain numeric inputs of one job's priority.
#[derive(Clone, Debug, PartialEq)]
pub struct PriorityInputs {
    /// Seconds since the job became eligible (or was submitted).
    pub age_secs: u64,
    /// The Fair Tree factor of the job's association, 0..1.
    pub fairshare: f64,
    pub job_gpus: u64,
    /// GPUs in the whole cluster.
    pub cluster_gpus: u64,
    pub partition_tier: u32,
    pub qos_priority: u32,
    pub nice: i32,
}

/// One factor: its normalised value (0..1) and its weighted contribution to the total.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Factor {
    pub value: f64,
    pub weighted: f64,
}

/// What `corral prio` shows: every factor and the total.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PriorityBreakdown {
    pub age: Factor,
    pub fairshare: Factor,
    pub job_size: Factor,
    pub partition: Factor,
    pub qos: Factor,
    pub nice: Factor,
    /// The sum of the weighted factors.
    pub total: f64,
}

impl PriorityBreakdown {
    /// The total rounded to a whole number, as Slurm shows priorities.
    pub fn rounded(&self) -> u64 {
        // total is finite and >= 0: weights and factors are.
        self.total.round().max(0.0) as u64
    }
}

/// The largest partition tier and QoS priority: the denominators of two factors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PriorityScale {
    pub max_partition_tier: u32,
    pub max_qos_priority: u32,
}

impl PriorityScale {
    pub fn of(policy: &Policy) -> Self {
        PriorityScale {
            max_partition_tier: policy
                .partitions
                .values()
                .map(|p| p.priority_tier)
                .max()
                .unwrap_or(0),
            max_qos_priority: policy.qos.values().map(|q| q.priority).max().unwrap_or(0),
        }
    }
}

/// The priority of one job, from numbers. Computes the scale from `policy`; to price many jobs,
/// use `job_priority_scaled` with one `PriorityScale`.
pub fn job_priority(inputs: &PriorityInputs, policy: &Policy) -> PriorityBreakdown {
    job_priority_scaled(inputs, policy, &PriorityScale::of(policy))
}

/// The priority of one job, from numbers, with the scale computed once.
pub fn job_priority_scaled(
    inputs: &PriorityInputs,
    policy: &Policy,
    scale: &PriorityScale,
) -> PriorityBreakdown {
    let cfg = &policy.priority;
    let w = &cfg.weights;
    // Seconds and GPU counts stay far below 2^53, where u64 -> f64 is exact.
    let age = ratio(inputs.age_secs as f64, cfg.max_age_secs as f64);
    let share = ratio(inputs.job_gpus as f64, inputs.cluster_gpus as f64);
    let job_size = if cfg.favor_small_jobs {
        1.0 - share
    } else {
        share
    };
    let partition = ratio(
        f64::from(inputs.partition_tier),
        f64::from(scale.max_partition_tier),
    );
    let qos = ratio(
        f64::from(inputs.qos_priority),
        f64::from(scale.max_qos_priority),
    );
    let nice = nice_factor(inputs.nice, cfg.max_nice);
    let fairshare = if inputs.fairshare.is_nan() {
        0.0
    } else {
        inputs.fairshare.clamp(0.0, 1.0)
    };
    let factor = |value: f64, weight: f64| Factor {
        value,
        weighted: value * weight,
    };
    let mut b = PriorityBreakdown {
        age: factor(age, w.age),
        fairshare: factor(fairshare, w.fairshare),
        job_size: factor(job_size, w.job_size),
        partition: factor(partition, w.partition),
        qos: factor(qos, w.qos),
        nice: factor(nice, w.nice),
        total: 0.0,
    };
    b.total = b.age.weighted
        + b.fairshare.weighted
        + b.job_size.weighted
        + b.partition.weighted
        + b.qos.weighted
        + b.nice.weighted;
    b
}

/// `nice` clamped to ±`max_nice` and mapped onto 1..0: -max → 1, 0 → 0.5, +max → 0.
fn nice_factor(nice: i32, max_nice: u32) -> f64 {
    let max = f64::from(max_nice.max(1));
    let clamped = f64::from(nice).clamp(-max, max);
    (max - clamped) / (2.0 * max)
}

/// `part / whole` capped to 0..1; 0 when `whole` is 0.
fn ratio(part: f64, whole: f64) -> f64 {
    if whole <= 0.0 {
        0.0
    } else {
        (part / whole).clamp(0.0, 1.0)
    }
}

/// A job as named in its spec: what `Prioritizer::priority` needs to know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobFacts<'a> {
    /// When the job was submitted (or became eligible), seconds since the epoch.
    pub submit_secs: u64,
    pub gpus: u64,
    pub partition: &'a str,
    pub qos: &'a str,
    pub nice: i32,
    pub account: &'a str,
    pub user: &'a str,
}

/// Prices jobs by name against one policy, one fair-share result and one cluster size.
pub struct Prioritizer<'p> {
    policy: &'p Policy,
    fairshare: &'p FairShareReport,
    cluster_gpus: u64,
    scale: PriorityScale,
}

impl<'p> Prioritizer<'p> {
    pub fn new(policy: &'p Policy, fairshare: &'p FairShareReport, cluster_gpus: u64) -> Self {
        Prioritizer {
            policy,
            fairshare,
            cluster_gpus,
            scale: PriorityScale::of(policy),
        }
    }

    /// The priority of `job` at `now_secs`. An unknown partition or QoS contributes 0 (the pass
    /// refuses such jobs before it prices them); an association Fair Tree did not rank counts
    /// as 1.0, like a new one without usage.
    pub fn priority(&self, job: &JobFacts<'_>, now_secs: u64) -> PriorityBreakdown {
        let inputs = PriorityInputs {
            age_secs: now_secs.saturating_sub(job.submit_secs),
            fairshare: self.fairshare.factor(job.account, job.user).unwrap_or(1.0),
            job_gpus: job.gpus,
            cluster_gpus: self.cluster_gpus,
            partition_tier: self
                .policy
                .partitions
                .get(job.partition)
                .map_or(0, |p| p.priority_tier),
            qos_priority: self.policy.qos.get(job.qos).map_or(0, |q| q.priority),
            nice: job.nice,
        };
        job_priority_scaled(&inputs, self.policy, &self.scale)
    }
}

#[cfg(test)]
mod tests;
