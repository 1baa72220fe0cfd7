#!/bin/bash
#SBATCH -J service
#SBATCH -t UNLIMITED
#SBATCH -p long
#SBATCH --no-requeue

./serve_forever
