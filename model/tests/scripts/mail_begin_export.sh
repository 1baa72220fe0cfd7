#!/bin/bash
#SBATCH --job-name="weekly report"   # spaces need quotes
#SBATCH --begin=now+1hour
#SBATCH --mail-type=begin,end,fail
#SBATCH --mail-user=bob@example.org
#SBATCH --export=NONE
#SBATCH --comment='owner: data team'
#SBATCH -D /home/bob/reports
#SBATCH -t 45:00

./make_report.sh
