"""CSV exports (findings.csv, scorecard.csv): UTF-8 with BOM so Excel shows Chinese, injection-safe.

Supervisors open these in Excel, so ``write_outputs`` hands over frames with Chinese headers and
values (``audit.exporters.labels``); findings.json is the machine-readable export with the keys.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from audit.exporters import atomic
from audit.exporters.safe import neutralise_frame


def write_csv(path: str | os.PathLike[str], frame: pd.DataFrame) -> Path:
    """Write ``frame`` (no index) as UTF-8-with-BOM CSV through a temporary file."""
    safe = neutralise_frame(frame)
    return atomic.write_with(path, lambda fh: safe.to_csv(fh, index=False, lineterminator="\r\n"),
                             encoding="utf-8-sig", newline="")
