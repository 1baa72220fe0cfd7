#!/usr/bin/env bash
# Measures Corral and a real Slurm on this machine in one run, for BENCHMARKS.md: Slurm through the
# workplace's baseline script (Debian's slurmctld + slurmd, one node, 8 count-only GPUs; its
# setup installs the packages if they are missing), then Corral's benches that have a Slurm
# counterpart. Usage: tools/bench-vs-slurm.sh [PATH-TO-slurm-baseline.sh]
# Default path: ../shared/tools/slurm-baseline.sh (beside this checkout). Output: both sets of
# figures on stdout, each line prefixed with the system it is from.
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=${1:-../shared/tools/slurm-baseline.sh}
if [ ! -x "$baseline" ] && [ ! -f "$baseline" ]; then
    echo "bench-vs-slurm: $baseline not found (pass the path of slurm-baseline.sh)" >&2
    exit 2
fi
echo "== machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $(date -u +%FT%TZ)"
echo "== building Corral's benches (release)"
cargo bench --no-run -p corral-scheduler -p corral-agent -p corral-policies >/dev/null 2>&1
echo "== slurm"
bash "$baseline" setup >/dev/null 2>&1 || true
bash "$baseline" bench 2>&1 | sed 's/^/slurm: /'
bash "$baseline" stop >/dev/null 2>&1 || true
echo "== corral"
run() { cargo bench -q -p "$1" --bench "$2" 2>/dev/null | grep -v '^$' | sed "s/^/corral $2: /"; }
run corral-scheduler submit_throughput
run corral-agent start_latency
run corral-scheduler failover
run corral-policies schedule_pass
