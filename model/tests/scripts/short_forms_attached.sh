#!/bin/bash
#SBATCH -N2 -n16 -c4 -t10 -pgpu -Jcompact
#SBATCH --part=gpu --gpus-per-n=4 --mem 128G
srun ./compact
