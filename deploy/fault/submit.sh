#!/bin/sh
# Runs in the `client` container: submits the fault test's jobs with `corral submit` from 8
# loops at once and writes each acknowledged job id to $1 (one per line); what was refused or
# failed goes to $2. The project's batch-script fixtures go first (four times), then the
# Philly-shaped mix.
set -u
acks=$1
failures=$2
loops=8
mkdir -p /jobs/ft/out /jobs/ft/parts
submit_to() {
    if id=$(corral submit --parsable --chdir=/jobs/ft/out "$@" 2>>"$part.err"); then
        echo "$id" >> "$part.ids"
    fi
}
run_loop() {
    part=/jobs/ft/parts/$1
    : > "$part.ids"
    : > "$part.err"
    n=0
    for round in 1 2 3 4; do
        for script in /jobs/ft/fixtures/*.sh; do
            n=$((n + 1))
            [ $((n % loops)) -eq "$1" ] && submit_to "$script"
        done
    done
    n=0
    grep -v '^#' /jobs/ft/philly-mix.csv | while IFS=, read -r gpus secs; do
        n=$((n + 1))
        [ $((n % loops)) -eq "$1" ] || continue
        if [ "$gpus" -gt 8 ]; then
            shape="-N 2 --gpus-per-node=8"
        else
            shape="-N 1 --gpus-per-node=$gpus"
        fi
        # Durations scaled to 0.1-0.9 s so that 1,900 jobs run through 32 GPUs in minutes.
        submit_to $shape -t 2 --wrap "sleep 0.$(( secs % 9 + 1 ))"
    done
}
i=0
while [ "$i" -lt "$loops" ]; do
    run_loop "$i" &
    i=$((i + 1))
done
wait
cat /jobs/ft/parts/*.ids > "$acks"
cat /jobs/ft/parts/*.err > "$failures"
echo "submitted: $(wc -l < "$acks") acknowledged, $(grep -c . "$failures") error lines"
