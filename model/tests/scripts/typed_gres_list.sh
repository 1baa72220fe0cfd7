#!/bin/bash
#SBATCH -J infer
#SBATCH --gres=gpu:a100:2,shard:1
#SBATCH --mem-per-gpu=40G
#SBATCH -n 2
#SBATCH -t 8:00:00
#SBATCH --constraint=a100&nvlink

srun python serve.py --tensor-parallel 2
