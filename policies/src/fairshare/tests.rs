//! Fair Tree against the Slurm documentation's rules and a published `sshare` output, plus the
//! usage ledger's decay.

use super::*;
use crate::config::{parse_policy, BillingConfig, Policy};

/// Builds a tree from `(account, parent, shares)` and `(account, user, shares)`.
fn tree(accounts: &[(&str, &str, u32)], users: &[(&str, &str, u32)]) -> ShareTree {
    let mut t = ShareTree::new();
    for (name, parent, shares) in accounts {
        t.add_account(name, parent, *shares)
            .expect("parent added first");
    }
    for (account, user, shares) in users {
        assert_eq!(t.add_user(account, user, *shares), Ok(true));
    }
    t
}

fn usage(entries: &[(&str, &str, f64)]) -> UsageSnapshot {
    let mut u = UsageSnapshot::new(0);
    for (account, user, value) in entries {
        u.set(account, user, *value);
    }
    u
}

fn factor(report: &FairShareReport, account: &str, user: &str) -> f64 {
    report.factor(account, user).expect("association ranked")
}

fn row<'r>(report: &'r FairShareReport, account: &str, name: &str) -> &'r FairShareRow {
    report
        .rows()
        .iter()
        .find(|r| r.account == account && r.name == name)
        .expect("row present")
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance
}

/// fair_tree.html, "Overview for End Users": with root => Acct1 => Acct12 => UserA and
/// root => Acct1 => Acct16 => UserB, UserB has the higher FairShare exactly when Acct16 has the
/// higher Level FS; the highest-ranked user gets 1.0 and FairShare = rank / user count.
#[test]
fn slurm_doc_user_a_and_user_b() {
    let t = tree(
        &[
            ("Acct1", "root", 1),
            ("Acct12", "Acct1", 1),
            ("Acct16", "Acct1", 1),
        ],
        &[("Acct12", "UserA", 1), ("Acct16", "UserB", 1)],
    );
    // Acct12 used 3/4 of Acct1's usage: LF(Acct12) = 0.5 / 0.75, LF(Acct16) = 0.5 / 0.25.
    let r = fair_tree(
        &t,
        &usage(&[("Acct12", "UserA", 300.0), ("Acct16", "UserB", 100.0)]),
    );
    assert!(close(
        row(&r, "Acct12", "Acct12").level_fairshare.unwrap_or(0.0),
        2.0 / 3.0,
        1e-12
    ));
    assert_eq!(row(&r, "Acct16", "Acct16").level_fairshare, Some(2.0));
    assert_eq!(factor(&r, "Acct16", "UserB"), 1.0);
    assert_eq!(factor(&r, "Acct12", "UserA"), 0.5);
    // Swap the usage and the order swaps with it.
    let r = fair_tree(
        &t,
        &usage(&[("Acct12", "UserA", 100.0), ("Acct16", "UserB", 300.0)]),
    );
    assert_eq!(
        (factor(&r, "Acct12", "UserA"), factor(&r, "Acct16", "UserB")),
        (1.0, 0.5)
    );
}

/// A published `sshare -l` of a production Fair Tree cluster (EPFL SCITAS user documentation,
/// account `scitas-ge`): 23 users with 1 share each (Norm Shares 0.043478), three with usage
/// 344, 351 and 681. Effectv Usage 0.250000 / 0.255072 / 0.494928 and Level FS
/// 0.173913 / 0.170455 / 0.087848; the users without usage have Level FS inf and tie above
/// them; the three get consecutive ranks (FairShare 0.253333, 0.250000, 0.246667 there: steps
/// of 1/N for that cluster's N = 300). Raw usage is printed rounded, hence the 1e-4 tolerance.
#[test]
fn published_sshare_output_is_reproduced() {
    let mut users: Vec<(&str, &str, u32)> = vec![
        ("ge", "eroche", 1),
        ("ge", "qubit", 1),
        ("ge", "rezzonic", 1),
    ];
    let idle: Vec<String> = (0..20).map(|i| format!("idle{i:02}")).collect();
    users.extend(idle.iter().map(|u| ("ge", u.as_str(), 1)));
    let t = tree(&[("ge", "root", 1)], &users);
    let u = usage(&[
        ("ge", "eroche", 344.0),
        ("ge", "qubit", 351.0),
        ("ge", "rezzonic", 681.0),
    ]);
    let r = fair_tree(&t, &u);
    assert_eq!(row(&r, "ge", "ge").raw_usage, 1376.0);
    for (user, effective, level) in [
        ("eroche", 0.250000, 0.173913),
        ("qubit", 0.255072, 0.170455),
        ("rezzonic", 0.494928, 0.087848),
    ] {
        let row = row(&r, "ge", user);
        assert!(
            close(row.norm_shares, 0.043478, 1e-6),
            "{user} S = {}",
            row.norm_shares
        );
        assert!(
            close(row.effective_usage, effective, 1e-4),
            "{user} U = {}",
            row.effective_usage
        );
        let lf = row.level_fairshare.expect("user rows have LF");
        assert!(close(lf, level, 1e-4), "{user} LF = {lf}");
    }
    assert_eq!(row(&r, "ge", "idle07").level_fairshare, Some(f64::INFINITY));
    // Here N = 23: the 20 idle users tie at rank 23, the others follow at 3, 2, 1.
    assert_eq!(factor(&r, "ge", "idle00"), 1.0);
    assert_eq!(factor(&r, "ge", "idle19"), 1.0);
    assert_eq!(factor(&r, "ge", "eroche"), 3.0 / 23.0);
    assert_eq!(factor(&r, "ge", "qubit"), 2.0 / 23.0);
    assert_eq!(factor(&r, "ge", "rezzonic"), 1.0 / 23.0);
}

/// fair_tree.html, "Introduction": if sibling A has a higher fair-share than B, all children of
/// A rank above all children of B, however the users inside compare with each other.
#[test]
fn every_user_of_a_better_account_ranks_above_every_user_of_a_worse_one() {
    let t = tree(
        &[("a", "root", 1), ("b", "root", 1)],
        &[
            ("a", "heavy", 1),
            ("a", "light", 1),
            ("b", "idle", 1),
            ("b", "busy", 1),
        ],
    );
    // a used 40% of the cluster (LF 1.25), b 60% (LF 0.83); inside a, `heavy` used nearly all
    // of it, while `idle` in b used nothing at all.
    let r = fair_tree(
        &t,
        &usage(&[
            ("a", "heavy", 39.0),
            ("a", "light", 1.0),
            ("b", "busy", 60.0),
        ]),
    );
    let a_worst = factor(&r, "a", "heavy").min(factor(&r, "a", "light"));
    let b_best = factor(&r, "b", "idle").max(factor(&r, "b", "busy"));
    assert!(a_worst > b_best, "{a_worst} vs {b_best}");
    assert_eq!(
        [
            factor(&r, "a", "light"),
            factor(&r, "a", "heavy"),
            factor(&r, "b", "idle"),
            factor(&r, "b", "busy")
        ],
        [1.0, 0.75, 0.5, 0.25]
    );
}

/// fair_tree.html, "Ties": sibling users with the same Level Fairshare receive the same rank;
/// the next user's rank counts every user before it (ranks 3, 3, 1 of 3).
#[test]
fn tied_users_share_a_rank() {
    let t = tree(
        &[],
        &[("root", "u1", 1), ("root", "u2", 1), ("root", "u3", 1)],
    );
    let r = fair_tree(&t, &usage(&[("root", "u3", 5.0)]));
    assert_eq!(factor(&r, "root", "u1"), 1.0);
    assert_eq!(factor(&r, "root", "u2"), 1.0);
    assert_eq!(factor(&r, "root", "u3"), 1.0 / 3.0);
}

/// fair_tree.html, "Ties": a user with the same Level Fairshare as a sibling account receives
/// the same rank as that account's highest-ranked user.
#[test]
fn user_tied_with_an_account_shares_its_best_rank() {
    let t = tree(
        &[("a", "root", 1)],
        &[("root", "u", 1), ("a", "a1", 1), ("a", "a2", 1)],
    );
    // LF(u) = 0.5 / 0.5 = LF(a). Inside a: a2 has no usage (LF ∞), a1 all of it (LF 0.5).
    let r = fair_tree(&t, &usage(&[("root", "u", 10.0), ("a", "a1", 10.0)]));
    assert_eq!(
        row(&r, "root", "u").level_fairshare,
        row(&r, "a", "a").level_fairshare
    );
    assert_eq!(factor(&r, "root", "u"), 1.0);
    assert_eq!(factor(&r, "a", "a2"), 1.0, "tied with u");
    assert_eq!(factor(&r, "a", "a1"), 1.0 / 3.0);
}

/// fair_tree.html, "Ties": sibling accounts with the same Level Fairshare have their children
/// lists merged before descending, so their users interleave by their own LF.
#[test]
fn tied_accounts_merge_their_children() {
    let t = tree(
        &[("a", "root", 2), ("b", "root", 1)],
        &[
            ("a", "a1", 1),
            ("a", "a2", 1),
            ("b", "b1", 1),
            ("b", "b2", 1),
        ],
    );
    // LF(a) = (2/3) / (40/60) = 1 = (1/3) / (20/60) = LF(b). Within their accounts:
    // b2 ∞ (no usage), a1 0.5/0.25 = 2, a2 0.5/0.75 = 0.67, b1 0.5/1 = 0.5.
    let u = usage(&[("a", "a1", 10.0), ("a", "a2", 30.0), ("b", "b1", 20.0)]);
    let r = fair_tree(&t, &u);
    assert_eq!(row(&r, "a", "a").level_fairshare, Some(1.0));
    assert_eq!(row(&r, "b", "b").level_fairshare, Some(1.0));
    assert_eq!(
        [
            factor(&r, "b", "b2"),
            factor(&r, "a", "a1"),
            factor(&r, "a", "a2"),
            factor(&r, "b", "b1")
        ],
        [1.0, 0.75, 0.5, 0.25]
    );
}

#[test]
fn without_any_usage_everyone_ties_at_one() {
    let t = tree(
        &[("a", "root", 3), ("b", "a", 1)],
        &[("a", "x", 1), ("b", "y", 5), ("root", "z", 1)],
    );
    let r = fair_tree(&t, &UsageSnapshot::new(0));
    for (account, user) in [("a", "x"), ("b", "y"), ("root", "z")] {
        assert_eq!(factor(&r, account, user), 1.0, "{account}/{user}");
    }
    assert_eq!(r.rows()[0].effective_usage, 0.0);
}

#[test]
fn users_with_zero_shares_rank_last_even_without_usage() {
    let t = tree(
        &[],
        &[
            ("root", "guest", 0),
            ("root", "member", 1),
            ("root", "other", 1),
        ],
    );
    let r = fair_tree(
        &t,
        &usage(&[("root", "member", 100.0), ("root", "other", 1.0)]),
    );
    assert_eq!(row(&r, "root", "guest").norm_shares, 0.0);
    assert_eq!(row(&r, "root", "guest").level_fairshare, Some(0.0));
    assert_eq!(
        [
            factor(&r, "root", "other"),
            factor(&r, "root", "member"),
            factor(&r, "root", "guest")
        ],
        [1.0, 2.0 / 3.0, 1.0 / 3.0]
    );
    // When every sibling has zero shares, they all tie.
    let t = tree(&[], &[("root", "p", 0), ("root", "q", 0)]);
    let r = fair_tree(&t, &usage(&[("root", "p", 5.0)]));
    assert_eq!(
        (factor(&r, "root", "p"), factor(&r, "root", "q")),
        (1.0, 1.0)
    );
}

#[test]
fn tree_view_lists_every_association_in_walk_order() {
    let t = tree(
        &[("a", "root", 1), ("b", "root", 1)],
        &[("a", "x", 1), ("b", "y", 1)],
    );
    let r = fair_tree(&t, &usage(&[("a", "x", 30.0), ("b", "y", 10.0)]));
    let view: Vec<(usize, &str, RowKind)> = r
        .rows()
        .iter()
        .map(|row| (row.depth, row.name.as_str(), row.kind))
        .collect();
    assert_eq!(
        view,
        [
            (0, "root", RowKind::Account),
            (1, "b", RowKind::Account),
            (2, "y", RowKind::User),
            (1, "a", RowKind::Account),
            (2, "x", RowKind::User),
        ]
    );
    let root = &r.rows()[0];
    assert_eq!(
        (root.raw_usage, root.level_fairshare, root.factor),
        (40.0, None, None)
    );
    let b = row(&r, "b", "b");
    assert_eq!(
        (b.norm_shares, b.effective_usage, b.level_fairshare),
        (0.5, 0.25, Some(2.0))
    );
    assert_eq!(row(&r, "b", "y").factor, Some(1.0));
    assert_eq!(r.user_count(), 2);
    assert_eq!(r.factor_map().len(), 2);
}

#[test]
fn result_does_not_depend_on_insertion_order() {
    let forward = tree(
        &[("a", "root", 1), ("b", "root", 1)],
        &[("a", "p", 1), ("a", "q", 1), ("b", "r", 1)],
    );
    let backward = tree(
        &[("b", "root", 1), ("a", "root", 1)],
        &[("b", "r", 1), ("a", "q", 1), ("a", "p", 1)],
    );
    let u = usage(&[("a", "p", 1.0), ("a", "q", 1.0), ("b", "r", 2.0)]);
    assert_eq!(fair_tree(&forward, &u), fair_tree(&backward, &u));
}

#[test]
fn share_tree_from_the_example_policy() {
    let text = include_str!("../../../examples/policy.toml");
    let policy = parse_policy("policy.toml", text).expect("valid example");
    let mut t = ShareTree::from_policy(&policy);
    // alice charges vision and nlp: two associations; bob and carol one each.
    assert_eq!(t.user_count(), 4);
    t.add_unlisted_users(&policy, ["dave", "alice"]);
    assert_eq!(
        t.user_count(),
        5,
        "dave joins research; alice is listed already"
    );
    let r = fair_tree(
        &t,
        &usage(&[("vision", "alice", 50.0), ("prod", "carol", 10.0)]),
    );
    // prod: 30 shares of 100 but 1/6 of the usage; research 70 shares, 5/6 of the usage.
    assert_eq!(factor(&r, "prod", "carol"), 1.0);
    assert!(factor(&r, "research", "dave") < 1.0);
    assert!(r.factor("research", "alice").is_none());
}

#[test]
fn share_tree_refuses_unknown_and_duplicate_accounts() {
    let mut t = ShareTree::new();
    assert_eq!(
        t.add_account("x", "nowhere", 1).map_err(|e| e.to_string()),
        Err("account `nowhere` is not in the share tree (known: root)".to_owned())
    );
    assert_eq!(t.add_account("x", "root", 1), Ok(()));
    assert!(t.add_account("x", "root", 1).is_err());
    assert_eq!(t.add_user("x", "u", 1), Ok(true));
    assert_eq!(t.add_user("x", "u", 9), Ok(false));
    assert!(t.add_user("y", "u", 1).is_err());
}

#[test]
fn unlisted_users_are_not_added_when_refused() {
    let policy =
        parse_policy("p.toml", "[user_defaults]\nallow_unlisted = false\n").expect("valid");
    let mut t = ShareTree::from_policy(&policy);
    t.add_unlisted_users(&policy, ["eve"]);
    assert_eq!(t.user_count(), 0);
}

const DAY: u64 = 86_400;

#[test]
fn usage_halves_every_half_life() {
    let mut ledger = UsageLedger::new(Some(DAY));
    ledger.record_billed("a", "u", 1000.0, 10 * DAY);
    assert_eq!(ledger.decayed_usage(10 * DAY).get("a", "u"), 1000.0);
    assert!(close(
        ledger.decayed_usage(11 * DAY).get("a", "u"),
        500.0,
        1e-9
    ));
    assert!(close(
        ledger.decayed_usage(13 * DAY).get("a", "u"),
        125.0,
        1e-9
    ));
    assert_eq!(ledger.decayed_usage(13 * DAY).get("a", "nobody"), 0.0);
}

#[test]
fn incremental_ledger_matches_the_direct_formula() {
    // Records far apart in time force rebases (more than 64 half-lives), some arrive late.
    let half_life = 3_600;
    let records: Vec<(u64, f64)> = vec![
        (0, 10.0),
        (1_800, 20.0),
        (100 * 3_600, 5.0),
        (99 * 3_600, 7.0),
        (300 * 3_600 + 17, 1.0),
        (300 * 3_600, 3.0),
    ];
    let mut ledger = UsageLedger::new(Some(half_life));
    for (at, amount) in &records {
        ledger.record_billed("a", "u", *amount, *at);
    }
    let now = 301 * 3_600;
    let expected: f64 = records
        .iter()
        .map(|(at, amount)| amount * (-((now - at) as f64) / half_life as f64).exp2())
        .sum();
    let got = ledger.decayed_usage(now).get("a", "u");
    assert!(
        close(got, expected, expected * 1e-12),
        "{got} vs {expected}"
    );
}

#[test]
fn ledger_bills_by_gpu_model_and_ignores_bad_amounts() {
    let policy: Policy = parse_policy(
        "p.toml",
        "[billing]\ndefault_gpu_weight = 0.5\n[billing.gpu_weights]\nh100 = 2\n",
    )
    .expect("valid");
    let billing: &BillingConfig = &policy.billing;
    let mut ledger = UsageLedger::new(None);
    let charge = |model, gpu_secs| Charge {
        account: "a",
        user: "u",
        gpu_model: model,
        gpu_secs,
        at_secs: 5,
    };
    ledger.record(billing, &charge("NVIDIA H100 80GB HBM3", 100));
    ledger.record(billing, &charge("Tesla T4", 100));
    ledger.record_billed("a", "u", f64::NAN, 5);
    ledger.record_billed("a", "u", -3.0, 5);
    assert_eq!(
        ledger.decayed_usage(1_000_000).get("a", "u"),
        250.0,
        "no decay without a half-life"
    );
}

#[test]
fn changing_the_half_life_keeps_past_decay() {
    let mut ledger = UsageLedger::new(Some(DAY));
    ledger.record_billed("a", "u", 800.0, 0);
    ledger.set_half_life(Some(2 * DAY), DAY);
    assert!(close(ledger.decayed_usage(DAY).get("a", "u"), 400.0, 1e-9));
    assert!(close(
        ledger.decayed_usage(3 * DAY).get("a", "u"),
        200.0,
        1e-9
    ));
    assert_eq!(ledger.half_life_secs(), Some(2 * DAY));
}

#[test]
fn snapshot_clamps_bad_values() {
    let mut s = UsageSnapshot::new(7);
    s.set("a", "u", -5.0);
    s.set("a", "v", f64::INFINITY);
    s.set("b", "w", 2.5);
    let all: Vec<(&str, &str, f64)> = s.iter().collect();
    assert_eq!(all, [("a", "u", 0.0), ("a", "v", 0.0), ("b", "w", 2.5)]);
    assert_eq!(s.at_secs(), 7);
}
