"""The text reader on the five seeds and the real corpus, cell by cell (values checked by hand)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from audit.contracts import catalogue
from audit.contracts import report as R
from audit.ingest import splitter
from audit.ingest.normalise import normalise_text, read_report

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"
REAL = SHARED / "corpus" / "real"
REPO_REPORTS = Path(__file__).resolve().parents[1] / "reports"
FLAT_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "flat_inline_headings.txt"


def _seed(name: str) -> Path:
    for base in (SEEDS, REPO_REPORTS):
        hits = sorted(base.glob(f"{name}_*.txt")) if base.exists() else []
        if hits:
            return hits[0]
    pytest.skip(f"seed {name} not available")


def _real(name: str) -> Path:
    p = REAL / name
    if not p.exists():
        pytest.skip(f"{p} not available (shared corpus missing)")
    return p


def _cells(rep: dict) -> dict[tuple[str, str, str], float | None]:
    return {(c["table"], c["row"], c["col"]): c["value"] for c in rep["cells"]}


def _kinds(rep: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for p in rep["problems"]:
        out.setdefault(p["kind"], []).append(p)
    return out


def test_seed_000_tab_layout_all_zero_with_stray_trailing_cell() -> None:
    rep = read_report(_seed("000"), "000")
    R.validate(rep)
    assert (rep["unit"], rep["year"], rep["edition"]) == ("舞钢市朱兰街道办事处", 2021, "2021")
    assert rep["source"]["layout"] == "tab"
    assert len(rep["cells"]) == 200
    assert all(c["value"] == 0 for c in rep["cells"])
    # The stray 8th cell of （七）总计 and 四、结转 is noticed, not placed.
    extra = _kinds(rep)["stray_cells"]
    assert {p["row"] for p in extra} == {"handled_total", "carried_next"}


def test_seed_001_pipe_layout_values() -> None:
    rep = read_report(_seed("001"), "001")
    R.validate(rep)
    assert (rep["year"], rep["edition"]) == (2024, "2021")
    assert rep["source"]["layout"] == "pipe"
    c = _cells(rep)
    assert c[("active", "licensing", "decisions")] == 1990
    assert c[("active", "penalty", "decisions")] == 186
    assert c[("requests", "new", "natural")] == 3
    assert c[("requests", "new", "total")] == 3
    assert c[("requests", "partial", "natural")] == 1
    assert c[("requests", "other_misc", "natural")] == 1
    assert c[("requests", "handled_total", "total")] == 2
    assert c[("requests", "carried_next", "total")] == 1
    raw = {(x["table"], x["row"], x["col"]): x["raw"] for x in rep["cells"]}
    assert raw[("active", "licensing", "decisions")] == "1990件"
    assert rep["problems"] == []


def test_seed_002_short_rows_never_shift() -> None:
    rep = read_report(_seed("002"), "002")
    R.validate(rep)
    assert (rep["unit"], rep["year"], rep["edition"]) == ("郑州市郑东新区商都路办事处", 2020, "2019")
    assert rep["published"] == "2021-01-26"
    assert rep["source"]["layout"] == "lines"
    missing = {p["row"] for p in _kinds(rep)["missing_cells"]}
    # 一、本年新收 prints 5 of 7 values; 4.保护第三方合法权益 4 of 7; 行政事业性收费 1 of 2.
    assert {"new", "carried_over", "denied_third_party", "fees"} <= missing
    for cell in rep["cells"]:
        if cell["row"] in missing:
            assert cell["value"] is None and cell["raw"] is None
    c = _cells(rep)
    # Complete rows are read.
    assert c[("requests", "denied_state_secret", "total")] == 0
    assert c[("requests", "handled_total", "natural")] == 0
    # Section 六 is titled 下步工作计划: no canonical 'other' section.
    assert [s["canonical"] for s in rep["sections"]][-1] is None
    titles = {s["canonical"]: s["title"] for s in rep["sections"]}
    assert titles["problems"] == "五、存在的主要问题"
    # Page debris is not report text.
    assert "验证码" not in rep["sections"][-1]["text"]


def test_seed_003_lines_layout_no_unit() -> None:
    rep = read_report(_seed("003"), "003")
    R.validate(rep)
    assert (rep["unit"], rep["year"], rep["edition"]) == (None, 2021, "2021")
    assert len(rep["cells"]) == 200 and all(c["value"] == 0 for c in rep["cells"])


def test_seed_004_title_over_two_lines_and_procurement() -> None:
    rep = read_report(_seed("004"), "004")
    R.validate(rep)
    assert (rep["unit"], rep["year"], rep["edition"]) == ("项城市人民政府花园街道办事处", 2020, "2019")
    c = _cells(rep)
    assert c[("active", "procurement", "projects")] == 2
    assert c[("active", "procurement", "amount")] == 7000
    raw = {(x["table"], x["row"], x["col"]): x["raw"] for x in rep["cells"]}
    assert raw[("active", "regulations", "new_made")] == "\u3000\u30000"  # ideographic spaces kept


EXPECTED = {
    # file: (edition, year, {cell: value}) — values read off each file by hand.
    "pingtan-archive__pingtan-2019.txt": ("2019", 2019, {
        ("requests", "new", "total"): 23, ("requests", "granted", "natural"): 7,
        ("requests", "unable_unclear", "total"): 5, ("requests", "handled_total", "total"): 23,
        ("requests", "other", "total"): 0, ("appeals", "review", "total"): 0}),
    "pingtan-archive__pingtan-2020.txt": ("2019", 2020, {}),
    "pingtan-archive__pingtan-2021.txt": ("2021", 2021, {}),
    "pingtan-archive__pingtan-2022.txt": ("2021", 2022, {}),
    "pingtan-archive__pingtan-2023.txt": ("2021", 2023, {}),
    "pingtan-archive__pingtan-2024.txt": ("2021", 2024, {
        ("requests", "new", "natural"): 217, ("requests", "new", "commercial"): 1,
        ("requests", "new", "total"): 218, ("requests", "denied_internal", "total"): 32,
        ("requests", "unable_not_held", "total"): 75, ("requests", "other_misc", "total"): 2,
        ("appeals", "review", "upheld"): 2, ("appeals", "review", "total"): 7,
        ("appeals", "litigation_after_review", "upheld"): 13, ("appeals", "litigation_after_review", "total"): 19,
        ("active", "licensing", "decisions"): 4529, ("active", "penalty", "decisions"): 1100,
        ("active", "fees", "amount"): 18651.06, ("active", "regulations", "issued"): 0}),
    "pingtan-archive__pingtan-2025.txt": ("2021", 2025, {}),
    "kirogovcompare__shanghai-kewei-2024.md": ("2021", 2024, {}),
    "kirogovcompare__shanghai-govoffice-2025.md": ("2021", 2025, {
        ("requests", "new", "natural"): 1259, ("requests", "new", "total"): 1295,
        ("requests", "carried_over", "total"): 189, ("requests", "handled_total", "total"): 1191}),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_text_corpus(name: str) -> None:
    rep = read_report(_real(name), name)
    R.validate(rep)
    edition, year, cells = EXPECTED[name]
    assert (rep["edition"], rep["year"]) == (edition, year)
    assert rep["unit"] is not None
    got = _cells(rep)
    for key, value in cells.items():
        assert got[key] == pytest.approx(value), key


def test_pingtan_glued_rows_that_cannot_be_split_stay_null() -> None:
    rep = read_report(_real("pingtan-archive__pingtan-2024.txt"), "p")
    amb = _kinds(rep)["ambiguous_split"]
    assert [(p["table"], p["row"]) for p in amb] == [("active", "normative_documents")]
    assert "6233440" in amb[0]["detail"]
    got = _cells(rep)
    assert got[("active", "normative_documents", "issued")] is None


def test_legacy_2018_report_is_flagged_not_read() -> None:
    rep = read_report(_real("pingtan-archive__pingtan-2018-legacy.txt"), "legacy")
    R.validate(rep)
    assert rep["edition"] is None and rep["year"] == 2018
    assert "legacy_format" in _kinds(rep)
    assert rep["cells"] == []


def test_splitter_is_unique_or_nothing() -> None:
    row_total = splitter.row_check("requests", catalogue.load().request_columns)
    assert splitter.candidates(splitter.chunks_of("200 000121"), 7, row_total) == [
        (20, 0, 0, 0, 0, 1, 21)]
    assert len(splitter.candidates(splitter.chunks_of("898989"), 3)) > 1
    assert splitter.candidates(splitter.chunks_of("000"), 3) == [(0, 0, 0)]


def test_flat_row_resolved_by_column_identities() -> None:
    """Two rows each with several row-consistent splits; only one pair balances the columns."""
    options = {"a": [(1.0, 11.0), (11.0, 1.0)], "b": [(2.0, 3.0)]}
    chosen = splitter.resolve(options, lambda c: c["a"][0] + c["b"][0] == 3)
    assert chosen == {"a": (1.0, 11.0), "b": (2.0, 3.0)}
    assert splitter.resolve(options, lambda c: True) is None


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16"])
def test_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    text = _seed("001").read_text(encoding="utf-8")
    p = tmp_path / "r.txt"
    p.write_bytes(text.encode(encoding))
    rep = read_report(p, "r")
    R.validate(rep)
    assert rep["edition"] == "2021"
    assert _cells(rep)[("active", "licensing", "decisions")] == 1990
    expected = {"utf-8-sig": "utf-8", "gb18030": "gb18030", "utf-16": "utf-16"}[encoding]
    assert rep["source"]["encoding"] == expected


def test_utf16_without_bom(tmp_path: Path) -> None:
    text = _seed("003").read_text(encoding="utf-8")
    p = tmp_path / "r.txt"
    p.write_bytes(text.encode("utf-16-le"))
    assert not p.read_bytes().startswith(codecs.BOM_UTF16_LE)
    rep = read_report(p, "r")
    assert rep["edition"] == "2021" and rep["source"]["encoding"] == "utf-16-le"


@pytest.mark.parametrize("data,kind", [(b"", "empty"), (b"\x00\x01\x02\x03" * 100, "binary"),
                                       (b"PK\x03\x04garbage", "binary")])
def test_unreadable_inputs_become_reports_with_a_reason(tmp_path: Path, data: bytes, kind: str) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(data)
    rep = read_report(p, "bad")
    R.validate(rep)
    assert [x["kind"] for x in rep["problems"]] == [kind]
    assert rep["problems"][0]["detail"]


def test_missing_file_is_reported(tmp_path: Path) -> None:
    rep = read_report(tmp_path / "nope.txt", "nope")
    R.validate(rep)
    assert rep["problems"][0]["kind"] == "unreadable"


def test_non_numeric_cell_is_recorded_not_guessed() -> None:
    text = _seed("001").read_text(encoding="utf-8").replace("行政处罚 | 186件 |", "行政处罚 | 若干 |")
    rep = normalise_text(text, "t")
    assert _cells(rep)[("active", "penalty", "decisions")] is None
    assert any(p["kind"] == "non_numeric" and p["row"] == "penalty" for p in rep["problems"])



def test_headings_run_into_the_text_before_them_are_still_sections():
    # Headings 一/五/六 on lines of their own, 二/三/四 glued to the text before them (a page
    # flattened by a crawler; this text is from benchmarks/generate.py, layout "flat"): the table
    # sections must still be found, so each table is read inside its own section.
    text = (FLAT_FIXTURE).read_text(encoding="utf-8")
    rep = normalise_text(text, "flat")
    canon = [s["canonical"] for s in rep["sections"]]
    assert canon == ["preamble", "overview", "active", "requests", "appeals", "problems", "other"]
    assert rep["sections"][1]["text"].endswith("予以督促整改。")
    cells = {(c["table"], c["row"], c["col"]): c["value"] for c in rep["cells"]}
    assert cells[("requests", "new", "total")] == 24 and cells[("requests", "handled_total", "total")] == 23
    assert not [p for p in rep["problems"] if p["kind"] == "ambiguous_split" and p["table"] == "requests"]


# -- units named briefly ---------------------------------------------------------------------------

def _untitled(opening: str) -> str:
    """Seed 003 (a report whose title names no unit) with its first paragraph replaced."""
    text = (REPO_REPORTS / "003_58dc511eec76c6da.txt").read_text(encoding="utf-8")
    start = text.index("一、总体情况") + len("一、总体情况")
    return text[:start] + "\n" + opening + text[text.index("\n（1）", start):]


@pytest.mark.parametrize("opening", [
    "文登区住建局高度重视政府信息公开工作，认真贯彻落实《中华人民共和国政府信息公开条例》。",
    "2019年，文登区住建局共主动公开政府信息120条，均按时公开。",
])
def test_unit_named_briefly_in_the_text_is_the_unit(opening):
    rep = normalise_text(_untitled(opening), "brief")
    assert rep["unit"] == "文登区住建局"


def test_report_that_only_says_we_has_no_unit_and_the_finding_says_so():
    from audit.rules import metadata as meta_pack

    from audit.corpus.loader import load

    vague = normalise_text(_untitled("2019年，我局高度重视政府信息公开工作。区住建局认真落实。"), "vague")
    named = normalise_text(_untitled("文登区住建局高度重视政府信息公开工作。"), "named")
    assert vague["unit"] is None
    out = meta_pack.unit_missing.run(load([vague, named]))
    assert list(out["report_id"]) == ["vague"]
    assert "均未找到" in out.iloc[0]["message"]


def test_crawler_publisher_field_names_the_unit():
    text = "标题: 2020年政府信息公开工作年度报告\n发布机构: 威海市文登区住房和城乡建设局\n==== 正文 ====\n" + _untitled(
        "2020年，我局高度重视政府信息公开工作。")
    assert normalise_text(text, "crawler")["unit"] == "威海市文登区住房和城乡建设局"
