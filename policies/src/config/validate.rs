//! Checks across tables, once every table is read: names refer to defined things, the account
//! tree is a tree, QoS preemption has no cycles, exactly one default partition and QoS, default
//! QoS are allowed where they are defaults. Also settles the implicit defaults (a lone
//! partition or QoS is the default).

use super::context::{Context, RefKind, Reference};
use super::errors::Problem;
use super::schema::{Policy, ROOT_ACCOUNT};
use super::suggest::nearest;
use std::collections::{BTreeMap, BTreeSet};

pub fn validate(ctx: &mut Context<'_>, mut policy: Policy) -> Policy {
    check_references(ctx, &policy);
    check_account_cycles(ctx, &policy);
    check_preempt_cycles(ctx, &policy);
    settle_default_partition(ctx, &mut policy);
    settle_default_qos(ctx, &mut policy);
    check_default_qos_allowed(ctx, &policy);
    policy
}

fn defined_names(policy: &Policy, kind: RefKind) -> Vec<String> {
    match kind {
        RefKind::Qos => policy.qos.keys().cloned().collect(),
        RefKind::Account => std::iter::once(ROOT_ACCOUNT.to_owned())
            .chain(policy.accounts.keys().cloned())
            .collect(),
    }
}

fn check_references(ctx: &mut Context<'_>, policy: &Policy) {
    let references: Vec<Reference> = ctx.take_references();
    for r in references {
        let defined = defined_names(policy, r.kind);
        if defined.contains(&r.name) {
            continue;
        }
        let problem = Problem::UnknownName {
            key: r.key.clone(),
            table: r.table.clone(),
            kind: r.kind.noun().to_owned(),
            name: r.name.clone(),
            suggestion: nearest(&r.name, defined.iter().map(String::as_str)),
            defined,
        };
        ctx.error(r.span.as_ref(), &r.key_path, problem);
    }
}

/// Follows `parent` links from every account; a walk that comes back to an account it has
/// seen is a cycle. Each cycle is reported once, at the `parent` key of its first account by
/// name. Unknown parents end the walk (they are reported as unknown names).
fn check_account_cycles(ctx: &mut Context<'_>, policy: &Policy) {
    let mut reported: BTreeSet<Vec<String>> = BTreeSet::new();
    for start in policy.accounts.keys() {
        let mut path: Vec<&str> = vec![start];
        let mut current = start.as_str();
        while let Some(account) = policy.accounts.get(current) {
            let parent = account.parent.as_str();
            if let Some(pos) = path.iter().position(|a| *a == parent) {
                let cycle = canonical_cycle(&path[pos..]);
                if reported.insert(cycle.clone()) {
                    let key_path = format!("accounts.{}.parent", cycle[0]);
                    let mut shown = cycle.clone();
                    shown.push(cycle[0].clone());
                    ctx.error_at_key(&key_path, Problem::AccountCycle { cycle: shown });
                }
                break;
            }
            path.push(parent);
            current = parent;
        }
    }
}

/// The cycle rotated to start at its smallest name, so each cycle has one spelling.
fn canonical_cycle(cycle: &[&str]) -> Vec<String> {
    let start = cycle
        .iter()
        .enumerate()
        .min_by_key(|(_, name)| **name)
        .map_or(0, |(i, _)| i);
    cycle[start..]
        .iter()
        .chain(&cycle[..start])
        .map(|s| (*s).to_owned())
        .collect()
}

/// Depth-first search over `preempt` edges; a back edge closes a cycle.
fn check_preempt_cycles(ctx: &mut Context<'_>, policy: &Policy) {
    let mut reported: BTreeSet<Vec<String>> = BTreeSet::new();
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for start in policy.qos.keys() {
        let mut stack: Vec<&str> = Vec::new();
        visit_preempt(policy, start, &mut stack, &mut done, &mut |cycle| {
            let cycle = canonical_cycle(cycle);
            if reported.insert(cycle.clone()) {
                let key_path = format!("qos.{}.preempt", cycle[0]);
                let mut shown = cycle.clone();
                shown.push(cycle[0].clone());
                ctx.error_at_key(&key_path, Problem::PreemptCycle { cycle: shown });
            }
        });
    }
}

fn visit_preempt<'p>(
    policy: &'p Policy,
    qos: &'p str,
    stack: &mut Vec<&'p str>,
    done: &mut BTreeSet<&'p str>,
    on_cycle: &mut dyn FnMut(&[&str]),
) {
    if let Some(pos) = stack.iter().position(|q| *q == qos) {
        // A QoS that lists itself is reported by the loader.
        if stack.len() - pos > 1 {
            on_cycle(&stack[pos..]);
        }
        return;
    }
    if done.contains(qos) {
        return;
    }
    let Some(q) = policy.qos.get(qos) else { return };
    stack.push(qos);
    for victim in &q.preempt {
        visit_preempt(policy, victim, stack, done, on_cycle);
    }
    stack.pop();
    done.insert(qos);
}

/// Exactly one default: the one marked `default = true`, or the only one there is.
fn settle_default<T>(
    ctx: &mut Context<'_>,
    section: &str,
    noun: &str,
    plural: &str,
    items: &mut BTreeMap<String, T>,
    is_default: fn(&mut T) -> &mut bool,
) {
    let marked: Vec<String> = items
        .iter_mut()
        .filter_map(|(n, i)| is_default(i).then(|| n.clone()))
        .collect();
    // An empty section whose entries were all refused has been reported already.
    if items.is_empty() && !ctx.has_error_under(section) {
        let message = format!("defines no {noun}; at least one is needed");
        let problem = Problem::Inconsistent {
            table: format!("[{section}]"),
            message,
        };
        ctx.error_at_key(section, problem);
    }
    if items.is_empty() {
        return;
    }
    match marked.as_slice() {
        [] if items.len() == 1 => {
            if let Some(only) = items.values_mut().next() {
                *is_default(only) = true;
            }
        }
        [] => {
            let names: Vec<&str> = items.keys().map(String::as_str).collect();
            let message = format!(
                "{} {plural} and none has `default = true`; mark one of: {}",
                items.len(),
                names.join(", ")
            );
            let problem = Problem::Inconsistent {
                table: format!("[{section}]"),
                message,
            };
            ctx.error_at_key(section, problem);
        }
        [_] => {}
        [first, rest @ ..] => {
            for other in rest {
                let message = format!(
                    "`default = true` here and in [{section}.{first}]; only one {noun} may be the default"
                );
                let problem = Problem::Inconsistent {
                    table: format!("[{section}.{other}]"),
                    message,
                };
                ctx.error_at_key(&format!("{section}.{other}.default"), problem);
            }
        }
    }
}

fn settle_default_partition(ctx: &mut Context<'_>, policy: &mut Policy) {
    settle_default(
        ctx,
        "partitions",
        "partition",
        "partitions",
        &mut policy.partitions,
        |p| &mut p.is_default,
    );
}

fn settle_default_qos(ctx: &mut Context<'_>, policy: &mut Policy) {
    settle_default(ctx, "qos", "QoS", "QoS", &mut policy.qos, |q| {
        &mut q.is_default
    });
}

/// An account's (or user's) `default_qos` must be one its account allows.
fn check_default_qos_allowed(ctx: &mut Context<'_>, policy: &Policy) {
    for account in policy.accounts.values() {
        if let Some(qos) = &account.default_qos {
            check_allowed(
                ctx,
                policy,
                &account.name,
                qos,
                &format!("accounts.{}", account.name),
            );
        }
    }
    for user in policy.users.values() {
        if let Some(qos) = &user.default_qos {
            check_allowed(
                ctx,
                policy,
                &user.account,
                qos,
                &format!("users.{}", user.name),
            );
        }
    }
}

fn check_allowed(ctx: &mut Context<'_>, policy: &Policy, account: &str, qos: &str, table: &str) {
    if !policy.qos.contains_key(qos) || policy.account_allows_qos(account, qos) {
        return;
    }
    let allowed = policy.allowed_qos_of_account(account).unwrap_or_default();
    let message = format!(
        "`default_qos` is `{qos}`, which account `{account}` does not allow (allowed: {})",
        allowed.join(", ")
    );
    let problem = Problem::Inconsistent {
        table: format!("[{table}]"),
        message,
    };
    ctx.error_at_key(&format!("{table}.default_qos"), problem);
}
