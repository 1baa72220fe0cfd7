//! One RLScheduler evaluation window: a run of consecutive jobs replayed on an empty cluster with
//! RLScheduler's decision loop, giving the window's mean bounded slowdown.
//!
//! The loop, as set up in RLScheduler's `HPCSimPickJobs.py` (read to learn the semantics; this is
//! a fresh implementation):
//! - at each decision the queue is stably sorted by the order's key and its head is picked; if it
//!   fits it starts now;
//! - a head that does not fit is held (the queue is not re-sorted) while time moves one event at a
//!   time: the next arrival joins the queue if it comes at or before the next completion, else the
//!   next completion frees its nodes (running jobs stably sorted by end time, so jobs ending
//!   together free their nodes in the order they started);
//! - with backfill, the head's shadow time is computed once, from running jobs stably sorted by
//!   start + requested time, accumulating free processors until the head's count is reached; then
//!   before each event every queued job, in submit order, starts if it fits now and
//!   now + requested < shadow (strict; no extra-nodes rule; the shadow is never recomputed);
//! - after a start, when the queue is empty, time moves until one job arrives.

use super::{CompatError, Order, RlsCluster, RlsJob};

/// A job on the cluster: its index in the window and its start time.
#[derive(Debug, Clone, Copy)]
struct Running {
    job: usize,
    start_secs: i64,
}

/// The state of one window's replay.
struct WindowSim<'a> {
    jobs: &'a [RlsJob],
    nodes_needed: Vec<i64>,
    procs_per_node: f64,
    order: Order,
    now_secs: i64,
    free_nodes: i64,
    queue: Vec<usize>,
    running: Vec<Running>,
    next_arrival: usize,
    bounded_slowdown_mean: f64,
}

/// Bounded slowdown with RLScheduler's 10 s threshold: max(1, (wait + run) / max(run, 10)).
pub fn bounded_slowdown(wait_secs: i64, run_secs: i64) -> f64 {
    const THRESHOLD_SECS: i64 = 10;
    let slowdown = (wait_secs + run_secs) as f64 / run_secs.max(THRESHOLD_SECS) as f64;
    slowdown.max(1.0)
}

/// Replays `jobs` (the window, in trace order) and returns their mean bounded slowdown.
pub(super) fn run_window(
    jobs: &[RlsJob],
    cluster: &RlsCluster,
    order: Order,
    backfill: bool,
) -> Result<f64, CompatError> {
    let nodes_needed: Vec<i64> = jobs
        .iter()
        .map(|job| cluster.nodes_for(job.procs))
        .collect();
    for (job, &nodes) in jobs.iter().zip(&nodes_needed) {
        if nodes > cluster.nodes {
            return Err(CompatError::JobNeverFits {
                id: job.id,
                line: job.line,
                procs: job.procs,
                nodes,
                cluster_nodes: cluster.nodes,
            });
        }
    }
    let Some(first) = jobs.first() else {
        return Ok(0.0);
    };
    let mut sim = WindowSim {
        jobs,
        nodes_needed,
        procs_per_node: cluster.procs_per_node,
        order,
        now_secs: first.submit_secs,
        free_nodes: cluster.nodes,
        queue: vec![0],
        running: Vec::new(),
        next_arrival: 1,
        bounded_slowdown_mean: 0.0,
    };
    sim.run(backfill)?;
    Ok(sim.bounded_slowdown_mean)
}

impl WindowSim<'_> {
    fn run(&mut self, backfill: bool) -> Result<(), CompatError> {
        loop {
            self.sort_queue_by_order();
            let Some(&head) = self.queue.first() else {
                return Ok(());
            };
            if !self.fits(head) {
                if backfill {
                    self.wait_for_head_with_backfill(head)?;
                } else {
                    self.wait_for_head(head)?;
                }
            }
            self.start(head);
            if !self.refill_empty_queue() {
                return Ok(());
            }
        }
    }

    fn sort_queue_by_order(&mut self) {
        let jobs = self.jobs;
        match self.order {
            Order::Fcfs => self.queue.sort_by_key(|&job| jobs[job].submit_secs),
            Order::Sjf => self
                .queue
                .sort_by_key(|&job| (jobs[job].requested_secs, jobs[job].submit_secs)),
        }
    }

    fn fits(&self, job: usize) -> bool {
        self.nodes_needed[job] <= self.free_nodes
    }

    /// Starts a queued job now and scores it.
    fn start(&mut self, job: usize) {
        if let Some(position) = self.queue.iter().position(|&queued| queued == job) {
            self.queue.remove(position);
        }
        self.free_nodes -= self.nodes_needed[job];
        self.running.push(Running {
            job,
            start_secs: self.now_secs,
        });
        let spec = &self.jobs[job];
        let slowdown = bounded_slowdown(self.now_secs - spec.submit_secs, spec.run_secs);
        self.bounded_slowdown_mean += slowdown / self.jobs.len() as f64;
    }

    /// Holds the head, moving one event at a time, until it fits.
    fn wait_for_head(&mut self, head: usize) -> Result<(), CompatError> {
        while !self.fits(head) {
            self.advance_one_event(head)?;
        }
        Ok(())
    }

    /// Holds the head until it fits, backfilling before each event against a shadow computed once.
    fn wait_for_head_with_backfill(&mut self, head: usize) -> Result<(), CompatError> {
        let shadow_secs = self.shadow_secs(head);
        while !self.fits(head) {
            self.backfill_before(shadow_secs);
            self.advance_one_event(head)?;
        }
        Ok(())
    }

    /// When the head could start if running jobs ended at start + requested time.
    fn shadow_secs(&mut self, head: usize) -> i64 {
        let jobs = self.jobs;
        self.running
            .sort_by_key(|run| run.start_secs + jobs[run.job].requested_secs);
        let procs_per_node = self.procs_per_node;
        let needed_procs = jobs[head].procs as f64;
        let mut free_procs = self.free_nodes as f64 * procs_per_node;
        let mut shadow_secs = self.now_secs;
        for run in &self.running {
            free_procs += self.nodes_needed[run.job] as f64 * procs_per_node;
            shadow_secs = run.start_secs + jobs[run.job].requested_secs;
            if free_procs >= needed_procs {
                break;
            }
        }
        shadow_secs
    }

    /// Starts, in submit order, every queued job that fits now and ends (by its request) before
    /// the shadow time.
    fn backfill_before(&mut self, shadow_secs: i64) {
        let jobs = self.jobs;
        self.queue.sort_by_key(|&job| jobs[job].submit_secs);
        let candidates = self.queue.clone();
        for job in candidates {
            if self.fits(job) && self.now_secs + jobs[job].requested_secs < shadow_secs {
                self.start(job);
            }
        }
    }

    /// Moves time to the next event: the next arrival joins the queue if it comes at or before
    /// the next completion; otherwise the earliest-ending running job frees its nodes.
    fn advance_one_event(&mut self, head: usize) -> Result<(), CompatError> {
        let next_end_secs = self
            .sort_running_by_end()
            .ok_or_else(|| CompatError::Stalled {
                id: self.jobs[head].id,
                line: self.jobs[head].line,
            })?;
        match self.next_arrival_secs() {
            Some(arrival_secs) if arrival_secs <= next_end_secs => self.admit_next_arrival(),
            _ => self.release_first_running(next_end_secs),
        }
        Ok(())
    }

    /// Sorts running jobs (stably) by actual end time; the earliest end, if any job runs.
    fn sort_running_by_end(&mut self) -> Option<i64> {
        let jobs = self.jobs;
        self.running
            .sort_by_key(|run| run.start_secs + jobs[run.job].run_secs);
        self.running
            .first()
            .map(|run| run.start_secs + jobs[run.job].run_secs)
    }

    fn next_arrival_secs(&self) -> Option<i64> {
        self.jobs.get(self.next_arrival).map(|job| job.submit_secs)
    }

    fn admit_next_arrival(&mut self) {
        let job = self.next_arrival;
        self.now_secs = self.now_secs.max(self.jobs[job].submit_secs);
        self.queue.push(job);
        self.next_arrival += 1;
    }

    fn release_first_running(&mut self, end_secs: i64) {
        self.now_secs = self.now_secs.max(end_secs);
        let finished = self.running.remove(0);
        self.free_nodes += self.nodes_needed[finished.job];
    }

    /// After a start: if the queue is empty, moves time until one job arrives. False when the
    /// queue is empty and no job is left to arrive (the window is done).
    fn refill_empty_queue(&mut self) -> bool {
        if !self.queue.is_empty() {
            return true;
        }
        while let Some(arrival_secs) = self.next_arrival_secs() {
            match self.sort_running_by_end() {
                Some(end_secs) if end_secs < arrival_secs => self.release_first_running(end_secs),
                _ => {
                    self.admit_next_arrival();
                    return true;
                }
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: i64, submit_secs: i64, run_secs: i64, procs: i64) -> RlsJob {
        RlsJob {
            id,
            line: id as u64 + 1,
            submit_secs,
            run_secs,
            requested_secs: run_secs,
            procs,
        }
    }

    fn cluster(nodes: i64) -> RlsCluster {
        RlsCluster {
            nodes,
            procs_per_node: 1.0,
        }
    }

    fn assert_close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < 1e-9,
            "got {actual}, expected {expected}"
        );
    }

    #[test]
    fn bounded_slowdown_uses_a_ten_second_floor_and_never_goes_below_one() {
        assert_eq!(bounded_slowdown(0, 100), 1.0);
        assert_eq!(bounded_slowdown(90, 50), 2.8);
        assert_eq!(bounded_slowdown(130, 5), 13.5);
        assert_eq!(bounded_slowdown(2, 1), 1.0);
    }

    #[test]
    fn a_held_head_is_not_overtaken_by_a_shorter_arrival_under_sjf() {
        // Job 1 becomes head at t=10 and cannot fit; job 2 (shorter) arrives at t=20 while it
        // waits. The head is not re-sorted, so job 1 starts at 100 and job 2 at 150.
        let jobs = [job(0, 0, 100, 2), job(1, 10, 50, 2), job(2, 20, 5, 2)];
        let mean = run_window(&jobs, &cluster(2), Order::Sjf, false).unwrap();
        assert_close(mean, (1.0 + 2.8 + 13.5) / 3.0);
    }

    #[test]
    fn backfill_needs_to_end_strictly_before_the_shadow_time() {
        // Job 0 holds 3 of 4 nodes until 100, the shadow of head job 1 (4 nodes). Job 2 would
        // end exactly at 100 and is not backfilled; job 3 ends at 99 and is.
        let jobs = [
            job(0, 0, 100, 3),
            job(1, 1, 10, 4),
            job(2, 2, 98, 1),
            job(3, 3, 96, 1),
        ];
        let mean = run_window(&jobs, &cluster(4), Order::Fcfs, true).unwrap();
        let job1 = (99.0 + 10.0) / 10.0;
        let job2 = (108.0 + 98.0) / 98.0;
        assert_close(mean, (1.0 + job1 + job2 + 1.0) / 4.0);
    }

    #[test]
    fn the_shadow_time_is_computed_once_from_requested_ends() {
        // Head H (4 of 4 nodes) arrives at t=1 while A (2 nodes, ends 100 as requested) and B
        // (2 nodes, requested 200 but done at 50) run: its shadow is 200. C arrives at 60 and
        // would end at 180 < 200, so it is backfilled even though, with B gone, a recomputed
        // shadow would be 100. H then waits for C and starts at 180.
        let mut b = job(1, 0, 50, 2);
        b.requested_secs = 200;
        let jobs = [job(0, 0, 100, 2), b, job(2, 1, 10, 4), job(3, 60, 120, 2)];
        let mean = run_window(&jobs, &cluster(4), Order::Fcfs, true).unwrap();
        let head = (179.0 + 10.0) / 10.0;
        assert_close(mean, (1.0 + 1.0 + 1.0 + head) / 4.0);
    }

    #[test]
    fn without_backfill_nothing_passes_the_held_head() {
        let jobs = [
            job(0, 0, 100, 3),
            job(1, 1, 10, 4),
            job(2, 2, 98, 1),
            job(3, 3, 96, 1),
        ];
        let mean = run_window(&jobs, &cluster(4), Order::Fcfs, false).unwrap();
        // Job 1 starts at 100 and ends at 110; jobs 2 and 3 both start at 110.
        let job1 = (99.0 + 10.0) / 10.0;
        let job2 = (108.0 + 98.0) / 98.0;
        let job3 = (107.0 + 96.0) / 96.0;
        assert_close(mean, (1.0 + job1 + job2 + job3) / 4.0);
    }

    #[test]
    fn processors_round_up_to_whole_nodes() {
        // 8 processors per node: a 9-processor job takes 2 of the 2 nodes, so job 1 (1 processor)
        // waits for it.
        let jobs = [job(0, 0, 100, 9), job(1, 0, 100, 1)];
        let two_fat_nodes = RlsCluster {
            nodes: 2,
            procs_per_node: 8.0,
        };
        let mean = run_window(&jobs, &two_fat_nodes, Order::Fcfs, false).unwrap();
        assert_close(mean, (1.0 + 2.0) / 2.0);
    }

    #[test]
    fn a_job_larger_than_the_cluster_is_an_error_not_a_hang() {
        let jobs = [job(0, 0, 10, 1), job(1, 5, 10, 5)];
        let err = run_window(&jobs, &cluster(4), Order::Fcfs, true).unwrap_err();
        assert_eq!(
            err.to_string(),
            "job 1 (line 2) needs 5 processors = 5 nodes, more than the cluster's 4 (accepted: at most 4 nodes)"
        );
    }
}
