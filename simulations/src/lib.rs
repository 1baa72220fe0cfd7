//! Corral's workload simulator: trace readers and replay modes.

pub mod compat;
pub mod trace;
