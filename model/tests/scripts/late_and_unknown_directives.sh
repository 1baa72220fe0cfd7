#!/bin/bash
#SBATCH --job-name=messy
#SBATCH --frobnicate=yes
   #SBATCH --time=5
#SBATCH --hint=nomultithread

#SBATCH --gres=gpu:1
module load cuda
#SBATCH --time=10:00:00
#SBATCH -J too-late
python run.py
