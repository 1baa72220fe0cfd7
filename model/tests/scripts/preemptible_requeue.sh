#!/bin/bash
#SBATCH --job-name=opportunistic
#SBATCH --qos=preemptible
#SBATCH --partition=gpu
#SBATCH --gpus-per-node=2
#SBATCH --time=1-00:00:00
#SBATCH --requeue
#SBATCH --signal=B:USR1@60
#SBATCH --open-mode=append
#SBATCH --output=opp-%j.out

# Save a checkpoint when warned, then let the scheduler requeue us.
checkpoint() {
    echo "caught USR1, checkpointing"
    kill -USR1 "$TRAIN_PID"
    wait "$TRAIN_PID"
}
trap checkpoint USR1

python train.py --checkpoint-dir ckpt &
TRAIN_PID=$!
wait "$TRAIN_PID"
