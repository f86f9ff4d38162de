#!/usr/bin/python3
"""docs/python.md's worked example: read a record, detect beats, HRV per 5 minutes, score it, and
plot (with matplotlib, when it is installed).

  PYTHONPATH=build/dev/python /usr/bin/python3 python/examples/worked_example.py \
      ../shared/physionet/mitdb/100 MODEL.spm [risk.png]
"""
import sys

import numpy as np

import scapredict

record, model_file = sys.argv[1], sys.argv[2]
png = sys.argv[3] if len(sys.argv) > 3 else None

# 1. The record: every channel, in mV.
x, h = scapredict.read_record(record)
print(f"{h['record']}: {x.shape[0]} samples x {x.shape[1]} channels {h['labels']} "
      f"at {h['fs_hz']:g} Hz ({x.shape[0] / h['fs_hz'] / 60:.1f} min)")

# 2. Beats on the first channel, and the reference annotations beside them.
beats = scapredict.detect_qrs(x[:, 0], h["fs_hz"])
ref = [a for a in scapredict.read_annotations(record, "atr") if a["code"] in (1, 5, 8, 9)]
print(f"detected {len(beats)} beats; the reference annotates {len(ref)} (N, V, A, a)")

# 3. HRV per 5 minutes from the detected beats (all taken as normal beats here).
hrv = scapredict.hrv(beats / h["fs_hz"], 300, fs=h["fs_hz"], end_s=x.shape[0] / h["fs_hz"])
print("window        HR/bpm  SDNN/ms  RMSSD/ms  LF/HF")
for i, t0 in enumerate(hrv["t0_s"]):
    if hrv["usable"][i]:
        print(f"{t0 / 60:4.0f}-{hrv['t1_s'][i] / 60:<4.0f} min  {60000 / hrv['mean_nn_ms'][i]:6.1f}"
              f"  {hrv['sdnn_ms'][i]:7.1f}  {hrv['rmssd_ms'][i]:8.1f}"
              f"  {np.exp(hrv['log_lf_hf'][i]):5.2f}")
    else:
        print(f"{t0 / 60:4.0f} min: not usable ({hrv['reason'][i]})")

# 4. The risk of every minute (the model's P(SCD), uncalibrated).
model = scapredict.Model.load(model_file)
r = model.score(record)
scored = ~np.isnan(r["risk"])
print(f"model {model.arch} ({model.backend}), {scored.sum()} of {len(r['risk'])} minutes scored;"
      f" risk median {np.median(r['risk'][scored]):.3f}, max {np.max(r['risk'][scored]):.3f}")
flags = {q for q in r["quality"] if q != "ok"}
print("quality flags other than ok:", ", ".join(sorted(flags)) if flags else "none")

# 5. A plot, when matplotlib is there.
if png:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plot")
    else:
        fig, ax = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
        ax[0].plot(r["start_s"] / 60, r["risk"], "o-")
        ax[0].set_ylabel("P(SCD), uncalibrated")
        mid = (hrv["t0_s"] + hrv["t1_s"]) / 120
        ax[1].plot(mid, 60000 / hrv["mean_nn_ms"], "s-")
        ax[1].set_ylabel("HR / bpm")
        ax[1].set_xlabel("minutes")
        fig.savefig(png, dpi=80)
        print("plot written to", png)
