//! Fair-share of a live cluster, read from its replicated state: the usage book of finished runs
//! (`corral_model::UsageBook`, whole GPU-seconds per day) plus the GPU time running jobs have
//! used so far, billed and decayed by the policy at the time of reading. Every replica computes
//! the same report from the same state.

use super::{fair_tree, Charge, FairShareReport, ShareTree, UsageLedger, UsageSnapshot};
use crate::config::Policy;
use corral_model::usage::SECS_PER_DAY;
use corral_model::ClusterState;
use std::collections::BTreeSet;

/// The Fair Tree report at `now_secs`: the policy's accounts plus every user seen on a job or in
/// the usage book, with decayed usage.
pub fn replicated_report(
    cluster: &ClusterState,
    policy: &Policy,
    now_secs: u64,
) -> FairShareReport {
    let mut tree = ShareTree::from_policy(policy);
    let mut users: BTreeSet<&str> = cluster.jobs().map(|j| j.user.as_str()).collect();
    users.extend(cluster.usage().entries().map(|e| e.user));
    tree.add_unlisted_users(policy, users);
    fair_tree(&tree, &replicated_usage(cluster, policy, now_secs))
}

/// The account of the share tree that `account`'s usage counts under: itself when the policy
/// knows it, else the user's default account (a policy without associations takes any account
/// a job names, and its tree has only the default one).
fn tree_account<'a>(policy: &'a Policy, account: &'a str, user: &'a str) -> &'a str {
    if policy.accounts.contains_key(account) {
        return account;
    }
    policy.account_of_user(user).unwrap_or(account)
}

/// Billed, decayed GPU-seconds per (account, user) at `now_secs`. A day's bucket counts as used
/// at noon that day (or now, for today before noon); a running job counts what it has used so
/// far, as of now.
pub fn replicated_usage(cluster: &ClusterState, policy: &Policy, now_secs: u64) -> UsageSnapshot {
    let mut ledger = UsageLedger::new(policy.fairshare.half_life_secs);
    for entry in cluster.usage().entries() {
        let noon_secs = u64::from(entry.day) * SECS_PER_DAY + SECS_PER_DAY / 2;
        let charge = Charge {
            account: tree_account(policy, entry.account, entry.user),
            user: entry.user,
            gpu_model: entry.gpu_model,
            gpu_secs: entry.gpu_secs,
            at_secs: noon_secs.min(now_secs),
        };
        ledger.record(&policy.billing, &charge);
    }
    for job in cluster.holding_jobs() {
        let (Some(allocation), Some(start)) = (&job.allocation, job.start_secs) else {
            continue;
        };
        let run_secs = now_secs.saturating_sub(start);
        for part in &allocation.nodes {
            let Some(node) = cluster.node(part.node) else {
                continue;
            };
            for &index in &part.gpus {
                let gpu_model = node
                    .gpu_slot(index)
                    .map_or("", |slot| node.spec.gpus[slot].model.as_str());
                let charge = Charge {
                    account: tree_account(policy, &job.account, &job.user),
                    user: &job.user,
                    gpu_model,
                    gpu_secs: run_secs,
                    at_secs: now_secs,
                };
                ledger.record(&policy.billing, &charge);
            }
        }
    }
    ledger.decayed_usage(now_secs)
}
