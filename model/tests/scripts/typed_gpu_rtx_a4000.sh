#!/bin/bash
#SBATCH --job-name=render
#SBATCH --gres=gpu:nvidia_rtx_a4000:1
#SBATCH --mem=16000
#SBATCH --time=0-06:00
#SBATCH --chdir=/scratch/render

blender -b scene.blend -a
