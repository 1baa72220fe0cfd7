#!/bin/bash
#SBATCH -C gpu
#SBATCH -q shared
#SBATCH -n 4
#SBATCH --gpus-per-task 1
#SBATCH -c 32
#SBATCH -t 00:30:00
#SBATCH -A m1234

export SLURM_CPU_BIND="cores"
srun ./stencil --size 4096
