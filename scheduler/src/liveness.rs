//! `Liveness`: when this node, as leader, last heard from each node's agent (register or
//! heartbeat), and which nodes it has not heard from for longer than the node timeout.
//!
//! It is kept in memory on the leader only, never replicated: a new leadership (another term)
//! starts from an empty map and counts every node as heard from when it began, so a new leader
//! waits a full timeout before declaring any node lost. The `NodeLost` it then proposes is
//! idempotent in `apply`, so a node goes DOWN exactly once whichever leader notices.

use corral_model::NodeId;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Liveness {
    timeout: Duration,
    inner: Mutex<Seen>,
}

struct Seen {
    /// The term this node leads in, once the leader loop has seen it lead.
    term: Option<u64>,
    /// When that leadership began (as this node first noticed it).
    leading_since: Instant,
    last_seen: BTreeMap<NodeId, Instant>,
}

/// A node not heard from for longer than the timeout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Silent {
    pub node: NodeId,
    pub silent_for: Duration,
}

impl Liveness {
    pub fn new(timeout: Duration) -> Liveness {
        Liveness {
            timeout,
            inner: Mutex::new(Seen {
                term: None,
                leading_since: Instant::now(),
                last_seen: BTreeMap::new(),
            }),
        }
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Records that `node`'s agent was heard from at `at`.
    pub fn heard_from(&self, node: NodeId, at: Instant) {
        let mut seen = self.lock();
        seen.last_seen.insert(node, at);
    }

    /// Called by the leader loop while this node leads in `term`: a term it has not led in
    /// before starts a fresh map, with every node counted as heard from at `now`.
    pub fn leading(&self, term: u64, now: Instant) {
        let mut seen = self.lock();
        if seen.term != Some(term) {
            seen.term = Some(term);
            seen.leading_since = now;
            seen.last_seen.clear();
        }
    }

    /// Those of `nodes` not heard from for longer than the timeout at `now`, in id order.
    pub fn silent(&self, nodes: impl IntoIterator<Item = NodeId>, now: Instant) -> Vec<Silent> {
        let seen = self.lock();
        nodes
            .into_iter()
            .filter_map(|node| {
                let last = seen
                    .last_seen
                    .get(&node)
                    .copied()
                    .map_or(seen.leading_since, |at| at.max(seen.leading_since));
                let silent_for = now.saturating_duration_since(last);
                (silent_for > self.timeout).then_some(Silent { node, silent_for })
            })
            .collect()
    }

    /// A poisoned lock only means another thread panicked mid-insert; the map is still usable.
    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMEOUT: Duration = Duration::from_secs(10);

    #[test]
    fn a_node_is_silent_only_past_the_timeout_since_it_was_last_heard() {
        let start = Instant::now();
        let liveness = Liveness::new(TIMEOUT);
        liveness.leading(1, start);
        liveness.heard_from(NodeId(0), start + Duration::from_secs(5));
        let nodes = [NodeId(0), NodeId(1)];
        assert_eq!(liveness.silent(nodes, start + TIMEOUT), vec![]);
        assert_eq!(
            liveness.silent(nodes, start + Duration::from_secs(12)),
            vec![Silent {
                node: NodeId(1),
                silent_for: Duration::from_secs(12)
            }]
        );
        assert_eq!(
            liveness
                .silent(nodes, start + Duration::from_secs(16))
                .len(),
            2
        );
    }

    #[test]
    fn a_new_term_forgets_what_was_heard_and_grants_a_full_timeout() {
        let start = Instant::now();
        let liveness = Liveness::new(TIMEOUT);
        liveness.leading(1, start);
        let later = start + Duration::from_secs(100);
        assert_eq!(liveness.silent([NodeId(0)], later).len(), 1);
        liveness.leading(1, later);
        assert_eq!(
            liveness.silent([NodeId(0)], later).len(),
            1,
            "the same term keeps its clock"
        );
        liveness.leading(2, later);
        assert_eq!(liveness.silent([NodeId(0)], later + TIMEOUT), vec![]);
        assert_eq!(
            liveness
                .silent([NodeId(0)], later + TIMEOUT + Duration::from_secs(1))
                .len(),
            1
        );
    }
}
