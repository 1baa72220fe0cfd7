//! Each account's share of the GPU time used, and Jain's fairness index over those shares.

use super::super::engine::JobRecord;
use serde::Serialize;
use std::collections::BTreeMap;

/// One account's use of the cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountShare {
    pub account: String,
    pub jobs: usize,
    pub gpu_secs: u64,
    /// `gpu_secs` over the GPU-seconds of all accounts (0 when nothing ran).
    pub share: f64,
}

/// Accounts by name, with their GPU-time shares.
pub fn account_shares(records: &[JobRecord]) -> Vec<AccountShare> {
    let mut by_account: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
    for r in records {
        let entry = by_account.entry(r.account.as_str()).or_default();
        entry.0 += 1;
        entry.1 += r.gpu_secs;
    }
    let total: u64 = by_account.values().map(|(_, g)| g).sum();
    by_account
        .into_iter()
        .map(|(account, (jobs, gpu_secs))| AccountShare {
            account: account.to_string(),
            jobs,
            gpu_secs,
            share: if total == 0 {
                0.0
            } else {
                gpu_secs as f64 / total as f64
            },
        })
        .collect()
}

/// Jain's index (Σx)² / (n·Σx²): 1 when every account got the same GPU time, 1/n when one got
/// all of it. 1 for no accounts or no use (nobody was treated worse than anybody else).
/// Source: R. Jain, D. Chiu, W. Hawe, "A Quantitative Measure of Fairness and Discrimination for
/// Resource Allocation in Shared Computer Systems", DEC-TR-301, 1984.
pub fn jain_index(values: &[f64]) -> f64 {
    let sum: f64 = values.iter().sum();
    let sum_sq: f64 = values.iter().map(|x| x * x).sum();
    if values.is_empty() || sum_sq == 0.0 {
        return 1.0;
    }
    sum * sum / (values.len() as f64 * sum_sq)
}

#[cfg(test)]
mod tests {
    use super::jain_index;

    #[test]
    fn jain_is_one_when_equal_and_one_over_n_when_one_takes_all() {
        assert_eq!(jain_index(&[5.0, 5.0, 5.0]), 1.0);
        assert_eq!(jain_index(&[9.0, 0.0, 0.0]), 1.0 / 3.0);
        assert_eq!(jain_index(&[3.0, 1.0]), 16.0 / 20.0);
    }
}
