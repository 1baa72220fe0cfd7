//! Fair-share by Slurm's **Fair Tree** algorithm (https://slurm.schedmd.com/fair_tree.html; the
//! reference semantics, not Slurm's classic algorithm):
//!
//! - Usage is GPU-seconds times the billing weight of the GPU model, decayed with the policy's
//!   half-life (`UsageLedger`).
//! - Every association (account, or user within an account) gets a Level Fairshare
//!   `LF = S / U` among its siblings only: `S` = its shares / its and its siblings' shares,
//!   `U` = its usage / its parent's usage. No usage gives `LF = ∞`; no shares gives `LF = 0`.
//! - Siblings are sorted by LF, highest first, and the tree is walked depth first; users are
//!   ranked in the order they are met, from N (the number of user associations) down, and a
//!   user's fair-share factor is `rank / N` (1.0 for the most under-served user).
//! - Ties (from the same document): sibling users with equal LF get the same rank; a user tied
//!   with a sibling account gets the same rank as that account's highest-ranked user; sibling
//!   accounts with equal LF have their children merged before the walk descends.
//!
//! Consequence: if account A has a higher LF than its sibling B, every user under A ranks above
//! every user under B, at every level of the tree.

mod fair_tree;
mod ledger;
mod replicated;
mod report;
mod tree;

pub use fair_tree::fair_tree;
pub use ledger::{Charge, UsageLedger, UsageSnapshot};
pub use replicated::{replicated_report, replicated_usage};
pub use report::{FairShareReport, FairShareRow, RowKind};
pub use tree::{ShareTree, ShareTreeError};

#[cfg(test)]
mod tests;
