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
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
import xlsxwriter

from audit.contracts import catalogue
from audit.exporters import atomic, checks_views, labels, xlsx_rows
from audit.exporters.jsonout import conform
from audit.exporters.safe import neutralise_frame
from audit.packs.rule import Rule
from audit.scoring.rollup import FIGURES, by_region

SHEET_SCORECARD = "评分表"
SHEET_FINDINGS = "问题清单"
SHEET_RULES = "规则说明"
SHEET_UNRATED = "无法评定"
SHEET_REGIONS = "地区汇总"
SHEET_MISSING = "未提交"

CATEGORY_ZH = labels.CATEGORY_ZH
SEVERITY_ZH = labels.SEVERITY_ZH
SCORECARD_HEADERS = labels.SCORECARD_HEADERS
# 评分表 column order: the contract's first columns, then region and history, counts, figures, file.
SCORECARD_ORDER = ["report_id", "unit", "year", "edition", "score", "grade", "rank", "region", "level", "kind",
                   "parent", "region_rank", "prev_score", "score_change", "errors", "warnings", "infos", "waived",
                   *CATEGORY_ZH, "unchecked_tables", *FIGURES, "source"]
_NOT_ON_SCORECARD = ("status", "status_reason")
UNRATED_COLUMNS = ["report_id", "unit", "year", "edition", "region", "status_reason", "unchecked_tables", "source"]
# The findings sheet is for reading: the canonical table/row/col keys and the pack stay in the
# JSON (and the 位置 column prints the place), which also keeps 100,000-row sheets fast to write.
FINDINGS_HEADERS = {"report_id": "报告编号", "unit": "单位", "rule_id": "规则编号", "category": "类别",
                    "severity": "级别", "points": "扣分", "place": "位置", "expected": "应为", "actual": "实际",
                    "message": "问题说明", "waived": "已豁免", "waiver_reason": "豁免理由", "source": "源文件"}
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


def _display_widths(s: pd.Series) -> pd.Series:
    """``display_width`` of each text, with each distinct character classified once (a column of
    the findings sheet has 50,000 values but a few thousand characters)."""
    wide = [ch for ch in set("".join(s)) if unicodedata.east_asian_width(ch) in "WF"]
    widths = s.str.len()
    if wide:
        widths = widths + s.str.count("[" + "".join(re.escape(ch) for ch in wide) + "]")
    return widths


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
        longest = max(longest, int(_display_widths(s).max()))
    return float(min(_MAX_WIDTH, max(6, longest + 2)))


def _rows(frame: pd.DataFrame) -> list[list[Any]]:
    """Plain Python values (``None`` for missing) row by row: what the writer takes fastest."""
    obj = frame.astype(object)
    return obj.where(obj.notna(), None).to_numpy().tolist()


class LazyRows:
    """A sheet's rows made a chunk at a time by ``make(start, stop)`` (a frame of ``columns``): the
    findings sheet of a 100,000-report run never exists whole, neither as a frame nor as Python values."""

    def __init__(self, n: int, columns: list[str], make: Callable[[int, int], pd.DataFrame]) -> None:
        self.n, self.columns, self._make = n, columns, make

    def __len__(self) -> int:
        return self.n

    def part(self, start: int, stop: int) -> pd.DataFrame:
        return self._make(start, min(stop, self.n))[self.columns]

    def slice(self, start: int, stop: int) -> LazyRows:
        stop = min(stop, self.n)
        return LazyRows(stop - start, self.columns, lambda a, b: self._make(start + a, start + b))


def _part(frame: pd.DataFrame | LazyRows, start: int, stop: int) -> pd.DataFrame:
    return frame.part(start, stop) if isinstance(frame, LazyRows) else frame.iloc[start:stop]


@dataclass
class Sheet:
    """One sheet to write: a frame (or rows made lazily), its Chinese headers, fills per value of some
    columns, wrapped columns.

    ``row_fill`` = (column, {value: colour}) fills the whole row when that column holds the value;
    ``links`` maps a column to one internal link target per row (None: no link); ``notes`` maps a
    column to a comment on its header cell."""

    title: str
    frame: pd.DataFrame | LazyRows
    headers: Mapping[str, str]
    fills: Mapping[str, Mapping[Any, str]] = field(default_factory=dict)
    wrap: tuple[str, ...] = ()
    row_fill: tuple[str, Mapping[Any, str]] | None = None
    links: Mapping[str, list[str | None]] = field(default_factory=dict)
    notes: Mapping[str, str] = field(default_factory=dict)


# Rows an Excel sheet holds, header included; a longer frame continues on 问题清单(2), (3)…
EXCEL_MAX_ROWS = 1_048_576
# Hyperlinks Excel keeps per sheet; past it the unit names stay, unlinked.
EXCEL_MAX_LINKS = 65_530


def _part_title(title: str, part: int) -> str:
    return title if part == 0 else f"{title}({part + 1})"


def _fit_to_excel(sheet: Sheet) -> list[Sheet]:
    """The sheet, split into continuation sheets when it has more rows than Excel allows (rows
    past the limit would otherwise be dropped without a word)."""
    per = EXCEL_MAX_ROWS - 1
    if len(sheet.frame) <= per:
        return [sheet]
    frame = sheet.frame
    return [dataclasses.replace(sheet, title=_part_title(sheet.title, i // per),
                                frame=frame.slice(i, i + per) if isinstance(frame, LazyRows) else frame.iloc[i:i + per],
                                links={k: v[i:i + per] for k, v in sheet.links.items()})
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


def _print_setup(ws: Any, title: str) -> None:
    """Landscape A4, fit to one page wide, header row on every page, sheet name and page number."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_header(f"&C&\"宋体,Bold\"{title.replace('&', '&&')}")
    ws.set_footer("&C第 &P 页，共 &N 页")


# Rows turned into cell values at a time: the writer streams rows to disk, so holding every row of
# a 500,000-finding sheet as Python values at once would only cost memory (in the forked writer,
# pages copied from the run's process as well).
CHUNK_ROWS = 20_000


@dataclass
class _Styles:
    """The formats of one sheet's data cells, made once: fills per value, wrapping, row fill, links."""

    fills: dict[str, dict[Any, Any]]
    wrap: Any
    by_value: dict[Any, Any] | None
    wrap_fill: dict[Any, Any] | None
    link: Any
    link_fills: dict[Any, Any]


def _styles(book: xlsxwriter.Workbook, sheet: Sheet, columns: list[str]) -> _Styles:
    colours = sheet.row_fill[1] if sheet.row_fill and sheet.row_fill[0] in columns else None
    link_style = {"font_color": "#0563C1", "underline": 1, "valign": "top"}
    return _Styles(
        fills={c: {v: book.add_format({"bg_color": colour, "pattern": 1}) for v, colour in mapping.items()}
               for c, mapping in sheet.fills.items() if c in columns},
        wrap=book.add_format({"text_wrap": True, "valign": "top"}),
        by_value=None if colours is None else {
            v: book.add_format({"bg_color": colour, "pattern": 1, "valign": "top"}) for v, colour in colours.items()},
        wrap_fill=None if colours is None else {
            v: book.add_format({"bg_color": colour, "pattern": 1, "text_wrap": True, "valign": "top"})
            for v, colour in colours.items()},
        link=book.add_format(link_style),
        link_fills={} if colours is None else {
            v: book.add_format({**link_style, "bg_color": colour, "pattern": 1}) for v, colour in colours.items()},
    )


def _write_sheet(book: xlsxwriter.Workbook, sheet: Sheet) -> None:
    """Bold grey header row (frozen, autofiltered, repeated on every printed page), the rows, widths."""
    frame = sheet.frame
    ws = book.add_worksheet(sheet.title)
    names = [sheet.headers.get(c, c) for c in frame.columns]
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(frame), max(0, len(names) - 1))
    _print_setup(ws, sheet.title)
    ws.write_row(0, 0, names, book.add_format({"bold": True, "bg_color": _HEADER_FILL, "pattern": 1,
                                                "text_wrap": True, "valign": "top"}))
    columns = list(frame.columns)
    for col, note in sheet.notes.items():
        if col in columns:
            ws.write_comment(0, columns.index(col), note, {"x_scale": 3, "y_scale": 2})
    styles = _styles(book, sheet, columns)
    links_left = [EXCEL_MAX_LINKS]
    widths = [0.0] * len(columns)
    for start in range(0, max(len(frame), 1), CHUNK_ROWS):
        safe = neutralise_frame(_part(frame, start, start + CHUNK_ROWS))
        widths = [max(w, _column_width(name, safe[col]))
                  for w, col, name in zip(widths, columns, names, strict=True)]
        _write_chunk(ws, sheet, safe, styles, start, links_left)
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)


def _write_chunk(ws: Any, sheet: Sheet, safe: pd.DataFrame, styles: _Styles, start: int,
                 links_left: list[int]) -> None:
    """Rows ``start``… of the sheet (``safe``: those rows, neutralised), each cell with its format."""
    columns = list(safe.columns)
    linked = {c: targets[start:start + len(safe)] for c, targets in sheet.links.items() if c in columns}
    values = xlsx_rows.column_values(safe, raw=list(linked))
    n = len(safe)
    row_keys, row_formats = None, [None] * n
    if styles.by_value is not None:
        row_keys = values[columns.index(sheet.row_fill[0])]  # type: ignore[index]
        row_formats = [styles.by_value.get(k) if k is not None and xlsx_rows._hashable(k) else None for k in row_keys]
    formats = [xlsx_rows.cell_formats(n, values[i], row_formats, fill=styles.fills.get(c),
                                      wrap=styles.wrap if c in sheet.wrap else None, wrap_fill=styles.wrap_fill,
                                      row_keys=row_keys)
               for i, c in enumerate(columns)]
    link_styles = ([styles.link_fills.get(k, styles.link) if k is None or xlsx_rows._hashable(k) else styles.link
                    for k in row_keys] if row_keys is not None else [styles.link] * n)
    links = {columns.index(c): (targets, link_styles) for c, targets in linked.items()}
    xlsx_rows.write_rows(ws, values, formats, links, links_left, first_row=start + 1)


def _number_or_text(value: Any) -> Any:
    """应为/实际 as Excel numbers where they are numbers (also when a rule gave "5"); lists joined."""
    if isinstance(value, (list, tuple)):
        return "、".join(str(_number_or_text(v)) for v in value)
    if isinstance(value, str):
        t = value.strip().replace(",", "")
        if _NUMBER.fullmatch(t):
            value = float(t)
        else:
            return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_NUMBER = re.compile(r"[+]?\d+(?:\.\d+)?")


def _report_order(findings: pd.DataFrame, scorecard: pd.DataFrame) -> np.ndarray:
    """Positions of the findings grouped by report in scorecard order (stable within a report), so
    each report's rows are contiguous and 评分表 can link to them."""
    if not len(findings) or not len(scorecard):
        return np.arange(len(findings))
    pos = pd.Series(range(len(scorecard)), index=scorecard["report_id"].astype(str).to_numpy())
    pos = pos[~pos.index.duplicated()]
    key = findings["report_id"].astype(str).map(pos).fillna(len(scorecard))
    return key.to_numpy().argsort(kind="stable")


def _by_report(scorecard: pd.DataFrame) -> pd.DataFrame:
    """The scorecard indexed by report id (first row of each), for the findings sheet's lookups."""
    if not len(scorecard):
        return scorecard
    by_id = scorecard.set_index(scorecard["report_id"].astype(object))
    return by_id[~by_id.index.duplicated()]


def _findings_rows(f: pd.DataFrame, scorecard: pd.DataFrame, order: np.ndarray) -> LazyRows:
    """问题清单's rows (``f``: conformed findings, written in ``order``), made a chunk at a time;
    源文件 only when some finding's report has a source file."""
    by_id = _by_report(scorecard)
    columns = list(FINDINGS_HEADERS)
    if not len(f) or "source" not in by_id or f["report_id"].astype(object).map(by_id["source"]).isna().all():
        columns.remove("source")
    return LazyRows(len(f), columns, lambda a, b: _findings_sheet_frame(f.iloc[order[a:b]], by_id))


def _findings_sheet_frame(f: pd.DataFrame, by_id: pd.DataFrame) -> pd.DataFrame:
    """Findings as a supervisor reads them: unit name, Chinese severity/category, the place as printed."""
    sev = f["severity"].astype(object)
    cat = f["category"].astype(object)
    rid = f["report_id"].astype(object)

    def lookup(col: str) -> Any:
        if not len(f) or col not in by_id:
            return [None] * len(f)
        return rid.map(by_id[col].astype(object))

    waived = f["waived"].astype(object)
    return pd.DataFrame({
        "report_id": rid,
        "unit": lookup("unit"),
        "rule_id": f["rule_id"],
        "category": cat.map(CATEGORY_ZH).fillna(cat) if len(f) else [],
        "severity": sev.map(SEVERITY_ZH).fillna(sev) if len(f) else [],
        "points": f["points"],
        "place": _places(f),
        "expected": f["expected"].astype(object).map(_number_or_text) if len(f) else [],
        "actual": f["actual"].astype(object).map(_number_or_text) if len(f) else [],
        "message": f["message"],
        "waived": waived.fillna(False).astype(bool).map({True: "是", False: "否"}) if len(f) else [],
        "waiver_reason": f["waiver_reason"],
        "source": lookup("source"),
    }, index=f.index)


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


def _unrated(scorecard: pd.DataFrame) -> pd.Series:
    if "status" not in scorecard:
        return pd.Series(False, index=scorecard.index)
    return scorecard["status"].astype(object).eq("unrated")


def _scorecard_frame(scorecard: pd.DataFrame) -> pd.DataFrame:
    """评分表: the scored reports, known columns in order, then any others (a pack's extra columns)."""
    card = scorecard[~_unrated(scorecard)]
    known = [c for c in SCORECARD_ORDER if c in card and c != "source"]
    rest = [c for c in card.columns if c not in SCORECARD_ORDER and c not in _NOT_ON_SCORECARD]
    tail = ["source"] if "source" in card else []
    card = card[known + rest + tail]
    empty = [c for c in ("region", "level", "kind", "parent", "region_rank", "prev_score", "score_change",
                         "unchecked_tables") if c in card and card[c].isna().all()]
    return card.drop(columns=empty)


def _links(card: pd.DataFrame, rid: np.ndarray) -> list[str | None]:
    """For each 评分表 row, the link to its report's rows in 问题清单 (``rid``: their report ids, in
    order), None when it has none."""
    if not len(rid):
        return [None] * len(card)
    per = EXCEL_MAX_ROWS - 1
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for i, r in enumerate(rid):
        first.setdefault(r, i)
        last[r] = i
    out: list[str | None] = []
    for r in card["report_id"].astype(str):
        if r not in first:
            out.append(None)
            continue
        a, b = first[r], last[r]
        part = a // per
        b = min(b, (part + 1) * per - 1)
        title = _part_title(SHEET_FINDINGS, part)
        out.append(f"internal:'{title}'!A{a % per + 2}:A{b % per + 2}")
    return out


def build_workbook(scorecard: pd.DataFrame, findings: pd.DataFrame, rules: Iterable[Rule],
                   missing: list[Mapping[str, Any]] | None = None, deductions: pd.DataFrame | None = None) -> Workbook:
    """评分表, 问题清单, 规则说明; 无法评定, 地区汇总 and 未提交 when there is something to put in them."""
    card = _scorecard_frame(scorecard)
    findings = conform(findings)
    order = _report_order(findings, scorecard)
    rid = findings["report_id"].astype(str).to_numpy()[order]
    sheets = [
        Sheet(SHEET_SCORECARD, card, SCORECARD_HEADERS, fills={"grade": GRADE_FILLS},
              row_fill=("grade", {"不合格": GRADE_FILLS["不合格"]}),
              links={"unit": _links(card, rid)} if "unit" in card else {},
              notes={"rank": labels.RANK_NOTE} if "unchecked_tables" in card else {}),
        Sheet(SHEET_FINDINGS, _findings_rows(findings, scorecard, order), FINDINGS_HEADERS,
              wrap=("message", "place", "waiver_reason")),
    ]
    unrated = scorecard[_unrated(scorecard)]
    if len(unrated):
        cols = [c for c in UNRATED_COLUMNS if c in unrated]
        sheets.append(Sheet(SHEET_UNRATED, unrated[cols], SCORECARD_HEADERS, wrap=("status_reason",)))
    regions = by_region(scorecard)
    if len(regions):
        sheets.append(Sheet(SHEET_REGIONS, regions, labels.REGION_HEADERS))
    if missing:
        gone = pd.DataFrame(list(missing)).reindex(columns=["unit", "region", "level", "parent", "kind"])
        gone["status"] = labels.MISSING_STATUS
        sheets.append(Sheet(SHEET_MISSING, gone, labels.MISSING_HEADERS))
    if deductions is not None:  # audit run --rubric
        sheets.append(Sheet(checks_views.SHEET_DEDUCTIONS, deductions, checks_views.DEDUCTION_HEADERS,
                            wrap=("item", "reason", "evidence")))
    sheets.append(Sheet(SHEET_RULES, _rules_frame(rules), RULES_HEADERS, wrap=("description", "title")))
    return Workbook(sheets)


def write_xlsx(path: str | os.PathLike[str], scorecard: pd.DataFrame, findings: pd.DataFrame,
               rules: Iterable[Rule], missing: list[Mapping[str, Any]] | None = None,
               deductions: pd.DataFrame | None = None) -> Path:
    wb = build_workbook(scorecard, findings, list(rules), missing, deductions)
    return atomic.write_with(path, wb.save, binary=True)
