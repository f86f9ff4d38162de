#!/usr/bin/python3
"""The plain Python stack of `make bench-compare`: the job of `scapredict predict --model MODEL
RECORD` done with numpy, scipy and torch, as a Python user would write it.

  /usr/bin/python3 bench/python_reference.py --model MODEL.spm RECORD [--out risk.csv]
  /usr/bin/python3 bench/python_reference.py --model MODEL.spm RECORD --check scapredict.csv

Steps (the same as scapredict's unless listed under "differences"):
 1. The WFDB header RECORD.hea: sampling rate, frames, and for the chosen signal (--channel, 0)
    its file, format, gain and baseline (gain 0 means 200 adu/mV, baseline defaults to adc zero).
 2. The signal file decoded with numpy: format 212 (pairs of 12-bit samples in 3 bytes, all
    signals of a frame interleaved) or format 16; the sample -2048 (212) / -32768 (16) is invalid.
    Physical units: (adu - baseline) / gain, in mV.
 3. The whole channel resampled to 128 Hz with scipy.signal.resample_poly (for 250 Hz:
    up 64, down 125; its default Kaiser-windowed FIR), trimmed to round(n * 128 / fs) samples.
 4. Cut into consecutive 1-minute segments of 7680 samples from the start; a last partial minute
    is dropped.
 5. Spectrum of each minute as dsp::SpectrumReducer computes it: zero-padded to
    L = the smallest power of two >= max(7680, 2 * bins) (8192 for 1024 bins), |rfft|, and bin b
    = sum of |X_k| for k = b r .. b r + r - 1, r = L / (2 bins), times 1 / (7680 r); in float64,
    then cast to float32 as features::extract_features does. No other normalisation of the input
    (scapredict has none: no per-minute mean removal, no window).
 6. z = (x - mean) / sd with the model file's "normalisation" (float32, as model::Classifier).
 7. The paper's CNN (model/networks.cpp): Conv1d(1 -> 16, kernel 8, stride 8), BatchNorm1d(16)
    (eval mode, eps 1e-5), ReLU, max_pool1d(2), flatten (channel-major), Linear(-> 40), ReLU,
    Linear(40 -> 2); P(SCD) = softmax(...)[:, 1]. Weights from the model file's "engine" object
    (docs/engine.md: base64 little-endian fp32 tensors named as LibTorch names them). torch on
    CPU, torch.set_num_threads(1), all minutes in one batch (as scapredict predict does).
 8. One row per minute as CSV: minute,start_s,invalid_samples,risk.

Differences from scapredict predict (so that no one reads the comparison as like for like):
 - Resampler: scapredict uses libsoxr (SOXR_HQ) with 5 s of context; this uses resample_poly.
   Both are linear-phase low-pass resamplers, not bit-identical: probabilities are close, not
   equal (the --check mode measures how close).
 - Quality flags: scapredict flags and does not score minutes with invalid samples, flat lines
   (< 0.01 mV peak-to-peak over 2 s), ADC saturation (> 1 % of samples at a limit), bridged gaps,
   minutes at or after a VF onset (header #vfon or .atr/.ari annotations), and VF-like minutes
   (the VF-like rule on every 8 s window, dsp::vf_like_window). This script computes none of
   them: it scores every minute, except that a minute holding invalid samples gets no risk (the
   gaps are linearly interpolated before resampling so that the resampler can run; scapredict
   bridges short gaps and invalidates long ones with a guard band, which is not reproduced).
 - scapredict also computes each minute's distance to the training minutes ("unlike_training"),
   reads annotations, checks the record against the model's training range, and prints clock
   times; this script does none of that. Those are extra work on scapredict's side of the
   comparison, not on this one.
 - Only WFDB formats 212 and 16 with one signal file for all signals, no multi-segment records,
   no skew or byte offsets; anything else is refused.
 - Only cnn1d models on the "dft" input without a frequency band (the default of `scapredict
   train`); anything else is refused.

It runs on Debian's /usr/bin/python3 because python3-numpy, python3-scipy and python3-torch
install for it; a `python3` earlier on PATH (pyenv) would not see them.
"""

import os

# One thread for every numerical library, set before numpy, scipy and torch load their pools.
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse  # noqa: E402
import base64  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from fractions import Fraction  # noqa: E402

import numpy as np  # noqa: E402
import scipy.signal  # noqa: E402
import torch  # noqa: E402

FS_OUT = 128.0
MINUTE = 7680
MAGIC = b"SCAPREDICT-MODEL\n"


class Refused(Exception):
    pass


# ---------------------------------------------------------------------------- WFDB header, signal

def read_header(record):
    path = record + ".hea"
    with open(path, "r", encoding="latin-1") as f:
        lines = [ln.strip() for ln in f if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise Refused(f"{path}: empty header")
    rec = lines[0].split()
    if "/" in rec[0]:
        raise Refused(f"{path}: multi-segment records are not supported")
    nsig = int(rec[1])
    fs = float(re.match(r"[0-9.eE+-]+", rec[2]).group(0)) if len(rec) > 2 else 250.0
    nframes = int(rec[3]) if len(rec) > 3 else None
    sigs = []
    for ln in lines[1:1 + nsig]:
        p = ln.split()
        m = re.fullmatch(r"(\d+)(.*)", p[1])
        if m is None or m.group(2):
            raise Refused(f"{path}: format '{p[1]}' (samples per frame, skew or offset) not supported")
        fmt = int(m.group(1))
        gain, baseline = 200.0, None
        if len(p) > 2:
            g = re.fullmatch(r"([0-9.eE+-]+)(?:\(([-0-9]+)\))?(?:/.*)?", p[2])
            if g is None:
                raise Refused(f"{path}: cannot read gain '{p[2]}'")
            gain = float(g.group(1)) or 200.0
            baseline = int(g.group(2)) if g.group(2) is not None else None
        adc_zero = int(p[4]) if len(p) > 4 else 0
        sigs.append({"file": p[0], "format": fmt, "gain": gain,
                     "baseline": adc_zero if baseline is None else baseline})
    if len(sigs) != nsig:
        raise Refused(f"{path}: {nsig} signals announced, {len(sigs)} described")
    if len({s["file"] for s in sigs}) != 1 or len({s["format"] for s in sigs}) != 1:
        raise Refused(f"{path}: only one signal file and one format for all signals are supported")
    return {"fs": fs, "nframes": nframes, "nsig": nsig, "signals": sigs}


def read_channel(record, hdr, channel):
    """One channel in mV (NaN where invalid)."""
    if not 0 <= channel < hdr["nsig"]:
        raise Refused(f"{record}: no signal {channel} (the record has {hdr['nsig']})")
    s = hdr["signals"][channel]
    path = os.path.join(os.path.dirname(record), s["file"])
    nsig = hdr["nsig"]
    raw = np.fromfile(path, dtype=np.uint8)
    if s["format"] == 212:
        raw = raw[: raw.size - raw.size % 3].reshape(-1, 3).astype(np.int16)
        flat = np.empty(2 * raw.shape[0], dtype=np.int16)
        flat[0::2] = raw[:, 0] | ((raw[:, 1] & 0x0F) << 8)
        flat[1::2] = raw[:, 2] | ((raw[:, 1] & 0xF0) << 4)
        flat[flat >= 2048] -= 4096
        invalid = -2048
    elif s["format"] == 16:
        flat = raw[: raw.size - raw.size % 2].view("<i2")
        invalid = -32768
    else:
        raise Refused(f"{path}: format {s['format']} not supported (212 and 16 are)")
    nframes = flat.size // nsig if hdr["nframes"] is None else hdr["nframes"]
    if flat.size < nframes * nsig:
        raise Refused(f"{path}: {flat.size // nsig} frames, the header announces {nframes}")
    adu = flat[: nframes * nsig].reshape(nframes, nsig)[:, channel]
    mv = (adu.astype(np.float64) - s["baseline"]) / s["gain"]
    mv[adu == invalid] = np.nan
    return mv


# ---------------------------------------------------------------------------- model file

def read_model(path):
    with open(path, "rb") as f:
        b = f.read()
    if not b.startswith(MAGIC):
        raise Refused(f"{path}: not a scapredict model file")
    pos = len(MAGIC)
    nl = b.index(b"\n", pos)
    hlen = int(b[pos:nl])
    header = json.loads(b[nl + 1:nl + 1 + hlen])
    if header.get("arch") != "cnn1d":
        raise Refused(f"{path}: arch {header.get('arch')}; this reference runs cnn1d only")
    feats = header["features"]
    if feats.get("input") != "dft" or feats.get("band_hz") is not None:
        raise Refused(f"{path}: input {feats.get('input')} / band {feats.get('band_hz')}; "
                      "this reference runs the dft input without a band only")
    if "engine" not in header:
        raise Refused(f"{path}: no engine object (a model written before the engine: train it again)")
    tensors = {}
    for name, t in header["engine"]["tensors"].items():
        v = np.frombuffer(base64.b64decode(t["f32le_base64"], validate=True), dtype="<f4")
        tensors[name] = torch.from_numpy(v.astype(np.float32).reshape(t["shape"]))
    norm = header["normalisation"]
    mean = torch.tensor(norm["mean"], dtype=torch.float32)
    sd = torch.tensor(norm["sd"], dtype=torch.float32)
    return header, tensors, mean, sd


class Cnn1d(torch.nn.Module):
    """model/networks.cpp Cnn1dImpl."""

    def __init__(self, length):
        super().__init__()
        self.conv = torch.nn.Conv1d(1, 16, 8, stride=8)
        self.bn = torch.nn.BatchNorm1d(16)
        self.fc1 = torch.nn.Linear(16 * (((length - 8) // 8 + 1) // 2), 40)
        self.fc2 = torch.nn.Linear(40, 2)

    def forward(self, x):
        x = torch.nn.functional.max_pool1d(torch.relu(self.bn(self.conv(x.unsqueeze(1)))), 2)
        return self.fc2(torch.relu(self.fc1(x.flatten(1))))


def build_net(length, tensors):
    net = Cnn1d(length)
    state = net.state_dict()
    missing = [k for k in state if k not in tensors and k != "bn.num_batches_tracked"]
    if missing:
        raise Refused(f"model engine lacks tensors {missing}")
    with torch.no_grad():
        for k, v in state.items():
            if k in tensors:
                if tuple(tensors[k].shape) != tuple(v.shape):
                    raise Refused(f"tensor {k}: shape {tuple(tensors[k].shape)}, "
                                  f"network expects {tuple(v.shape)}")
                v.copy_(tensors[k])
    net.eval()
    return net


# ---------------------------------------------------------------------------- the pipeline

def soxr_like_filter(fs_in, up, down, passband_end=0.913, attenuation_db=125.0):
    """An approximation of libsoxr's SOXR_HQ low-pass (20-bit quality: pass band up to 91.3 % of
    the lower Nyquist frequency, stop band from it) as a Kaiser FIR for resample_poly, which
    scales it by `up` itself. Only for --resampler soxr-like; not what the timed stack runs."""
    fs_up = fs_in * up
    nyq_low = min(fs_in, fs_in * up / down) / 2.0
    numtaps, beta = scipy.signal.kaiserord(attenuation_db,
                                           (1.0 - passband_end) * nyq_low / (fs_up / 2.0))
    return scipy.signal.firwin(numtaps | 1, (1.0 + passband_end) / 2.0 * nyq_low,
                               window=("kaiser", beta), fs=fs_up)


def spectra(seg, bins):
    n = seg.shape[1]
    L = 1
    while L < max(n, 2 * bins):
        L <<= 1
    r = L // (2 * bins)
    mag = np.abs(np.fft.rfft(seg, n=L, axis=1))
    out = mag[:, : bins * r].reshape(seg.shape[0], bins, r).sum(axis=2) * (1.0 / (n * r))
    return out.astype(np.float32)


def predict(record, model_path, channel, stages, resampler="poly"):
    t0 = time.perf_counter()
    header, tensors, mean, sd = read_model(model_path)
    bins = int(header["features"]["bins"])
    hdr = read_header(record)
    x = read_channel(record, hdr, channel)
    fs = hdr["fs"]
    t1 = time.perf_counter()
    stages["read"] = t1 - t0

    bad = np.isnan(x)
    if bad.any():
        if bad.all():
            raise Refused(f"{record}: every sample is invalid")
        idx = np.arange(x.size)
        x = x.copy()
        x[bad] = np.interp(idx[bad], idx[~bad], x[~bad])
    n_out = int(round(x.size * FS_OUT / fs))
    if fs == FS_OUT:
        y = x
    else:
        ratio = Fraction(FS_OUT / fs).limit_denominator(10000)
        up, down = ratio.numerator, ratio.denominator
        window = ("kaiser", 5.0)  # resample_poly's default
        if resampler == "soxr-like":
            window = soxr_like_filter(fs, up, down)
        y = scipy.signal.resample_poly(x, up, down, window=window)
    y = y[:n_out]
    t2 = time.perf_counter()
    stages["resample"] = t2 - t1

    n_min = y.size // MINUTE
    if n_min == 0:
        raise Refused(f"{record}: nothing to score: shorter than one minute")
    seg = y[: n_min * MINUTE].reshape(n_min, MINUTE)
    # Invalid samples per minute, at the input rate, mapped onto the minutes.
    per_min_in = fs * 60.0
    invalid = np.zeros(n_min, dtype=np.int64)
    if bad.any():
        where = (np.nonzero(bad)[0] / per_min_in).astype(np.int64)
        where = where[where < n_min]
        invalid = np.bincount(where, minlength=n_min)
    feats = spectra(seg, bins)
    t3 = time.perf_counter()
    stages["spectra"] = t3 - t2

    net = build_net(feats.shape[1], tensors)
    with torch.no_grad():
        z = (torch.from_numpy(feats) - mean) / sd
        p = torch.softmax(net(z), dim=1)[:, 1].numpy().astype(np.float64)
    p[invalid > 0] = np.nan
    stages["cnn"] = time.perf_counter() - t3
    return p, invalid


def write_csv(out, p, invalid):
    out.write("minute,start_s,invalid_samples,risk\n")
    for m in range(p.size):
        r = "" if math.isnan(p[m]) else f"{p[m]:.10g}"
        out.write(f"{m},{60 * m},{int(invalid[m])},{r}\n")


def read_scapredict_csv(path):
    """{minute: risk or None} and {minute: quality} from `scapredict predict --out F.csv`."""
    risk, quality = {}, {}
    with open(path, newline="") as f:
        rows = [ln.rstrip("\r\n") for ln in f if not ln.startswith("#")]
    if not rows or not rows[0].startswith("minute,"):
        raise Refused(f"{path}: not a scapredict predict CSV")
    cols = rows[0].split(",")
    i_min, i_risk, i_q = cols.index("minute"), cols.index("risk"), cols.index("quality")
    import csv
    for row in csv.reader(rows[1:]):
        if not row:
            continue
        m = int(row[i_min])
        risk[m] = float(row[i_risk]) if row[i_risk] else None
        quality[m] = row[i_q]
    return risk, quality


def logit(p):
    return math.log(p) - math.log1p(-p)


def check(p, path, tolerance):
    theirs, quality = read_scapredict_csv(path)
    both = [m for m in range(p.size) if theirs.get(m) is not None and not math.isnan(p[m])]
    flagged = {}
    for m, q in quality.items():
        if theirs[m] is None:
            for f in q.split(";"):
                flagged[f.split("=")[0]] = flagged.get(f.split("=")[0], 0) + 1
    if len(theirs) != p.size:
        print(f"check: scapredict has {len(theirs)} minutes, this reference {p.size}")
    if not both:
        print("check: no minute scored by both")
        return 2
    d = np.array([abs(p[m] - theirs[m]) for m in both])
    # Log-odds where both probabilities are far enough from 0 and 1 for the CSV's 10 digits.
    dl = [abs(logit(p[m]) - logit(theirs[m])) for m in both
          if 1e-9 < theirs[m] < 1 - 1e-6 and 1e-9 < p[m] < 1 - 1e-6]
    worst = both[int(np.argmax(d))]
    print(f"check: {len(both)} minutes scored by both; max |dP| = {d.max():.3g} "
          f"(minute {worst}: reference {p[worst]:.6g}, scapredict {theirs[worst]:.6g}), "
          f"mean |dP| = {d.mean():.3g}, median |dP| = {np.median(d):.3g}")
    if dl:
        print(f"check: max |d logit| = {max(dl):.3g} over the {len(dl)} minutes with "
              f"1e-9 < P < 1 - 1e-6 on both sides")
    p_theirs = np.array([theirs[m] for m in both])
    print(f"check: scapredict's P: min {p_theirs.min():.4g}, median {np.median(p_theirs):.4g}, "
          f"max {p_theirs.max():.4g}")
    not_scored = sum(1 for v in theirs.values() if v is None)
    if not_scored:
        print(f"check: {not_scored} minutes not scored by scapredict (flags: "
              + ", ".join(f"{k} {v}" for k, v in sorted(flagged.items())) + ")")
    ok = d.max() <= tolerance
    print(f"check: {'PASS' if ok else 'FAIL'} (tolerance {tolerance:g} on |dP|)")
    return 0 if ok else 1


def main(argv):
    ap = argparse.ArgumentParser(
        description="scapredict predict's job in numpy/scipy/torch (see the module docstring)")
    ap.add_argument("record", help="WFDB record path without extension")
    ap.add_argument("--model", required=True, help="scapredict model file (.spm) with an engine")
    ap.add_argument("--channel", type=int, default=0)
    ap.add_argument("--out", help="CSV output (default stdout)")
    ap.add_argument("--check", metavar="SCAPREDICT_CSV",
                    help="compare with `scapredict predict --out F.csv` of the same record and "
                    "model; prints max |dP|; exit status 1 when it exceeds --tolerance")
    ap.add_argument("--tolerance", type=float, default=0.01)
    ap.add_argument("--resampler", choices=("poly", "soxr-like"), default="poly",
                    help="poly (default, the stack that is timed): resample_poly's own filter; "
                    "soxr-like: a Kaiser FIR close to libsoxr's HQ filter, to tell the "
                    "resampler's share of a --check difference from the rest")
    ap.add_argument("--stages", action="store_true", help="seconds per stage on stderr")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    stages = {}
    try:
        p, invalid = predict(args.record, args.model, args.channel, stages, args.resampler)
        if args.stages:
            print("stages: " + ", ".join(f"{k} {v:.3f} s" for k, v in stages.items()),
                  file=sys.stderr)
        if args.out:
            with open(args.out, "w") as f:
                write_csv(f, p, invalid)
        elif not args.check:
            write_csv(sys.stdout, p, invalid)
        if args.check:
            return check(p, args.check, args.tolerance)
    except (Refused, OSError, ValueError, KeyError) as e:
        print(f"python_reference: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
