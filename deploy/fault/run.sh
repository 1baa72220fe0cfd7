#!/bin/sh
# The fault test: a 3-scheduler, 4-agent Corral in containers (deploy/docker-compose.yml) takes
# 2,000 submits while (a) the leader container is killed, (b) one scheduler is cut off the
# network and healed, (c) an agent with running jobs is killed, (d) all schedulers restart at
# once. Then check.py verifies that no acknowledged job was lost or duplicated, that no GPU was
# held by two runs at once (from the agents' own launch records), that ids are unique and that
# all replicas agree. Exits 0 when all hold, 1 on a violation, 0 with a note when no Docker engine
# is reachable.
#   deploy/fault/run.sh [release|debug]
set -eu
profile=${1:-release}
here=$(cd "$(dirname "$0")" && pwd)
deploy=$(cd "$here/.." && pwd)
root=$(cd "$deploy/.." && pwd)
project=corral-ft
if ! docker info >/dev/null 2>&1; then
    echo "fault test skipped: no Docker engine reachable (docker info failed)"
    exit 0
fi
if ! command -v docker-compose >/dev/null 2>&1; then
    echo "fault test skipped: docker-compose is not installed"
    exit 0
fi
compose() { docker-compose -p "$project" -f "$deploy/docker-compose.yml" "$@"; }
in_client() { compose exec -T client "$@"; }
container() { echo "${project}_$1_1"; }
log() { echo "fault test [$(date +%H:%M:%S)]: $*"; }
work=$(mktemp -d)
cleanup() {
    compose logs --no-color > "${FAULT_TEST_LOGS:-/tmp/corral-fault-test.log}" 2>&1 || true
    compose down -v >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

"$deploy/build-image.sh" "$profile"
compose down -v >/dev/null 2>&1 || true
compose up -d >/dev/null 2>&1
log "cluster starting"
python3 "$here/check.py" wait-ready "$project"

# The jobs: the project's batch-script fixtures and the Philly-shaped mix.
in_client mkdir -p /jobs/ft/fixtures
for script in "$root"/model/tests/scripts/*.sh; do
    docker cp "$script" "$(container client):/jobs/ft/fixtures/"
done
docker cp "$here/philly-mix.csv" "$(container client):/jobs/ft/philly-mix.csv"
docker cp "$here/submit.sh" "$(container client):/jobs/ft/submit.sh"
in_client sh /jobs/ft/submit.sh /jobs/ft/acks.txt /jobs/ft/submit-failures.txt > "$work/submit.log" 2>&1 &
submitter=$!

leader() { python3 "$here/check.py" leader "$project"; }
sleep 5
victim=$(leader)
log "(a) killing the leader, sched-$victim"
docker kill "$(container "sched-$victim")" >/dev/null
sleep 4
docker start "$(container "sched-$victim")" >/dev/null
sleep 4
cut=$(python3 "$here/check.py" follower "$project")
log "(b) cutting sched-$cut off the network for 6 s"
docker network disconnect "${project}_corral" "$(container "sched-$cut")"
sleep 6
docker network connect --alias "sched-$cut" "${project}_corral" "$(container "sched-$cut")"
sleep 4
log "(c) killing agent-2 with its running jobs"
docker kill "$(container agent-2)" >/dev/null
sleep 4
docker start "$(container agent-2)" >/dev/null
sleep 4
log "(d) restarting all three schedulers at once"
docker kill "$(container sched-1)" "$(container sched-2)" "$(container sched-3)" >/dev/null
docker start "$(container sched-1)" "$(container sched-2)" "$(container sched-3)" >/dev/null
wait "$submitter" || true
log "$(tail -n 1 "$work/submit.log")"
python3 "$here/check.py" verify "$project"
