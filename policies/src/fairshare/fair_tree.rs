//! The Fair Tree walk itself: build the association tree with usage, compute each
//! association's level fair-share among its siblings, then rank users depth first.

use super::ledger::UsageSnapshot;
use super::report::{FairShareReport, FairShareRow, RowKind};
use super::tree::ShareTree;
use crate::config::ROOT_ACCOUNT;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// One association in the walk.
struct Node<'t> {
    kind: RowKind,
    name: &'t str,
    /// The account itself, or the user's account.
    account: &'t str,
    raw_shares: u32,
    children: Vec<usize>,
    raw_usage: f64,
    norm_shares: f64,
    effective_usage: f64,
    level_fs: f64,
}

/// Runs Fair Tree over `tree` with `usage` (associations not in the tree are ignored).
pub fn fair_tree(tree: &ShareTree, usage: &UsageSnapshot) -> FairShareReport {
    let mut nodes = Vec::new();
    let child_accounts = tree.child_accounts();
    add_account(&mut nodes, tree, &child_accounts, usage, ROOT_ACCOUNT, 1);
    sum_usage(&mut nodes, 0);
    set_level_fairshare(&mut nodes);

    let user_count = tree.user_count();
    let mut ranking = Ranking {
        rank: user_count,
        rank_no_ties: user_count,
        user_count,
        factors: BTreeMap::new(),
    };
    let top = nodes
        .first()
        .map(|root| root.children.clone())
        .unwrap_or_default();
    rank_siblings(&nodes, top, false, &mut ranking);

    let mut rows = Vec::with_capacity(nodes.len());
    push_rows(&nodes, 0, 0, &ranking.factors, &mut rows);
    FairShareReport {
        factors: ranking.factors,
        rows,
        user_count,
    }
}

/// Adds `account` and, below it, its child accounts (by name) and then its users (by name).
fn add_account<'t>(
    nodes: &mut Vec<Node<'t>>,
    tree: &'t ShareTree,
    child_accounts: &BTreeMap<&'t str, Vec<&'t str>>,
    usage: &UsageSnapshot,
    account: &'t str,
    raw_shares: u32,
) -> usize {
    let index = nodes.len();
    nodes.push(new_node(
        RowKind::Account,
        account,
        account,
        raw_shares,
        0.0,
    ));
    let mut children = Vec::new();
    for child in child_accounts.get(account).into_iter().flatten() {
        let shares = tree.accounts.get(*child).map_or(0, |a| a.shares);
        children.push(add_account(
            nodes,
            tree,
            child_accounts,
            usage,
            child,
            shares,
        ));
    }
    if let Some(entry) = tree.accounts.get(account) {
        for (user, shares) in &entry.users {
            children.push(nodes.len());
            nodes.push(new_node(
                RowKind::User,
                user,
                account,
                *shares,
                usage.get(account, user),
            ));
        }
    }
    nodes[index].children = children;
    index
}

fn new_node<'t>(
    kind: RowKind,
    name: &'t str,
    account: &'t str,
    raw_shares: u32,
    raw_usage: f64,
) -> Node<'t> {
    Node {
        kind,
        name,
        account,
        raw_shares,
        children: Vec::new(),
        raw_usage,
        norm_shares: 0.0,
        effective_usage: 0.0,
        level_fs: 0.0,
    }
}

/// An account's usage is the sum over its subtree.
fn sum_usage(nodes: &mut [Node<'_>], index: usize) -> f64 {
    if nodes[index].kind == RowKind::User {
        return nodes[index].raw_usage;
    }
    let children = nodes[index].children.clone();
    let total = children.into_iter().map(|c| sum_usage(nodes, c)).sum();
    nodes[index].raw_usage = total;
    total
}

/// `S = shares / siblings' shares`, `U = usage / parent's usage`, `LF = S / U` (Fair Tree's
/// "Level Fairshare Calculation"); LF is 0 without shares and +∞ without usage.
fn set_level_fairshare(nodes: &mut [Node<'_>]) {
    for parent in 0..nodes.len() {
        let children = nodes[parent].children.clone();
        let parent_usage = nodes[parent].raw_usage;
        let total_shares: u64 = children
            .iter()
            .map(|c| u64::from(nodes[*c].raw_shares))
            .sum();
        for child in children {
            let node = &mut nodes[child];
            node.norm_shares = if total_shares == 0 {
                0.0
            } else {
                f64::from(node.raw_shares) / total_shares as f64
            };
            node.effective_usage = if parent_usage > 0.0 {
                node.raw_usage / parent_usage
            } else {
                0.0
            };
            node.level_fs = if node.norm_shares == 0.0 {
                0.0
            } else {
                node.norm_shares / node.effective_usage
            };
        }
    }
    if let Some(root) = nodes.first_mut() {
        root.norm_shares = 1.0;
        root.effective_usage = if root.raw_usage > 0.0 { 1.0 } else { 0.0 };
    }
}

/// Highest LF first; on equal LF users before accounts (so a tied account follows the user it
/// ties with); then by name, then account, so the order never depends on insertion.
fn sibling_order(a: &Node<'_>, b: &Node<'_>) -> Ordering {
    let kind_rank = |n: &Node<'_>| u8::from(n.kind == RowKind::Account);
    b.level_fs
        .total_cmp(&a.level_fs)
        .then(kind_rank(a).cmp(&kind_rank(b)))
        .then(a.name.cmp(b.name))
        .then(a.account.cmp(b.account))
}

struct Ranking {
    /// The rank the next user gets unless it ties with the previous one.
    rank: usize,
    /// The rank the next user would get if there were no ties.
    rank_no_ties: usize,
    user_count: usize,
    factors: BTreeMap<String, BTreeMap<String, f64>>,
}

/// Visits `siblings` in LF order: a user takes the next rank (or the previous one on a tie); an
/// account is merged with the accounts it ties with and their children are visited in turn.
/// `account_tied`: this level's parent tied with the sibling before it, so its first member
/// shares that sibling's rank.
fn rank_siblings(
    nodes: &[Node<'_>],
    mut siblings: Vec<usize>,
    account_tied: bool,
    r: &mut Ranking,
) {
    siblings.sort_by(|a, b| sibling_order(&nodes[*a], &nodes[*b]));
    let mut previous_lf: Option<f64> = None;
    let mut i = 0;
    while i < siblings.len() {
        let node = &nodes[siblings[i]];
        let tied = (i == 0 && account_tied) || previous_lf == Some(node.level_fs);
        match node.kind {
            RowKind::User => {
                if !tied {
                    r.rank = r.rank_no_ties;
                }
                let factor = if r.user_count == 0 {
                    0.0
                } else {
                    r.rank as f64 / r.user_count as f64
                };
                r.factors
                    .entry(node.account.to_owned())
                    .or_default()
                    .insert(node.name.to_owned(), factor);
                r.rank_no_ties = r.rank_no_ties.saturating_sub(1);
            }
            RowKind::Account => {
                let tied_end = siblings[i..]
                    .iter()
                    .position(|s| {
                        nodes[*s].kind != RowKind::Account || nodes[*s].level_fs != node.level_fs
                    })
                    .map_or(siblings.len(), |offset| i + offset);
                let merged: Vec<usize> = siblings[i..tied_end]
                    .iter()
                    .flat_map(|s| nodes[*s].children.iter().copied())
                    .collect();
                rank_siblings(nodes, merged, tied, r);
                i = tied_end - 1;
            }
        }
        previous_lf = Some(node.level_fs);
        i += 1;
    }
}

/// The tree view: `index` then its children in sibling order, depth first.
fn push_rows(
    nodes: &[Node<'_>],
    index: usize,
    depth: usize,
    factors: &BTreeMap<String, BTreeMap<String, f64>>,
    rows: &mut Vec<FairShareRow>,
) {
    let node = &nodes[index];
    let factor = match node.kind {
        RowKind::User => factors
            .get(node.account)
            .and_then(|u| u.get(node.name))
            .copied(),
        RowKind::Account => None,
    };
    rows.push(FairShareRow {
        depth,
        kind: node.kind,
        name: node.name.to_owned(),
        account: node.account.to_owned(),
        raw_shares: node.raw_shares,
        norm_shares: node.norm_shares,
        raw_usage: node.raw_usage,
        effective_usage: node.effective_usage,
        level_fairshare: (index != 0).then_some(node.level_fs),
        factor,
    });
    let mut children = node.children.clone();
    children.sort_by(|a, b| sibling_order(&nodes[*a], &nodes[*b]));
    for child in children {
        push_rows(nodes, child, depth + 1, factors, rows);
    }
}
