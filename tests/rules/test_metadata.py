"""Tests of the metadata pack: unit, year, legal basis and publication deadline."""

from __future__ import annotations

import pytest
from audit.rules import metadata

from audit.testing.build import build_corpus


def corpus_for(example):
    """A corpus from a rule example: one report patch, or ``{"reports": [patch, ...]}``."""
    return build_corpus(*example["reports"]) if "reports" in example else build_corpus(example)


@pytest.mark.parametrize("r", metadata.RULES, ids=lambda r: r.id)
def test_examples(r):
    fired = r.run(corpus_for(r.fail_example))
    assert len(fired) == 1
    f = fired.iloc[0]
    assert f["report_id"] == "r1" and f["message"]
    assert f["expected"] is not None and f["actual"] is not None
    assert r.run(corpus_for(r.pass_example)).empty


def test_pack_hook():
    pack = metadata.audit_pack()
    assert pack.name == "metadata" and len(pack.rules) == 6
    assert all(r.category == "metadata" for r in pack.rules)


def test_unit_and_year_missing_only_on_the_report_that_lacks_them():
    c = build_corpus({}, {"unit": None, "year": None}, {"unit": "  "})
    assert sorted(metadata.unit_missing.run(c)["report_id"]) == ["r2", "r3"]
    assert list(metadata.year_missing.run(c)["report_id"]) == ["r2"]


def test_year_conflict_shows_the_reader_detail():
    c = build_corpus({"problems": [{"kind": "year_conflict", "detail": "标题 2024年，统计期限 2023年"}]},
                     {"problems": [{"kind": "missing_cells", "detail": "x"}]})
    out = metadata.year_conflict.run(c)
    assert list(out["report_id"]) == ["r1"]
    assert "统计期限 2023年" in out.iloc[0]["message"]


def test_old_regulation_seed_wording():
    c = build_corpus({"sections": {"overview": "根据《条例》（国务院令第 492 号）编制本报告。"}},
                     {"sections": {"overview": "根据《条例》（国务院令第711号，以下简称《条例》）编制。"}})
    assert list(metadata.old_regulation.run(c)["report_id"]) == ["r1"]


def test_late_shows_both_dates_and_summary_reports_get_march():
    c = build_corpus({"published": "2025-02-01"},
                     {"unit": "淮安市人民政府", "published": "2025-03-20"},
                     {"unit": "淮安市人民政府", "published": "2025-04-01"},
                     {"unit": "某某镇人民政府", "published": "2025-02-10"},
                     {"published": None})
    out = metadata.late.run(c).set_index("report_id")
    assert sorted(out.index) == ["r1", "r3", "r4"]
    assert (out.loc["r1", "expected"], out.loc["r1", "actual"]) == ("2025-01-31", "2025-02-01")
    assert out.loc["r3", "expected"] == "2025-03-31"
    assert "2025-02-01" in out.loc["r1", "message"] and "2025-01-31" in out.loc["r1", "message"]


def test_late_deadline_is_configurable_through_corpus_options():
    c = build_corpus({"published": "2025-02-01"})
    c.options = {"deadline": "02-15"}
    assert metadata.late.run(c).empty
    c.options = {"deadline": "01-15"}
    assert metadata.late.run(corpus_with_options("01-15")).iloc[0]["expected"] == "2025-01-15"


def corpus_with_options(deadline):
    c = build_corpus({"published": "2025-01-20"})
    c.options = {"deadline": deadline}
    return c


def test_parse_failures_are_left_to_the_parse_finding():
    c = build_corpus({"unit": None, "year": None, "problems": [{"kind": "unreadable", "detail": "x"}]})
    for r in metadata.RULES:
        assert r.run(c).empty, r.id


def test_region_named_units_are_summary_reports():
    # 平潭综合实验区 2023 was published on 2024-03-08: within the 31 March deadline of a summary report.
    c = build_corpus({"unit": "平潭综合实验区", "year": 2023, "published": "2024-03-08"},
                     {"unit": "冶金街道", "year": 2023, "published": "2024-03-08"},
                     {"unit": "某某社区", "year": 2023, "published": "2024-03-08"})
    assert sorted(metadata.late.run(c)["report_id"]) == ["r2", "r3"]


# -- the preamble (section 0) is read ---------------------------------------------------------------

# The opening of seed 004 as printed, its basis citation turned into the superseded one (the shape
# real pre-2019-revision reports print: the citation sits before 一、总体情况).
PREAMBLE_492 = ("项城市人民政府花园街道办事处\n2020年政府信息公开工作年度报告\n"
                "根据《中华人民共和国政府信息公开条例》（国务院令第492号，以下简称《条例》）和《国务院办公厅政府信息与"
                "政务公开办公室关于政府信息公开工作年度报告有关事项的通知》（国办公开办函〔2019〕60号）要求，编制本报告。\n")


def _seed_with_preamble(preamble: str) -> str:
    from tests.shared_paths import REPO

    text = (REPO / "reports" / "004_6cf4d68bd5cd6316.txt").read_text(encoding="utf-8")
    return preamble + text[text.index("一、总体情况"):]


def test_preamble_is_section_zero_and_old_regulation_fires_on_it():
    from audit.corpus.loader import load
    from audit.ingest.normalise import normalise_text

    bad = normalise_text(_seed_with_preamble(PREAMBLE_492), "bad")
    good = normalise_text(_seed_with_preamble(PREAMBLE_492.replace("492", "711")), "good")
    first = bad["sections"][0]
    assert (first["number"], first["canonical"]) == (0, "preamble")
    assert "国务院令第492号" in first["text"] and "国办公开办函〔2019〕60号" in first["text"]
    assert not any("492" in s["text"] for s in bad["sections"][1:])
    out = metadata.old_regulation.run(load([bad, good]))
    assert list(out["report_id"]) == ["bad"]


def test_notice_of_the_other_edition_is_reported_with_both_notices():
    c = build_corpus({"edition": "2021", "sections": {"overview": PREAMBLE_492}},
                     {"edition": "2019", "sections": {"overview": PREAMBLE_492}},
                     {"edition": "2021", "sections": {"overview": PREAMBLE_492 + "（国办公开办函〔2021〕30号）"}})
    out = metadata.notice_edition.run(c)
    assert list(out["report_id"]) == ["r1"]
    f = out.iloc[0]
    assert (f["expected"], f["actual"]) == ("国办公开办函〔2019〕60号", "国办公开办函〔2021〕30号")
    assert "2021版" in f["message"]
