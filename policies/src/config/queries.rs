//! Questions other policies ask of a validated `Policy`: which account a user charges, which
//! QoS a job gets, whether a partition admits an account, which nodes a partition holds, what a
//! GPU model costs, which limits apply to a user.

use super::schema::*;
use corral_model::gpu_model::gpu_model_matches;
use std::collections::BTreeMap;

impl Policy {
    /// The partition of jobs that name none.
    pub fn default_partition(&self) -> Option<&Partition> {
        self.partitions.values().find(|p| p.is_default)
    }

    /// The QoS of jobs whose user and accounts set no default.
    pub fn default_qos(&self) -> Option<&Qos> {
        self.qos.values().find(|q| q.is_default)
    }

    /// `account`, its parent, …, up to and including `root`. Stops at an unknown account (or a
    /// cycle, which a validated policy does not have).
    pub fn account_chain<'a>(&'a self, account: &'a str) -> Vec<&'a str> {
        let mut chain = vec![account];
        let mut current = account;
        while let Some(a) = self.accounts.get(current) {
            if chain.len() > self.accounts.len() {
                break;
            }
            chain.push(&a.parent);
            current = &a.parent;
        }
        chain
    }

    /// The account a user's jobs are charged to when they name none; `None` for a user who is
    /// not listed when unlisted users are not allowed.
    pub fn account_of_user(&self, user: &str) -> Option<&str> {
        match self.users.get(user) {
            Some(u) => Some(&u.account),
            None if self.user_defaults.allow_unlisted => Some(&self.user_defaults.account),
            None => None,
        }
    }

    /// Whether the policy makes `user` an admin (`admin = true`); the scheduler adds root and
    /// its own OS user.
    pub fn is_admin(&self, user: &str) -> bool {
        self.users.get(user).is_some_and(|u| u.admin)
    }

    /// Whether `user` may charge jobs to `account`.
    pub fn may_charge(&self, user: &str, account: &str) -> bool {
        match self.users.get(user) {
            Some(u) => u.account == account || u.additional_accounts.iter().any(|a| a == account),
            None => self.user_defaults.allow_unlisted && self.user_defaults.account == account,
        }
    }

    /// The QoS names an account allows (the nearest `allowed_qos` up its chain); `None`: all.
    pub fn allowed_qos_of_account(&self, account: &str) -> Option<Vec<String>> {
        self.account_chain(account)
            .into_iter()
            .find_map(|a| self.accounts.get(a).and_then(|a| a.allowed_qos.clone()))
    }

    pub fn account_allows_qos(&self, account: &str, qos: &str) -> bool {
        self.allowed_qos_of_account(account)
            .is_none_or(|allowed| allowed.iter().any(|q| q == qos))
    }

    /// The QoS of a job that names none: the user's `default_qos`, else the nearest account's
    /// up the chain, else the default QoS.
    pub fn default_qos_for(&self, user: &str, account: &str) -> Option<&str> {
        if let Some(q) = self.users.get(user).and_then(|u| u.default_qos.as_deref()) {
            return Some(q);
        }
        let from_accounts = self
            .account_chain(account)
            .into_iter()
            .find_map(|a| self.accounts.get(a).and_then(|a| a.default_qos.as_deref()));
        from_accounts.or_else(|| self.default_qos().map(|q| q.name.as_str()))
    }

    /// Whether jobs charged to `account` may run in `partition` (an allowed account admits its
    /// sub-accounts too). Unknown partitions admit nobody.
    pub fn partition_allows_account(&self, partition: &str, account: &str) -> bool {
        let Some(p) = self.partitions.get(partition) else {
            return false;
        };
        match &p.allowed_accounts {
            None => true,
            Some(allowed) => self
                .account_chain(account)
                .iter()
                .any(|a| allowed.iter().any(|x| x == a)),
        }
    }

    /// The limits of `user`: their own, with unset fields from `[user_defaults]`.
    pub fn user_limits(&self, user: &str) -> Limits {
        match self.users.get(user) {
            Some(u) => u.limits.or(&self.user_defaults.limits),
            None => self.user_defaults.limits.clone(),
        }
    }
}

impl Partition {
    pub fn allows_qos(&self, qos: &str) -> bool {
        self.allowed_qos
            .as_ref()
            .is_none_or(|allowed| allowed.iter().any(|q| q == qos))
    }
}

impl NodeSelector {
    /// Whether a node with this name and these labels belongs to the partition.
    pub fn matches(&self, node_name: &str, node_labels: &BTreeMap<String, String>) -> bool {
        let name_ok = self.name_patterns.is_empty()
            || self
                .name_patterns
                .iter()
                .any(|p| glob_matches(p, node_name));
        let labels_ok = self
            .labels
            .iter()
            .all(|(k, v)| node_labels.get(k) == Some(v));
        name_ok && labels_ok
    }
}

impl BillingConfig {
    /// Fair-share weight of one GPU-second of `gpu_model`: the weight of the longest key that
    /// the model's name contains (compared as lower-case letters and digits, as
    /// `corral_model::gpu_model` matches requests), else `default_gpu_weight`.
    pub fn gpu_weight(&self, gpu_model: &str) -> f64 {
        self.gpu_weights
            .iter()
            .filter(|(key, _)| gpu_model_matches(key, gpu_model))
            // Longest key wins; among equals, BTreeMap order keeps the first.
            .fold(None::<(&String, f64)>, |best, (key, weight)| match best {
                Some((b, _)) if b.len() >= key.len() => best,
                _ => Some((key, *weight)),
            })
            .map_or(self.default_gpu_weight, |(_, weight)| weight)
    }
}

impl Limits {
    /// These limits, with each unset field taken from `fallback`.
    pub fn or(&self, fallback: &Limits) -> Limits {
        Limits {
            max_gpus: self.max_gpus.or(fallback.max_gpus),
            max_running_jobs: self.max_running_jobs.or(fallback.max_running_jobs),
            max_submitted_jobs: self.max_submitted_jobs.or(fallback.max_submitted_jobs),
            max_time_secs: self.max_time_secs.or(fallback.max_time_secs),
        }
    }
}

/// Glob match over chars: `*` any run (also empty), `?` exactly one character. Iterative with
/// one backtrack point, so linear-ish and never recursive.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((star_pi, star_ti)) = star {
            pi = star_pi + 1;
            ti = star_ti + 1;
            star = Some((star_pi, star_ti + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}
