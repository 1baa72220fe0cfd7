//! `UsageBook`: the GPU time every finished run used, replicated with the rest of the state so
//! that fair-share survives a leader change. Whole GPU-seconds per account, user and GPU model,
//! in buckets of one UTC day (by the run's end); buckets older than `KEPT_DAYS` are dropped. The
//! decay and the billing weights are policy, applied when the usage is read
//! (`corral_policies::fairshare::replicated_usage`), so the book never holds a float and every
//! replica holds the same bytes.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const SECS_PER_DAY: u64 = 86_400;
/// How many days of usage are kept: about 26 half-lives at Slurm's default of 7 days, so what is
/// dropped weighs under a millionth of what it did.
pub const KEPT_DAYS: u32 = 180;

/// day (since the epoch, UTC) → GPU-seconds charged that day.
pub type DayBuckets = BTreeMap<u32, u64>;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageBook {
    /// account → user → GPU model → day buckets.
    accounts: BTreeMap<String, BTreeMap<String, BTreeMap<String, DayBuckets>>>,
    /// The day buckets were last pruned (all of them are, at most once a day).
    pruned_day: u32,
}

/// One bucket of the book, as `UsageBook::entries` lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UsageEntry<'a> {
    pub account: &'a str,
    pub user: &'a str,
    pub gpu_model: &'a str,
    pub day: u32,
    pub gpu_secs: u64,
}

impl UsageBook {
    /// Adds `gpu_secs` of `gpu_model` to `account`/`user` on the day of `at_secs`.
    pub fn charge(
        &mut self,
        account: &str,
        user: &str,
        gpu_model: &str,
        gpu_secs: u64,
        at_secs: u64,
    ) {
        if gpu_secs == 0 {
            return;
        }
        let day = day_of(at_secs);
        if day > self.pruned_day {
            self.prune(day);
        }
        let bucket = self
            .accounts
            .entry(account.to_owned())
            .or_default()
            .entry(user.to_owned())
            .or_default()
            .entry(gpu_model.to_owned())
            .or_default()
            .entry(day)
            .or_insert(0);
        *bucket = bucket.saturating_add(gpu_secs);
    }

    /// Every bucket, by account, user, GPU model and day.
    pub fn entries(&self) -> impl Iterator<Item = UsageEntry<'_>> + '_ {
        self.accounts.iter().flat_map(|(account, users)| {
            users.iter().flat_map(move |(user, models)| {
                models.iter().flat_map(move |(gpu_model, days)| {
                    days.iter().map(move |(&day, &gpu_secs)| UsageEntry {
                        account,
                        user,
                        gpu_model,
                        day,
                        gpu_secs,
                    })
                })
            })
        })
    }

    /// Drops buckets more than `KEPT_DAYS` before `today`, and what they leave empty.
    fn prune(&mut self, today: u32) {
        let oldest_kept = today.saturating_sub(KEPT_DAYS - 1);
        for users in self.accounts.values_mut() {
            for models in users.values_mut() {
                for days in models.values_mut() {
                    days.retain(|&day, _| day >= oldest_kept);
                }
                models.retain(|_, days| !days.is_empty());
            }
            users.retain(|_, models| !models.is_empty());
        }
        self.accounts.retain(|_, users| !users.is_empty());
        self.pruned_day = today;
    }
}

/// The UTC day of an epoch time (saturating far in the future).
pub fn day_of(at_secs: u64) -> u32 {
    u32::try_from(at_secs / SECS_PER_DAY).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_add_up_per_day_and_model() {
        let mut book = UsageBook::default();
        book.charge("ml", "ada", "H100", 100, 10);
        book.charge("ml", "ada", "H100", 50, 20);
        book.charge("ml", "ada", "A100", 7, 20);
        book.charge("ml", "ada", "H100", 1, SECS_PER_DAY + 5);
        book.charge("ml", "bob", "H100", 0, 5);
        let entries: Vec<_> = book
            .entries()
            .map(|e| (e.user, e.gpu_model, e.day, e.gpu_secs))
            .collect();
        assert_eq!(
            entries,
            [
                ("ada", "A100", 0, 7),
                ("ada", "H100", 0, 150),
                ("ada", "H100", 1, 1)
            ]
        );
    }

    #[test]
    fn old_days_are_dropped_once_a_newer_day_is_charged() {
        let mut book = UsageBook::default();
        book.charge("ml", "ada", "H100", 100, 0);
        book.charge("ml", "bob", "H100", 5, 10 * SECS_PER_DAY);
        book.charge("ml", "bob", "H100", 5, u64::from(KEPT_DAYS) * SECS_PER_DAY);
        let users: Vec<_> = book.entries().map(|e| (e.user, e.day)).collect();
        assert_eq!(
            users,
            [("bob", 10), ("bob", KEPT_DAYS)],
            "ada's day 0 is gone"
        );
    }
}
