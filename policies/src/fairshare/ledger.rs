//! Fair-share usage: billed GPU-seconds per (account, user), decayed exponentially with a
//! half-life. The ledger is incremental and deterministic: values are kept scaled to a reference
//! time, so recording is O(log n) and only an occasional rebase touches every entry.

use crate::config::BillingConfig;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Rebase all entries once new records lie this many half-lives past the reference time, so
/// that the stored (growing) scale never leaves f64's comfortable range.
const REBASE_AFTER_HALF_LIVES: f64 = 64.0;

/// One piece of finished (or accrued) GPU work to charge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Charge<'a> {
    pub account: &'a str,
    pub user: &'a str,
    /// The GPU model, as NVML names it (`NVIDIA A100-SXM4-80GB`); priced by `[billing]`.
    pub gpu_model: &'a str,
    /// GPUs × seconds of the work.
    pub gpu_secs: u64,
    /// When the work was done (its end, or the accrual time), seconds since the epoch.
    pub at_secs: u64,
}

/// Decayed usage per (account, user).
///
/// A record of `a` billed GPU-seconds at time `t` counts `a · 2^(−(now − t) / half_life)` at
/// time `now`. Internally every value is stored as it counts at `ref_secs` (so a record after
/// `ref_secs` is stored grown by `2^((t − ref) / half_life)`); `decayed_usage` multiplies once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UsageLedger {
    /// `None`: usage never decays.
    half_life_secs: Option<u64>,
    ref_secs: u64,
    /// account → user → billed GPU-seconds as of `ref_secs`.
    usage: BTreeMap<String, BTreeMap<String, f64>>,
}

impl UsageLedger {
    pub fn new(half_life_secs: Option<u64>) -> Self {
        UsageLedger {
            half_life_secs: half_life_secs.filter(|h| *h > 0),
            ref_secs: 0,
            usage: BTreeMap::new(),
        }
    }

    pub fn half_life_secs(&self) -> Option<u64> {
        self.half_life_secs
    }

    /// Switches to a new half-life from `now_secs` on: usage up to then keeps the decay it had.
    pub fn set_half_life(&mut self, half_life_secs: Option<u64>, now_secs: u64) {
        self.rebase(now_secs);
        self.half_life_secs = half_life_secs.filter(|h| *h > 0);
    }

    /// Charges `charge.gpu_secs` × the billing weight of its GPU model.
    pub fn record(&mut self, billing: &BillingConfig, charge: &Charge<'_>) {
        // GPU-seconds of real work stay far below 2^53, where u64 -> f64 is exact.
        let billed = charge.gpu_secs as f64 * billing.gpu_weight(charge.gpu_model);
        self.record_billed(charge.account, charge.user, billed, charge.at_secs);
    }

    /// Charges already-billed GPU-seconds. Negative or non-finite amounts are ignored.
    pub fn record_billed(&mut self, account: &str, user: &str, billed_gpu_secs: f64, at_secs: u64) {
        if !billed_gpu_secs.is_finite() || billed_gpu_secs <= 0.0 {
            return;
        }
        if let Some(half_life) = self.half_life_secs {
            if half_lives(at_secs, self.ref_secs, half_life) > REBASE_AFTER_HALF_LIVES {
                self.rebase(at_secs);
            }
        }
        let scaled = billed_gpu_secs * self.growth(at_secs);
        let entry = self
            .usage
            .entry(account.to_owned())
            .or_default()
            .entry(user.to_owned())
            .or_insert(0.0);
        *entry += scaled;
    }

    /// Usage as it counts at `now_secs`. Meant for `now_secs` at or after the latest record;
    /// records after `now_secs` would count grown back to it.
    pub fn decayed_usage(&self, now_secs: u64) -> UsageSnapshot {
        let factor = 1.0 / self.growth(now_secs);
        let mut snapshot = UsageSnapshot::new(now_secs);
        for (account, users) in &self.usage {
            for (user, value) in users {
                snapshot.set(account, user, value * factor);
            }
        }
        snapshot
    }

    /// `2^((t − ref) / half_life)`: what a record at `t` weighs relative to one at `ref`.
    fn growth(&self, at_secs: u64) -> f64 {
        match self.half_life_secs {
            None => 1.0,
            Some(h) => half_lives(at_secs, self.ref_secs, h).exp2(),
        }
    }

    /// Re-expresses every value as of `new_ref_secs`.
    fn rebase(&mut self, new_ref_secs: u64) {
        let factor = 1.0 / self.growth(new_ref_secs);
        for users in self.usage.values_mut() {
            for value in users.values_mut() {
                *value *= factor;
            }
        }
        self.ref_secs = new_ref_secs;
    }
}

/// `(t − ref) / half_life`, signed.
fn half_lives(at_secs: u64, ref_secs: u64, half_life_secs: u64) -> f64 {
    // Differences of epoch seconds stay far below 2^53.
    let delta = if at_secs >= ref_secs {
        (at_secs - ref_secs) as f64
    } else {
        -((ref_secs - at_secs) as f64)
    };
    delta / half_life_secs as f64
}

/// Decayed billed GPU-seconds per (account, user) at one moment: the input of `fair_tree`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UsageSnapshot {
    at_secs: u64,
    usage: BTreeMap<String, BTreeMap<String, f64>>,
}

impl UsageSnapshot {
    pub fn new(at_secs: u64) -> Self {
        UsageSnapshot {
            at_secs,
            usage: BTreeMap::new(),
        }
    }

    pub fn at_secs(&self) -> u64 {
        self.at_secs
    }

    /// Sets an association's usage; negative or non-finite values count as 0.
    pub fn set(&mut self, account: &str, user: &str, billed_gpu_secs: f64) {
        let value = if billed_gpu_secs.is_finite() {
            billed_gpu_secs.max(0.0)
        } else {
            0.0
        };
        self.usage
            .entry(account.to_owned())
            .or_default()
            .insert(user.to_owned(), value);
    }

    /// The usage of `user` within `account`; 0 if none was recorded.
    pub fn get(&self, account: &str, user: &str) -> f64 {
        self.usage
            .get(account)
            .and_then(|users| users.get(user))
            .copied()
            .unwrap_or(0.0)
    }

    /// Every (account, user, usage), in account then user order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, f64)> + '_ {
        self.usage.iter().flat_map(|(account, users)| {
            users
                .iter()
                .map(move |(user, value)| (account.as_str(), user.as_str(), *value))
        })
    }
}
