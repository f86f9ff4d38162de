#!/usr/bin/python3
"""Writes the synthetic Holter record of `make bench-compare`: a WFDB record, 2 channels, 250 Hz,
format 212 (12-bit), gain 200 adu/mV, of any length (24 h by default; 48 h for a memory check).

Why not `scapredict simulate`: the simulator writes whole SDDB/NSRDB-like cohorts. Its only
250 Hz records of 24 h come with `--full` (records 40, 42, 49, among ~2 GB of other records, with
tape dropouts), and no option makes a 48 h record. A benchmark needs one record of a chosen length.

The signal is ECG-like, not an ECG model: a fixed P-QRS-T template (sums of Gaussians) repeated at
R-peak times with ~72 bpm, a circadian and a respiratory modulation of the RR interval and of the
amplitude, white noise, baseline wander and a little 60 Hz mains. It is deterministic for a seed.
It is written in chunks of one hour, so its memory stays small for any length. Samples are clipped
to -2047..2047 adu (-2048 is WFDB's "invalid sample" in format 212, never written here). The
header carries correct initial values and checksums (16-bit sums, as WFDB defines them).

Run with Debian's /usr/bin/python3: python3-numpy installs for it; a `python3` earlier on PATH
(e.g. pyenv's) may lack numpy.

  /usr/bin/python3 bench/make_holter.py --out build/bench-compare/holter24h --hours 24
"""

import argparse
import os
import sys

import numpy as np

FS = 250
GAIN = 200.0  # adu per mV
CHUNK_S = 3600


def template(fs, lead):
    """One beat, -0.3 .. +0.5 s around the R peak, in mV. lead 0 and 1 differ in projection."""
    t = np.arange(int(-0.3 * fs), int(0.5 * fs)) / fs
    # (centre s, width s, amplitude mV) of P, Q, R, S, T
    waves = [(-0.20, 0.025, 0.15), (-0.035, 0.010, -0.15), (0.0, 0.011, 1.6),
             (0.035, 0.012, -0.35), (0.26, 0.050, 0.35)]
    proj = [1.0, 1.0, 1.0, 1.0, 1.0] if lead == 0 else [0.6, -0.5, 0.7, -1.2, 0.45]
    y = np.zeros_like(t)
    for (c, w, a), p in zip(waves, proj):
        y += p * a * np.exp(-0.5 * ((t - c) / w) ** 2)
    return y, int(-0.3 * fs)


def beat_times(n_samples, fs, rng):
    """R-peak sample indices over the record and a per-beat amplitude factor."""
    n_est = int(n_samples / fs / 0.5) + 10  # enough beats even at 120 bpm
    k = np.arange(n_est)
    # RR: 0.83 s (72 bpm), respiratory sinus arrhythmia (~4 beats per breath), a slow LF wave,
    # white jitter; the circadian term is added below from the cumulative time.
    rr = (0.83 + 0.03 * np.sin(2 * np.pi * k / 4.3) + 0.02 * np.sin(2 * np.pi * k / 11.0)
          + 0.015 * rng.standard_normal(n_est))
    t = np.cumsum(rr)
    rr = rr * (1.0 + 0.08 * np.sin(2 * np.pi * t / 86400.0))
    t = np.cumsum(rr)
    idx = np.round(t * fs).astype(np.int64)
    idx = idx[idx < n_samples]
    amp = 1.0 + 0.05 * np.sin(2 * np.pi * np.arange(idx.size) / 4.3) + 0.02 * rng.standard_normal(
        idx.size)
    return idx, amp


def chunk_signal(a, b, fs, beats, amps, tpl, tpl_off, lead, rng):
    """Lead `lead` for samples [a, b), in mV."""
    n = b - a
    m = tpl.size
    start = beats + tpl_off  # first sample of each beat's template
    sel = (start < b) & (start + m > a)
    # Impulses shifted by m so that templates starting before a still have an index >= 0.
    impulses = np.zeros(n + 2 * m)
    np.add.at(impulses, start[sel] - a + m, amps[sel])
    train = np.convolve(impulses, tpl)[m:m + n]
    t = (a + np.arange(n)) / fs
    wander = 0.12 * np.sin(2 * np.pi * 0.05 * t + lead) + 0.05 * np.sin(2 * np.pi * 0.25 * t)
    mains = 0.005 * np.sin(2 * np.pi * 60.0 * t)
    noise = 0.012 * rng.standard_normal(n)
    return train + wander + mains + noise


def pack_212(c0, c1):
    """Two channels of 12-bit two's-complement adu -> format 212 bytes (3 bytes per frame)."""
    a = (c0.astype(np.int32) & 0xFFF).astype(np.uint16)
    b = (c1.astype(np.int32) & 0xFFF).astype(np.uint16)
    out = np.empty((a.size, 3), dtype=np.uint8)
    out[:, 0] = a & 0xFF
    out[:, 1] = ((a >> 8) & 0x0F) | (((b >> 8) & 0x0F) << 4)
    out[:, 2] = b & 0xFF
    return out.tobytes()


def signed16(v):
    v &= 0xFFFF
    return v - 0x10000 if v >= 0x8000 else v


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="record path without extension (DIR/NAME)")
    ap.add_argument("--hours", type=float, default=24.0)
    ap.add_argument("--seed", type=int, default=20240501)
    args = ap.parse_args(argv)
    if not args.hours > 0:
        ap.error("--hours must be positive")
    name = os.path.basename(args.out)
    if not name or any(c.isspace() for c in name):
        ap.error("--out needs a record name without white space")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)

    rng = np.random.default_rng(args.seed)
    n = int(round(args.hours * 3600 * FS))
    beats, amps = beat_times(n, FS, rng)
    tpls = [template(FS, lead) for lead in (0, 1)]
    init = [None, None]
    checksum = [0, 0]
    dat_tmp = args.out + ".dat.tmp"
    with open(dat_tmp, "wb") as f:
        for a in range(0, n, CHUNK_S * FS):
            b = min(n, a + CHUNK_S * FS)
            adu = []
            for lead in (0, 1):
                tpl, off = tpls[lead]
                mv = chunk_signal(a, b, FS, beats, amps, tpl, off, lead, rng)
                v = np.clip(np.round(mv * GAIN), -2047, 2047).astype(np.int64)
                if init[lead] is None:
                    init[lead] = int(v[0])
                checksum[lead] += int(v.sum())
                adu.append(v)
            f.write(pack_212(adu[0], adu[1]))
    hea_tmp = args.out + ".hea.tmp"
    with open(hea_tmp, "w") as h:
        h.write(f"{name} 2 {FS} {n} 08:00:00\n")
        for lead, desc in ((0, "ECG1"), (1, "ECG2")):
            h.write(f"{name}.dat 212 {GAIN:g}(0)/mV 12 0 {init[lead]} {signed16(checksum[lead])} "
                    f"0 {desc}\n")
        h.write(f"# synthetic ECG-like signal from bench/make_holter.py (seed {args.seed}, "
                f"{args.hours:g} h); not a recording\n")
    os.replace(dat_tmp, args.out + ".dat")
    os.replace(hea_tmp, args.out + ".hea")
    print(f"wrote {args.out}.hea/.dat: 2 signals, {FS} Hz, {n} frames ({args.hours:g} h), "
          f"format 212", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
