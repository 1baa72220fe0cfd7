//! Reads `[qos.NAME]` tables.

use super::context::{Context, RefKind};
use super::errors::Problem;
use super::keys;
use super::load::load_limits;
use super::reader::{quote, TableReader};
use super::schema::{PreemptMode, Qos};
use std::collections::BTreeMap;

pub fn load_qos_table(ctx: &mut Context<'_>, t: &TableReader<'_>) -> BTreeMap<String, Qos> {
    t.named_tables(ctx)
        .into_iter()
        .map(|(name, table)| {
            let qos = load_qos(ctx, &name, &table);
            (name, qos)
        })
        .collect()
}

fn load_qos(ctx: &mut Context<'_>, name: &str, t: &TableReader<'_>) -> Qos {
    t.check_keys(ctx, &keys::with_limits(keys::QOS_OWN));
    let mut q = Qos::with_defaults(name);
    if let Some(priority) = t.count(ctx, "priority", 0) {
        q.priority = priority;
    }
    if let Some(is_default) = t.boolean(ctx, "default") {
        q.is_default = is_default;
    }
    if let Some(victims) = t.name_list(ctx, "preempt") {
        for victim in victims.iter().filter(|v| v.value == name) {
            let message =
                format!("QoS `{name}` lists itself in `preempt`; a QoS may only preempt other QoS");
            let problem = Problem::Inconsistent {
                table: t.display_name(),
                message,
            };
            ctx.error(victim.span.as_ref(), &t.key_path("preempt"), problem);
        }
        t.refer(ctx, "preempt", RefKind::Qos, &victims);
        let mut names: Vec<String> = victims.into_iter().map(|v| v.value).collect();
        names.sort();
        names.dedup();
        q.preempt = names;
    }
    if let Some(mode) = t.string(ctx, "preempt_mode") {
        match mode.as_str() {
            "requeue" => q.preempt_mode = PreemptMode::Requeue,
            "cancel" => q.preempt_mode = PreemptMode::Cancel,
            _ => t.bad_value(
                ctx,
                "preempt_mode",
                None,
                &quote(&mode),
                "is not a preemption mode",
                "\"requeue\" or \"cancel\"",
            ),
        }
    }
    if let Some(grace) = t.duration(ctx, "grace_time", 0) {
        q.grace_time_secs = grace;
    }
    if let Some(min_runtime) = t.duration(ctx, "min_runtime", 0) {
        q.min_runtime_secs = min_runtime;
    }
    q.limits = load_limits(ctx, t);
    q
}
