//! Reads `[partitions.NAME]` tables.

use super::context::{Context, RefKind};
use super::errors::Problem;
use super::keys;
use super::reader::{quote, TableReader};
use super::schema::Partition;
use super::units::format_duration;
use std::collections::BTreeMap;

const PATTERN_FORMS: &str = "node names where `*` matches any run of characters and `?` one character, like \"gpu-*\", \"dgx-0?\" or \"*\" (Slurm host lists like \"dgx[01-16]\" are not accepted)";

pub fn load_partitions(ctx: &mut Context<'_>, t: &TableReader<'_>) -> BTreeMap<String, Partition> {
    t.named_tables(ctx)
        .into_iter()
        .map(|(name, table)| {
            let partition = load_partition(ctx, &name, &table);
            (name, partition)
        })
        .collect()
}

fn load_partition(ctx: &mut Context<'_>, name: &str, t: &TableReader<'_>) -> Partition {
    t.check_keys(ctx, keys::PARTITION);
    let mut p = Partition::with_defaults(name);
    load_node_selector(ctx, t, &mut p);
    load_times(ctx, t, &mut p);
    p.default_mem_per_gpu_mib = t.memory(ctx, "default_mem_per_gpu");
    if let Some(accounts) = t.name_list(ctx, "allowed_accounts") {
        t.refer(ctx, "allowed_accounts", RefKind::Account, &accounts);
        p.allowed_accounts = Some(accounts.into_iter().map(|a| a.value).collect());
    }
    if let Some(qos) = t.name_list(ctx, "allowed_qos") {
        t.refer(ctx, "allowed_qos", RefKind::Qos, &qos);
        p.allowed_qos = Some(qos.into_iter().map(|q| q.value).collect());
    }
    if let Some(tier) = t.count(ctx, "priority_tier", 0) {
        p.priority_tier = tier;
    }
    if let Some(is_default) = t.boolean(ctx, "default") {
        p.is_default = is_default;
    }
    p
}

fn load_node_selector(ctx: &mut Context<'_>, t: &TableReader<'_>, p: &mut Partition) {
    let expected = "an array of node name patterns, like [\"gpu-*\"]";
    if let Some(patterns) = t.string_list(ctx, "nodes", expected) {
        for pattern in patterns {
            if is_valid_pattern(&pattern.value) {
                p.nodes.name_patterns.push(pattern.value);
            } else {
                let value = quote(&pattern.value);
                let reason = "is not a node name pattern";
                t.bad_value(
                    ctx,
                    "nodes",
                    pattern.span.as_ref(),
                    &value,
                    reason,
                    PATTERN_FORMS,
                );
            }
        }
    }
    if let Some(labels) = t.subtable(ctx, "node_labels") {
        p.nodes.labels = labels.string_map(ctx);
    }
    if !t.has("nodes") && !t.has("node_labels") {
        let purpose = "the nodes that belong to it: `nodes = [\"gpu-*\"]` (name patterns, `[\"*\"]` for all nodes) and/or `node_labels = { rack = \"r1\" }`";
        t.missing(ctx, "nodes", purpose);
    }
}

fn is_valid_pattern(pattern: &str) -> bool {
    !pattern.is_empty()
        && pattern.len() <= 256
        && pattern
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '*' | '?'))
}

fn load_times(ctx: &mut Context<'_>, t: &TableReader<'_>, p: &mut Partition) {
    if let Some(max) = t.limit_duration(ctx, "max_time", 1) {
        p.max_time_secs = max;
    }
    match t.duration(ctx, "default_time", 1) {
        Some(default) => p.default_time_secs = default,
        // Without a default of its own, a partition whose maximum is under the built-in default
        // uses its maximum.
        None => {
            if let Some(max) = p.max_time_secs {
                p.default_time_secs = p.default_time_secs.min(max);
            }
        }
    }
    let Some(max) = p.max_time_secs else { return };
    if p.default_time_secs > max && t.has("default_time") {
        let message = format!(
            "`default_time` ({}) is longer than `max_time` ({}); it must be at most `max_time`",
            format_duration(p.default_time_secs),
            format_duration(max)
        );
        let problem = Problem::Inconsistent {
            table: t.display_name(),
            message,
        };
        ctx.error_at_key(&t.key_path("default_time"), problem);
    }
}
