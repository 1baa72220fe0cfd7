//! The future events of a replay (job ends, time limits, kills, cancellations), totally ordered
//! by (time, kind, sequence number): the same input pops in the same order on every run.
//! Arrivals are not queued here; the engine walks the sorted job list beside this queue.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// What happens; the declaration order is the order within one second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventKind {
    /// The job's run is over: it finished, or it was killed after a preemption's grace time.
    RunEnds,
    /// The job reached its time limit before finishing: it ends TIMEOUT.
    TimeLimit,
    /// The job's user cancels it.
    Cancel,
}

/// One future event for the job at `job` (index into the engine's job list). `run` is the
/// job's run number when the event was made: an event of an earlier run (before a preemption or
/// requeue) is stale and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Event {
    pub at_secs: u64,
    pub kind: EventKind,
    pub seq: u64,
    pub job: usize,
    pub run: u32,
}

/// A min-queue of events.
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Reverse<Event>>,
    next_seq: u64,
}

impl EventQueue {
    pub fn push(&mut self, at_secs: u64, kind: EventKind, job: usize, run: u32) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Reverse(Event {
            at_secs,
            kind,
            seq,
            job,
            run,
        }));
    }

    pub fn next_time(&self) -> Option<u64> {
        self.heap.peek().map(|Reverse(e)| e.at_secs)
    }

    /// Pops the next event if it happens at `at_secs`.
    pub fn pop_at(&mut self, at_secs: u64) -> Option<Event> {
        match self.heap.peek() {
            Some(Reverse(e)) if e.at_secs == at_secs => self.heap.pop().map(|Reverse(e)| e),
            _ => None,
        }
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_pop_by_time_then_kind_then_sequence() {
        let mut q = EventQueue::default();
        q.push(10, EventKind::Cancel, 0, 0);
        q.push(10, EventKind::RunEnds, 1, 0);
        q.push(5, EventKind::TimeLimit, 2, 0);
        q.push(10, EventKind::RunEnds, 3, 0);
        assert_eq!(q.next_time(), Some(5));
        assert!(q.pop_at(10).is_none());
        let order: Vec<usize> = std::iter::from_fn(|| {
            let t = q.next_time()?;
            q.pop_at(t)
        })
        .map(|e| e.job)
        .collect();
        assert_eq!(order, vec![2, 1, 3, 0]);
        assert!(q.is_empty());
    }
}
