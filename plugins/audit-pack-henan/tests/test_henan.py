"""The Henan pack's own tests, written with the audit pytest plugin's fixtures."""

import audit_pack_henan

from audit.api import check_examples


def pack():
    return audit_pack_henan.audit_pack()


def test_pack_has_a_python_and_a_yaml_rule():
    ids = [r.id for r in pack().rules]
    assert ids == ["HENAN-FEE-STATED", "HENAN-TXT-STATS-PERIOD"]
    assert {r.pack for r in pack().rules} == {"henan"}


def test_examples_fire_and_pass():
    for r in pack().rules:
        check_examples(r)


def test_fee_rule_fires_only_on_townships_from_2021(run_rule, assert_findings):
    rule = pack().rules[0]
    silent = {"sections": {"other": "无其他需要报告的事项。"}}
    out = run_rule(rule, [
        {"unit": "项城市人民政府花园街道办事处", "year": 2022, **silent},
        {"unit": "项城市人民政府", "year": 2022, **silent},
        {"unit": "某某乡人民政府", "year": 2020, **silent},
        {"unit": "某某镇人民政府", "year": 2022},
    ])
    assert_findings(out, [{"report_id": "r1", "rule_id": "HENAN-FEE-STATED"}])
    assert "花园街道办事处" in out.loc[0, "message"]
