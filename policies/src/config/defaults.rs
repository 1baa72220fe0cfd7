//! The built-in policy: what a cluster runs with no policy file, and what every key the file
//! leaves out falls back to. One partition `gpu` holding every node (default time 1 h, maximum
//! 7 days, so that backfill can always plan), one QoS `normal`, every user charged to `root`.

use super::schema::*;
use std::collections::BTreeMap;

pub const DEFAULT_PARTITION: &str = "gpu";
pub const DEFAULT_QOS: &str = "normal";

const HOUR_SECS: u64 = 3_600;
const DAY_SECS: u64 = 24 * HOUR_SECS;

impl Default for SchedulerConfig {
    fn default() -> Self {
        SchedulerConfig {
            max_jobs_considered: 10_000,
        }
    }
}

impl Default for PriorityWeights {
    fn default() -> Self {
        PriorityWeights {
            age: 1_000.0,
            fairshare: 10_000.0,
            job_size: 1_000.0,
            partition: 1_000.0,
            qos: 2_000.0,
            nice: 1_000.0,
        }
    }
}

impl Default for PriorityConfig {
    fn default() -> Self {
        PriorityConfig {
            weights: PriorityWeights::default(),
            // Slurm's PriorityMaxAge defaults to 7 days (slurm.conf(5)).
            max_age_secs: 7 * DAY_SECS,
            max_nice: 10_000,
            favor_small_jobs: false,
        }
    }
}

impl Default for FairshareConfig {
    fn default() -> Self {
        // Slurm's PriorityDecayHalfLife defaults to 7 days (slurm.conf(5)).
        FairshareConfig {
            half_life_secs: Some(7 * DAY_SECS),
        }
    }
}

impl Default for BillingConfig {
    fn default() -> Self {
        BillingConfig {
            default_gpu_weight: 1.0,
            gpu_weights: BTreeMap::new(),
        }
    }
}

impl Default for BackfillConfig {
    fn default() -> Self {
        BackfillConfig {
            enabled: true,
            max_jobs_tested: 1_000,
            // Slurm's bf_window defaults to one day and bf_resolution to 60 s (slurm.conf(5)).
            window_secs: DAY_SECS,
            reservations: 1,
            resolution_secs: 60,
        }
    }
}

impl Partition {
    /// A partition with the built-in settings and no nodes; the loader fills in the rest.
    pub(crate) fn with_defaults(name: &str) -> Self {
        Partition {
            name: name.to_owned(),
            nodes: NodeSelector {
                name_patterns: Vec::new(),
                labels: BTreeMap::new(),
            },
            default_time_secs: HOUR_SECS,
            max_time_secs: Some(7 * DAY_SECS),
            default_mem_per_gpu_mib: None,
            allowed_accounts: None,
            allowed_qos: None,
            priority_tier: 1,
            is_default: false,
        }
    }
}

impl Qos {
    pub(crate) fn with_defaults(name: &str) -> Self {
        Qos {
            name: name.to_owned(),
            priority: 0,
            preempt: Vec::new(),
            preempt_mode: PreemptMode::Requeue,
            // Slurm's KillWait, the pause between SIGTERM and SIGKILL, defaults to 30 s.
            grace_time_secs: 30,
            min_runtime_secs: 0,
            limits: Limits::default(),
            is_default: false,
        }
    }
}

impl Default for UserDefaults {
    fn default() -> Self {
        UserDefaults {
            account: ROOT_ACCOUNT.to_owned(),
            allow_unlisted: true,
            shares: 1,
            limits: Limits::default(),
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        let mut gpu = Partition::with_defaults(DEFAULT_PARTITION);
        gpu.nodes.name_patterns.push("*".to_owned());
        gpu.is_default = true;
        let mut normal = Qos::with_defaults(DEFAULT_QOS);
        normal.is_default = true;
        Policy {
            scheduler: SchedulerConfig::default(),
            priority: PriorityConfig::default(),
            fairshare: FairshareConfig::default(),
            billing: BillingConfig::default(),
            backfill: BackfillConfig::default(),
            partitions: BTreeMap::from([(gpu.name.clone(), gpu)]),
            qos: BTreeMap::from([(normal.name.clone(), normal)]),
            accounts: BTreeMap::new(),
            users: BTreeMap::new(),
            user_defaults: UserDefaults::default(),
        }
    }
}
