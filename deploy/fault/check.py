#!/usr/bin/env python3
"""Checks for the fault test (run.sh), talking to the deployment through `docker-compose exec`.

  check.py wait-ready PROJECT   wait until a leader exists and all 4 agents are UP
  check.py leader PROJECT       print the leader's Raft id
  check.py follower PROJECT     print the id of a scheduler that is not the leader
  check.py verify PROJECT       wait for the jobs to settle, then check the invariants
"""
import json
import os
import subprocess
import sys
import time

DEPLOY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AGENTS = ["agent-1", "agent-2", "agent-3", "agent-4"]
SCHEDULERS = [1, 2, 3]
# Reasons for which a pending job may wait for ever on this cluster.
STUCK_FOR_GOOD = {"NeverFits", "NeverPolicy", "InvalidPolicy", "BeginTime", "Dependency", "DependencyNeverSatisfied"}


def compose(project, *args):
    cmd = ["docker-compose", "-p", project, "-f", os.path.join(DEPLOY, "docker-compose.yml")]
    return subprocess.run(cmd + list(args), capture_output=True, text=True)


def corral_json(project, *args, scheduler=None):
    extra = ["--scheduler", scheduler] if scheduler else []
    done = compose(project, "exec", "-T", "client", "corral", *args, "--json", *extra)
    if done.returncode != 0:
        raise RuntimeError(f"corral {' '.join(args)}: exit {done.returncode}: {done.stderr.strip()}")
    return json.loads(done.stdout)


def poll(what, deadline_secs, check):
    start = time.time()
    last = None
    while time.time() - start < deadline_secs:
        try:
            value = check()
            if value is not None:
                return value
        except (RuntimeError, ValueError) as e:
            last = e
        time.sleep(1)
    sys.exit(f"fault test: timed out after {deadline_secs} s waiting for {what} (last error: {last})")


def wait_ready(project):
    def ready():
        nodes = corral_json(project, "nodes")["nodes"]
        up = [n["name"] for n in nodes if n["state"] == "UP"]
        return True if sorted(up) == AGENTS else None
    poll("a leader and 4 agents UP", 120, ready)


def leader(project):
    return poll("a leader", 60, lambda: corral_json(project, "cluster", "status")["leader_id"] or None)


def all_jobs(project):
    states = "PENDING,RUNNING,COMPLETING"
    queued = corral_json(project, "queue", "--state", states)["jobs"]
    ended = corral_json(project, "history")["jobs"]
    return queued + ended


def settled(project):
    jobs = all_jobs(project)
    busy = [j for j in jobs if j["state"] in ("RUNNING", "COMPLETING")]
    waiting = [j for j in jobs if j["state"] == "PENDING" and j.get("reason") not in STUCK_FOR_GOOD]
    return jobs if not busy and not waiting else None


def launch_events(project, agent):
    done = compose(project, "exec", "-T", agent, "cat", "/data/launches.jsonl")
    if done.returncode != 0:
        raise RuntimeError(f"{agent}: cannot read its launch log: {done.stderr.strip()}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def gpu_overlaps(events):
    """Intervals per GPU from one agent's log; an agent_start closes what was open (its
    processes died with it). Returns (intervals checked, list of overlaps)."""
    open_runs = {}
    intervals = []
    for e in events:
        if e["event"] == "start":
            open_runs[(e["job"], e["run"])] = (e["at_ms"], e["gpus"])
        elif e["event"] == "end":
            started = open_runs.pop((e["job"], e["run"]), None)
            if started:
                intervals.append((started[0], e["at_ms"], started[1], (e["job"], e["run"])))
        elif e["event"] == "agent_start":
            for key, (at, gpus) in open_runs.items():
                intervals.append((at, e["at_ms"], gpus, key))
            open_runs = {}
    for key, (at, gpus) in open_runs.items():
        intervals.append((at, float("inf"), gpus, key))
    overlaps = []
    by_gpu = {}
    for start, end, gpus, key in intervals:
        for gpu in gpus:
            by_gpu.setdefault(gpu, []).append((start, end, key))
    for gpu, spans in by_gpu.items():
        spans.sort()
        for (s1, e1, k1), (s2, e2, k2) in zip(spans, spans[1:]):
            if s2 < e1:
                overlaps.append(f"GPU {gpu}: job {k1[0]} run {k1[1]} [{s1}, {e1}) and job {k2[0]} run {k2[1]} from {s2}")
    return len(intervals), overlaps


def replicas_agree(project):
    def agree():
        seen = {}
        for n in SCHEDULERS:
            status = corral_json(project, "cluster", "status", scheduler=f"sched-{n}:7100")
            seen[n] = (status["last_applied_index"], status["next_job_id"])
        return seen if len(set(seen.values())) == 1 else None
    return poll("all replicas to agree", 60, agree)


def verify(project):
    violations = []
    acked_text = compose(project, "exec", "-T", "client", "cat", "/jobs/ft/acks.txt").stdout
    acked = [int(x) for x in acked_text.split()]
    jobs = poll("every job to finish or wait for good", 600, lambda: settled(project))
    ids = [j["id"] for j in jobs]
    if len(ids) != len(set(ids)):
        violations.append(f"job ids not unique: {len(ids) - len(set(ids))} repeated")
    by_id = {j["id"]: j for j in jobs}
    lost = [i for i in acked if i not in by_id]
    if lost:
        violations.append(f"{len(lost)} acknowledged jobs lost: {lost[:10]}")
    if len(acked) != len(set(acked)):
        violations.append("an id was acknowledged twice")
    states = {}
    for i in acked:
        if i in by_id:
            states[by_id[i]["state"]] = states.get(by_id[i]["state"], 0) + 1
    intervals = 0
    for agent in AGENTS:
        checked, overlaps = gpu_overlaps(launch_events(project, agent))
        intervals += checked
        violations += [f"{agent}: {o}" for o in overlaps]
    replicas = replicas_agree(project)
    print(f"fault test: {len(acked)} jobs acknowledged, {len(jobs)} jobs known, states of the acknowledged: "
          + ", ".join(f"{k} {v}" for k, v in sorted(states.items())))
    print(f"fault test: lost 0 of {len(acked)}" if not lost else f"fault test: LOST {len(lost)}")
    print(f"fault test: {intervals} GPU holding intervals from the agents' launch logs checked for overlap")
    print(f"fault test: replicas agree at (applied index, next job id) = {next(iter(replicas.values()))}")
    if violations:
        for v in violations:
            print(f"fault test: VIOLATION: {v}")
        sys.exit(1)
    print("fault test: passed")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    command, project = sys.argv[1], sys.argv[2]
    if command == "wait-ready":
        wait_ready(project)
    elif command == "leader":
        print(leader(project))
    elif command == "follower":
        lead = leader(project)
        print(next(n for n in SCHEDULERS if n != lead))
    elif command == "verify":
        verify(project)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
