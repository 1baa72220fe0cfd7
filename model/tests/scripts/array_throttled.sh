#!/bin/bash
#SBATCH --job-name=hparam-sweep
#SBATCH --array=0-99%10
#SBATCH --gres=gpu:1
#SBATCH --cpus-per-task=4
#SBATCH --mem-per-cpu=4G
#SBATCH --time=2:00:00
#SBATCH --output=sweep/%A_%a.out

LR=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" lrs.txt)
python train.py --lr "$LR" --seed "$SLURM_ARRAY_TASK_ID"
