# Type stubs of the compiled module (python/scapredict_py.cpp, python/py_signal.cpp).
import os
from typing import Any, Callable, Optional, Union

import numpy as np
import numpy.typing as npt

__version__: str

Progress = Optional[Callable[[dict], Any]]

class Error(Exception):
    """Every error of the library: the one line the command-line tool prints after 'scapredict: '."""

def read_record(
    path: Union[str, os.PathLike], channel: Union[int, str, None] = None
) -> tuple[npt.NDArray[np.float64], dict]:
    """A record (WFDB, EDF/EDF+, ISHNE) in mV, NaN where invalid, and a header dict."""

def read_annotations(record: Union[str, os.PathLike], annotator: str) -> list[dict]:
    """record.annotator (MIT format): dicts sample, code, subtype, chan, num, aux."""

def write_annotations(
    record: Union[str, os.PathLike], annotator: str, annotations: list[dict]
) -> None:
    """Writes record.annotator (MIT format) atomically, in sample order."""

def read_beats(record: Union[str, os.PathLike], annotator: str) -> tuple:
    """The beats of record.annotator: times in seconds and codes."""

def hrv(
    beat_times_s: npt.ArrayLike,
    window_s: float = 300.0,
    codes: Optional[npt.ArrayLike] = None,
    fs: float = 1000.0,
    end_s: float = 0.0,
) -> dict:
    """HRV measures per window of beat times (docs/hrv.md)."""

def simulate(
    out_dir: Union[str, os.PathLike],
    *,
    seed: int = 20240501,
    risk_effect: float = 1.0,
    device_gap: float = 1.0,
    hours_before_onset: float = 2.0,
    hours_after: float = 0.2,
    nsrdb_hours: float = 2.0,
    full: bool = False,
    threads: int = 1,
    max_sddb: int = 0,
    max_nsrdb: int = 0,
    only_records: list[str] = ...,
    progress: Progress = None,
) -> dict:
    """A SIMULATED cohort written to out_dir; returns its truth document."""

def minute_spectrum(
    samples: npt.ArrayLike, fs: float, bins: int = 1024
) -> npt.NDArray[np.float64]:
    """The DFT magnitude spectrum of a minute at 128 Hz, reduced to `bins` bins (docs/python.md)."""

def detect_qrs(samples: npt.ArrayLike, fs: float) -> npt.NDArray[np.int64]:
    """QRS sample indices of one lead (dsp::detect_qrs, docs/qrs.md)."""

class Model:
    """A model scored without LibTorch: the default HRV model or a model file."""

    @staticmethod
    def load(path: Union[str, os.PathLike]) -> "Model": ...
    @staticmethod
    def default() -> "Model": ...
    def score(
        self,
        record_path: Union[str, os.PathLike],
        channel: Union[int, str] = 0,
        threads: int = 0,
        progress: Progress = None,
        annotator: str = "",
    ) -> dict: ...
    def score_frame(
        self,
        record_path: Union[str, os.PathLike],
        channel: Union[int, str] = 0,
        threads: int = 0,
        progress: Progress = None,
        annotator: str = "",
    ) -> Any: ...
    @property
    def arch(self) -> str: ...
    @property
    def backend(self) -> str: ...
    @property
    def checksum(self) -> str: ...
    @property
    def input_length(self) -> int: ...
    @property
    def bins(self) -> int: ...
    @property
    def meaning(self) -> list[str]: ...
