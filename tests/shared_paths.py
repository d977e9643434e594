"""Where the shared real corpus and seeds are: ``../shared`` beside the repository (as in CI),
or the folder named by ``AUDIT_SHARED``. Tests that need them skip when they are absent."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("AUDIT_SHARED") or REPO.parent / "shared")
SEEDS = SHARED / "seeds"
REAL = SHARED / "corpus" / "real"
