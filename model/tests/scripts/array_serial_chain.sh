#!/bin/bash
# Ten 12-hour segments of one long run: one at a time, each resuming the last checkpoint.
#SBATCH --job-name=long-run
#SBATCH --array=1-10%1
#SBATCH --gpus=4
#SBATCH --time=12:00:00
#SBATCH --requeue
#SBATCH --output=chain-%A_%a.out

python train.py --resume-from checkpoints/latest.pt --max-hours 11.5
