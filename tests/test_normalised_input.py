"""``audit run`` over normalised report JSON: the same findings as over the published files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from audit import cli
from audit.contracts import report as contract
from audit.ingest import normalise, normalised_reader
from tests.shared_paths import REAL

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "reports").glob("*.txt"))


def _run(paths, out) -> dict:
    assert cli.main(["run", *map(str, paths), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def raw_and_normalised(tmp_path_factory):
    base = tmp_path_factory.mktemp("norm")
    raw = base / "raw"
    shutil.copytree(REPO / "reports", raw)
    norm = base / "normalised"
    assert cli.main(["normalise", str(raw), "--out", str(norm), "--jobs", "1", "--quiet"]) == 0
    return raw, norm, base


def test_a_folder_of_normalise_output_audits_like_the_raw_reports(raw_and_normalised):
    raw, norm, base = raw_and_normalised
    assert len(list(norm.glob("*.json"))) == len(SEEDS)
    from_raw = _run([raw], base / "out-raw")
    from_json = _run([norm], base / "out-json")
    assert from_json["run"]["report_count"] == len(SEEDS) and from_json["run"]["skipped_files"] == []
    assert from_json["findings"] and from_json["findings"] == from_raw["findings"]
    card_raw = (base / "out-raw" / "scorecard.csv").read_text(encoding="utf-8-sig")
    assert (base / "out-json" / "scorecard.csv").read_text(encoding="utf-8-sig") == card_raw


def test_raw_and_normalised_files_mixed_in_one_run(raw_and_normalised, tmp_path):
    raw, norm, _ = raw_and_normalised
    first, *rest = SEEDS
    mixed = _run([raw / first.name, *(norm / f"{p.stem}.json" for p in rest)], tmp_path / "out")
    everything = _run([raw], tmp_path / "out-raw")
    assert mixed["findings"] == everything["findings"]


def test_the_report_keeps_its_source_and_takes_the_runs_id(raw_and_normalised, tmp_path):
    raw, norm, _ = raw_and_normalised
    src = norm / f"{SEEDS[0].stem}.json"
    copy = tmp_path / "renamed.json"
    shutil.copy(src, copy)
    rep = normalise.read_report(copy, "renamed")
    assert rep["report_id"] == "renamed"
    assert rep["source"] == json.loads(src.read_text(encoding="utf-8"))["source"]
    assert rep["source"]["path"].endswith(SEEDS[0].name)
    assert contract.is_valid(rep)


def _problem_detail(path: Path) -> str:
    rep = normalise.read_report(path, path.stem)
    assert contract.is_valid(rep)
    (p,) = rep["problems"]
    assert p["kind"] == "unreadable" and rep["cells"] == []
    return p["detail"]


def test_unreadable_versions_and_broken_files_are_parse_findings(raw_and_normalised, tmp_path):
    _, norm, _ = raw_and_normalised
    doc = json.loads((norm / f"{SEEDS[0].stem}.json").read_text(encoding="utf-8"))
    (tmp_path / "future.json").write_text(json.dumps({**doc, "schema_version": "99"}), encoding="utf-8")
    broken = dict(doc)
    broken["cells"] = [{**doc["cells"][0], "table": 7}]
    (tmp_path / "broken.json").write_text(json.dumps(broken), encoding="utf-8")
    (tmp_path / "other.json").write_text('{"findings": []}', encoding="utf-8")
    (tmp_path / "cut.json").write_text(json.dumps(doc)[:500], encoding="utf-8")

    assert "schema_version=\"99\" 本工具无法读取" in _problem_detail(tmp_path / "future.json")
    assert "可读取的版本：" + "、".join(normalised_reader.readable_versions()) in _problem_detail(tmp_path / "future.json")
    assert "不符合格式要求" in _problem_detail(tmp_path / "broken.json")
    assert "不是规范化报告" in _problem_detail(tmp_path / "other.json")
    assert "JSON 文件无法解析" in _problem_detail(tmp_path / "cut.json")

    out = _run([tmp_path / n for n in ("future.json", "broken.json", "other.json", "cut.json")], tmp_path / "out")
    parse = [f for f in out["findings"] if f["rule_id"] == "PARSE-UNREADABLE"]
    assert sorted(f["report_id"] for f in parse) == ["broken", "cut", "future", "other"]
    assert all(f["message"].startswith("报告文件无法读取") for f in parse)


def test_json_is_sniffed_by_content_whatever_the_suffix(raw_and_normalised, tmp_path):
    _, norm, _ = raw_and_normalised
    odd = tmp_path / "report.txt"
    shutil.copy(norm / f"{SEEDS[1].stem}.json", odd)
    assert normalise.sniff(odd.read_bytes(), ".txt") == "normalised"
    assert normalise.read_report(odd, "x")["cells"]
    assert normalise.sniff("一、总体情况 {\"schema_version\"".encode(), ".txt") == "txt"


@pytest.mark.skipif(not REAL.is_dir(), reason="the shared real corpus is not beside the repository")
def test_the_real_corpus_audits_the_same_from_its_normalised_json(tmp_path):
    """The published reports in ../shared/corpus/real (html, docx, pdf, txt), once normalised."""
    norm = tmp_path / "normalised"
    assert cli.main(["normalise", str(REAL), "--out", str(norm), "--jobs", "1", "--quiet"]) == 0
    from_raw = _run([REAL], tmp_path / "out-raw")
    from_json = _run([norm], tmp_path / "out-json")
    assert from_raw["run"]["report_count"] == from_json["run"]["report_count"] > 0
    assert from_json["findings"] == from_raw["findings"]
