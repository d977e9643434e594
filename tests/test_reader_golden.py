"""The reader's normalised output is exactly the committed goldens (``tests/reader_golden.py``).

A failure names the report and the cell (or the part) that differs. When the change is meant,
regenerate with ``.venv/bin/python tests/reader_golden.py`` and review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests import reader_golden as golden

REGENERATE = "如果这是有意的改动：.venv/bin/python tests/reader_golden.py 重新生成后检查 git diff"


def _cell_key(c: dict[str, Any]) -> str:
    return f"{c['table']}/{c['row']}/{c['col']}"


def _differences(want: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Where two normalised reports differ, cell by cell and key by key."""
    out = []
    for key in sorted(set(want) | set(got)):
        if key == "cells" or want.get(key) == got.get(key):
            continue
        out.append(f"{key}: golden {json.dumps(want.get(key), ensure_ascii=False)[:300]}"
                   f" now {json.dumps(got.get(key), ensure_ascii=False)[:300]}")
    wc = {_cell_key(c): c for c in want.get("cells", [])}
    gc = {_cell_key(c): c for c in got.get("cells", [])}
    for key in [k for k in wc if k not in gc] + [k for k in gc if k not in wc]:
        out.append(f"cell {key}: golden {wc.get(key)} now {gc.get(key)}")
    out += [f"cell {k}: golden {wc[k]} now {gc[k]}" for k in wc if k in gc and wc[k] != gc[k]]
    if not out and [_cell_key(c) for c in want["cells"]] != [_cell_key(c) for c in got["cells"]]:
        out.append("cells: the same cells in another order")
    return out


def _full_cases() -> list[tuple[str, Path]]:
    return [(group, p) for group, paths in golden.full_sources().items() for p in paths]


@pytest.mark.parametrize(("group", "path"), _full_cases(), ids=lambda x: x if isinstance(x, str) else x.name)
def test_full_golden(group: str, path: Path) -> None:
    name = golden.fixture_name(group, path)
    stored = golden.GOLDEN / "full" / group / f"{name}.json"
    assert stored.exists(), f"{group}/{name}: no golden ({REGENERATE})"
    got = golden.read(path, f"{group}/{name}")
    text = golden.canonical(got)
    if text != stored.read_text(encoding="utf-8"):
        diffs = _differences(json.loads(stored.read_text(encoding="utf-8")), json.loads(text))
        pytest.fail(f"{group}/{name} differs from its golden:\n  " + "\n  ".join(diffs[:20] or ["formatting"])
                    + f"\n{REGENERATE}")


def test_every_full_golden_has_its_source() -> None:
    """A golden whose source is gone (renamed fixture) is stale, not silently kept."""
    expected = {f"{g}/{golden.fixture_name(g, p)}.json" for g, p in _full_cases()}
    groups = {g for g, paths in golden.full_sources().items() if paths}
    stored = {str(p.relative_to(golden.GOLDEN / "full")) for p in (golden.GOLDEN / "full").rglob("*.json")
              if p.parent.name in groups}
    assert stored == expected, f"stale or missing goldens: {sorted(stored ^ expected)} ({REGENERATE})"


def test_generated_sample_matches_digests(tmp_path: Path) -> None:
    lines = (golden.GOLDEN / "generated.jsonl").read_text(encoding="utf-8").splitlines()
    want = {d["report_id"]: d for d in map(json.loads, lines)}
    reports = list(golden.digested_reports(tmp_path))
    assert [r["report_id"] for r in reports] == list(want), "the generated sample is not the one the goldens hold"
    failures = [f"{rep['source']['path']}: " + "; ".join(_digest_differences(want[rep["report_id"]], rep))
                for rep in reports if golden.digests(rep) != want[rep["report_id"]]]
    assert not failures, (f"{len(failures)} generated report(s) differ from their digests:\n  "
                          + "\n  ".join(failures[:20]) + f"\n{REGENERATE}")


def _digest_differences(exp: dict[str, Any], rep: dict[str, Any]) -> list[str]:
    got = golden.digests(rep)
    where = [part for part in ("head", "sections", "problems") if got[part] != exp[part]]
    rows = golden.row_cells(rep)
    if got["row_keys"] != exp["row_keys"]:
        return [*where, f"other table rows (now {len(rows)}: {', '.join(rows)})"]
    for key, d_got, d_exp in zip(rows, got["rows"].split(), exp["rows"].split(), strict=True):
        if d_got != d_exp:
            now = [(c["col"], c["value"], c["raw"], c["state"]) for c in rows[key]]
            where.append(f"cells of {key} (now {now})")
    return where
