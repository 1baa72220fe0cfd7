#!/bin/bash
#SBATCH --job-name=nightly-index
#SBATCH --dependency=singleton,after:3001+30
#SBATCH --nice=50
#SBATCH -n 1
#SBATCH -t 1:00:00

./rebuild_index.sh
