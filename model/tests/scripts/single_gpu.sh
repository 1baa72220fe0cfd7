#!/bin/bash
#SBATCH --job-name=finetune-llama
#SBATCH --partition=gpu
#SBATCH --gres=gpu:1
#SBATCH --cpus-per-task=8
#SBATCH --mem=32G
#SBATCH --time=04:00:00
#SBATCH --output=logs/%x-%j.out
#SBATCH --error=logs/%x-%j.err

set -euo pipefail
module load cuda/12.1
source ~/venvs/llm/bin/activate
python finetune.py --model llama-7b --epochs 3
