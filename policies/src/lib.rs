//! placeholder

pub mod config;
pub mod fairshare;
pub mod priority;
pub mod schedule;

pub use config::{parse_policy, Policy, PolicyError, PolicyErrors};
pub use fairshare::{fair_tree, FairShareReport, ShareTree, UsageLedger, UsageSnapshot};
pub use priority::{job_priority, Prioritizer, PriorityBreakdown, PriorityInputs};
