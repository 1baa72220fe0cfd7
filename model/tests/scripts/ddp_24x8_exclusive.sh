#!/bin/bash
#SBATCH -J pretrain-gpt
#SBATCH -A ml-research
#SBATCH -q high
#SBATCH -p h100
#SBATCH -N 24
#SBATCH --ntasks-per-node=8
#SBATCH --gpus-per-node=8
#SBATCH --cpus-per-task=12
#SBATCH --mem=0
#SBATCH --exclusive
#SBATCH -t 2-00:00:00
#SBATCH -o /scratch/%u/pretrain/%j.log

# torch.distributed over every node of the allocation
export MASTER_ADDR=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)
export MASTER_PORT=29500
srun --kill-on-bad-exit=1 python -u train.py \
    --config configs/gpt-13b.yaml \
    --world-size $((SLURM_NNODES * 8))
