//! What Fair Tree produces: each user association's factor, and the tree with every column
//! `corral share` shows (Slurm's `sshare -l`: raw shares, normalised shares, raw usage,
//! effective usage, level fair-share, fair-share factor).

use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    Account,
    User,
}

/// One association of the tree view, in display order: each account followed by its children,
/// siblings by level fair-share (highest first), users before accounts on ties, then by name.
#[derive(Clone, Debug, PartialEq)]
pub struct FairShareRow {
    /// 0 for root.
    pub depth: usize,
    pub kind: RowKind,
    /// The account's or the user's name.
    pub name: String,
    /// The account itself, or the user's account.
    pub account: String,
    pub raw_shares: u32,
    /// S: shares / shares of itself and its siblings (root: 1).
    pub norm_shares: f64,
    /// Decayed billed GPU-seconds (an account's is its subtree's).
    pub raw_usage: f64,
    /// U: usage / the parent's usage, 0 when the parent has none (root: 1, or 0 without usage).
    pub effective_usage: f64,
    /// LF = S / U; +∞ with no usage, 0 with no shares; `None` for root.
    pub level_fairshare: Option<f64>,
    /// The fair-share factor (users only).
    pub factor: Option<f64>,
}

/// The result of one Fair Tree run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FairShareReport {
    /// account → user → factor.
    pub(crate) factors: BTreeMap<String, BTreeMap<String, f64>>,
    pub(crate) rows: Vec<FairShareRow>,
    pub(crate) user_count: usize,
}

impl FairShareReport {
    /// The fair-share factor (0..=1) of `user` charging `account`; `None` if the tree has no
    /// such association.
    pub fn factor(&self, account: &str, user: &str) -> Option<f64> {
        self.factors
            .get(account)
            .and_then(|users| users.get(user))
            .copied()
    }

    /// Every factor keyed by (account, user).
    pub fn factor_map(&self) -> BTreeMap<(String, String), f64> {
        self.factors
            .iter()
            .flat_map(|(account, users)| {
                users
                    .iter()
                    .map(move |(user, f)| ((account.clone(), user.clone()), *f))
            })
            .collect()
    }

    /// The tree view, root first.
    pub fn rows(&self) -> &[FairShareRow] {
        &self.rows
    }

    /// N: the number of user associations ranked.
    pub fn user_count(&self) -> usize {
        self.user_count
    }
}
