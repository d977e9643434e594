"""Whole tables of the ``structure`` pack: a table missing, a table the reader could not read
(cut off, glued or short rows: one finding per table, not per row), a table printed blank.

A helper module of ``rules.structure`` (the pack registers these rules); split off so each module
reads in one sitting.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from audit import api
from audit.api import found, rule


def _null(s: pd.Series) -> np.ndarray:
    arr = s.astype(object).to_numpy()
    return np.where(pd.isna(arr), None, arr)


@rule(
    id="STRUCT-TABLE-MISSING", title="统计表缺失或无法读取",
    category="structure", severity="error", points=10,
    description=(
        "报告所用版本要求有三张统计表（二、主动公开，三、收到和处理申请，四、行政复议行政诉讼）。已知版本"
        "的报告缺少某张表的全部单元格，或读取器记录了该表缺失时，无法按该表核对；只提示这一条，而不是每条"
        "规则各提示一次。版本不明的报告由模板规则处理。连同所在章节一起缺少的（二至四部分就是这三张表），"
        "只提示本条，并写明该章节也没有，不再另提「缺少必备章节」。"
    ),
    supersedes=("SECT-MISSING",),
    fail_example={"drop_cells": ["appeals"]},
    pass_example={},
)
def table_missing(corpus):
    has_cells, _, _ = api.table_presence(corpus)
    absent = np.nonzero(~has_cells & corpus.reports["edition"].notna().to_numpy()[:, None])
    missing = pd.DataFrame({"report_id": corpus.reports["report_id"].astype(str).to_numpy(dtype=object)[absent[0]],
                            "table": np.asarray(api.catalogue.TABLES, dtype=object)[absent[1]], "detail": ""})
    p = api.problems_of(corpus, ["table_missing"])
    p = p[p["table"].isin(api.catalogue.TABLES) | p["table"].isna()]
    from_problems = pd.DataFrame({"report_id": p["report_id"].astype(str), "table": p["table"].astype(object),
                                  "detail": p["detail"].fillna("").astype(str)})
    both = pd.concat([from_problems, missing], ignore_index=True)
    both = both.drop_duplicates(["report_id", "table"], keep="first").reset_index(drop=True)
    if not len(both):
        return found()
    cat = api.load_catalogue()
    title = both["table"].map(lambda t: f"「{cat.table_title(t)}」表" if isinstance(t, str) else "统计表")
    detail = both["detail"]
    msg = "未能读取" + title + np.where(detail.str.len() > 0, "（" + detail + "）", "，报告中缺少该表或格式无法识别")
    msg = np.where(_without_section(corpus, both), "未能读取" + title + "：报告中没有这一部分（章节标题和统计表均未找到）",
                   msg)
    return found(both["report_id"], msg, table=_null(both["table"]), expected="存在",
                 actual=np.where(detail.str.len() > 0, detail, "缺失"))


def _without_section(corpus, tables: pd.DataFrame) -> np.ndarray:
    """For each (report_id, table) row: whether the report's section of that table (二–四) was not
    recognised either, in a report whose other sections were (the outline can be checked)."""
    k = api.section_keys(corpus)
    canon = corpus.sections["canonical"].cat.categories.astype(str)
    has = api.sections_present(corpus)
    at = pd.Index(k.ids).get_indexer(tables["report_id"].astype(str))
    col = canon.get_indexer(tables["table"].astype(object).where(tables["table"].notna(), "").astype(str))
    out = np.zeros(len(tables), dtype=bool)
    ok = (at >= 0) & tables["table"].notna().to_numpy()
    named = ok & (col >= 0)  # a table no section is named for has no section to miss
    out[named] = ~has[at[named], col[named]] & has[at[named]].any(axis=1)
    out[ok & (col < 0)] = has[at[ok & (col < 0)]].any(axis=1)
    return out


#: Row problems a table-level ``STRUCT-TABLE-UNREAD`` finding stands for, with how they are counted.
ROW_KINDS = {"missing_cells": "数值不全或未找到", "ambiguous_split": "数字粘连无法拆分", "extra_cells": "数值多于列数"}
#: From this many unread rows on, a table is reported once instead of row by row.
MIN_UNREAD_ROWS = 2


def _row_order() -> list[str]:
    """Rows of every table in printed order, both editions merged."""
    cat = api.load_catalogue()
    seen: dict[str, None] = {}
    for ed in api.catalogue.EDITIONS:
        seen.update(dict.fromkeys(cat.active_rows(ed)))
        seen.update(dict.fromkeys(cat.request_rows(ed)))
    seen.update(dict.fromkeys(cat.appeals_rows))
    return list(seen)


def unread_tables(corpus) -> pd.DataFrame:
    """(report_id, table, rows, unread, first, last_read, tail, labels): tables with at least
    ``MIN_UNREAD_ROWS`` rows of which no cell could be placed (computed once per corpus)."""
    return corpus.derived("structure:unread_tables", _unread_tables)


def _unread_tables(corpus) -> pd.DataFrame:
    cols = ["report_id", "table", "rows", "unread", "first", "last_read", "tail", "labels"]
    parts = []
    order = {r: i for i, r in enumerate(_row_order())}
    for table in api.catalogue.TABLES:
        g = api.grid(corpus, table)
        if g.empty or not len(g.rows):
            continue
        rank = np.array([order.get(r, len(order)) for r in g.rows], dtype=np.int64)
        by_order = np.argsort(rank, kind="stable")
        present = g.present[:, by_order, :]
        unsure = g.unsure[:, by_order, :] | ~present
        has_row = present.any(axis=2)
        unread = has_row & unsure.all(axis=2)
        n_unread = unread.sum(axis=1)
        hit = np.flatnonzero(n_unread >= MIN_UNREAD_ROWS)
        if not len(hit):
            continue
        rows = g.rows.to_numpy(dtype=object)[by_order]
        u, read = unread[hit], has_row[hit] & ~unread[hit]  # only the reports with a broken table
        first = u.argmax(axis=1)
        any_read = read.any(axis=1)
        last_read = u.shape[1] - 1 - read[:, ::-1].argmax(axis=1)
        top = np.argsort(~u, axis=1, kind="stable")[:, :3]  # the first three unread rows, in order
        shown = np.take_along_axis(u, top, axis=1)
        labels = [[str(x) for x, ok in zip(rs, us, strict=True) if ok]
                  for rs, us in zip(rows[top].tolist(), shown.tolist(), strict=True)]
        parts.append(pd.DataFrame({
            "report_id": g.ids[hit], "table": table, "rows": has_row[hit].sum(axis=1), "unread": n_unread[hit],
            "first": rows[first], "last_read": np.where(any_read, rows[last_read], None),
            "tail": ~any_read | (first > last_read), "labels": pd.Series(labels, dtype=object).to_numpy()}))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    p = api.problems_of(corpus, list(ROW_KINDS))
    p = p[p["row"].isna()]  # a problem about the whole table is already its one finding
    if len(out) and len(p):
        whole = set(p["report_id"].astype(str) + "\x00" + p["table"].astype(str))
        out = out[~(out["report_id"].astype(str) + "\x00" + out["table"]).isin(whole).to_numpy()]
    return out.reset_index(drop=True)


def _joined_per_table(why: pd.DataFrame) -> pd.Series:
    """``why.groupby(["report_id", "table"])["text"].agg("，".join)`` for rows already in that
    order (a groupby's output): one join per group of several rows, none for a group of one."""
    r, t = why["report_id"].to_numpy(dtype=object), why["table"].to_numpy(dtype=object)
    first = np.flatnonzero(np.r_[True, (r[1:] != r[:-1]) | (t[1:] != t[:-1])]) if len(r) else np.zeros(0, np.int64)
    texts, bounds = why["text"].tolist(), [*first.tolist(), len(r)]
    joined = [texts[a] if b - a == 1 else "，".join(texts[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=False)]
    return pd.Series(joined, index=pd.MultiIndex.from_arrays([r[first], t[first]], names=["report_id", "table"]),
                     dtype=object, name="text")


@rule(
    id="STRUCT-TABLE-UNREAD", title="统计表数据中断或大部分无法读取",
    category="structure", severity="warning", points=3,
    description=(
        "同一张表有两行或以上未能读取（表格在页面上被截断、数字粘连无法拆分，或行内数值不全）。每张表只给出一条问题，"
        "写明数据在哪里中断、缺少多少行，而不是每行一条；这些行的勾稽关系不予核对，评分表在“未能核查的表格”中列出该表。"
    ),
    fail_example={"problems": [
        {"kind": "missing_cells", "table": "requests", "row": r, "detail": f"「三」表“{r}”行未找到（应有 7 个数值）"}
        for r in ("unable_need_create", "unable_unclear", "not_processed_petition")]},
    pass_example={},
)
def table_unread(corpus):
    t = unread_tables(corpus)
    if not len(t):
        return found()
    cat = api.load_catalogue()
    p = api.problems_of(corpus, list(ROW_KINDS))
    p = p[p["row"].notna()]
    kinds = (p.groupby([p["report_id"].astype(str), p["table"].astype(str), p["kind"].astype(str)]).size()
             .rename("n").reset_index())
    why = kinds.assign(text=kinds["kind"].map(ROW_KINDS) + " " + kinds["n"].astype(str) + " 行")
    why = _joined_per_table(why)
    key = pd.MultiIndex.from_arrays([t["report_id"].astype(str), t["table"].astype(str)])
    why = why.reindex(key).fillna("").to_numpy(dtype=object)

    def row_label(table: str, row: object) -> str:
        label = cat.place(table, str(row)).split("」表", 1)[-1].removesuffix("行").strip("“”")
        return "“" + (label if len(label) <= 16 else label[:15] + "…") + "”"

    title = t["table"].map(lambda x: f"「{cat.table_title(x)}」表")
    where = [
        (f"数据在{row_label(tb, last)}行之后中断，其后 {u} 行未能读取" if tail and last is not None
         else (f"全部 {u} 行均未能读取" if last is None
               else f"其中 {u} 行未能读取（" + "、".join(row_label(tb, x) for x in labels) + ("等" if u > 3 else "") + "）"))
        for tb, last, tail, u, labels in zip(t["table"], t["last_read"], t["tail"], t["unread"], t["labels"], strict=True)
    ]
    msg = (title + "共 " + t["rows"].astype(str) + " 行，" + pd.Series(where, dtype=object)
           + np.where(why != "", "（" + why + "）", "") + "；这些行的勾稽关系未予核对，请人工核对原件。")
    return found(t["report_id"].astype(str), msg, table=t["table"].to_numpy(dtype=object),
                 row=t["first"].to_numpy(dtype=object),
                 expected=(t["rows"].astype(str) + " 行").to_numpy(),
                 actual=("读到 " + (t["rows"] - t["unread"]).astype(str) + " 行").to_numpy())


@rule(
    id="STRUCT-TABLE-BLANK", title="统计表全部单元格空白",
    category="structure", severity="info", points=0,
    description=(
        "整张表的每个单元格都印为空白（不填 0 的网页常把整个表四这样印出）。该表存在且已读取：核对勾稽关系时空白按 0 计。"
        "本条只说明这一点，以免上级误以为缺表。"
    ),
    fail_example={"cells": {f"appeals/{r}/{k}": None for r in ("review", "litigation_direct",
                                                                  "litigation_after_review")
                            for k in ("upheld", "corrected", "other", "pending", "total")}},
    pass_example={},
)
def table_blank(corpus):
    parts = []
    for table in api.catalogue.TABLES:
        g = api.grid(corpus, table)
        if g.empty:
            continue
        present = g.present.reshape(len(g.ids), -1)
        blank = (g.blank & ~g.unsure).reshape(len(g.ids), -1)
        hit = np.flatnonzero(present.any(axis=1) & (blank | ~present).all(axis=1))
        parts.append(pd.DataFrame({"report_id": g.ids[hit], "table": table}))
    t = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["report_id", "table"])
    if not len(t):
        return found()
    cat = api.load_catalogue()
    title = t["table"].map(lambda x: f"「{cat.table_title(x)}」表")
    msg = title + "各单元格均印为空白（未填写任何数字），已按 0 核对；如实际不为 0，请补填。"
    return found(t["report_id"].astype(str), msg, table=t["table"].to_numpy(dtype=object),
                 expected="数字", actual="全部空白")
