#!/bin/bash
#SBATCH --job-name=md-sim
#SBATCH --time 100:00:00
#SBATCH --nodes 1
#SBATCH --ntasks-per-node 4
#SBATCH --gres gpu:4

srun gmx mdrun -deffnm production
