//! Reads the file's tables into a `Policy`, section by section, starting from the built-in
//! defaults. Checks that need only one table happen here; checks across tables are in
//! `validate.rs`. Every problem is recorded in the context and reading carries on.

use super::context::Context;
use super::document::Table;
use super::errors::Problem;
use super::keys;
use super::load_accounts::{load_accounts, load_user_defaults, load_users};
use super::load_partitions::load_partitions;
use super::load_qos::load_qos_table;
use super::reader::TableReader;
use super::schema::*;
use super::units::format_duration;

pub fn load_policy(ctx: &mut Context<'_>, doc: &Table) -> Policy {
    let root = TableReader::root(doc);
    root.check_keys(ctx, keys::TOP);
    let mut policy = Policy::default();
    if let Some(t) = root.subtable(ctx, "scheduler") {
        policy.scheduler = load_scheduler(ctx, &t);
    }
    if let Some(t) = root.subtable(ctx, "priority") {
        policy.priority = load_priority(ctx, &t);
    }
    if let Some(t) = root.subtable(ctx, "fairshare") {
        policy.fairshare = load_fairshare(ctx, &t);
    }
    if let Some(t) = root.subtable(ctx, "billing") {
        policy.billing = load_billing(ctx, &t);
    }
    if let Some(t) = root.subtable(ctx, "backfill") {
        policy.backfill = load_backfill(ctx, &t);
    }
    if let Some(t) = root.subtable(ctx, "partitions") {
        policy.partitions = load_partitions(ctx, &t);
    }
    if let Some(t) = root.subtable(ctx, "qos") {
        policy.qos = load_qos_table(ctx, &t);
    }
    // Users fall back on `[user_defaults] account`, so that table is read first.
    if let Some(t) = root.subtable(ctx, "user_defaults") {
        policy.user_defaults = load_user_defaults(ctx, &t);
    }
    if let Some(t) = root.subtable(ctx, "accounts") {
        policy.accounts = load_accounts(ctx, &t);
    }
    if let Some(t) = root.subtable(ctx, "users") {
        policy.users = load_users(ctx, &t, &policy.user_defaults.account);
    }
    policy
}

fn load_scheduler(ctx: &mut Context<'_>, t: &TableReader<'_>) -> SchedulerConfig {
    t.check_keys(ctx, keys::SCHEDULER);
    let mut c = SchedulerConfig::default();
    if let Some(v) = t.count(ctx, "max_jobs_considered", 1) {
        c.max_jobs_considered = v;
    }
    c
}

fn load_priority(ctx: &mut Context<'_>, t: &TableReader<'_>) -> PriorityConfig {
    t.check_keys(ctx, keys::PRIORITY);
    let mut c = PriorityConfig::default();
    if let Some(w) = t.subtable(ctx, "weights") {
        c.weights = load_weights(ctx, &w);
    }
    if let Some(v) = t.duration(ctx, "max_age", 1) {
        c.max_age_secs = v;
    }
    if let Some(v) = t.count(ctx, "max_nice", 1) {
        c.max_nice = v;
    }
    if let Some(v) = t.boolean(ctx, "favor_small_jobs") {
        c.favor_small_jobs = v;
    }
    c
}

fn load_weights(ctx: &mut Context<'_>, t: &TableReader<'_>) -> PriorityWeights {
    t.check_keys(ctx, keys::PRIORITY_WEIGHTS);
    let mut w = PriorityWeights::default();
    let fields: [(&str, &mut f64); 6] = [
        ("age", &mut w.age),
        ("fairshare", &mut w.fairshare),
        ("job_size", &mut w.job_size),
        ("partition", &mut w.partition),
        ("qos", &mut w.qos),
        ("nice", &mut w.nice),
    ];
    for (key, field) in fields {
        if let Some(v) = t.weight(ctx, key) {
            *field = v;
        }
    }
    w
}

fn load_fairshare(ctx: &mut Context<'_>, t: &TableReader<'_>) -> FairshareConfig {
    t.check_keys(ctx, keys::FAIRSHARE);
    let mut c = FairshareConfig::default();
    if let Some(v) = t.limit_duration(ctx, "half_life", 1) {
        c.half_life_secs = v;
    }
    c
}

fn load_billing(ctx: &mut Context<'_>, t: &TableReader<'_>) -> BillingConfig {
    t.check_keys(ctx, keys::BILLING);
    let mut c = BillingConfig::default();
    if let Some(v) = t.weight(ctx, "default_gpu_weight") {
        c.default_gpu_weight = v;
    }
    if let Some(models) = t.subtable(ctx, "gpu_weights") {
        c.gpu_weights = models.weight_map(ctx);
    }
    c
}

fn load_backfill(ctx: &mut Context<'_>, t: &TableReader<'_>) -> BackfillConfig {
    t.check_keys(ctx, keys::BACKFILL);
    let mut c = BackfillConfig::default();
    if let Some(v) = t.boolean(ctx, "enabled") {
        c.enabled = v;
    }
    if let Some(v) = t.count(ctx, "max_jobs_tested", 1) {
        c.max_jobs_tested = v;
    }
    if let Some(v) = t.duration(ctx, "window", 1) {
        c.window_secs = v;
    }
    if let Some(v) = t.count(ctx, "reservations", 0) {
        c.reservations = v;
    }
    if let Some(v) = t.duration(ctx, "resolution", 1) {
        c.resolution_secs = v;
    }
    if c.window_secs < c.resolution_secs {
        let message = format!(
            "`window` ({}) is shorter than `resolution` ({}); the window must hold at least one step",
            format_duration(c.window_secs),
            format_duration(c.resolution_secs)
        );
        let key = if t.has("window") {
            "window"
        } else {
            "resolution"
        };
        ctx.error_at_key(
            &t.key_path(key),
            Problem::Inconsistent {
                table: t.display_name(),
                message,
            },
        );
    }
    c
}

/// The limit keys of a `[qos.*]`, `[accounts.*]`, `[users.*]` or `[user_defaults]` table.
pub fn load_limits(ctx: &mut Context<'_>, t: &TableReader<'_>) -> Limits {
    Limits {
        max_gpus: t.count(ctx, "max_gpus", 0),
        max_running_jobs: t.count(ctx, "max_running_jobs", 0),
        max_submitted_jobs: t.count(ctx, "max_submitted_jobs", 0),
        max_time_secs: t.limit_duration(ctx, "max_time", 1).flatten(),
    }
}
