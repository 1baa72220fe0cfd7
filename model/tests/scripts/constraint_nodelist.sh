#!/bin/bash
#SBATCH -J pinned
#SBATCH -N 4
#SBATCH -C "(a100|h100)&ib"
#SBATCH -w node[01-04]
#SBATCH -x node03,gpu[7-8]
#SBATCH --reservation=maint-window
#SBATCH -G h100:32

srun ./allreduce_bench
