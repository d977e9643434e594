"""Everything a supervisor reads is Chinese: help, status lines, `audit rules`, the terminal summary,
CSV and XLSX headers and values. Rule ids, report ids, file paths, option names, pack names and
canonical keys are machine contracts and may stay English; any other English word fails."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from audit import cli
from audit.contracts import catalogue
from audit.packs import engine, plugins

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "reports").glob("*.txt"))
# Names of formats and products, written the way Chinese users write them too.
PRODUCT_NAMES = {"audit", "JSON", "CSV", "XLSX", "Excel", "YAML", "TOML", "HTML", "PDF", "Word", "Markdown",
                 "Schema", "UTF", "GB", "pyproject", "toml", "yaml", "json", "csv", "xlsx", "html", "md", "txt",
                 "docx", "pdf", "py", "Python", "pytest",
                 "expires"}  # a waiver-file key
SUBCOMMANDS = ("run", "normalise", "rules", "keys", "config", "docs", "schema")


def _allowed_words() -> set[str]:
    keys = catalogue.load().all_keys()
    registry = plugins.load_registry()
    rules = engine.with_core_rules(registry.rules)
    words = set(PRODUCT_NAMES) | {w for e in registry.exporters for w in e.name.split("-")} | set(SUBCOMMANDS) | keys["table"] | keys["row"] | keys["col"]
    words |= {r.pack for r in rules} | {"error", "warning", "info", "table"} | set(catalogue.SECTION_KEYS)
    return words


_STRIP = [
    re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+"),          # rule ids (ARITH-REQ-BALANCE)
    re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*"),             # option names
    re.compile(r"[\w.\-]*[/\\][\w./\\\-]*"),               # paths
    re.compile(r"\b[\w\-]+\.(?:txt|md|html|pdf|docx|json|csv|xlsx|toml|yaml)\b"),  # file names
    re.compile(r"\b\w*_\w*\b"),                            # report ids and keys with underscores
    re.compile(r"\[tool\.audit\]|\bcorpus\.\w+|\bcanonical\b"),  # config table, corpus views and their columns
]


def english_words(text: str, extra_ids: set[str] = frozenset()) -> list[str]:
    """The English words of ``text`` that are neither ids, keys, paths nor product names."""
    for ident in sorted(extra_ids, key=len, reverse=True):
        text = text.replace(ident, " ")
    for pattern in _STRIP:
        text = pattern.sub(" ", text)
    allowed = _allowed_words()
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in allowed]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("zh")
    corpus = tmp / "in"
    corpus.mkdir()
    for s in SEEDS:
        shutil.copy(s, corpus / s.name)
    out = tmp / "out"
    return corpus, out


def _capture(capsys, argv: list[str]) -> tuple[int, str]:
    code = cli.main(argv)
    got = capsys.readouterr()
    return code, got.out + got.err


def test_help_texts_are_chinese(capsys):
    texts = [_capture(capsys, ["--help"])[1]] + [_capture(capsys, [c, "--help"])[1] for c in SUBCOMMANDS]
    for text in texts:
        assert "用法：" in text and "选项" in text
        assert english_words(text) == [], text


def test_usage_errors_are_chinese(capsys):
    for argv in (["run", "--bogus"], ["run", "--format", "word"], ["nope"], ["run", "/no/such/folder"],
                 ["rules", "NO-SUCH-RULE"], ["run", "--jobs", "x"]):
        code, text = _capture(capsys, argv)
        assert code == 2 and "错误" in text
        assert english_words(text, {"word", "nope", "bogus"}) == [], text


def test_rules_listing_and_description_are_chinese(capsys):
    code, text = _capture(capsys, ["rules"])
    assert code == 0 and "规则编号" in text
    assert english_words(text) == [], text
    rules = engine.with_core_rules(plugins.load_registry().rules)
    for r in rules:
        assert english_words(r.title) == [] and english_words(r.description) == [], (r.id, r.description)
        _, text = _capture(capsys, ["rules", r.id])
        before_examples = text.split("不合格示例")[0]
        assert english_words(before_examples, {r.pack_version}) == [], before_examples


def test_keys_listing_is_chinese_beside_the_keys(capsys):
    code, text = _capture(capsys, ["keys"])
    assert code == 0 and "requests/handled_total/natural" in text and "（七）总计" in text and "自然人" in text
    assert english_words(text) == [], text


def test_a_run_prints_and_writes_chinese(run, capsys):
    corpus, out = run
    code, text = _capture(capsys, ["run", str(corpus), "--out", str(out), "--jobs", "1"])
    assert code == 0
    ids = {p.stem for p in SEEDS}
    assert english_words(text, ids) == [], text
    for name in ("findings.csv", "scorecard.csv"):
        content = (out / name).read_text(encoding="utf-8-sig")
        assert english_words(content, ids) == [], name
    book = load_workbook(out / "scorecard.xlsx")
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    assert english_words(value, ids | {"0.1.0"}) == [], (ws.title, value)


def test_the_checker_itself_catches_english():
    assert english_words("审核 3 份报告 with 42 findings") == ["with", "findings"]
    assert english_words("ARITH-REQ-BALANCE requests/new/total --out out/report.html 勾稽关系") == []
