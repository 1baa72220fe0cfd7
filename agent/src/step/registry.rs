//! `StepRegistry`: the process groups of the step tasks running on this node, by job. Kills them
//! when their step's call is dropped (`TaskGroupGuard`) or their job is no longer assigned here,
//! delivers the signals sent to their job (`deliver_signals`), and knows each job's memory on
//! this node (`over_memory`: the step service kills a job's tasks that pass it).

use crate::process_group::{group_rss_mib, signal_group};
use corral_model::{SignalRequest, SignalTarget};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
pub struct StepRegistry {
    inner: Arc<Mutex<Registry>>,
}

#[derive(Default)]
struct Registry {
    groups: BTreeMap<u64, BTreeSet<i32>>,
    /// Per assigned job, the `seq` of the last signal request handled on this node.
    signals_delivered: BTreeMap<u64, u32>,
    /// Per assigned job, its memory on this node in MiB (jobs that asked for none are absent).
    mem_limits_mib: BTreeMap<u64, u64>,
}

impl StepRegistry {
    pub fn add(&self, job: u64, pgid: i32) {
        self.lock().groups.entry(job).or_default().insert(pgid);
    }

    pub fn remove(&self, job: u64, pgid: i32) {
        let groups = &mut self.lock().groups;
        if let Some(set) = groups.get_mut(&job) {
            set.remove(&pgid);
            if set.is_empty() {
                groups.remove(&job);
            }
        }
    }

    /// Kills the tasks of every job not in `assigned`.
    pub fn kill_unassigned(&self, assigned: &BTreeSet<u64>) {
        let mut registry = self.lock();
        registry
            .signals_delivered
            .retain(|job, _| assigned.contains(job));
        let groups = &mut registry.groups;
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

    /// Sends `job`'s signal requests for its steps (`SignalTarget::All` and `Steps`) that this
    /// node has not handled yet to the job's task groups here, in order, each once.
    pub fn deliver_signals(&self, job: u64, signals: &[SignalRequest]) {
        let Some(last) = signals.last().map(|s| s.seq) else {
            return;
        };
        let mut registry = self.lock();
        let delivered = registry.signals_delivered.get(&job).copied().unwrap_or(0);
        if last <= delivered {
            return;
        }
        let groups = registry.groups.get(&job).cloned().unwrap_or_default();
        for request in signals.iter().filter(|s| s.seq > delivered) {
            if matches!(request.target, SignalTarget::All | SignalTarget::Steps) {
                for &pgid in &groups {
                    signal_group(pgid, request.signal);
                }
            }
        }
        registry.signals_delivered.insert(job, last);
    }

    /// The memory of every job assigned here, in MiB (0 = none asked for: no limit).
    pub fn set_memory_limits(&self, limits: impl IntoIterator<Item = (u64, u64)>) {
        self.lock().mem_limits_mib = limits.into_iter().filter(|(_, mib)| *mib > 0).collect();
    }

    /// `(used, limit)` in MiB when `job`'s task groups here hold more resident memory than its
    /// limit on this node.
    pub fn over_memory(&self, job: u64) -> Option<(u64, u64)> {
        let (limit, groups) = {
            let registry = self.lock();
            let limit = *registry.mem_limits_mib.get(&job)?;
            (
                limit,
                registry.groups.get(&job).cloned().unwrap_or_default(),
            )
        };
        let used: u64 = groups.iter().map(|&pgid| group_rss_mib(pgid)).sum();
        (used > limit).then_some((used, limit))
    }

    pub fn jobs(&self) -> Vec<u64> {
        self.lock().groups.keys().copied().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Registry> {
        // A panic while holding this lock leaves plain data behind; keep using it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
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
