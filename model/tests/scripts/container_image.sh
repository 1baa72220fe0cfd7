#!/bin/bash
#SBATCH --job-name=pytorch-container
#SBATCH --container-image="nvcr.io#nvidia/pytorch:24.01-py3"
#SBATCH --gpus-per-node=8
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=8
#SBATCH --begin=2030-01-31T08:00:00

srun python /workspace/train.py
