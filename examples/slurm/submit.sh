#!/usr/bin/env bash
# Runs one srlif sweep on a Slurm cluster as a job array of shards plus a
# dependent merge job:
#
#   bash examples/slurm/submit.sh OUT SHARDS [sbatch options --] SWEEP OPTIONS...
#   bash examples/slurm/submit.sh /scratch/sr 16 --sigma 0:60:121 --amplitude 0:40:81 --neurons 2000
#   bash examples/slurm/submit.sh /scratch/sr 16 --partition=gpu --gres=gpu:1 -- --sigma 0:60:121 --neurons 2000
#
# Task I of the array computes shard I/SHARDS into OUT/shard-I (srlif sweep
# --shard I/SHARDS --resume: a task that is pre-empted, requeued or resubmitted
# continues from its checkpoint); the merge job then joins them into OUT/merged,
# the same bytes as one unsplit run. Prints the two job ids. SRLIF names the
# srlif binary (default: srlif on PATH, else this checkout's build/srlif).
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
out="$1"
shards="$2"
shift 2
case "$shards" in '' | *[!0-9]* | 0) echo "submit.sh: SHARDS must be a whole number >= 1 (got '$shards')" >&2; exit 2 ;; esac
sbatch_options=()
if printf '%s\n' "$@" | grep -qx -- '--'; then
  while [ "$1" != "--" ]; do sbatch_options+=("$1"); shift; done
  shift
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
srlif="${SRLIF:-$(command -v srlif || echo "$here/../../build/srlif")}"
srlif="$(cd "$(dirname "$srlif")" && pwd)/$(basename "$srlif")"
mkdir -p "$out/logs"
out="$(cd "$out" && pwd)"

array=$(sbatch --parsable "${sbatch_options[@]}" --job-name=srlif-shard --array="1-$shards" --requeue \
  --output="$out/logs/shard-%a.out" "$here/shard.sbatch" "$srlif" "$out" "$@")
array="${array%%;*}"
merge=$(sbatch --parsable "${sbatch_options[@]}" --job-name=srlif-merge --dependency="afterok:$array" \
  --output="$out/logs/merge.out" "$here/merge.sbatch" "$srlif" "$out" "$shards")
merge="${merge%%;*}"
echo "shards: job $array (array 1-$shards), merge: job $merge; results in $out/merged"
