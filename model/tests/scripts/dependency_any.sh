#!/bin/bash
#SBATCH -J cleanup
#SBATCH -d afterok:2001?afternotok:2002
#SBATCH -t 10
#SBATCH -p cpu

rm -rf /scratch/$USER/tmp-2001
