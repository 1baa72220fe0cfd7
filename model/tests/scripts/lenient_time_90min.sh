#!/usr/bin/env bash
#SBATCH --time=0:90:00
#SBATCH --gpus=1

python quick.py
