"""scapredict: sudden cardiac arrest risk per minute from Holter ECG (docs/python.md).

The functions and the Model class come from the compiled module scapredict._core, over the
library's LibTorch-free core. The built-in model separates SDDB patients from NSRDB healthy
subjects by heart-rate variability; it does NOT indicate imminent VF (Model.default().meaning).
"""

from ._core import (  # noqa: F401
    Error,
    Model,
    __version__,
    detect_qrs,
    hrv,
    minute_spectrum,
    read_annotations,
    read_beats,
    read_record,
    simulate,
    write_annotations,
)

__all__ = [
    "Error",
    "Model",
    "__version__",
    "detect_qrs",
    "hrv",
    "minute_spectrum",
    "read_annotations",
    "read_beats",
    "read_record",
    "simulate",
    "write_annotations",
]
