//! Corral's pure decision core: the admin policy file (`config`), admission of submits,
//! Fair Tree fair-share, multifactor priority, and the scheduling pass `schedule::schedule`.
//! No I/O, no clock, no logging: the same inputs always give the same answers.

pub mod admission;
pub mod config;
pub mod fairshare;
pub mod priority;
pub mod schedule;

pub use config::{parse_policy, Policy, PolicyError, PolicyErrors};
pub use fairshare::{fair_tree, FairShareReport, ShareTree, UsageLedger, UsageSnapshot};
pub use priority::{job_priority, Prioritizer, PriorityBreakdown, PriorityInputs};
