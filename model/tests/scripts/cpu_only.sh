#!/bin/bash
#SBATCH --job-name=preprocess
#SBATCH --partition=cpu
#SBATCH --ntasks=16
#SBATCH --mem-per-cpu=2G
#SBATCH --time=30
#SBATCH --export=ALL,OMP_NUM_THREADS=1

srun python tokenize_corpus.py --shards 16
