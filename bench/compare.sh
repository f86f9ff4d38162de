#!/usr/bin/env bash
# scapredict's scoring against the plain Python stack, as whole processes (docs/bench-compare.md).
#
#   bench/compare.sh                      # release binaries, 24 h record, 5 runs each
#   BIN=build/dev/apps/scapredict/scapredict N=3 bench/compare.sh
#
# Settings (environment):
#   BIN        scapredict          (default build/release/apps/scapredict/scapredict)
#   BIN_LAB    scapredict-lab      (default: beside BIN; the same scoring with LibTorch mapped; skipped when absent)
#   N          runs per command, medians reported (default 5)
#   HOURS      record length in hours (default 24; 48 for the memory check)
#   OUT        work and result folder (default build/bench-compare; record and model are cached)
#   PYTHON     the interpreter of the reference (default /usr/bin/python3: Debian's
#              python3-numpy/-scipy/-torch install for it, not for a pyenv python3 on PATH)
#   DATA       passed to `scapredict train --data` (default: what `train` picks by itself:
#              data/physionet when present, else the simulated default cohort)
# Nothing here goes through eval; every command is an array.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

BIN=${BIN:-build/release/apps/scapredict/scapredict}
BIN_LAB=${BIN_LAB:-$(dirname "$BIN")/scapredict-lab}
N=${N:-5}
HOURS=${HOURS:-24}
OUT=${OUT:-build/bench-compare}
PYTHON=${PYTHON:-/usr/bin/python3}
DATA=${DATA:-}
GNU_TIME=/usr/bin/time

die() { echo "compare.sh: $*" >&2; exit 2; }
[[ "$N" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, got '$N'"
[[ "$HOURS" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "HOURS must be a number, got '$HOURS'"
[[ -x "$BIN" ]] || die "no scapredict at $BIN (make bench-compare builds it; or set BIN)"
[[ -x "$GNU_TIME" ]] || die "no GNU time at $GNU_TIME (Debian package 'time'; scripts/install-deps --bench)"
"$PYTHON" -c 'import numpy, scipy, torch' 2>/dev/null ||
  die "$PYTHON lacks numpy/scipy/torch (scripts/install-deps --bench)"
have_lab=0
if [[ -x "$BIN_LAB" ]]; then have_lab=1; fi

mkdir -p "$OUT"
rec="$OUT/holter${HOURS}h"
model="$OUT/model.spm"

# ---- inputs, cached
if [[ ! -f "$rec.hea" || ! -f "$rec.dat" ]]; then
  echo "compare.sh: writing the ${HOURS} h record $rec" >&2
  "$PYTHON" "$here/make_holter.py" --out "$rec" --hours "$HOURS"
fi
if [[ ! -f "$model" ]]; then
  echo "compare.sh: training the model $model" >&2
  train=("$BIN" train --cache "$OUT/cache" --out "$model")
  if [[ -n "$DATA" ]]; then train+=(--data "$DATA"); fi
  "${train[@]}" >"$OUT/train.log" 2>&1 || { tail -5 "$OUT/train.log" >&2; die "training failed"; }
fi

# ---- measuring
# run_n NAME CMD...: N runs; wall from bash's EPOCHREALTIME around /usr/bin/time (so it includes
# /usr/bin/time's own fork and exec, see the /bin/true row), peak RSS (KiB) from /usr/bin/time -f %M.
declare -A wall_med rss_med
median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
run_n() {
  local name=$1; shift
  local walls=() rsses=() i t0 t1 tf="$OUT/.time.$$"
  for ((i = 0; i < N; i++)); do
    t0=$EPOCHREALTIME
    if ! "$GNU_TIME" -f '%M' -o "$tf" "$@" >"$OUT/$name.stdout" 2>"$OUT/$name.stderr"; then
      tail -5 "$OUT/$name.stderr" >&2
      die "$name failed: $*"
    fi
    t1=$EPOCHREALTIME
    walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f", b - a}')")
    rsses+=("$(tail -1 "$tf")")
  done
  rm -f "$tf"
  wall_med[$name]=$(printf '%s\n' "${walls[@]}" | median)
  rss_med[$name]=$(printf '%s\n' "${rsses[@]}" | median)
  echo "compare.sh: $name: wall ${walls[*]} s; peak RSS ${rsses[*]} KiB" >&2
}

run_n scapredict "$BIN" predict --model "$model" "$rec" --out "$OUT/scapredict.csv"
# The built-in model (docs/default-model.md): QRS detection and HRV of 5-minute windows per minute.
run_n scapredict-hrv "$BIN" predict "$rec" --out "$OUT/scapredict-hrv.csv"
if ((have_lab)); then
  run_n scapredict-lab "$BIN_LAB" predict --model "$model" "$rec" --out "$OUT/scapredict-lab.csv"
else
  echo "compare.sh: no scapredict-lab at $BIN_LAB; its rows are skipped" >&2
fi
run_n python "$PYTHON" "$here/python_reference.py" --model "$model" "$rec" --out "$OUT/python.csv"
run_n start-true /bin/true
run_n start-scapredict "$BIN" --version
if ((have_lab)); then run_n start-scapredict-lab "$BIN_LAB" --version; fi
run_n start-python-torch "$PYTHON" -c 'import torch'

# ---- agreement (not timed): the timed stack, then with a resampler close to scapredict's
check_poly=$("$PYTHON" "$here/python_reference.py" --model "$model" "$rec" \
  --check "$OUT/scapredict.csv" 2>&1 || true)
check_soxr=$("$PYTHON" "$here/python_reference.py" --model "$model" "$rec" \
  --check "$OUT/scapredict.csv" --resampler soxr-like 2>&1 || true)

# ---- table
ms() { awk -v s="$1" 'BEGIN {printf (s < 1 ? "%.1f ms" : "%.2f s"), (s < 1 ? s * 1000 : s)}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f MiB", k / 1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN {ok = (op == ">=") ? v >= t : v <= t; print ok ? "met" : "NOT met"}'; }

build_type=unknown
d=$(cd "$(dirname "$BIN")" && pwd)
while [[ "$d" != / ]]; do
  if [[ -f "$d/CMakeCache.txt" ]]; then
    build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$d/CMakeCache.txt")
    build_type="${build_type:-(empty)} ($d)"
    break
  fi
  d=$(dirname "$d")
done

frames=$(awk 'NR == 1 {print $4; exit}' "$rec.hea")
fs=$(awk 'NR == 1 {print $3; exit}' "$rec.hea")
{
  echo "# bench-compare: scapredict predict vs the plain Python stack"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- scapredict: $("$BIN" --version) at $BIN, CMAKE_BUILD_TYPE $build_type"
  if ((have_lab)); then echo "- scapredict-lab: $("$BIN_LAB" --version) at $BIN_LAB"; else echo "- scapredict-lab: absent ($BIN_LAB)"; fi
  echo "- Python stack: $("$PYTHON" -c 'import sys, numpy, scipy, torch; print(f"python {sys.version.split()[0]}, numpy {numpy.__version__}, scipy {scipy.__version__}, torch {torch.__version__}")') ($PYTHON)"
  echo "- record: $rec, ${HOURS} h, 2 signals, $fs Hz, $frames frames, format 212 ($(du -h "$rec.dat" | cut -f1)); $(grep -c '^[0-9]' "$OUT/scapredict.csv") minutes"
  echo "- model: $model ($(sed -n '2s/^# //p' "$OUT/scapredict.csv" | cut -c1-120))"
  echo "- runs per command: $N; medians; wall includes /usr/bin/time's fork/exec (see /bin/true)"
  echo
  echo "| command | wall (median) | peak RSS (median) |"
  echo "|---|---|---|"
  row() { echo "| $1 | $(ms "${wall_med[$2]}") | $(mib "${rss_med[$2]}") |"; }
  row "scapredict predict" scapredict
  row "scapredict predict, built-in HRV model (no Python counterpart)" scapredict-hrv
  if ((have_lab)); then row "scapredict-lab predict" scapredict-lab; fi
  row "python3 bench/python_reference.py" python
  row "start: /bin/true (floor of the measurement)" start-true
  row "start: scapredict --version" start-scapredict
  if ((have_lab)); then row "start: scapredict-lab --version" start-scapredict-lab; fi
  row "start: python3 -c 'import torch'" start-python-torch
  echo
  echo "| target | value | verdict |"
  echo "|---|---|---|"
  targets() {
    local label=$1 key=$2 rw rm
    rw=$(ratio "${wall_med[python]}" "${wall_med[$key]}")
    rm=$(ratio "${rss_med[python]}" "${rss_med[$key]}")
    echo "| $label: Python/scapredict wall >= 15x | ${rw}x | $(verdict "$rw" 15 '>=') |"
    echo "| $label: Python/scapredict peak RSS >= 10x | ${rm}x | $(verdict "$rm" 10 '>=') |"
    echo "| $label: process start <= 20 ms | $(ms "${wall_med[start-$key]}") | $(verdict "${wall_med[start-$key]}" 0.020 '<=') |"
  }
  targets "scapredict" scapredict
  if ((have_lab)); then targets "scapredict-lab" scapredict-lab; fi
  echo
  echo "Agreement (per-minute P(SCD), not timed):"
  echo
  echo '```'
  echo "timed stack (resample_poly's own filter):"
  echo "$check_poly"
  echo "same with --resampler soxr-like (a filter close to scapredict's libsoxr HQ):"
  echo "$check_soxr"
  echo '```'
} >"$OUT/result.md"
cat "$OUT/result.md"
echo "compare.sh: written to $OUT/result.md" >&2
