"""No score without a check: unreadable, legacy and table-less reports are unrated and ranked nowhere."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from audit import cli
from audit.corpus.loader import load
from audit.exporters.labels import STATUS_ZH
from audit.ingest.normalise import normalise_text, read_report
from audit.scoring.coverage import coverage
from audit.scoring.policy import apply_policy, load_policy, score

from .shared_paths import REAL, REPO

SEEDS = REPO / "reports"
CLEAN = ["000_7293952701c65ca5", "001_2e0bbb7745e2b5ab", "004_6cf4d68bd5cd6316"]
LEGACY = REAL / "pingtan-archive__pingtan-2018-legacy.txt"

IMAGES_PAGE = """<html><head><meta charset="utf-8"></head><body>
<h1>某县交通运输局2023年政府信息公开工作年度报告</h1>
<p>一、总体情况</p><p>2023年，某县交通运输局认真贯彻落实《中华人民共和国政府信息公开条例》。</p>
<p>二、主动公开政府信息情况</p><p><img src="t2.png"></p>
<p>三、收到和处理政府信息公开申请情况</p><p><img src="t3.png"></p>
<p>四、政府信息公开行政复议、行政诉讼情况</p><p><img src="t4.png"></p>
<p>五、存在的主要问题及改进情况</p><p>信息公开的及时性有待提高。</p>
<p>六、其他需要报告的事项</p><p>本年度未收取信息处理费。</p>
</body></html>"""


def _cut_requests(text: str) -> str:
    """Seed 004 with table 三 cut off after its second row (a page that stops mid-table)."""
    lines = text.split("\n")
    start = next(i for i, ln in enumerate(lines) if "（二）部分公开" in ln) + 9
    end = next(i for i, ln in enumerate(lines) if ln.startswith("四、政府信息公开行政复议"))
    return "\n".join(lines[:start] + lines[end:])


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    d = tmp_path / "batch"
    d.mkdir()
    for rid in CLEAN:
        shutil.copy(SEEDS / f"{rid}.txt", d / f"{rid}.txt")
    (d / "oneword.txt").write_text("hello\n", encoding="utf-8")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (d / "empty.txt").write_bytes(b"")
    (d / "images.html").write_text(IMAGES_PAGE, encoding="utf-8")
    if LEGACY.exists():
        shutil.copy(LEGACY, d / "legacy.txt")
    return d


def test_unreadable_reports_are_unrated_and_clean_ones_ranked(batch, tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["run", str(batch), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    zh = {"报告编号": "report_id", "评定状态": "status", "无法评定原因": "status_reason", "未能核查的表格": "unchecked_tables",
          "得分": "score", "等级": "grade", "排名": "rank"}
    card = pd.read_csv(out / "scorecard.csv").rename(columns=zh).set_index("report_id")
    card["status"] = card["status"].map({v: k for k, v in STATUS_ZH.items()})
    unrated = ["oneword", "binary", "empty", "images"] + (["legacy"] if LEGACY.exists() else [])
    for rid in unrated:
        row = card.loc[rid]
        assert row["status"] == "unrated", rid
        assert pd.isna(row["score"]) and pd.isna(row["grade"]) and pd.isna(row["rank"]), rid
        assert isinstance(row["status_reason"], str) and "核对" in row["status_reason"], rid
    clean = card.loc[CLEAN]
    assert (clean["status"] == "scored").all() and clean["unchecked_tables"].isna().all()
    expected = clean["score"].rank(method="min", ascending=False).astype(int)
    assert clean["rank"].astype(int).tolist() == expected.tolist()
    assert sorted(clean["rank"].astype(int))[0] == 1 and clean["rank"].max() <= len(CLEAN)
    assert "无法评定" in printed
    if LEGACY.exists():
        assert "文件无法读取" not in card.loc["legacy", "status_reason"]
        assert "旧版统计表" in card.loc["legacy", "status_reason"]
    assert card.loc["empty", "status_reason"].startswith("文件无法读取")


def test_legacy_report_is_one_finding_not_a_cascade_of_sections(tmp_path):
    if not LEGACY.exists():
        pytest.skip("shared corpus absent")
    out = tmp_path / "out"
    cli.main(["run", str(LEGACY), "--out", str(out)])
    rules = {f["rule_id"] for f in json.loads((out / "findings.json").read_text(encoding="utf-8"))["findings"]}
    assert "TMPL-LEGACY-FORMAT" in rules
    assert not any(r.startswith("SECT-") for r in rules)


def test_cut_off_table_is_one_finding_and_ranks_after_full_reports():
    text = (SEEDS / "004_6cf4d68bd5cd6316.txt").read_text(encoding="utf-8")
    full = normalise_text(text, "full")
    cut = normalise_text(_cut_requests(text), "cut")
    corpus = load([full, cut])
    cov = coverage(corpus.reports, corpus.cells, corpus.problems).set_index("report_id")
    assert pd.isna(cov.loc["full", "unchecked_tables"])
    assert cov.loc["cut", "status"] == "scored" and cov.loc["cut", "unchecked_tables"] == "表三（部分）"

    from audit.rules import structure
    rules = {r.id: r for r in structure.RULES}
    unread = rules["STRUCT-TABLE-UNREAD"].run(corpus)
    assert list(unread["report_id"]) == ["cut"]
    msg = unread.iloc[0]["message"]
    assert "“（二）部分公开" in msg and "之后中断" in msg and "行未能读取" in msg
    assert unread.iloc[0]["table"] == "requests"
    per_row = rules["STRUCT-MISSING-CELLS"].run(corpus)
    assert not (per_row["table"] == "requests").any()  # not one finding per missing row

    policy = load_policy()
    no_findings = pd.DataFrame(columns=["report_id", "rule_id", "pack", "category", "severity", "points", "table",
                                        "row", "col", "expected", "actual", "message", "waived", "waiver_reason"])
    card = score(no_findings, corpus.reports, policy, cov.reset_index()).set_index("report_id")
    # Same score (no findings), but the report read in part never ranks above the one read in full.
    assert card.loc["full", "rank"] == 1 and card.loc["cut", "rank"] == 2


def test_score_without_coverage_keeps_every_report_scored():
    rep = read_report(SEEDS / f"{CLEAN[0]}.txt", CLEAN[0])
    corpus = load([rep])
    policy = load_policy()
    empty = pd.DataFrame(columns=["report_id", "rule_id", "pack", "category", "severity", "points", "table",
                                  "row", "col", "expected", "actual", "message", "waived", "waiver_reason"])
    card = score(empty, corpus.reports, policy)
    assert card["status"].tolist() == ["scored"] and card["rank"].tolist() == [1]


def test_unrated_reports_take_no_rank_among_scored_ones():
    cov = pd.DataFrame({"report_id": ["a", "b", "c"], "status": ["scored", "unrated", "scored"],
                        "status_reason": [None, "文件无法读取", None], "unchecked_tables": [None, None, None]})
    reports = pd.DataFrame({"report_id": ["a", "b", "c"], "unit": ["甲", "乙", "丙"],
                            "year": pd.array([2021] * 3, dtype="Int64"),
                            "edition": pd.Categorical(["2021", None, "2021"], categories=["2019", "2021"])})
    f = pd.DataFrame([{"report_id": "c", "rule_id": "X", "pack": "t", "category": "arithmetic", "severity": "error",
                       "points": 5.0, "table": None, "row": None, "col": None, "expected": None, "actual": None,
                       "message": "测试", "waived": False, "waiver_reason": None}])
    policy = load_policy()
    card = score(apply_policy(f, policy), reports, policy, cov).set_index("report_id")
    assert card.loc["a", "rank"] == 1 and card.loc["c", "rank"] == 2
    assert pd.isna(card.loc["b", "rank"]) and pd.isna(card.loc["b", "score"]) and pd.isna(card.loc["b", "grade"])
    assert card.loc["b", "status_reason"] == "文件无法读取"
