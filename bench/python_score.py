#!/usr/bin/python3
"""Time to score one record from Python (scapredict.Model.score) against the CLI
(scapredict-score predict), both from the same build; medians of N runs, after one warm-up run.

  PYTHONPATH=build/dev/python /usr/bin/python3 bench/python_score.py RECORD MODEL \
      build/dev/apps/scapredict/scapredict-score [N]

Prints a Markdown table and checks that both give the same risks (to the CLI's 10 digits).
"""
import csv
import io
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

import scapredict


def main():
    record, model, cli = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    m = scapredict.Model.load(model)
    with tempfile.TemporaryDirectory() as tmp:
        out = f"{tmp}/risk.csv"

        def run_cli():
            subprocess.run([cli, "predict", record, "--model", model, "--out", out], check=True,
                           capture_output=True)

        def run_python():
            return m.score(record)

        run_cli()
        r = run_python()
        t_cli, t_py = [], []
        for _ in range(n):
            t0 = time.perf_counter()
            run_cli()
            t_cli.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            r = run_python()
            t_py.append(time.perf_counter() - t0)
        text = open(out).read()
    rows = list(csv.DictReader(io.StringIO(
        "\n".join(l for l in text.splitlines() if l and not l.startswith("#")))))
    same = [("" if np.isnan(v) else f"{v:.10g}") for v in r["risk"]] == [x["risk"] for x in rows]
    print(f"| {len(r['minute'])} minutes | median of {n} | min |")
    print("|---|---|---|")
    print(f"| scapredict-score predict (process, CSV written) | {statistics.median(t_cli):.3f} s "
          f"| {min(t_cli):.3f} s |")
    print(f"| scapredict.Model.score (in Python, arrays returned) | "
          f"{statistics.median(t_py):.3f} s | {min(t_py):.3f} s |")
    print(f"\nsame risks: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
