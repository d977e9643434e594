"""Fault suite, hostile YAML packs: each one finishes within seconds with a clear message.

Catastrophic backtracking, unbounded integer powers and alias bombs used to hang the run, the
pack's loading or ``audit rules ID``. The pattern engine is RE2 (linear time), expressions are
bounded and float-valued, and YAML aliases are refused.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest

from audit.packs import yamlpack
from audit.packs.yamlpack import limits
from tests.faults.helpers import findings, run_cli, seed

pytestmark = pytest.mark.timeout(60)

RULE = """\
  - id: {rid}
    title: 测试规则
    category: narrative
    severity: warning
    points: 1
    description: {description}
    {body}
    message: "{{place}}：测试"
    examples:
      fail: {fail}
      pass: {{}}
"""


def _pack(tmp_path: Path, body: str, *, description: str = "测试", fail: str = "{}", head: str = "",
          rid: str = "HOSTILE-ONE") -> Path:
    text = head + "pack: {name: hostile, version: '1'}\nrules:\n" + RULE.format(
        rid=rid, body=body, description=description, fail=fail)
    p = tmp_path / "hostile.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def _report(tmp_path: Path, extra: str = "") -> Path:
    src = tmp_path / "in"
    src.mkdir(exist_ok=True)
    (src / "r.txt").write_text(seed() + extra, encoding="utf-8")
    return src


@pytest.mark.timeout(40)
def test_catastrophic_backtracking_pattern_runs_in_linear_time(tmp_path: Path) -> None:
    pack = _pack(tmp_path, r"pattern: {regex: '(\S+\s?)+$X', must: not_appear}")
    # a long run of non-space characters with single spaces: exponential for a backtracking engine
    src = _report(tmp_path, "\n" + "本单位 推进 政务公开 " * 4000 + "\n")
    out = tmp_path / "out"
    proc = run_cli("run", str(src), "--out", str(out), "--rules", str(pack), "--jobs", "1", timeout=30)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "HOSTILE-ONE" in findings(out)["run"]["rules_run"]


@pytest.mark.parametrize("regex,word", [(r"(统计)\1", "反向引用"), (r"(?<=年度)报告", "环视"), (r"\b数据\b", "词边界")])
def test_patterns_re2_cannot_run_are_refused_at_load(tmp_path: Path, regex: str, word: str) -> None:
    pack = _pack(tmp_path, f"pattern: {{regex: '{regex}', must: appear}}")
    with pytest.raises(yamlpack.PackLoadError, match=word) as e:
        yamlpack.load_yaml_pack(pack)
    assert "pattern.regex" in str(e.value) and "hostile.yaml" in str(e.value)


def test_cli_refuses_a_pack_re2_cannot_run_with_exit_2(tmp_path: Path) -> None:
    pack = _pack(tmp_path, r"pattern: {regex: '(统计)\1', must: appear}")
    proc = run_cli("run", str(_report(tmp_path)), "--out", str(tmp_path / "o"), "--rules", str(pack), timeout=30)
    assert proc.returncode == 2 and "RE2" in proc.stderr and "Traceback" not in proc.stderr


def test_patterns_keep_python_unicode_classes() -> None:
    """\\d, \\s, \\w match what Python's re matches (full-width digits, U+3000), inside classes too."""
    rx = limits.compile_regex("T", "pattern.regex", r"共\s*\d+件")
    assert rx.search("共\u3000１２件") and rx.search("共 12件") and not rx.search("共件")
    assert limits.compile_regex("T", "f", r"[\d,]+").search("１,２")
    assert limits.compile_regex("T", "f", r"^\w+$").search("政务公开2024")
    texts = pd.Series(["统计期限", "无", None])
    assert limits.contains(texts, limits.compile_regex("T", "f", "统计(期限|期间)")).tolist() == [True, False, False]


@pytest.mark.parametrize("expr,word", [
    ("requests/new/total <= 9**9**9", "指数"),
    ("requests/new/total ** requests/new/natural >= 0", "指数"),
    ("requests/new/total <= 99999999999999999999", "上限"),
])
def test_unbounded_equations_are_refused_at_load(tmp_path: Path, expr: str, word: str) -> None:
    pack = _pack(tmp_path, f"equation: {{expr: '{expr}'}}", rid="HOSTILE-EQ")
    with pytest.raises(yamlpack.PackLoadError, match=word) as e:
        yamlpack.load_yaml_pack(pack)
    assert "equation.expr" in str(e.value)


def test_bounded_powers_still_work(tmp_path: Path) -> None:
    pack = _pack(tmp_path, "equation: {expr: 'requests/new/total ** 2 >= 0'}", rid="HOSTILE-EQ")
    assert yamlpack.load_yaml_pack(pack).rules[0].id == "HOSTILE-EQ"


LAUGHS = textwrap.dedent("""\
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
    """)


@pytest.mark.parametrize("where", ["description", "examples"])
def test_billion_laughs_is_refused_and_audit_rules_never_hangs(tmp_path: Path, where: str) -> None:
    if where == "description":
        pack = _pack(tmp_path, r"pattern: {regex: '统计', must: appear}", description="*i", head=LAUGHS)
    else:
        pack = _pack(tmp_path, r"pattern: {regex: '统计', must: appear}", fail="{cells: *i}", head=LAUGHS)
    with pytest.raises(yamlpack.PackLoadError, match="别名"):
        yamlpack.load_yaml_pack(pack)
    proc = run_cli("rules", "HOSTILE-ONE", "--rules", str(pack), timeout=30)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    proc = run_cli("rules", "--rules", str(pack), timeout=30)
    assert "别名" in proc.stdout
    proc = run_cli("run", str(_report(tmp_path)), "--out", str(tmp_path / "o"), "--rules", str(pack), timeout=30)
    assert proc.returncode == 2 and "别名" in proc.stderr


def test_oversized_pack_file_is_refused(tmp_path: Path) -> None:
    pack = _pack(tmp_path, r"pattern: {regex: '统计', must: appear}", description="'" + "长" * 400_000 + "'")
    with pytest.raises(yamlpack.PackLoadError, match="过大"):
        yamlpack.load_yaml_pack(pack)


def test_waivers_file_with_aliases_is_refused(tmp_path: Path) -> None:
    from audit.review import waivers

    w = tmp_path / "w.yaml"
    w.write_text(LAUGHS + "waivers: []\n", encoding="utf-8")
    with pytest.raises(waivers.WaiverError, match="别名"):
        waivers.load_waivers(w)
