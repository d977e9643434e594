"""Exporters: findings.json, findings.csv, scorecard.csv, scorecard.xlsx, the terminal summary, safety."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from openpyxl import load_workbook
from wcwidth import wcswidth

from audit import exporters
from audit.contracts import catalogue
from audit.exporters import labels, safe, table, xlsx
from audit.exporters.jsonout import write_json
from audit.packs.extensions import Exporter
from audit.packs.rule import found, rule
from audit.scoring.policy import apply_policy, load_policy, score

FINDING_COLUMNS = ["report_id", "rule_id", "pack", "category", "severity", "points", "table", "row", "col",
                   "expected", "actual", "message", "waived", "waiver_reason"]
HYPERLINK = '=HYPERLINK("http://x","y")'
PLACE = catalogue.load().place("requests", "handled_total", "natural")


def make_rule(rule_id: str, category: str, severity: str, points: float, title: str):
    @rule(id=rule_id, title=title, category=category, severity=severity, points=points,
          description=f"{title}：说明为什么要检查。", fail_example={}, pass_example={})
    def check(corpus):
        return found()

    return check


RULES = [make_rule("ARITH-REQ-BALANCE", "arithmetic", "error", 5, "申请情况表收支平衡"),
         make_rule("META-UNIT", "metadata", "warning", 2, "报告未写明单位名称"),
         make_rule("ZERO-ALL", "zeros", "info", 1, "三张表全部为零")]


def finding(report_id, rule_id, message, *, category="arithmetic", severity="error", points=5.0, table=None,
            row=None, col=None, expected=None, actual=None, waived=False, waiver_reason=None) -> dict:
    return {"report_id": report_id, "rule_id": rule_id, "pack": "builtin", "category": category,
            "severity": severity, "points": points, "table": table, "row": row, "col": col,
            "expected": expected, "actual": actual, "message": message, "waived": waived,
            "waiver_reason": waiver_reason}


def sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Findings and scorecard over three seed units; one unit name and one message are hostile."""
    f = pd.DataFrame([
        finding("000_7293952701c65ca5", "ARITH-REQ-BALANCE",
                f"{PLACE}：第一项加第二项 = 5，第三项加第四项 = 4", table="requests", row="handled_total",
                col="natural", expected=5.0, actual=4.0),
        finding("000_7293952701c65ca5", "META-UNIT", HYPERLINK, category="metadata", severity="warning",
                points=2.0),
        finding("002_f14794f11eedc646", "ZERO-ALL", "@SUM(A1)", category="zeros", severity="info", points=1.0,
                expected=float("nan"), actual="-3"),
        finding("002_f14794f11eedc646", "ARITH-REQ-BALANCE", "已说明的差异", waived=True,
                waiver_reason="上级同意：统计口径调整"),
    ], columns=FINDING_COLUMNS)
    reports = pd.DataFrame({
        "report_id": ["000_7293952701c65ca5", "002_f14794f11eedc646", "004_6cf4d68bd5cd6316"],
        "unit": ["舞钢市朱兰街道办事处", "@SUM(A1)", "项城市人民政府花园街道办事处"],
        "year": pd.array([2021, 2020, None], dtype="Int64"),
        "edition": pd.Categorical(["2021", "2019", None], categories=["2019", "2021"]),
    })
    policy = load_policy()
    f = apply_policy(f, policy)
    return f, score(f, reports, policy)


@pytest.fixture
def written(tmp_path):
    f, card = sample()
    paths = exporters.write_outputs(tmp_path / "out", f, card, RULES, {"version": "0.1.0", "policy": None,
                                                                       "paths": ["reports/"]})
    return tmp_path / "out", paths, f, card


# -- write_outputs -------------------------------------------------------------------------------

def test_write_outputs_writes_every_file_and_no_temp_files(written):
    out, paths, _, _ = written
    assert [p.name for p in paths] == ["findings.json", "findings.csv", "scorecard.csv", "scorecard.xlsx",
                                       "report.html", "findings.sarif"]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)


def test_write_outputs_calls_each_given_exporter_with_the_run(tmp_path):
    calls = []

    def write(path, out):
        calls.append((path.name, len(out.findings), len(out.scorecard), len(out.rules), out.meta))
        path.write_text("x", encoding="utf-8")
        return path

    given = [Exporter("one", "one.txt", write), Exporter("shown", None, show=lambda out: "shown only"),
             Exporter("two", "two.txt", write)]
    f, card = sample()
    paths = exporters.write_outputs(tmp_path, f, card, RULES, {"version": "x"}, exporters=given)
    assert paths == [tmp_path / "one.txt", tmp_path / "two.txt"]
    assert calls == [("one.txt", 4, 3, 3, {"version": "x"}), ("two.txt", 4, 3, 3, {"version": "x"})]


def test_failed_write_leaves_no_temp_and_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "scorecard.xlsx"
    target.write_bytes(b"old")

    class FailingWorkbook:
        def save(self, fh):
            fh.write(b"partial")
            raise RuntimeError("disk full")

    monkeypatch.setattr(xlsx, "build_workbook", lambda *args: FailingWorkbook())
    f, card = sample()
    with pytest.raises(RuntimeError):
        xlsx.write_xlsx(target, card, f, RULES)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["scorecard.xlsx"]


# -- findings.json -------------------------------------------------------------------------------

def test_findings_json_round_trip(written):
    out, _, f, _ = written
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert set(doc) == {"findings", "run", "rules"}
    assert doc["run"] == {"version": "0.1.0", "policy": None, "paths": ["reports/"]}
    assert len(doc["findings"]) == 4
    first = doc["findings"][0]
    assert list(first) == FINDING_COLUMNS
    assert first["expected"] == 5 and isinstance(first["expected"], float)
    assert first["points"] == 5.0 and first["waived"] is False
    assert first["message"].startswith("「三、收到和处理政府信息公开申请情况」表")
    assert doc["findings"][1]["table"] is None
    assert doc["findings"][1]["message"] == HYPERLINK  # JSON is data, not a spreadsheet: untouched
    assert doc["findings"][2]["expected"] is None  # NaN → null
    assert doc["findings"][2]["actual"] == "-3"
    assert doc["findings"][3]["waived"] is True
    assert doc["rules"][0] == {"id": "ARITH-REQ-BALANCE", "pack": "", "version": "", "category": "arithmetic",
                               "severity": "error", "points": 5.0, "title": "申请情况表收支平衡"}


def test_findings_json_is_strict_json(written):
    out, _, _, _ = written
    text = (out / "findings.json").read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard constant {c}"))


@pytest.mark.parametrize("expected", [None, [{"a": 1}, {"report_id": "x"}]])
def test_findings_json_one_finding_per_line_whatever_the_text(expected):
    f, _ = sample()
    f["message"] = f["message"].astype(object)
    f.loc[0, "message"] = '},{"report_id":"forged"}'
    f["expected"] = f["expected"].astype(object)
    f.at[1, "expected"] = expected
    text = exporters.jsonout.findings_json(f).decode("utf-8")
    lines = text.split("\n")
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == len(f) + 2
    doc = json.loads(text)
    assert [d["report_id"] for d in doc] == f["report_id"].tolist()
    assert doc[0]["message"] == '},{"report_id":"forged"}' and doc[1]["expected"] == expected


def test_findings_json_with_no_findings(tmp_path):
    _, card = sample()
    write_json(tmp_path / "findings.json", pd.DataFrame(columns=FINDING_COLUMNS), RULES, None)
    doc = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))
    assert doc["findings"] == [] and doc["run"] == {} and len(doc["rules"]) == 3


# -- CSV -----------------------------------------------------------------------------------------

def test_csv_files_have_bom_and_parse_back(written):
    out, _, f, card = written
    for name in ("scorecard.csv", "findings.csv"):
        assert (out / name).read_bytes().startswith(b"\xef\xbb\xbf")
    sc = _read_csv(out / "scorecard.csv", labels.SCORECARD_HEADERS)
    assert list(sc.columns) == list(card.columns)
    assert sc["score"].tolist() == card["score"].tolist()
    assert sc["unit"].tolist()[0] == "舞钢市朱兰街道办事处"
    fi = _read_csv(out / "findings.csv", labels.FINDINGS_HEADERS)
    assert list(fi.columns) == FINDING_COLUMNS
    assert len(fi) == 4
    assert fi["points"].tolist() == [5.0, 2.0, 1.0, 5.0]
    # values a supervisor reads are Chinese: category, severity, the place as printed
    assert fi.loc[0, "category"] == "勾稽关系" and fi.loc[0, "severity"] == "错误"
    assert fi.loc[0, "table"] == "三、收到和处理政府信息公开申请情况" and fi.loc[0, "row"] == "（七）总计"
    assert fi.loc[0, "col"] == "自然人" and fi.loc[0, "waived"] == "否"


def _read_csv(path, headers):
    """A CSV export read back with the keys as column names (the file itself has Chinese headers)."""
    frame = pd.read_csv(path, encoding="utf-8-sig")
    assert not set(headers) & set(frame.columns), "English headers in a CSV a supervisor reads"
    return frame.rename(columns={v: k for k, v in headers.items()})


def test_csv_neutralises_formula_injection(written):
    out, _, _, _ = written
    sc = _read_csv(out / "scorecard.csv", labels.SCORECARD_HEADERS)
    assert sc.loc[1, "unit"] == "'@SUM(A1)"
    fi = _read_csv(out / "findings.csv", labels.FINDINGS_HEADERS)
    assert fi.loc[1, "message"] == "'" + HYPERLINK
    assert fi.loc[2, "message"] == "'@SUM(A1)"
    assert fi.loc[2, "actual"] == "'-3"  # text that looks like a formula
    assert fi.loc[0, "expected"] == 5.0  # numbers stay numbers


# -- XLSX ----------------------------------------------------------------------------------------

def test_xlsx_sheets_headers_frozen_and_filtered(written):
    out, _, f, card = written
    wb = load_workbook(out / "scorecard.xlsx")
    assert wb.sheetnames == ["评分表", "问题清单", "规则说明"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref.startswith("A1:")
        assert ws["A1"].font.bold
    sc = wb["评分表"]
    headers = [c.value for c in sc[1]]
    assert headers[:7] == ["报告编号", "单位", "年度", "表格版本", "得分", "等级", "排名"]
    assert "勾稽关系问题数" in headers and "已豁免数" in headers
    assert sc.max_row == len(card) + 1
    assert sc.auto_filter.ref == f"A1:{sc.cell(1, sc.max_column).column_letter}{len(card) + 1}"
    fi = wb["问题清单"]
    fheaders = [c.value for c in fi[1]]
    assert fheaders[:6] == ["报告编号", "单位", "规则编号", "类别", "级别", "扣分"]
    assert "位置" in fheaders and "问题说明" in fheaders
    assert fi.max_row == len(f) + 1
    rules = wb["规则说明"]
    assert [c.value for c in rules[1]] == ["规则编号", "规则包", "版本", "类别", "级别", "默认扣分", "规则名称", "说明"]
    assert rules["G2"].value == "申请情况表收支平衡"


def test_xlsx_values_numbers_and_translations(written):
    out, _, _, card = written
    wb = load_workbook(out / "scorecard.xlsx")
    sc = wb["评分表"]
    score_col = [c.value for c in sc[1]].index("得分") + 1
    assert [sc.cell(r, score_col).value for r in range(2, 5)] == card["score"].tolist()
    assert sc.cell(2, score_col).data_type == "n"
    assert sc["C4"].value is None  # unknown year stays empty
    fi = wb["问题清单"]
    head = [c.value for c in fi[1]]
    row2 = dict(zip(head, [c.value for c in fi[2]], strict=True))
    assert row2["级别"] == "错误" and row2["类别"] == "勾稽关系"
    assert row2["单位"] == "舞钢市朱兰街道办事处"
    assert row2["位置"] == PLACE
    assert row2["应为"] == 5 and row2["实际"] == 4
    assert row2["已豁免"] == "否"
    row5 = dict(zip(head, [c.value for c in fi[5]], strict=True))
    assert row5["已豁免"] == "是" and row5["豁免理由"] == "上级同意：统计口径调整"


def test_xlsx_grade_fills(written):
    out, _, _, card = written
    sc = load_workbook(out / "scorecard.xlsx")["评分表"]
    grade_col = [c.value for c in sc[1]].index("等级") + 1
    colours = {sc.cell(r, grade_col).value: sc.cell(r, grade_col).fill.fgColor.rgb for r in range(2, sc.max_row + 1)}
    assert colours["优秀"].endswith("C6EFCE")
    assert set(card["grade"]) == {"优秀"}  # sample only has 优秀; check the other bands directly:
    bands = card.assign(grade=["良好", "合格", "不合格"])
    wb = xlsx.build_workbook(bands, pd.DataFrame(columns=FINDING_COLUMNS), RULES)
    path = out / "bands.xlsx"
    wb.save(path)
    sc = load_workbook(path)["评分表"]
    got = [sc.cell(r, grade_col).fill.fgColor.rgb[-6:] for r in range(2, 5)]
    assert got == ["DDEBF7", "FFEB9C", "FFC7CE"]


def test_xlsx_neutralises_formula_injection(written):
    out, _, _, _ = written
    wb = load_workbook(out / "scorecard.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
    assert wb["评分表"]["B3"].value == "'@SUM(A1)"
    fi = wb["问题清单"]
    msg_col = [c.value for c in fi[1]].index("问题说明") + 1
    assert fi.cell(3, msg_col).value == "'" + HYPERLINK
    assert fi.cell(4, msg_col).value == "'@SUM(A1)"


def test_xlsx_column_widths_count_cjk_double(written):
    out, _, _, _ = written
    sc = load_workbook(out / "scorecard.xlsx")["评分表"]
    unit_width = sc.column_dimensions["B"].width
    assert unit_width >= xlsx.display_width("项城市人民政府花园街道办事处")  # 14 CJK chars = 28
    assert xlsx.display_width("花园abc") == 7
    fi = load_workbook(out / "scorecard.xlsx")["问题清单"]
    assert max(d.width for d in fi.column_dimensions.values()) <= 60


# -- safe ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["=1+1", "+86", "-3", "@SUM(A1)", "\t=1", "\r=1", HYPERLINK])
def test_neutralise_prefixes_dangerous_text(text):
    assert safe.neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["舞钢市朱兰街道办事处", "5 = 4", "", -3, -2.5, 0, None, True])
def test_neutralise_leaves_safe_values(value):
    assert safe.neutralise(value) == value or (value is None and safe.neutralise(value) is None)


def test_neutralise_frame_keeps_numbers_and_missing():
    df = pd.DataFrame({"n": [-1.0, float("nan")], "t": ["=x", None], "m": [-2, "-2"],
                       "c": pd.Categorical(["+a", "b"])})
    out = safe.neutralise_frame(df)
    assert out["n"].iloc[0] == -1.0 and math.isnan(out["n"].iloc[1])
    assert out["t"].tolist()[0] == "'=x" and pd.isna(out["t"].iloc[1])
    assert out["m"].tolist() == [-2, "'-2"]
    assert out["c"].tolist() == ["'+a", "b"]
    assert df["t"].iloc[0] == "=x"  # the input is not modified


# -- terminal summary ----------------------------------------------------------------------------

def test_summary_lists_reports_worst_first_and_worst_findings():
    f, card = sample()
    text = table.summary(card, f)
    lines = text.splitlines()
    assert lines[0] == "3 份报告，3 条问题"
    body = "\n".join(lines)
    pos = [body.index(rid) for rid in ("000_7293952701c65ca5", "002_f14794f11eedc646", "004_6cf4d68bd5cd6316")]
    assert pos == sorted(pos)  # 93 < 99 < 100
    assert "舞钢市朱兰街道办事处" in body
    findings_part = body[body.index("主要问题"):]
    assert findings_part.index("错误") < findings_part.index("警告") < findings_part.index("提示")
    assert "已说明的差异" not in findings_part  # waived


@pytest.mark.parametrize("width", [100, 72])
def test_summary_fits_the_width_with_whole_messages_and_ids(width):
    f, card = sample()
    long = f.copy()
    tail = "本年新收申请数量与办理结果合计不一致，请核对后更正。" * 6
    long.loc[0, "message"] = PLACE + "：第一项加第二项 = 1990，第三项加第四项 = 1989；" + tail
    long.loc[0, "report_id"] = "a_very_long_report_identifier_from_a_file_stem"
    card = card.copy()
    card.loc[2, "unit"] = "某某省某某市某某区人民政府某某街道办事处社区服务中心综合办公室"
    text = table.summary(card, long, width=width, written=["out/report.html", "out/scorecard.xlsx"])
    for line in text.splitlines():
        assert wcswidth(line) <= width, line
    assert "…" not in text
    assert "a_very_long_report_identifier_from_a_file_stem" in text  # ids whole, on one line
    joined = "".join(line.strip() for line in text.splitlines())
    assert (table.shorten(PLACE) + "：第一项加第二项 = 1990，第三项加第四项 = 1989；" + tail).replace(" ", "") in joined.replace(" ", "")
    assert "1990" in text and "1989" in text  # numbers are never split across lines
    assert "某某省" in text
    ending = text[text.index("接下来请打开"):]  # the last line(s): which files to open next
    assert text.index("主要问题") < text.index("接下来请打开") and "report.html" in ending and "scorecard.xlsx" in ending


def test_summary_wrap_breaks_between_phrases_not_inside_numbers():
    lines = table.wrap("「三」表“（七）总计”行“自然人”列：第一项加第二项 = 123456，第三项加第四项 = 123455", 30)
    assert all(wcswidth(line) <= 30 for line in lines)
    assert any("123456" in line for line in lines) and any("123455" in line for line in lines)


def test_terminal_colours_by_severity_only_on_a_terminal(monkeypatch):
    import io

    f, card = sample()
    monkeypatch.delenv("NO_COLOR", raising=False)

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    table.print_summary(card, f, file=tty)
    assert "\x1b[" in tty.getvalue()
    piped = io.StringIO()
    table.print_summary(card, f, file=piped)
    assert "\x1b[" not in piped.getvalue() and "错误" in piped.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    tty = Tty()
    table.print_summary(card, f, file=tty)
    assert "\x1b[3" not in tty.getvalue()  # no colour codes with NO_COLOR


def test_summary_limit_and_ties_sort_by_report_id():
    rows = [finding(f"r{i:02d}", "ARITH-REQ-BALANCE", f"问题{i}") for i in range(30)]
    f = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    reports = pd.DataFrame({"report_id": [f"r{i:02d}" for i in range(30)][::-1], "unit": "单位",
                            "year": pd.array([2024] * 30, dtype="Int64"),
                            "edition": pd.Categorical(["2021"] * 30, categories=["2019", "2021"])})
    card = score(f, reports, load_policy())
    text = table.summary(card, f, limit=5)
    assert "前 5 条，共 30 条" in text
    assert sum(line.startswith("错误  ") for line in text.splitlines()) == 5
    assert text.index("r00") < text.index("r01") < text.index("r29")


def test_summary_lists_only_the_lowest_scores_of_a_big_run():
    rows = [finding(f"r{i:03d}", "ARITH-REQ-BALANCE", f"问题{i}") for i in range(0, 120, 2)]
    f = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    reports = pd.DataFrame({"report_id": [f"r{i:03d}" for i in range(120)], "unit": "单位",
                            "year": pd.array([2024] * 120, dtype="Int64"),
                            "edition": pd.Categorical(["2021"] * 120, categories=["2019", "2021"])})
    card = score(f, reports, load_policy())
    text = table.summary(card, f, score_limit=10)
    score_lines = [ln for ln in text.splitlines() if ln.startswith("r") and "单位" in ln]
    assert len(score_lines) == 10 and all(ln.split()[0] in {f"r{i:03d}" for i in range(0, 120, 2)}
                                          for ln in score_lines)  # reports with a finding score lowest
    assert "仅列出得分最低的 10 份，共 120 份" in text and "scorecard.xlsx" in text
    assert "仅列出" not in table.summary(card.head(10), f, score_limit=10)


def test_summary_without_findings():
    _, card = sample()
    text = table.summary(card, pd.DataFrame(columns=FINDING_COLUMNS))
    assert "未发现问题" in text
    assert text.splitlines()[0] == "3 份报告，0 条问题"


def test_summary_abbreviates_table_titles():
    assert table.shorten(PLACE + "：5 ≠ 4") == "「三」表“（七）总计”行“自然人”列：5 ≠ 4"
    f, card = sample()
    assert "「三」表“（七）总计”行" in table.summary(card, f)


def test_long_report_ids_keep_both_ends_so_they_stay_distinct():
    ids = ["pingtan-archive__pingtan-2018-legacy", "pingtan-archive__pingtan-2019"]
    cut = [table.truncate_middle(i, 20) for i in ids]
    assert cut[0] != cut[1]
    assert cut[0].startswith("pingtan") and cut[0].endswith("legacy") and "…" in cut[0]
    assert all(wcswidth(c) <= 20 for c in cut)
    assert table.truncate_middle("r01", 20) == "r01"


def test_findings_json_in_pieces_is_the_same_document():
    f, _ = sample()
    many = pd.concat([f] * 7, ignore_index=True)
    whole = exporters.jsonout.findings_json(many)
    pieces = b"".join(exporters.jsonout.findings_json_parts(many, rows=4))
    assert pieces == whole and len(json.loads(pieces)) == len(many)
    assert pieces.decode("utf-8").count("\n") == len(many) + 1  # still one finding per line
