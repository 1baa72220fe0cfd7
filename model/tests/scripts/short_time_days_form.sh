#!/bin/bash
#SBATCH --job-name=smoke-test
#SBATCH --time 0-00:10:00
#SBATCH --gres=gpu:1
#SBATCH --partition=debug

nvidia-smi
python -c "import torch; print(torch.cuda.is_available())"
