//! Compatibility modes: exact re-creations of other simulators' set-ups, so that Corral can
//! reproduce their published numbers.

pub mod rlscheduler;
