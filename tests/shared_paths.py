"""Where the shared real corpus and seeds are: ``../shared`` beside the repository (as in CI),
or the folder named by ``AUDIT_SHARED``. Tests that need them skip when they are absent."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("AUDIT_SHARED") or REPO.parent / "shared")
SEEDS = SHARED / "seeds"
REAL = SHARED / "corpus" / "real"


def read_seed(name: str) -> tuple[str, dict]:
    """A seed's text as the reader decodes it and its normalised report; the calling test skips
    when the seeds are not beside the repository."""
    import pytest

    from audit.ingest.decode import decode
    from audit.ingest.normalise import normalise_text

    path = SEEDS / name
    if not path.exists():
        pytest.skip("the seeds (../shared/seeds) are not beside the repository")
    text = decode(path.read_bytes()).text
    return text, normalise_text(text, name)


def cell_readings(rep: dict) -> dict[tuple[str, str, str], tuple[object, str]]:
    """Each cell of a normalised report as (value, state), keyed by (table, row, col): what the
    probes of page shapes compare (a cell may turn unsure, never get another value)."""
    return {(c["table"], c["row"], c["col"]): (c.get("value"), c.get("state")) for c in rep.get("cells", [])}
