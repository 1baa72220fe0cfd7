#!/bin/sh
# Corral's quickstart: builds Corral, starts a local cluster on the built-in defaults (one
# scheduler, two agents with 8 fake H100 GPUs each, state in ./.corral/), and runs a mixed batch
# through it: single-GPU jobs, an array with a throttle, a 2-node gang using srun, a dependency
# chain, and a scavenger job displaced by a high-QoS one. It shows the queue until every job has
# ended, then the history. `target/release/corral down` stops the cluster afterwards.
#   ./quickstart.sh            release build (what a user runs)
#   CORRAL_PROFILE=debug ./quickstart.sh   reuse the debug build of `cargo test`
set -eu
cd "$(dirname "$0")"
profile=${CORRAL_PROFILE:-release}
if [ "$profile" = release ]; then
    cargo build --release -p corral-ctl -p corral-scheduler -p corral-agent
else
    cargo build -p corral-ctl -p corral-scheduler -p corral-agent
fi
PATH="$PWD/target/$profile:$PATH"
export PATH
corral up
corral policy apply examples/quickstart-policy.toml
work=.corral/quickstart
mkdir -p "$work"
cd "$work"

say() { printf '\n== %s\n' "$*"; }
say "a scavenger job takes all 16 GPUs; it will be displaced"
corral submit -J scavenger --qos=scavenger -N 2 --gpus-per-node=8 -t 10 --requeue \
    --wrap 'echo "scavenger run $SLURM_RESTART_COUNT on $SLURM_JOB_NODELIST"; sleep 20'
sleep 2
say "four single-GPU jobs"
for i in 1 2 3 4; do
    corral submit -J "single-$i" --gpus-per-node=1 -t 2 --wrap 'sleep 3; echo "GPU $CUDA_VISIBLE_DEVICES"'
done
say "an array of 6 tasks, at most 2 at a time"
corral submit -J sweep --array=1-6%2 --gpus-per-node=1 -t 2 \
    --wrap 'sleep 2; echo "task $SLURM_ARRAY_TASK_ID on GPU $CUDA_VISIBLE_DEVICES"'
say "a 2-node gang: one srun rank per node"
corral submit -J gang -N 2 --gpus-per-node=4 --ntasks-per-node=1 -t 2 \
    --wrap 'srun sh -c "echo rank \$SLURM_PROCID of \$WORLD_SIZE on \$SLURMD_NODENAME GPUs \$CUDA_VISIBLE_DEVICES"'
say "a dependency chain: prep, then train, then eval"
prep=$(corral submit --parsable -J prep --gpus-per-node=1 -t 2 --wrap 'sleep 2')
train=$(corral submit --parsable -J train -d "afterok:$prep" --gpus-per-node=2 -t 2 --wrap 'sleep 2')
corral submit -J eval -d "afterok:$train" --gpus-per-node=1 -t 2 --wrap 'echo evaluated'
say "a high-QoS job that needs 8 GPUs now"
corral submit -J urgent --qos=high --gpus-per-node=8 -t 2 --wrap 'sleep 2; echo urgent done'

say "the queue, every 3 s, until it is empty"
while :; do
    corral queue
    if [ "$(corral queue --json | tr -d ' \n')" = '{"jobs":[]}' ]; then
        break
    fi
    sleep 3
    echo
done
say "history"
corral history
say "output files are in $PWD; stop the cluster with: target/$profile/corral down"
