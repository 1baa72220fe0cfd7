#!/bin/bash
#SBATCH --job-name=from-script
#SBATCH --time=10:00:00
#SBATCH --mem=64G
#SBATCH --gres=gpu:2,shard:1

python train.py
