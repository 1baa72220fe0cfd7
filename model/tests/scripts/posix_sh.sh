#!/bin/sh
#SBATCH -J posix
#SBATCH -t 15
#SBATCH -n 1

echo "running on $(hostname)"
