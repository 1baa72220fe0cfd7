//! What the policy makes of a job: its partition, QoS and effective time limit. Each resolver
//! returns an explanation when the job names something the policy does not know.

use crate::config::{Partition, Policy, Qos};
use corral_model::spec::TimeLimit;
use corral_model::Job;

/// Time limit used by backfill for jobs without any limit (partition unlimited too): far enough
/// to never end inside a backfill window, small enough never to overflow a sum.
pub const UNLIMITED_SECS: u64 = 1 << 40;

pub fn partition_of<'p>(job: &Job, policy: &'p Policy) -> Result<&'p Partition, String> {
    match &job.spec.partition {
        Some(name) => policy.partitions.get(name).ok_or_else(|| {
            let known: Vec<&str> = policy.partitions.keys().map(String::as_str).collect();
            format!(
                "partition {name} does not exist (known: {})",
                known.join(", ")
            )
        }),
        None => policy
            .default_partition()
            .ok_or_else(|| "the policy has no default partition".to_string()),
    }
}

pub fn qos_of<'p>(job: &Job, policy: &'p Policy) -> Result<&'p Qos, String> {
    let name = match &job.spec.qos {
        Some(name) => name.as_str(),
        None => policy
            .default_qos_for(&job.user, &job.account)
            .ok_or_else(|| "the policy has no default QoS".to_string())?,
    };
    policy.qos.get(name).ok_or_else(|| {
        let known: Vec<&str> = policy.qos.keys().map(String::as_str).collect();
        format!("QoS {name} does not exist (known: {})", known.join(", "))
    })
}

/// The limit the job runs under: its own (capped by the partition's maximum), the partition's
/// default when it set none, the partition's maximum when it asked for no limit.
pub fn time_limit_secs(job: &Job, partition: &Partition) -> u64 {
    let max = partition.max_time_secs.unwrap_or(UNLIMITED_SECS);
    match job.spec.time_limit {
        TimeLimit::Secs(s) => s.min(max),
        TimeLimit::NotSet => partition.default_time_secs.min(max),
        TimeLimit::Unlimited => max,
    }
}
