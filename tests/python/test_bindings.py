"""Tests of the Python bindings (docs/python.md). Run with `make python`, or:
PYTHONPATH=build/python/python /usr/bin/python3 -m pytest -q tests/python

Data: ../shared/physionet/mitdb/100 (skipped when absent). The bindings are compared with the
command-line tool ($SCAPREDICT_CLI as ctest sets it, else build/dev's). The
scoring test uses build/bench-compare/model.spm when present, else trains a tiny model with the
CLI on a small simulated cohort.
"""
import csv
import io
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import scapredict

ROOT = pathlib.Path(__file__).resolve().parents[2]
MITDB = ROOT.parent / "shared" / "physionet" / "mitdb"
REC100 = MITDB / "100"
# ctest names the tool it built (SCAPREDICT_CLI); by hand, build/dev's.
CLI = pathlib.Path(os.environ.get(
    "SCAPREDICT_CLI", ROOT / "build" / "dev" / "apps" / "scapredict" / "scapredict"))
MODEL = ROOT / "build" / "bench-compare" / "model.spm"


@pytest.fixture(scope="session")
def model_path(tmp_path_factory):
    """build/bench-compare's model when there is one; else a tiny one trained here with the CLI
    on a small simulated cohort (as the CLI tests make theirs)."""
    if MODEL.exists():
        return MODEL
    if not CLI.exists():
        pytest.skip(f"no model at {MODEL} and no scapredict at {CLI} to train one")
    d = tmp_path_factory.mktemp("model")
    subprocess.run([str(CLI), "simulate", "--out", str(d / "cohort"), "--hours-before-onset",
                    "0.4", "--nsrdb-hours", "0.5", "--threads", "2"], check=True,
                   capture_output=True)
    subprocess.run([str(CLI), "train", "--data", str(d / "cohort"), "--out", str(d / "m.spm"),
                    "--epochs", "1", "--bins", "128"], check=True, capture_output=True)
    return d / "m.spm"

need_mitdb = pytest.mark.skipif(
    not (MITDB / "100.hea").exists(), reason=f"MIT-BIH record 100 not found in {MITDB}")


def header_line(record, signal):
    """The fields of signal line `signal` of a WFDB header (comments skipped)."""
    lines = [l for l in pathlib.Path(f"{record}.hea").read_text().splitlines()
             if l.strip() and not l.startswith("#")]
    return lines[1 + signal].split()


@need_mitdb
def test_read_record_header_and_samples():
    x, h = scapredict.read_record(str(REC100), channel="0")
    assert x.dtype == np.float64 and x.shape == (650000,)
    assert h["record"] == "100" and h["format"] == "WFDB"
    assert h["channel"] == 0 and h["label"] == "MLII"
    assert h["fs_hz"] == 360.0 and h["n_samples"] == 650000
    assert h["gain_adu_per_mv"] == 200.0 and h["base_time"] == ""
    # The first sample is (initial value - baseline) / gain, from the header's signal line.
    f = header_line(REC100, 0)
    gain, baseline, initial = float(f[2]), int(f[4]), int(f[5])
    assert x[0] == pytest.approx((initial - baseline) / gain)
    # `scapredict inspect`: mean -0.3063, std 0.1932, min -2.7150, max 1.4350 mV, no invalid.
    assert not np.isnan(x).any()
    assert round(x.mean(), 4) == -0.3063 and round(x.std(), 4) == 0.1932
    assert x.min() == pytest.approx(-2.715) and x.max() == pytest.approx(1.435)


@need_mitdb
def test_read_record_channel_by_label():
    x, h = scapredict.read_record(REC100, channel="V5")  # a pathlib.Path is accepted too
    assert h["channel"] == 1 and h["label"] == "V5"
    f = header_line(REC100, 1)
    assert x[0] == pytest.approx((int(f[5]) - int(f[4])) / float(f[2]))


def test_bad_path_raises_error_with_one_line_message(tmp_path):
    assert issubclass(scapredict.Error, Exception)
    missing = tmp_path / "nope"
    with pytest.raises(scapredict.Error) as e:
        scapredict.read_record(str(missing))
    assert str(e.value) == f"{missing}.hea: header file not found"
    assert "\n" not in str(e.value)
    with pytest.raises(scapredict.Error, match="nope"):
        scapredict.read_annotations(str(missing), "atr")
    with pytest.raises(scapredict.Error, match="model.spm"):
        scapredict.Model.load(str(tmp_path / "model.spm"))


@need_mitdb
def test_annotations_round_trip(tmp_path):
    anns = scapredict.read_annotations(str(REC100), "atr")
    assert len(anns) == 2274  # `scapredict inspect`: 2274 annotations in 100.atr
    assert set(anns[0]) == {"sample", "code", "subtype", "chan", "num", "aux"}
    assert anns[0]["code"] == 28 and anns[0]["aux"] == "(N"  # the rhythm annotation at 0.050 s
    assert sum(a["code"] == 1 for a in anns) == 2239  # N beats
    out = tmp_path / "100"
    scapredict.write_annotations(str(out), "cpy", anns)
    assert (tmp_path / "100.cpy").stat().st_size > 0
    assert scapredict.read_annotations(str(out), "cpy") == anns


def test_write_annotations_defaults_and_errors(tmp_path):
    rec = str(tmp_path / "r")
    scapredict.write_annotations(rec, "qrs", [{"sample": 10, "code": 1},
                                              {"sample": 400, "code": 5, "aux": "x"}])
    back = scapredict.read_annotations(rec, "qrs")
    assert [(a["sample"], a["code"], a["aux"]) for a in back] == [(10, 1, ""), (400, 5, "x")]
    with pytest.raises(KeyError):
        scapredict.write_annotations(rec, "bad", [{"code": 1}])


@need_mitdb
def test_detect_qrs_mitdb_100(tmp_path):
    x, h = scapredict.read_record(str(REC100), channel="0")
    beats = scapredict.detect_qrs(x, h["fs_hz"])
    assert beats.dtype == np.int64
    assert 2200 <= len(beats) <= 2350  # 2273 reference beats
    assert (np.diff(beats) > 0).all() and beats[0] >= 0 and beats[-1] < len(x)
    if CLI.exists():  # the same detector through `scapredict qrs --signal 0`
        out = tmp_path / "100.qrs"
        subprocess.run([str(CLI), "qrs", str(REC100), "--signal", "0", "--out", str(out)],
                       check=True, capture_output=True)
        cli = [a["sample"] for a in scapredict.read_annotations(str(tmp_path / "100"), "qrs")]
        assert cli == beats.tolist()


def test_detect_qrs_bad_rate_raises():
    with pytest.raises(scapredict.Error, match="sampling frequency"):
        scapredict.detect_qrs(np.zeros(1000), 0.0)


def test_minute_spectrum_sine_at_128_hz():
    t = np.arange(7680) / 128.0
    s = scapredict.minute_spectrum(np.sin(2 * np.pi * 10.0 * t), 128.0)
    assert s.shape == (1024,)
    # L = 8192, r = 4 FFT values per bin: 10 Hz is FFT index 640, the first value of bin 160.
    assert int(np.argmax(s)) == 160
    # Exactly: |rfft(x, 8192)[k]| / 7680 for k < 4096, averaged over runs of 4.
    x = np.sin(2 * np.pi * 10.0 * t) + 0.3 * np.cos(2 * np.pi * 1.7 * t)
    ref = (np.abs(np.fft.rfft(x, 8192))[:4096] / 7680).reshape(1024, 4).mean(axis=1)
    np.testing.assert_allclose(scapredict.minute_spectrum(x, 128.0), ref, rtol=1e-9, atol=1e-12)
    ref256 = (np.abs(np.fft.rfft(x, 8192))[:4096] / 7680).reshape(256, 16).mean(axis=1)
    np.testing.assert_allclose(scapredict.minute_spectrum(x, 128, bins=256), ref256, rtol=1e-9,
                               atol=1e-12)
    with pytest.raises(scapredict.Error):
        scapredict.minute_spectrum(np.full(7680, np.nan), 128.0)
    with pytest.raises(scapredict.Error):
        scapredict.minute_spectrum(np.zeros(7680), 128.0, bins=1000)  # not a power of two


@need_mitdb
def test_minute_spectrum_resamples_like_the_cli():
    x, _ = scapredict.read_record(str(REC100), channel="0")
    s = scapredict.minute_spectrum(x[:21600], 360.0, bins=256)
    assert s.shape == (256,)
    if not CLI.exists():
        pytest.skip("build/dev's scapredict not built: no comparison with `scapredict spectrum`")
    out = subprocess.run([str(CLI), "spectrum", str(REC100), "--minute", "0", "--bins", "256"],
                         check=True, capture_output=True, text=True).stdout
    rows = [l for l in out.splitlines() if l and not l.startswith("#")]
    cli = np.array([float(r["magnitude_mv"]) for r in csv.DictReader(io.StringIO("\n".join(rows)))])
    # The CLI resamples the whole record, this the minute alone: only the edges differ.
    np.testing.assert_allclose(s, cli, rtol=0.02, atol=2e-5)


@need_mitdb
def cli_risks(*args):
    out = subprocess.run([str(CLI), "predict", *args], check=True, capture_output=True,
                         text=True).stdout
    return list(csv.DictReader(io.StringIO(
        "\n".join(l for l in out.splitlines() if l and not l.startswith("#")))))


def test_model_score_equals_scapredict_predict(model_path):
    m = scapredict.Model.load(str(model_path))
    assert m.arch in ("cnn1d", "mlp") and m.bins > 0
    r = m.score(str(REC100))
    assert r["minute"].tolist() == list(range(30))  # 30 whole minutes in 30:05
    assert r["start_s"].tolist() == [60.0 * i for i in range(30)]
    assert len(r["quality"]) == 30 and r["risk"].dtype == np.float64
    assert np.isfinite(r["risk"]).any()
    if not CLI.exists():
        pytest.skip("build/dev's scapredict not built: no comparison with the CLI")
    rows = cli_risks("--model", str(model_path), str(REC100))
    assert len(rows) == 30
    assert [row["quality"] for row in rows] == r["quality"]
    got = ["" if np.isnan(v) else f"{v:.10g}" for v in r["risk"]]
    assert got == [row["risk"] for row in rows]


@need_mitdb
@need_mitdb
def test_the_default_model_says_what_it_is_and_scores_as_the_cli():
    m = scapredict.Model.default()
    assert m.arch == "hrv-svm" and m.bins == 0
    assert "does NOT indicate imminent VF" in m.meaning[0]
    assert m.meaning[1].startswith("leave-one-patient-out AUROC 0.")
    r = m.score(str(REC100))
    assert r["minute"].tolist() == list(range(30))
    assert r["quality"][:4] == ["hrv_window_incomplete"] * 4
    assert np.isfinite(r["risk"]).sum() > 20
    if not CLI.exists():
        pytest.skip("build/dev's scapredict not built: no comparison with the CLI")
    rows = cli_risks(str(REC100))
    assert [row["quality"] for row in rows] == r["quality"]
    assert ["" if np.isnan(v) else f"{v:.10g}" for v in r["risk"]] == [row["risk"] for row in rows]


def test_score_frame_needs_pandas_or_gives_a_frame(model_path):
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pandas"):
            scapredict.Model.load(str(model_path)).score_frame(str(REC100))
        return
    df = scapredict.Model.load(str(model_path)).score_frame(str(REC100))
    assert list(df.columns[:2]) == ["minute", "start_s"] and len(df) == 30


@need_mitdb
def test_read_record_every_channel():
    x, h = scapredict.read_record(REC100)
    assert x.shape == (650000, 2) and x.flags["C_CONTIGUOUS"]
    assert h["labels"] == ["MLII", "V5"] and h["gains_adu_per_mv"] == [200.0, 200.0]
    assert "channel" not in h
    for c, label in enumerate(h["labels"]):
        one, _ = scapredict.read_record(REC100, channel=label)
        np.testing.assert_array_equal(x[:, c], one)
        by_index, hi = scapredict.read_record(REC100, channel=c)
        assert hi["channel"] == c
        np.testing.assert_array_equal(by_index, one)
    with pytest.raises(TypeError):
        scapredict.read_record(REC100, channel=1.5)
    with pytest.raises(ValueError):
        scapredict.read_record(REC100, channel=-1)
    with pytest.raises(scapredict.Error, match="no channel 2"):
        scapredict.read_record(REC100, channel=2)


NSRDB_BEATS = ROOT.parent / "shared" / "physionet" / "nsrdb-beats"
need_nsrdb_beats = pytest.mark.skipif(
    not (NSRDB_BEATS / "16265.hea").exists(), reason=f"16265 not found in {NSRDB_BEATS}")


@need_nsrdb_beats
def test_hrv_equals_scapredict_hrv(tmp_path):
    rec = NSRDB_BEATS / "16265"
    t, codes, info = scapredict.read_beats(rec, "atr")
    assert info["fs_hz"] == 128.0 and len(t) == len(codes) == 100243  # as the CLI's header says
    h = scapredict.hrv(t, 300, codes=codes, fs=info["fs_hz"], end_s=info["end_s"])
    assert h["usable"].dtype == np.bool_ and len(h["t0_s"]) == len(h["reason"])
    assert h["t0_s"][:3].tolist() == [0.0, 300.0, 600.0]
    if not CLI.exists():
        pytest.skip("build/dev's scapredict not built: no comparison with `scapredict hrv`")
    out = subprocess.run([str(CLI), "hrv", str(rec), "--window", "300"], check=True,
                         capture_output=True, text=True).stdout
    rows = list(csv.DictReader(io.StringIO(
        "\n".join(l for l in out.splitlines() if l and not l.startswith("#")))))
    assert len(rows) == len(h["t0_s"])
    names = [k for k in rows[0] if k not in
             ("start_s", "end_s", "usable", "reason", "n_beats", "n_nn")]
    assert len(names) == 16
    for i, row in enumerate(rows):
        reason = h["reason"][i] and f'{h["reason"][i]} ({h["detail"][i]})'
        assert bool(int(row["usable"])) == h["usable"][i] and row["reason"] == reason
        for n in names:
            if h["usable"][i]:  # the CLI prints 8 significant digits
                assert float(row[n]) == pytest.approx(h[n][i], rel=1e-7, abs=1e-9), (i, n)
            else:
                assert np.isnan(h[n][i])


def test_hrv_refuses_bad_beats():
    t = np.arange(0, 600, 0.8)
    h = scapredict.hrv(t, 300, end_s=600)  # every beat N by default: two windows, steady rhythm
    assert h["usable"].tolist() == [True, True]
    assert h["mean_nn_ms"] == pytest.approx([800, 800]) and h["sdnn_ms"] == pytest.approx([0, 0], abs=1e-6)
    with pytest.raises(ValueError, match="sorted"):
        scapredict.hrv(t[::-1], 300)
    with pytest.raises(ValueError, match="finite"):
        scapredict.hrv(np.array([0.0, np.nan, 2.0]), 300)
    with pytest.raises(ValueError, match="as long as"):
        scapredict.hrv(t, 300, codes=np.ones(3))
    with pytest.raises(scapredict.Error):
        scapredict.hrv(t, -1.0)


def test_simulate_equals_scapredict_simulate_and_reports_progress(tmp_path):
    events = []
    truth = scapredict.simulate(tmp_path / "py", hours_before_onset=0.05, hours_after=0.0,
                                nsrdb_hours=0.05, threads=2, progress=events.append)
    assert isinstance(truth, dict)
    records = sorted(p.name for p in (tmp_path / "py").rglob("*.hea"))
    assert len(records) == 41
    assert [e["done"] for e in events] == list(range(1, 42))
    assert {e["task"] for e in events} == {"simulate"} and events[-1]["total"] == 41
    if not CLI.exists():
        pytest.skip("build/dev's scapredict not built: no comparison with `scapredict simulate`")
    subprocess.run([str(CLI), "simulate", "--out", str(tmp_path / "cli"), "--hours-before-onset",
                    "0.05", "--hours-after", "0", "--nsrdb-hours", "0.05", "--threads", "2"],
                   check=True, capture_output=True)
    files = sorted(p.relative_to(tmp_path / "py") for p in (tmp_path / "py").rglob("*")
                   if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "cli") for p in (tmp_path / "cli").rglob("*")
                           if p.is_file())
    for f in files:
        assert (tmp_path / "py" / f).read_bytes() == (tmp_path / "cli" / f).read_bytes(), f


def test_an_exception_in_the_progress_callback_stops_the_work(tmp_path):
    def stop(event):
        if event["done"] == 3:
            raise KeyError("enough")
    with pytest.raises(KeyError, match="enough"):
        scapredict.simulate(tmp_path / "s", hours_before_onset=0.05, hours_after=0.0,
                            nsrdb_hours=0.05, threads=2, progress=stop)
    assert not (tmp_path / "s").exists(), "nothing half-written"
    with pytest.raises(TypeError, match="callable"):
        scapredict.simulate(tmp_path / "t", progress=42)
    with pytest.raises(scapredict.Error, match="risk-effect"):
        scapredict.simulate(tmp_path / "u", risk_effect=11.0)


@need_mitdb
def test_score_reports_progress(model_path):
    events = []
    r = scapredict.Model.load(model_path).score(REC100, threads=1, progress=events.append)
    assert events and {e["task"] for e in events} == {"predict"}
    assert events[-1]["done"] == events[-1]["total"] == len(r["minute"]) == 30


@need_mitdb
def test_the_worked_example_of_docs_python_md_runs(model_path, tmp_path):
    script = ROOT / "python" / "examples" / "worked_example.py"
    out = subprocess.run([sys.executable, str(script), str(REC100), str(model_path),
                          str(tmp_path / "risk.png")], check=True, capture_output=True,
                         text=True, env={**os.environ}).stdout
    lines = out.splitlines()
    assert lines[0] == "100: 650000 samples x 2 channels ['MLII', 'V5'] at 360 Hz (30.1 min)"
    assert lines[1].startswith("detected ") and "the reference annotates 2273" in lines[1]
    assert sum(" min  " in l for l in lines) == 6  # six usable 5-minute windows
    assert any(l.startswith("model ") and "30 of 30 minutes scored" in l for l in lines)


def test_write_annotations_refuses_what_it_cannot_write(tmp_path):
    rec = str(tmp_path / "r")
    with pytest.raises(scapredict.Error, match="2\\^40"):
        scapredict.write_annotations(rec, "x", [{"sample": 2**62, "code": 1}])
    with pytest.raises(scapredict.Error, match="subtype"):
        scapredict.write_annotations(rec, "x", [{"sample": 1, "code": 1, "subtype": 1000}])
    with pytest.raises(ValueError, match="annotator"):
        scapredict.write_annotations(rec, "x/y", [{"sample": 1, "code": 1}])
    with pytest.raises(TypeError, match="sample"):
        scapredict.write_annotations(rec, "x", [{"sample": "10", "code": 1}])
    assert not list(tmp_path.iterdir()), "nothing written"
    # numpy integers are integers; aux bytes that are not UTF-8 survive the round trip.
    scapredict.write_annotations(rec, "x", [{"sample": np.int64(5), "code": np.int32(1),
                                             "aux": b"caf\xe9"}])
    back = scapredict.read_annotations(rec, "x")
    assert back[0]["sample"] == 5 and back[0]["aux"].encode("utf-8", "surrogateescape") == b"caf\xe9"
    scapredict.write_annotations(rec, "y", back)
    assert (tmp_path / "r.y").read_bytes() == (tmp_path / "r.x").read_bytes()


@need_mitdb
def test_detect_qrs_refuses_samples_by_channels():
    x, h = scapredict.read_record(REC100)
    with pytest.raises(ValueError, match="x.T"):
        scapredict.detect_qrs(x, h["fs_hz"])
    assert len(scapredict.detect_qrs(x.T, h["fs_hz"])) > 2000
    with pytest.raises(ValueError, match="empty"):
        scapredict.detect_qrs(np.zeros(0), 360.0)
    with pytest.raises(ValueError, match="x.T"):
        scapredict.detect_qrs(np.zeros((2, 0)), 360.0)
    with pytest.raises(scapredict.Error, match="fs"):
        scapredict.minute_spectrum(np.zeros(100), 1e-300)
