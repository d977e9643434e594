"""What ``audit.corpus.year_splits`` tells a supervisor: which report decided a glued row, or why
no reading of it can be right. Every sentence names the other report and the row it compared."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from audit.contracts import catalogue
from audit.ingest import glued_rows


@dataclass(frozen=True)
class Check:
    """One other year's report held against a glued row."""

    side: str  # "prev" (the year before) or "next"
    other: str  # its report id
    year: object  # its year
    row: str  # the row compared there
    link_rule: str
    cols: tuple[str, ...]  # the cells of that row the continuation uses
    values: Mapping[str, float] | None  # that row as read, or None when it is glued too
    digits: str | None  # its digits when glued
    n_other: int  # its readings (1 when read)
    fits: int  # readings of the glued row it allows
    trusted: bool = True  # the other report continues into its own other neighbour (or has none here)


def reading(table: str, values: Mapping[str, float], cols: Sequence[str] | None = None) -> str:
    cat = catalogue.load()
    return "、".join(f"{cat.col_label(table, c)} {glued_rows.number_raw(values[c])}" for c in (cols or list(values)))


def _report(c: Check) -> str:
    which = "上一年度" if c.side == "prev" else "下一年度"
    year = f"{c.year}年" if isinstance(c.year, int | float) or str(c.year).isdigit() else "年度不明"
    return f"{which}报告（{c.other}，{year}）"


def _other_row(table: str, c: Check, *, any_of: bool = False) -> str:
    label = f"{_report(c)}“{catalogue.load().row_label(table, c.row)}”行"
    if c.values is not None:
        return f"{label}（{reading(table, c.values, c.cols)}）"
    return f"{label}的数字“{c.digits}”（同样粘连，有 {c.n_other} 种可能的拆分）" + ("中的任何一种" if any_of else "")


def _head(table: str, row: str, digits: str, count: int) -> str:
    return f"{catalogue.load().place(table, row)}的数字“{digits}”粘连在一起，本报告内有 {count} 种可能的拆分"


def _rules(checks: Sequence[Check]) -> str:
    return "；".join(dict.fromkeys(c.link_rule for c in checks))


def placed(table: str, row: str, digits: str, count: int, checks: Sequence[Check], values: Mapping[str, float]) -> str:
    basis = "和".join(_other_row(table, c) for c in checks)
    return (f"{_head(table, row, digits, count)}；与{basis}衔接的只有一种（{_rules(checks)}）："
            f"{reading(table, values)}，已按此读取")


def conflict(table: str, row: str, digits: str, count: int, checks: Sequence[Check]) -> str:
    none = [c for c in checks if c.fits == 0]
    if none:
        basis = "和".join(_other_row(table, c, any_of=True) for c in none)
        return (f"{_head(table, row, digits, count)}，没有一种与{basis}衔接（{_rules(none)}）："
                f"无论怎样拆分，本报告与{'该报告' if len(none) == 1 else '这两份报告'}的数字都不衔接，该行未予读取")
    each = "，".join(f"与{_other_row(table, c)}衔接的有 {c.fits} 种" for c in checks)
    return (f"{_head(table, row, digits, count)}，{each}，但没有一种同时与{'和'.join(_report(c) for c in checks)}衔接"
            f"（{_rules(checks)}）：无论怎样拆分，这几份报告的数字不能都正确，该行未予读取")


def columns_conflict(row: str, digits: str, count: int, checks: Sequence[Check], kept: int) -> str:
    basis = "和".join(_other_row("requests", c) for c in checks)
    return (f"{_head('requests', row, digits, count)}，与{basis}衔接的有 {kept} 种（{_rules(checks)}），"
            f"但都不能使本表各列勾稽关系成立（{glued_rows.identity_names('requests', 'rows')}）："
            "无论怎样拆分，两份报告的数字不能都正确，该行未予读取")


def placed_by_columns(row: str, digits: str, count: int, decided: Sequence[str], values: Mapping[str, float]) -> str:
    cat = catalogue.load()
    rows = "、".join(f"“{cat.row_label('requests', r)}”" for r in decided)
    return (f"{_head('requests', row, digits, count)}；按相邻年度报告确定{rows}行的拆分后，本表各列勾稽关系"
            f"（{glued_rows.identity_names('requests', 'rows')}）只容许一种：{reading('requests', values)}，已按此读取")
