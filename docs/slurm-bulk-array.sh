#!/usr/bin/env bash
# A sweep of thousands of variants as a Slurm job array over shared storage (NFS, Lustre, ...).
#
#   mkdir -p logs && sbatch docs/slurm-bulk-array.sh plan.jsonl   # models, plan and "out" paths on shared storage
#
# Every task runs the same command: fastmerge reads its shard from SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN and
# SLURM_ARRAY_TASK_COUNT (any base index, any regular step), so the shards are disjoint and together are the whole plan.
# --resume makes the job restartable: a task that was cut off (node lost, preempted, time limit) and requeued skips
# the outputs it already finished (an output exists only when complete: temp file + rename), and a second
# `sbatch` of the same plan finishes only what is missing. Each task reads every input once per memory wave.
#
#SBATCH --job-name=fastmerge-sweep
#SBATCH --array=0-63%16            # 64 shards, at most 16 running at once
#SBATCH --cpus-per-task=8
#SBATCH --mem=8G                   # page cache aside, fastmerge needs --max-memory plus ~100 MiB
#SBATCH --time=02:00:00
#SBATCH --requeue                  # put a task whose node failed back in the queue
#SBATCH --output=logs/fastmerge-%A_%a.log
set -euo pipefail
plan=${1:?usage: sbatch slurm-bulk-array.sh PLAN.jsonl}

# fastmerge: the release binary (linux-x64 NativeAOT, no .NET needed) or the dotnet tool, on PATH on every node.
# Exit 1 means some variants failed (each named in the log); the others were written.
srun fastmerge bulk "$plan" --resume --threads "${SLURM_CPUS_PER_TASK:-1}" --max-memory 6G --json \
  > "logs/fastmerge-${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}.json"
