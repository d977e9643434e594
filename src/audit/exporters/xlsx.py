"""scorecard.xlsx for supervisors: sheets 评分表 (scorecard), 问题清单 (findings), 规则说明 (rules).

Chinese headers, frozen header row, autofilter, grade cells coloured, column widths sized for
Chinese text (a CJK character counts as 2). Text is neutralised against formula injection first
(``audit.exporters.safe``). Written with XlsxWriter in constant-memory mode through
``audit.exporters.atomic``: rows stream to disk as they are written, and at 100,000 reports it takes about
two thirds of the time openpyxl's write-only mode took (see benchmarks/bench_exporters.py).
"""

from __future__ import annotations

import dataclasses
import os
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pandas as pd
import xlsxwriter

from audit.contracts import catalogue
from audit.exporters import atomic
from audit.exporters.jsonout import conform
from audit.exporters.safe import neutralise_frame
from audit.packs.rule import Rule

SHEET_SCORECARD = "评分表"
SHEET_FINDINGS = "问题清单"
SHEET_RULES = "规则说明"

CATEGORY_ZH = {"parse": "解析", "structure": "表格结构", "arithmetic": "勾稽关系", "sections": "章节",
               "template": "模板版本", "zeros": "零值异常", "narrative": "正文与表格", "metadata": "基本信息",
               "cross_report": "跨报告"}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
SCORECARD_HEADERS = {"report_id": "报告编号", "unit": "单位", "year": "年度", "edition": "表格版本",
                     "score": "得分", "grade": "等级", "rank": "排名", "errors": "错误数", "warnings": "警告数",
                     "infos": "提示数", "waived": "已豁免数",
                     **{k: f"{v}问题数" for k, v in CATEGORY_ZH.items()}}
# The findings sheet is for reading: the canonical table/row/col keys and the pack stay in the
# CSV/JSON (and the 位置 column prints the place), which also keeps 100,000-row sheets fast to write.
FINDINGS_HEADERS = {"report_id": "报告编号", "unit": "单位", "rule_id": "规则编号", "category": "类别",
                    "severity": "级别", "points": "扣分", "place": "位置", "expected": "应为", "actual": "实际",
                    "message": "问题说明", "waived": "已豁免", "waiver_reason": "豁免理由"}
RULES_HEADERS = {"id": "规则编号", "pack": "规则包", "version": "版本", "category": "类别", "severity": "级别",
                 "points": "默认扣分", "title": "规则名称", "description": "说明"}
GRADE_FILLS = {"优秀": "#C6EFCE", "良好": "#DDEBF7", "合格": "#FFEB9C", "不合格": "#FFC7CE"}
_HEADER_FILL = "#D9D9D9"
# Widest column, in characters as Excel shows it; Excel stores it with ~0.7 of padding (so at most 60).
_MAX_WIDTH = 59
# Report text is data: never a formula, a link or a number. A NaN or inf that slips past `_rows` becomes an
# Excel error cell instead of an exception.
_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False, "nan_inf_to_errors": True}


def display_width(text: Any) -> int:
    """Terminal/spreadsheet width of a value: wide (CJK) characters count 2, others 1."""
    if text is None:
        return 0
    s = str(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _column_width(header: str, values: pd.Series) -> float:
    """Width of the widest value (capped), looking at as few values as possible."""
    s = values.dropna()
    s = s.astype(str) if len(s) else pd.Series([], dtype=object)
    longest = display_width(header)
    if len(s):
        lengths = s.str.len()
        if int(lengths.max()) + 2 >= _MAX_WIDTH:  # display width >= length: already at the cap
            return float(_MAX_WIDTH)
        # Only values whose length could beat the others' display width need measuring.
        s = s[lengths * 2 >= int(lengths.max())].drop_duplicates()
        longest = max(longest, int(s.map(display_width).max()))
    return float(min(_MAX_WIDTH, max(6, longest + 2)))


def _rows(frame: pd.DataFrame) -> list[list[Any]]:
    """Plain Python values (``None`` for missing) row by row: what the writer takes fastest."""
    obj = frame.astype(object)
    return obj.where(obj.notna(), None).to_numpy().tolist()


@dataclass
class Sheet:
    """One sheet to write: a frame, its Chinese headers, fills per value of some columns, wrapped columns."""

    title: str
    frame: pd.DataFrame
    headers: Mapping[str, str]
    fills: Mapping[str, Mapping[Any, str]] = field(default_factory=dict)
    wrap: tuple[str, ...] = ()


# Rows an Excel sheet holds, header included; a longer frame continues on 问题清单(2), (3)…
EXCEL_MAX_ROWS = 1_048_576


def _fit_to_excel(sheet: Sheet) -> list[Sheet]:
    """The sheet, split into continuation sheets when it has more rows than Excel allows (rows
    past the limit would otherwise be dropped without a word)."""
    per = EXCEL_MAX_ROWS - 1
    if len(sheet.frame) <= per:
        return [sheet]
    return [dataclasses.replace(sheet, title=sheet.title if i == 0 else f"{sheet.title}({i // per + 1})",
                                frame=sheet.frame.iloc[i:i + per])
            for i in range(0, len(sheet.frame), per)]


class Workbook:
    """The sheets of scorecard.xlsx, written by ``save`` in one streaming pass (constant memory)."""

    def __init__(self, sheets: Iterable[Sheet]) -> None:
        self.sheets = [part for sheet in sheets for part in _fit_to_excel(sheet)]

    def save(self, target: str | os.PathLike[str] | IO[bytes]) -> None:
        """Write the workbook to a path or a binary file handle."""
        book = xlsxwriter.Workbook(target, _OPTIONS)
        for sheet in self.sheets:
            _write_sheet(book, sheet)
        book.close()


def _write_sheet(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
    """Bold grey header row (frozen, autofiltered), column widths, then the rows."""
    frame = sheet.frame
    ws = book.add_worksheet(sheet.title)
    names = [sheet.headers.get(c, c) for c in frame.columns]
    safe = neutralise_frame(frame)
    for i, (col, name) in enumerate(zip(frame.columns, names, strict=True)):
        ws.set_column(i, i, _column_width(name, safe[col]))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(frame), max(0, len(names) - 1))
    ws.write_row(0, 0, names, book.add_format({"bold": True, "bg_color": _HEADER_FILL, "pattern": 1}))

    columns = list(frame.columns)
    fills = {columns.index(c): {v: book.add_format({"bg_color": colour, "pattern": 1})
                                for v, colour in mapping.items()}
             for c, mapping in sheet.fills.items() if c in columns}
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    wrapped = [i for i, c in enumerate(columns) if c in sheet.wrap]
    for r, row in enumerate(_rows(safe), start=1):
        if ws.write_row(r, 0, row):  # a string cut to Excel's 32,767 characters stops write_row: go on
            for i, value in enumerate(row):
                ws.write(r, i, value)
        for i, formats in fills.items():
            if row[i] in formats:
                ws.write(r, i, row[i], formats[row[i]])
        for i in wrapped:
            ws.write(r, i, row[i], wrap)


def _findings_sheet_frame(findings: pd.DataFrame, scorecard: pd.DataFrame) -> pd.DataFrame:
    """Findings as a supervisor reads them: unit name, Chinese severity/category, the place as printed."""
    f = conform(findings)
    sev = f["severity"].astype(object)
    cat = f["category"].astype(object)
    units = (scorecard.set_index(scorecard["report_id"].astype(object))["unit"]
             if "unit" in scorecard and len(scorecard) else pd.Series(dtype=object))
    units = units[~units.index.duplicated()]
    waived = f["waived"].astype(object)
    out = pd.DataFrame({
        "report_id": f["report_id"].astype(object),
        "unit": f["report_id"].astype(object).map(units.astype(object)) if len(f) else [],
        "rule_id": f["rule_id"],
        "category": cat.map(CATEGORY_ZH).fillna(cat) if len(f) else [],
        "severity": sev.map(SEVERITY_ZH).fillna(sev) if len(f) else [],
        "points": f["points"],
        "place": _places(f),
        "expected": f["expected"],
        "actual": f["actual"],
        "message": f["message"],
        "waived": waived.map({True: "是", False: "否"}) if len(f) else [],
        "waiver_reason": f["waiver_reason"],
    }, index=f.index)
    return out


def _places(f: pd.DataFrame) -> pd.Series:
    """``catalogue.place`` for each finding that names a table (computed once per distinct place)."""
    keys = f[["table", "row", "col"]].astype(object)
    keys = keys.where(keys.notna(), None)
    if not len(keys):
        return pd.Series([], dtype=object, index=f.index)
    cat = catalogue.load()
    tables = set(cat.raw.get("tables", {}))
    triples = list(zip(keys["table"], keys["row"], keys["col"], strict=True))
    cache = {t: (cat.place(*t) if t[0] in tables else None) for t in set(triples)}
    return pd.Series([cache[t] for t in triples], index=f.index, dtype=object)


def _rules_frame(rules: Iterable[Rule]) -> pd.DataFrame:
    rows = [{"id": r.id, "pack": r.pack, "version": r.pack_version, "category": CATEGORY_ZH.get(r.category, r.category),
             "severity": SEVERITY_ZH.get(r.severity, r.severity), "points": float(r.points), "title": r.title,
             "description": r.description} for r in rules]
    return pd.DataFrame(rows, columns=list(RULES_HEADERS))


def build_workbook(scorecard: pd.DataFrame, findings: pd.DataFrame, rules: Iterable[Rule]) -> Workbook:
    return Workbook([
        Sheet(SHEET_SCORECARD, scorecard, SCORECARD_HEADERS, fills={"grade": GRADE_FILLS}),
        Sheet(SHEET_FINDINGS, _findings_sheet_frame(findings, scorecard), FINDINGS_HEADERS),
        Sheet(SHEET_RULES, _rules_frame(rules), RULES_HEADERS, wrap=("description",)),
    ])


def write_xlsx(path: str | os.PathLike[str], scorecard: pd.DataFrame, findings: pd.DataFrame,
               rules: Iterable[Rule]) -> Path:
    wb = build_workbook(scorecard, findings, list(rules))
    return atomic.write_with(path, wb.save, binary=True)
