"""The ``zeros`` pack: suspicious zero patterns.

Zero requests is normal for a small unit and never an error here. What is suspicious:

- every table all zero (a template filled with zeros without looking): a low-point warning;
- a table all zero while the report's own text reports activity for it (收到申请 3 件, 行政许可 1990 件,
  因政府信息公开…行政复议 1 件): an error, one of the two is wrong;
- a total non-zero while all its parts are zero or blank (only the 总计 column was filled in), and
  the reverse, a total printed 0 over non-zero parts.

Division of labour with the arithmetic pack: the sum rules there skip exactly the cases where one
side is entirely zero and the other is not, so each such cell gets one finding, from here. A total
printed blank is the arithmetic pack's info finding, not a zero. Cells the reader could not place are
never read as zero (see ``_common``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from audit import catalogue
from audit.hookspecs import hookimpl
from audit.rule import Pack, found, rule

from . import _common as c

_REQ = "requests"
_APP = "appeals"


def _all_zero_tables(corpus) -> pd.DataFrame:
    """Boolean frame report_id × table: True where the table has numbers and all of them are 0."""
    key = "zeros:all_zero_tables"
    cache = corpus._wide  # shared derived views of this corpus (see audit.loader.Corpus)
    if key not in cache:
        cells = corpus.cells
        v = cells["value"].to_numpy()
        rid = cells["report_id"].cat.codes.to_numpy().astype(np.int64)
        tab = cells["table"].cat.codes.to_numpy().astype(np.int64)
        n_tab = len(cells["table"].cat.categories)
        n_rep = len(cells["report_id"].cat.categories)
        key2 = rid * n_tab + tab
        size = n_rep * n_tab
        n = np.bincount(key2[~np.isnan(v)], minlength=size).reshape(n_rep, n_tab)
        nz = np.bincount(key2[np.abs(v) > c.TOL], minlength=size).reshape(n_rep, n_tab)  # NaN compares False
        frame = pd.DataFrame((n > 0) & (nz == 0), index=cells["report_id"].cat.categories.astype(str),
                             columns=cells["table"].cat.categories.astype(str))
        ids = corpus.reports["report_id"].astype(str)
        cache[key] = frame.reindex(index=ids, columns=list(catalogue.TABLES), fill_value=False).astype(bool)
    return cache[key]


@rule(
    id="ZERO-ALL-TABLES", title="三张统计表数据全部为0",
    category="zeros", severity="warning", points=1,
    description=(
        "All three statistics tables contain only zeros (blank cells aside). A unit that issued no "
        "document, decided no licence or penalty, received no request and faced no appeal in a whole "
        "year exists, but a template filled with zeros without looking is more common: please check. "
        "A warning with low points, never an error."
    ),
    fail_example={"cells": {"active/normative_documents/issued": 0, "active/normative_documents/in_force": 0,
                            "active/licensing/decisions": 0, "active/penalty/decisions": 0,
                            "requests/new/natural": 0, "requests/new/total": 0,
                            "requests/granted/natural": 0, "requests/granted/total": 0,
                            "requests/unable_not_held/natural": 0, "requests/unable_not_held/total": 0,
                            "requests/handled_total/natural": 0, "requests/handled_total/total": 0,
                            "appeals/review/upheld": 0, "appeals/review/total": 0}},
    pass_example={"cells": {"requests/new/natural": 0, "requests/new/total": 0,
                            "requests/granted/natural": 0, "requests/granted/total": 0,
                            "requests/unable_not_held/natural": 0, "requests/unable_not_held/total": 0,
                            "requests/handled_total/natural": 0, "requests/handled_total/total": 0,
                            "appeals/review/upheld": 0, "appeals/review/total": 0}},
)
def all_tables_zero(corpus):
    z = _all_zero_tables(corpus)
    hit = z.index[z.all(axis=1).to_numpy()]
    if not len(hit):
        return found()
    return found(hit, "三张统计表（主动公开、依申请公开、行政复议行政诉讼）数据全部为0，请核实是否如实填报",
                 expected="至少一项非0（请核实）", actual="全部为0")


# Activity stated in the text, per table. Each pattern captures the statement (``text``) and its
# number (``n``); clauses are not crossed (no 。；， between the subject and the number), so
# "收到申请后，3个工作日内" is not read as 3 requests.
_GAP = r"[^。；;，,！!？?\n\d]"
_ACTIVITY = {
    _REQ: rf"(?P<text>(?:收到|受理|接收|接到|新收){_GAP}{{0,30}}?(?:申请|公开信息|政府信息){_GAP}{{0,15}}?"
          rf"(?P<n>\d+)\s*(?:件|份))",
    "active": rf"(?P<text>行政(?:许可|处罚|强制){_GAP}{{0,12}}?(?P<n>\d+)\s*件)",
    _APP: rf"(?P<text>政府信息公开{_GAP}{{0,20}}?行政(?:复议|诉讼){_GAP}{{0,12}}?(?P<n>\d+)\s*(?:件|起|宗))",
}


def _stated_activity(corpus, table: str) -> pd.DataFrame:
    """First statement per report with a non-zero number for ``table``: columns text, n."""
    text = corpus.report_text()
    m = text.str.extractall(_ACTIVITY[table])
    if not len(m):
        return pd.DataFrame(columns=["text", "n"])
    m["n"] = pd.to_numeric(m["n"], errors="coerce")
    m = m[m["n"] > 0]
    m = m.reset_index()
    m = m.groupby(m.columns[0], sort=False).first()
    m.index = m.index.astype(str)
    return m[["text", "n"]]


@rule(
    id="ZERO-TABLE-VS-TEXT", title="统计表全部为0，但正文称有相关工作",
    category="zeros", severity="error", points=3,
    description=(
        "A table is all zero while the report's own text states activity it would count: requests "
        "received (收到/受理…申请 N 件), licences, penalties or enforcement decisions (行政许可 N 件), or "
        "appeals about information disclosure (因政府信息公开…行政复议 N 件), with N > 0. Either the "
        "table or the text is wrong. Only the all-zero case is judged here; a non-zero table that "
        "disagrees with the text is the narrative pack's concern."
    ),
    fail_example={"extra_text": "本年度共收到政府信息公开申请5件，均已按期答复。",
                  "cells": {"requests/new/natural": 0, "requests/new/total": 0,
                            "requests/granted/natural": 0, "requests/granted/total": 0,
                            "requests/unable_not_held/natural": 0, "requests/unable_not_held/total": 0,
                            "requests/handled_total/natural": 0, "requests/handled_total/total": 0}},
    pass_example={"extra_text": "本年度未收到政府信息公开申请，收到申请后，3个工作日内登记。",
                  "cells": {"requests/new/natural": 0, "requests/new/total": 0,
                            "requests/granted/natural": 0, "requests/granted/total": 0,
                            "requests/unable_not_held/natural": 0, "requests/unable_not_held/total": 0,
                            "requests/handled_total/natural": 0, "requests/handled_total/total": 0}},
)
def table_vs_text(corpus):
    z = _all_zero_tables(corpus)
    out = []
    cat = c.cat()
    for table in catalogue.TABLES:
        zero_ids = z.index[z[table].to_numpy()]
        if not len(zero_ids):
            continue
        said = _stated_activity(corpus, table)
        said = said[said.index.isin(zero_ids)]
        if not len(said):
            continue
        msg = (f"「{cat.table_title(table)}」表数据全部为0，但报告正文称“" + said["text"].astype(str)
               + "”，请核对表格与正文")
        out.append(found(said.index, msg, table=table, expected=said["n"].to_numpy(dtype=float), actual=0.0))
    return pd.concat(out, ignore_index=True) if out else found()


def _relations(corpus) -> pd.DataFrame:
    """Every total-vs-parts relation whose cells are all trustworthy and whose total is printed.

    Columns: report_id, table, row, col (the total cell), total, parts (sum, blank = 0),
    parts_zero, parts_name. Computed once per corpus (both relation rules use it).
    """
    return corpus.derived("zeros:relations", _compute_relations)


def _compute_relations(corpus) -> pd.DataFrame:
    frames = []
    applicants = c.cat().applicant_columns
    results = [col for col in c.cat().appeals_columns if col != "total"]
    for table, parts, name in ((_REQ, applicants, "六类申请人"), (_APP, results, "各审理结果")):
        w = c.values(corpus, table)
        if not len(w) or "total" not in w.columns:
            continue
        pres = c.present(corpus, table)
        bl, un = c.blank(corpus, table), c.unsure(corpus, table)
        s, zero, uns = c.sum_parts(w, un, parts)
        ok = (pres["total"] & ~bl["total"] & ~un["total"] & ~uns).to_numpy()
        idx = w.index[ok]
        frames.append(pd.DataFrame({
            "report_id": idx.get_level_values("report_id").astype(str), "table": table,
            "row": idx.get_level_values("row").astype(str), "col": "total",
            "total": w["total"].to_numpy()[ok], "parts": s.to_numpy()[ok], "parts_zero": zero.to_numpy()[ok],
            "parts_name": name}))
    w = c.values(corpus, _REQ)
    if len(w):
        sums, zero, uns, ids = c.leaf_sums(corpus)
        pres = c.present(corpus, _REQ)
        tot = c.take_row(w, "handled_total", ids)
        ok = (c.take_row(pres, "handled_total", ids).fillna(False).astype(bool)
              & ~c.take_row(c.blank(corpus, _REQ), "handled_total", ids).fillna(False).astype(bool)
              & ~c.take_row(c.unsure(corpus, _REQ), "handled_total", ids).fillna(False).astype(bool)
              & ~uns.reindex(columns=tot.columns, fill_value=False))
        ok.index.name = "report_id"
        hits = c.stack_mask(ok, tot, sums.reindex(columns=tot.columns), zero.reindex(columns=tot.columns))
        frames.append(pd.DataFrame({
            "report_id": hits["report_id"].astype(str), "table": _REQ, "row": "handled_total",
            "col": hits["col"].astype(str), "total": hits["v0"].astype(float), "parts": hits["v1"].astype(float),
            "parts_zero": hits["v2"].astype(bool), "parts_name": "各项办理结果"}))
    if not frames:
        return pd.DataFrame(columns=["report_id", "table", "row", "col", "total", "parts", "parts_zero", "parts_name"])
    return pd.concat(frames, ignore_index=True)


def _relation_findings(rel: pd.DataFrame, text: str) -> pd.DataFrame:
    if not len(rel):
        return found()
    rel = rel.reset_index(drop=True)
    where = pd.concat([c.places(t, g["row"], g["col"]).set_axis(g.index) for t, g in rel.groupby("table", sort=False)])
    msg = (where.reindex(rel.index) + "：总计 = " + c.num(rel["total"]) + "，" + rel["parts_name"] + "之和 = "
           + c.num(rel["parts"]) + "，" + text)
    return found(rel["report_id"], msg, table=rel["table"], row=rel["row"], col=rel["col"],
                 expected=rel["parts"].to_numpy(), actual=rel["total"].to_numpy())


@rule(
    id="ZERO-TOTAL-WITHOUT-PARTS", title="总计不为0但各分项全部为0",
    category="zeros", severity="error", points=3,
    description=(
        "A total (the 总计 column of the requests or appeals table, or the （七）总计 row) is non-zero "
        "while every part is zero or blank: typically only the total was filled in and the breakdown "
        "by applicant, by handling result or by outcome is missing. Reported here, not by the arithmetic "
        "pack, so the cell gets one finding."
    ),
    fail_example={"cells": {"appeals/litigation_direct/total": 2}},
    pass_example={"cells": {"appeals/litigation_direct/pending": 2, "appeals/litigation_direct/total": 2}},
)
def total_without_parts(corpus):
    rel = _relations(corpus)
    rel = rel[(rel["total"].abs() > c.TOL) & rel["parts_zero"].astype(bool)]
    return _relation_findings(rel, "分项数据缺失")


@rule(
    id="ZERO-PARTS-WITHOUT-TOTAL", title="各分项不为0但总计为0",
    category="zeros", severity="error", points=3,
    description=(
        "A total printed as 0 while some of its parts are non-zero: the total was left at the template's "
        "zero. (A total printed blank is the arithmetic pack's info finding ARITH-TOTAL-BLANK.)"
    ),
    fail_example={"cells": {"requests/granted/total": 0}},
    pass_example={"cells": {"requests/granted/total": None}},
)
def parts_without_total(corpus):
    rel = _relations(corpus)
    rel = rel[(rel["total"].abs() <= c.TOL) & ~rel["parts_zero"].astype(bool)]
    return _relation_findings(rel, "总计漏填")


RULES = [all_tables_zero, table_vs_text, total_without_parts, parts_without_total]


@hookimpl
def audit_pack() -> Pack:
    return Pack(name="zeros", version=c.VERSION, rules=RULES,
                description="Suspicious zero patterns: all-zero tables, zero totals over non-zero parts and the reverse.")
