//! `StepRegistry`: the process groups of the step tasks running on this node, by job. Kills them
//! when their step's call is dropped (`TaskGroupGuard`) or their job is no longer assigned here.

use crate::process_group::signal_group;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
pub struct StepRegistry {
    groups: Arc<Mutex<BTreeMap<u64, BTreeSet<i32>>>>,
}

impl StepRegistry {
    pub fn add(&self, job: u64, pgid: i32) {
        self.lock().entry(job).or_default().insert(pgid);
    }

    pub fn remove(&self, job: u64, pgid: i32) {
        let mut groups = self.lock();
        if let Some(set) = groups.get_mut(&job) {
            set.remove(&pgid);
            if set.is_empty() {
                groups.remove(&job);
            }
        }
    }

    /// Kills the tasks of every job not in `assigned`.
    pub fn kill_unassigned(&self, assigned: &BTreeSet<u64>) {
        let mut groups = self.lock();
        let gone: Vec<u64> = groups
            .keys()
            .filter(|j| !assigned.contains(j))
            .copied()
            .collect();
        for job in gone {
            for pgid in groups.remove(&job).unwrap_or_default() {
                signal_group(pgid, libc::SIGKILL);
            }
        }
    }

    pub fn jobs(&self) -> Vec<u64> {
        self.lock().keys().copied().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, BTreeSet<i32>>> {
        // A panic while holding this lock leaves plain data behind; keep using it.
        self.groups.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Kills the groups it holds when dropped: a step call that is abandoned (its `srun` died or
/// gave up after another task failed) ends its tasks.
pub struct TaskGroupGuard {
    pub registry: StepRegistry,
    pub job: u64,
    pub pgids: Vec<i32>,
}

impl Drop for TaskGroupGuard {
    fn drop(&mut self) {
        for &pgid in &self.pgids {
            signal_group(pgid, libc::SIGKILL);
            self.registry.remove(self.job, pgid);
        }
    }
}
