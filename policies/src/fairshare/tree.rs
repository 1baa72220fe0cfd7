//! The share tree Fair Tree walks: accounts with their shares under `root`, and user
//! associations (a user within an account) with theirs. Built from a `Policy`, plus the unlisted
//! users that are active, since every user association counts in the ranking.

use crate::config::{Policy, ROOT_ACCOUNT};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShareTreeError {
    #[error("account `{account}` is not in the share tree (known: {})", .known.join(", "))]
    UnknownAccount { account: String, known: Vec<String> },
    #[error("account `{account}` is already in the share tree")]
    DuplicateAccount { account: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AccountEntry {
    /// `None` only for root.
    pub parent: Option<String>,
    pub shares: u32,
    /// user → shares within this account.
    pub users: BTreeMap<String, u32>,
}

/// Accounts (root included) and user associations with their raw shares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareTree {
    pub(crate) accounts: BTreeMap<String, AccountEntry>,
}

impl Default for ShareTree {
    fn default() -> Self {
        Self::new()
    }
}

impl ShareTree {
    /// A tree holding only `root`.
    pub fn new() -> Self {
        let root = AccountEntry {
            parent: None,
            shares: 1,
            users: BTreeMap::new(),
        };
        ShareTree {
            accounts: BTreeMap::from([(ROOT_ACCOUNT.to_owned(), root)]),
        }
    }

    /// The policy's accounts and its listed users, each in their account and additional
    /// accounts. Accounts that do not lead up to root (impossible in a validated policy) are
    /// left out.
    pub fn from_policy(policy: &Policy) -> Self {
        let mut tree = ShareTree::new();
        // Parents before children: add whatever has its parent in place, until nothing moves.
        let mut pending: Vec<_> = policy.accounts.values().collect();
        loop {
            let before = pending.len();
            pending.retain(|a| tree.add_account(&a.name, &a.parent, a.shares).is_err());
            if pending.len() == before {
                break;
            }
        }
        for user in policy.users.values() {
            let accounts = std::iter::once(&user.account).chain(&user.additional_accounts);
            for account in accounts {
                // A validated policy names only defined accounts.
                let _ = tree.add_user(account, &user.name, user.shares);
            }
        }
        tree
    }

    /// Adds each user that `[users]` does not list to `[user_defaults] account` with
    /// `[user_defaults] shares` (when unlisted users are allowed at all). Pass the users that
    /// have jobs or usage: every user association counts in the ranking.
    pub fn add_unlisted_users<'a, I>(&mut self, policy: &Policy, users: I)
    where
        I: IntoIterator<Item = &'a str>,
    {
        if !policy.user_defaults.allow_unlisted {
            return;
        }
        for user in users.into_iter().filter(|u| !policy.users.contains_key(*u)) {
            let _ = self.add_user(
                &policy.user_defaults.account,
                user,
                policy.user_defaults.shares,
            );
        }
    }

    pub fn add_account(
        &mut self,
        name: &str,
        parent: &str,
        shares: u32,
    ) -> Result<(), ShareTreeError> {
        if self.accounts.contains_key(name) {
            return Err(ShareTreeError::DuplicateAccount {
                account: name.to_owned(),
            });
        }
        self.require_account(parent)?;
        let entry = AccountEntry {
            parent: Some(parent.to_owned()),
            shares,
            users: BTreeMap::new(),
        };
        self.accounts.insert(name.to_owned(), entry);
        Ok(())
    }

    /// Adds `user` to `account`; returns false (changing nothing) if it is there already.
    pub fn add_user(
        &mut self,
        account: &str,
        user: &str,
        shares: u32,
    ) -> Result<bool, ShareTreeError> {
        self.require_account(account)?;
        let Some(entry) = self.accounts.get_mut(account) else {
            return Ok(false);
        };
        if entry.users.contains_key(user) {
            return Ok(false);
        }
        entry.users.insert(user.to_owned(), shares);
        Ok(true)
    }

    /// The number of user associations: N in Fair Tree's `rank / N`.
    pub fn user_count(&self) -> usize {
        self.accounts.values().map(|a| a.users.len()).sum()
    }

    fn require_account(&self, account: &str) -> Result<(), ShareTreeError> {
        if self.accounts.contains_key(account) {
            Ok(())
        } else {
            Err(ShareTreeError::UnknownAccount {
                account: account.to_owned(),
                known: self.accounts.keys().cloned().collect(),
            })
        }
    }

    /// Child accounts of every account, in name order.
    pub(crate) fn child_accounts(&self) -> BTreeMap<&str, Vec<&str>> {
        let mut children: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (name, entry) in &self.accounts {
            if let Some(parent) = &entry.parent {
                children
                    .entry(parent.as_str())
                    .or_default()
                    .push(name.as_str());
            }
        }
        children
    }
}
