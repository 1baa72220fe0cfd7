//! Every key the policy file accepts, table by table: the loaders refuse keys not listed here,
//! and a test checks that `examples/policy.toml` shows each of them.

pub const TOP: &[&str] = &[
    "scheduler",
    "priority",
    "fairshare",
    "billing",
    "backfill",
    "partitions",
    "qos",
    "accounts",
    "users",
    "user_defaults",
];
pub const SCHEDULER: &[&str] = &["max_jobs_considered"];
pub const PRIORITY: &[&str] = &["weights", "max_age", "max_nice", "favor_small_jobs"];
pub const PRIORITY_WEIGHTS: &[&str] = &["age", "fairshare", "job_size", "partition", "qos", "nice"];
pub const FAIRSHARE: &[&str] = &["half_life"];
pub const BILLING: &[&str] = &["default_gpu_weight", "gpu_weights"];
pub const BACKFILL: &[&str] = &[
    "enabled",
    "max_jobs_tested",
    "window",
    "reservations",
    "resolution",
];
pub const PARTITION: &[&str] = &[
    "nodes",
    "node_labels",
    "default_time",
    "max_time",
    "default_mem_per_gpu",
    "allowed_accounts",
    "allowed_qos",
    "priority_tier",
    "default",
];
/// Limit keys, accepted in `[qos.*]`, `[accounts.*]`, `[users.*]` and `[user_defaults]`.
pub const LIMITS: &[&str] = &[
    "max_gpus",
    "max_running_jobs",
    "max_submitted_jobs",
    "max_time",
];
pub const QOS_OWN: &[&str] = &[
    "priority",
    "default",
    "preempt",
    "preempt_mode",
    "grace_time",
    "min_runtime",
];
pub const ACCOUNT_OWN: &[&str] = &["parent", "shares", "default_qos", "allowed_qos"];
pub const USER_OWN: &[&str] = &[
    "account",
    "additional_accounts",
    "shares",
    "default_qos",
    "admin",
];
pub const USER_DEFAULTS_OWN: &[&str] = &["account", "allow_unlisted", "shares"];

/// A table's own keys followed by the limit keys.
pub fn with_limits(own: &[&'static str]) -> Vec<&'static str> {
    own.iter().chain(LIMITS).copied().collect()
}

#[cfg(test)]
/// Every key path of the schema. Tables keyed by a name the admin chooses show `<name>`.
pub fn schema_paths() -> Vec<String> {
    let mut paths = Vec::new();
    let mut add = |prefix: &str, keys: &[&str]| {
        paths.extend(keys.iter().map(|k| {
            if prefix.is_empty() {
                (*k).to_owned()
            } else {
                format!("{prefix}.{k}")
            }
        }));
    };
    add("", TOP);
    add("scheduler", SCHEDULER);
    add("priority", PRIORITY);
    add("priority.weights", PRIORITY_WEIGHTS);
    add("fairshare", FAIRSHARE);
    add("billing", BILLING);
    add("billing.gpu_weights", &["<name>"]);
    add("backfill", BACKFILL);
    add("partitions", &["<name>"]);
    add("partitions.<name>", PARTITION);
    add("partitions.<name>.node_labels", &["<name>"]);
    add("qos", &["<name>"]);
    add("qos.<name>", &with_limits(QOS_OWN));
    add("accounts", &["<name>"]);
    add("accounts.<name>", &with_limits(ACCOUNT_OWN));
    add("users", &["<name>"]);
    add("users.<name>", &with_limits(USER_OWN));
    add("user_defaults", &with_limits(USER_DEFAULTS_OWN));
    paths
}

#[cfg(test)]
/// Tables whose keys are names chosen by the admin, as `schema_paths` writes them.
pub const NAMED_TABLES: &[&str] = &[
    "billing.gpu_weights",
    "partitions",
    "partitions.<name>.node_labels",
    "qos",
    "accounts",
    "users",
];
