#!/bin/bash
#SBATCH -J shards
#SBATCH -a 1,3,5-7,0-15:4%2
#SBATCH -c 2
#SBATCH -t 30
#SBATCH -p cpu

./process_shard.sh "$SLURM_ARRAY_TASK_ID"
