"""Baselines: fingerprints with occurrence indexes; own baseline gives 0 new; one injected defect gives 1."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from audit import cli
from audit.packs import engine
from audit.packs.rule import found, rule
from audit.review import baseline
from audit.testing.build import build_corpus

REPORTS = Path(__file__).resolve().parents[1] / "reports"


@rule(id="T-B-TEXT", title="t", category="narrative", severity="warning", points=1, description="d",
      fail_example={}, pass_example={})
def _each_mention(corpus):
    """One unlocated finding per mention of 错误 (so several identical fingerprints can exist)."""
    text = corpus.report_text()
    n = text.str.count("错误")
    ids = n.index.repeat(n.to_numpy())
    return found(ids.astype(str).to_series(), "正文提到错误")


def _run(*patches):
    corpus = build_corpus(*patches)
    f, _ = engine.run_rules(corpus, [_each_mention])
    return corpus, f


def test_occurrence_index_keeps_a_second_identical_finding_new():
    corpus, old = _run({"unit": "甲", "extra_text": "错误"})
    corpus2, new = _run({"unit": "甲", "extra_text": "错误，又一个错误"})
    marked = baseline.mark_baseline(new, corpus2.reports, baseline.mark_baseline(old, corpus.reports, old))
    assert sorted(marked["baseline"]) == ["known", "new"]
    assert sorted(marked["fingerprint"].str.rsplit("#", n=1).str[1]) == ["0", "1"]
    assert marked["fingerprint"].iloc[0].startswith("甲|2024|T-B-TEXT|")


def test_unit_identifies_a_report_across_file_names_and_old_files_fall_back_to_report_id():
    corpus, old = _run({"unit": "甲", "extra_text": "错误"})
    old = baseline.mark_baseline(old, corpus.reports, old)
    corpus2, new = _run({"report_id": "renamed", "unit": "甲", "extra_text": "错误"})
    assert baseline.summary(baseline.mark_baseline(new, corpus2.reports, old)) == {"new": 0, "known": 1}
    legacy = old.drop(columns=["fingerprint", "baseline"])  # a findings.json written before fingerprints
    corpus3, same = _run({"unit": "甲", "extra_text": "错误"})
    assert baseline.summary(baseline.mark_baseline(same, corpus3.reports, legacy)) == {"new": 0, "known": 1}


def _findings(out: Path) -> list[dict]:
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))["findings"]


def test_own_baseline_gives_no_new_finding_and_one_injected_defect_gives_exactly_one(tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(REPORTS, reports)
    first = tmp_path / "first"
    assert cli.main(["run", str(reports), "--out", str(first), "--quiet", "--jobs", "1"]) == 0
    old = _findings(first)
    assert old and all(f["fingerprint"] for f in old)
    again = tmp_path / "again"
    assert cli.main(["run", str(reports), "--out", str(again), "--quiet", "--jobs", "1",
                     "--baseline", str(first / "findings.json")]) == 0
    doc = json.loads((again / "findings.json").read_text(encoding="utf-8"))
    assert doc["run"]["baseline"]["new"] == 0 and doc["run"]["baseline"]["known"] == len(old)
    # A defect the example pack sees, injected into 000 (朱兰街道), which already has findings of that pack.
    pack = Path(__file__).resolve().parents[1] / "rules" / "examples" / "local_example.yaml"
    only_pack = ["--rules", str(pack), "--select", "local-example"]
    base2 = tmp_path / "base2"
    assert cli.main(["run", str(reports), "--out", str(base2), "--quiet", "--jobs", "1", *only_pack]) == 0
    target = next(reports.glob("000_*.txt"))
    assert any(f["report_id"] == target.stem and f["pack"] == "local-example" for f in _findings(base2))
    target.write_text(target.read_text(encoding="utf-8") + "\n本报告依据国务院令第492号编制。\n", encoding="utf-8")
    new = tmp_path / "new"
    assert cli.main(["run", str(reports), "--out", str(new), "--quiet", "--jobs", "1", *only_pack,
                     "--baseline", str(base2 / "findings.json"), "--only-new"]) == 0
    fresh = _findings(new)
    assert [(f["report_id"], f["rule_id"], f["baseline"]) for f in fresh] == [
        (target.stem, "LOCAL-TXT-OLD-REGULATION", "new")]
