#!/bin/bash
#CORRAL --partition=h100
#SBATCH --partition=a100
#SBATCH --gpus-per-node=a100:4
#CORRAL --gpus-per-node=h100:4
#SBATCH --time=8:00:00

python train.py
