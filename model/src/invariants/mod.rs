//! Invariants of `ClusterState`, one file each, written as things that never happen. `apply`
//! checks them all after every command in debug builds; tests call `check_all` directly.

mod active_index;
mod allocation_iff_holding;
mod gang_whole;
mod gpu_single_owner;
mod ids_below_next;
mod node_capacity;

use crate::cluster::ClusterState;

/// Runs every check, returning the first broken invariant's description.
pub fn check_all(state: &ClusterState) -> Result<(), String> {
    ids_below_next::check(state)?;
    active_index::check(state)?;
    allocation_iff_holding::check(state)?;
    gpu_single_owner::check(state)?;
    node_capacity::check(state)?;
    gang_whole::check(state)?;
    Ok(())
}
