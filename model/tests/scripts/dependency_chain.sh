#!/bin/bash
# Evaluate once both training runs succeeded and the data export finished, whatever its outcome.
#SBATCH --job-name=evaluate
#SBATCH --dependency=afterok:1001:1002,afterany:1003
#SBATCH --gres=gpu:1
#SBATCH --time=01:00:00
#SBATCH --mail-type=END,FAIL
#SBATCH --mail-user=alice@example.org

python evaluate.py --checkpoints runs/1001 runs/1002
