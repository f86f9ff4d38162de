#!/usr/bin/env bash
# One process against two MPI ranks on this machine (docs/mpi.md): search, reproduce and predict
# over a directory on a simulated cohort, each run three ways: one process with one LibTorch
# thread, one process with two, and `mpirun -np 2` with one thread per rank (for predict,
# --threads is the spectra's threads; with 2 the record is read and rated on two threads). Prints a Markdown
# table of wall times (one run each) and checks that the results agree.
#   BIN=build/dev/apps/scapredict/scapredict [WORKLOADS="search reproduce predict"] bench/mpi.sh
set -euo pipefail
BIN=${BIN:-build/dev/apps/scapredict/scapredict}
MPIRUN=${MPIRUN:-mpirun}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
command -v "$MPIRUN" >/dev/null || { echo "bench/mpi.sh: no $MPIRUN" >&2; exit 2; }
[[ -x $BIN ]] || { echo "bench/mpi.sh: no $BIN (build it first)" >&2; exit 2; }

"$BIN" simulate --out "$WORK/data" --hours-before-onset 1.65 --nsrdb-hours 0.5 --threads 2 >/dev/null 2>&1
"$BIN" train --data "$WORK/data" --epochs 5 --out "$WORK/model.spm" >/dev/null 2>&1
# predict's batch: eight 12 h Holter records (bench/make_holter.py; Debian's python3 with numpy).
mkdir -p "$WORK/holters"
for k in 1 2 3 4 5 6 7 8; do
  /usr/bin/python3 "$(dirname "$0")/make_holter.py" --out "$WORK/holters/h$k" --hours 12 --seed "$k"
done

seconds() {  # wall time of a command, in seconds
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>"$WORK/stderr" || { cat "$WORK/stderr" >&2; exit 1; }
  t1=$(date +%s.%N)
  python3 -c "print($t1 - $t0)"
}

declare -A ARGS=(
  [search]="search --data $WORK/data --trials 5 --outer-folds 2 --inner-folds 2 --initial-random 3 --epochs 3"
  [reproduce]="reproduce --data $WORK/data --repetitions 4 --epochs 4"
  [predict]="predict $WORK/holters --model $WORK/model.spm"
)
declare -A RESULT=([search]=search.json [reproduce]=results.json [predict]=cohort.csv)

echo "| workload | 1 process, 1 thread | 1 process, 2 threads | mpirun -np 2, 1 thread each | speed-up (2 ranks vs 1 thread) | same results |"
echo "|---|---|---|---|---|---|"
for w in ${WORKLOADS:-search reproduce predict}; do
  read -r -a a <<<"${ARGS[$w]}"
  t11=$(seconds "$BIN" "${a[@]}" --threads 1 --out "$WORK/$w-1x1")
  t12=$(seconds "$BIN" "${a[@]}" --threads 2 --out "$WORK/$w-1x2")
  t21=$(seconds "$MPIRUN" -np 2 --allow-run-as-root --oversubscribe "$BIN" "${a[@]}" --threads 1 \
    --out "$WORK/$w-2x1")
  same=$(python3 - "$WORK/$w-1x1/${RESULT[$w]}" "$WORK/$w-2x1/${RESULT[$w]}" <<'PY'
import json, sys
def strip(j):
    if isinstance(j, dict):
        return {k: strip(v) for k, v in j.items() if k not in ("seconds", "us_per_minute_one_core")}
    if isinstance(j, list):
        return [strip(v) for v in j]
    return j
a, b = sys.argv[1:3]
if a.endswith(".json"):
    print("yes" if strip(json.load(open(a))) == strip(json.load(open(b))) else "NO")
else:
    print("yes" if open(a, "rb").read() == open(b, "rb").read() else "NO")
PY
)
  printf "| %s | %.1f s | %.1f s | %.1f s | %.2fx | %s |\n" "$w" "$t11" "$t12" "$t21" \
    "$(python3 -c "print($t11 / $t21)")" "$same"
done
