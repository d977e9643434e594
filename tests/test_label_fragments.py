"""A standard row label wrapped over lines by a PDF converter is not an unknown label.

Imitates 上海市人民政府办公厅 2025 (Markdown from its PDF): the label of （六）1. is printed in pieces,
one of them in a pipe row with the row's values. The row cannot be placed with certainty, so it is
left unread (STRUCT-TABLE-UNREAD names it); no STRUCT-UNMAPPED-LABEL blames the unit for a label
it printed correctly.
"""

from __future__ import annotations

from pathlib import Path

from audit.ingest.normalise import read_report

FIXTURES = Path(__file__).parent / "fixtures" / "layouts"


def _kinds(rep: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in rep["problems"]:
        out.setdefault(p["kind"], []).append(p["detail"])
    return out


def test_wrapped_label_pieces_are_not_unmapped(tmp_path: Path) -> None:
    rep = read_report(FIXTURES / "md_wrapped_label.md", "wrapped")
    kinds = _kinds(rep)
    assert "unmapped_label" not in kinds, kinds.get("unmapped_label")
    cells = {(c["row"], c["col"]): c for c in rep["cells"] if c["table"] == "requests"}
    assert cells[("other_overdue_correction", "natural")]["state"] == "unplaced"  # never guessed
    assert cells[("other_misc", "total")]["value"] == 276
    assert cells[("handled_total", "total")]["value"] == 1191


def test_a_label_the_catalogue_does_not_know_is_still_reported(tmp_path: Path) -> None:
    text = (FIXTURES / "md_wrapped_label.md").read_text(encoding="utf-8")
    p = tmp_path / "odd.md"
    p.write_text(text.replace("| 行政机关不再处理其政府信息公 |", "| 行政征收决定 |"), encoding="utf-8")
    kinds = _kinds(read_report(p, "odd"))
    assert any("行政征收决定" in d for d in kinds.get("unmapped_label", []))
