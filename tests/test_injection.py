"""Report text never becomes markup, a spreadsheet formula, a YAML object or Python code.

Reports are written by outside parties: a unit name, a file name or a quoted sentence may hold
``=HYPERLINK(...)`` or ``<script>``. The exports must show such text as text. YAML (catalogue,
policy, waivers, local rule packs) is parsed with a safe loader, and rule expressions are never
run through Python ``eval``/``exec``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tests.shared_paths import SEEDS

cli = pytest.importorskip("audit.cli")

REPO = Path(__file__).resolve().parents[1]
SEED = next((REPO / "reports").glob("000_*.txt"), None) or next(SEEDS.glob("000_*.txt"))
SEED_UNIT = "舞钢市朱兰街道办事处"
TRIGGERS = ("=", "+", "-", "@")

# (file stem, unit name printed in the report); the reader keeps a leading "=" or "@" in the unit
FORMULA_CASES = [("=cmd|' calc'!A0", '=HYPERLINK("http://evil.example/steal","点击查看")'),
                 ("@SUM(1+1)", "=舞钢市朱兰街道办事处"), ("+1+cmd", "@舞钢市朱兰街道办事处"), ("-2+3+cmd", SEED_UNIT)]
FORMULA_STEMS = [stem for stem, _ in FORMULA_CASES]
SCRIPT_UNIT = '<script>alert("unit")</script>' + SEED_UNIT
SCRIPT_STEM = "<img src=x onerror=alert(1)>"


def _write(folder: Path, stem: str, unit: str) -> None:
    text = SEED.read_text(encoding="utf-8").replace(SEED_UNIT, unit)
    (folder / f"{stem}.txt").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def formula_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("formula_in")
    for stem, unit in FORMULA_CASES:
        _write(src, stem, unit)
    _write(src, "plain", SEED_UNIT)
    out = tmp_path_factory.mktemp("formula_out")
    assert cli.main(["run", str(src), "--out", str(out), "--quiet"]) == 0
    return out


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("name", ["scorecard.csv", "findings.csv"])
def test_csv_neutralises_formulas(formula_run: Path, name: str) -> None:
    path = formula_run / name
    if not path.exists():
        pytest.skip(f"{name} is not written")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    cells = [c for row in rows for c in row]
    live = [c for c in cells if c.startswith(TRIGGERS) and not _is_number(c)]
    assert not live, f"{name} has cells a spreadsheet would evaluate: {live[:5]}"
    if name == "scorecard.csv":
        flat = "\n".join(cells)
        for stem in FORMULA_STEMS:  # the report ids are there, as text
            assert "'" + stem in flat


def test_scorecard_names_the_formula_unit_as_text(formula_run: Path) -> None:
    with open(formula_run / "scorecard.csv", encoding="utf-8-sig", newline="") as fh:
        units = {row["单位"] for row in csv.DictReader(fh)}
    assert "'=舞钢市朱兰街道办事处" in units and "'@舞钢市朱兰街道办事处" in units, units
    assert SEED_UNIT in units


def test_xlsx_has_no_formula_cells(formula_run: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = formula_run / "scorecard.xlsx"
    if not path.exists():
        pytest.skip("scorecard.xlsx is not written")
    wb = openpyxl.load_workbook(path)
    seen_ids = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not (cell.value.startswith(TRIGGERS) and not _is_number(cell.value)), \
                        f"{ws.title}!{cell.coordinate} would be evaluated: {cell.value!r}"
                    seen_ids.add(cell.value)
    assert any(v.lstrip("'") in FORMULA_STEMS for v in seen_ids), "the report ids are missing from the workbook"


def test_neutralise_frame_direct() -> None:
    import pandas as pd

    from audit.exporters.safe import neutralise_frame

    df = pd.DataFrame({"t": ["=1+1", "+x", "-x", "@x", "ok", None], "n": [1, -2, 3, 4, 5, 6]})
    out = neutralise_frame(df)
    assert out["t"].tolist()[:5] == ["'=1+1", "'+x", "'-x", "'@x", "ok"]
    assert out["n"].tolist() == [1, -2, 3, 4, 5, 6]


def test_html_escapes_report_text(tmp_path: Path) -> None:
    pytest.importorskip("audit.exporters.html")
    src = tmp_path / "in"
    src.mkdir()
    _write(src, SCRIPT_STEM, SCRIPT_UNIT)
    (src / "broken.txt").write_text(SCRIPT_UNIT + "\n" + "<b>未闭合", encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["run", str(src), "--out", str(out), "--quiet"]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    for payload in (SCRIPT_UNIT, SCRIPT_STEM, "<b>未闭合"):
        assert payload not in page, f"unescaped report text in report.html: {payload}"
    assert "&lt;img src=x onerror=alert(1)&gt;" in page or "\\u003cimg" in page


# -- YAML ------------------------------------------------------------------------------------

_UNSAFE_YAML = re.compile(r"yaml\.(unsafe_load|full_load|load_all|load)\s*\((?![^)]*SafeLoader)")


def _python_sources() -> list[Path]:
    return [p for d in ("src", "rules", "plugins") for p in (REPO / d).rglob("*.py") if ".venv" not in p.parts]


def test_yaml_is_only_loaded_safely() -> None:
    bad = []
    for p in _python_sources():
        for no, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1):
            if _UNSAFE_YAML.search(line) or re.search(r"Loader\s*=\s*yaml\.(Unsafe|Full)?Loader\b", line):
                bad.append(f"{p.relative_to(REPO)}:{no}: {line.strip()}")
    assert not bad, "YAML loaded without a safe loader:\n" + "\n".join(bad)


PYTHON_TAG_PACK = """\
pack: {name: evil, version: "1"}
rules:
  - !!python/object/apply:os.system ["touch {marker}"]
"""


def test_yaml_pack_with_python_tag_is_rejected(tmp_path: Path) -> None:
    yamlpack = pytest.importorskip("audit.packs.yamlpack")
    marker = tmp_path / "pwned"
    pack = tmp_path / "evil.yaml"
    pack.write_text(PYTHON_TAG_PACK.replace("{marker}", str(marker)), encoding="utf-8")
    with pytest.raises(yamlpack.PackLoadError):
        yamlpack.load_yaml_pack(pack)
    assert not marker.exists()


def test_yaml_python_tag_rejected_by_safe_loading(tmp_path: Path) -> None:
    yaml = pytest.importorskip("yaml")
    marker = tmp_path / "pwned2"
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load(f'!!python/object/apply:os.system ["touch {marker}"]')
    assert not marker.exists()


def test_rule_expression_cannot_call_python(tmp_path: Path) -> None:
    yamlpack = pytest.importorskip("audit.packs.yamlpack")
    marker = tmp_path / "pwned3"
    spec = {
        "pack": {"name": "evil-expr", "version": "1"},
        "rules": [{
            "id": "EVIL-1", "title": "恶意表达式", "category": "arithmetic", "severity": "error", "points": 1,
            "description": "tries to run code",
            "equation": {"expr": f"__import__('os').system('touch {marker}') == requests/new/total"},
            "message": "{place}", "examples": {"fail": {}, "pass": {}},
        }],
    }
    with pytest.raises(yamlpack.PackLoadError):
        yamlpack.pack_from_dict(spec)
    assert not marker.exists()


def test_no_python_eval_or_exec() -> None:
    """Rule expressions go through pandas' own parser (``DataFrame.eval``), never Python's."""
    pattern = re.compile(r"(?<![.\w])(eval|exec)\s*\(|builtins\.(eval|exec)|__builtins__")
    bad = []
    for p in _python_sources():
        for no, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            if pattern.search(code):
                bad.append(f"{p.relative_to(REPO)}:{no}: {line.strip()}")
    assert not bad, "Python eval/exec in the code base:\n" + "\n".join(bad)
