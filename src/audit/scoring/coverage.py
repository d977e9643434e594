"""What could be checked: the scorecard's ``status``, ``status_reason`` and ``unchecked_tables``.

A score is an accusation's sum: it only means something where the tables were read. Per report and
table, a cell is *checked* when the reader read it (a value, a printed blank, or printed text);
it is *unplaced* when the reader could not put anything there (a row not found, a short or glued
row, a table cut off). A report none of whose tables has a checked cell (unreadable file, legacy
or unknown format, no table found, every table cut off before its data) is ``unrated``: no
score, grade or rank. A report with some table unread or partly read is scored on what was read
and says which tables in ``unchecked_tables`` (表二、表三（部分）).

Works on whole frames: one groupby over the cells, no loop per report.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from audit.contracts import catalogue
from audit.contracts.report import PARSE_KINDS

SCORED, UNRATED = "scored", "unrated"
COVERAGE_COLUMNS = ["report_id", "status", "status_reason", "unchecked_tables"]

#: Short names of the tables as supervisors cite them.
TABLE_SHORT = {"active": "表二", "requests": "表三", "appeals": "表四"}

_ADVICE = "请人工核对原件"


def cell_checked(cells: pd.DataFrame) -> np.ndarray:
    """Per cell: the reader read it (``state`` value, blank or text; not ``unplaced``)."""
    state = cells["state"]
    if isinstance(state.dtype, pd.CategoricalDtype):  # compare codes, not millions of strings
        cats = state.cat.categories
        if "unplaced" not in cats:
            return np.ones(len(state), dtype=bool)
        return state.cat.codes.to_numpy() != cats.get_loc("unplaced")
    return (state.astype(object) != "unplaced").to_numpy()


def table_coverage(cells: pd.DataFrame) -> pd.DataFrame:
    """Per (report_id, table): number of cells and of checked cells."""
    if not len(cells):
        return pd.DataFrame(columns=["report_id", "table", "cells", "checked"])
    # Counted by codes (categorical keys as they are, others factorized) with one bincount over a
    # combined (report, table) key: no groupby, whose per-cell index arrays cost several times the
    # cells' own size at 100,000 reports; the ids made text once per report. One 8-byte key per
    # cell is the only copy (20 million cells at 100,000 reports): the checked cells are counted
    # as all cells less the few unplaced ones, not by a weighted count over every cell.
    rid, rid_names = _codes(cells["report_id"])
    table, table_names = _codes(cells["table"])
    checked = cell_checked(cells)
    n_tables = len(table_names)
    key = np.multiply(rid, n_tables, dtype=np.int64)
    key += table
    ok = (rid >= 0) & (table >= 0)
    if not ok.all():
        key, checked = key[ok], checked[ok]
    size = np.bincount(key, minlength=len(rid_names) * n_tables)
    done = size - np.bincount(key[~checked], minlength=len(size))
    present = np.flatnonzero(size)
    return pd.DataFrame({"report_id": rid_names[present // n_tables], "table": table_names[present % n_tables],
                         "cells": size[present], "checked": done[present]})


def _codes(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a key column and the text of each code (as ``astype(str)`` gives it)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes, names = s.cat.codes.to_numpy(), s.cat.categories
    else:
        codes, names = pd.factorize(s.to_numpy(dtype=object))
    return codes, pd.Index(names).astype(str).to_numpy(dtype=object)


def _first_detail(problems: pd.DataFrame, kinds) -> pd.Series:
    p = problems[problems["kind"].isin(list(kinds))]
    return p.groupby(p["report_id"].astype(str), sort=False)["detail"].first().astype(str)


def coverage(reports: pd.DataFrame, cells: pd.DataFrame, problems: pd.DataFrame) -> pd.DataFrame:
    """One row per report (``reports`` order): status, status_reason, unchecked_tables."""
    ids = pd.Index(reports["report_id"].astype(str).to_numpy(dtype=object), name="report_id")
    tc = table_coverage(cells)
    checked = pd.DataFrame(0, index=ids, columns=list(catalogue.TABLES))
    total = checked.copy()
    if len(tc):
        tc = tc[tc["report_id"].isin(ids) & tc["table"].isin(catalogue.TABLES)]
        checked = tc.pivot(index="report_id", columns="table", values="checked").reindex(
            index=ids, columns=list(catalogue.TABLES)).fillna(0)
        total = tc.pivot(index="report_id", columns="table", values="cells").reindex(
            index=ids, columns=list(catalogue.TABLES)).fillna(0)
    none = checked.to_numpy() == 0
    part = ~none & (checked.to_numpy() < total.to_numpy())
    names = np.array([TABLE_SHORT[t] for t in catalogue.TABLES], dtype=object)
    labels = np.where(none, names, np.where(part, names + "（部分）", ""))
    unchecked = pd.Series(["、".join(x for x in row if x) for row in labels.tolist()], index=ids, dtype=object)

    edition = reports["edition"].astype(object).to_numpy() if "edition" in reports else np.full(len(ids), None)
    no_edition = pd.isna(edition)
    any_checked = ~none.all(axis=1)
    unrated = no_edition | ~any_checked

    parse = _first_detail(problems, PARSE_KINDS).reindex(ids)
    legacy = _first_detail(problems, ["legacy_format"]).reindex(ids)
    unknown = _first_detail(problems, ["unknown_format"]).reindex(ids)
    reason = pd.Series(None, index=ids, dtype=object)
    reason[unrated] = f"三张统计表（{'、'.join(names)}）均未能读取，无法核对，{_ADVICE}"
    has_unknown = unrated & unknown.notna().to_numpy()
    reason[has_unknown] = unknown[has_unknown].str.rstrip("。") + f"，表格无法核对，{_ADVICE}"
    silent = unrated & no_edition & unknown.isna().to_numpy() & legacy.isna().to_numpy()
    reason[silent] = f"未识别出官方年报格式的统计表，表格无法核对，{_ADVICE}"
    has_legacy = unrated & legacy.notna().to_numpy()
    reason[has_legacy] = f"报告使用2019年以前的旧版统计表，不能按现行格式核对，{_ADVICE}"
    has_parse = unrated & parse.notna().to_numpy()
    reason[has_parse] = "文件无法读取：" + parse[has_parse].str.rstrip("。") + f"；{_ADVICE}"

    return pd.DataFrame({
        "report_id": ids.to_numpy(),
        "status": np.where(unrated, UNRATED, SCORED).astype(object),
        "status_reason": reason.to_numpy(),
        "unchecked_tables": np.where(unrated | (unchecked == "").to_numpy(), None, unchecked.to_numpy()),
    })


def corpus_coverage(corpus) -> pd.DataFrame:
    """``coverage`` of a loaded corpus."""
    return coverage(corpus.reports, corpus.cells, corpus.problems)
