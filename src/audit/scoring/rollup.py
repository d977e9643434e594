"""What a supervisor's desk adds to the scorecard: source file, region and level, last year, key figures.

``enrich`` adds columns to the scorecard frame (one row per report, order kept):

- ``source``: the input file as given, so each row traces back to its file;
- ``region``, ``level``, ``kind``, ``parent``: from the units file when it lists the report's unit,
  else ``region`` only, taken from the unit name where that is certain (``region_from_name``);
- ``region_rank``: the rank among the region's scored reports of the same year (1 = best);
- ``prev_score``, ``score_change``: the same unit's score for the year before, when the corpus
  holds that report and both were scored;
- the key figures ``requests_new`` (申请数), ``requests_handled`` (办理结果总计), ``review_total``
  (行政复议), ``litigation_total`` (行政诉讼), ``active_in_force`` (主动公开: 规章和规范性文件现行
  有效件数 in edition 2021, 对外公开总数量 in 2019), read from the cells the reader placed.

``by_region`` rolls the scored reports up by region and level (mean score, count 不合格).
Reports whose status is ``unrated`` (contract 3) are left out of every rank and average.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from audit.contracts.units import match, unit_key

FIGURES = {  # column → (label, [(table, row, col), …] summed)
    "requests_new": ("申请数", [("requests", "new", "total")]),
    "requests_handled": ("办理结果总计", [("requests", "handled_total", "total")]),
    "review_total": ("行政复议", [("appeals", "review", "total")]),
    "litigation_total": ("行政诉讼", [("appeals", "litigation_direct", "total"),
                                  ("appeals", "litigation_after_review", "total")]),
    "active_in_force": ("主动公开（规章和规范性文件现行有效件数）",
                        [("active", "regulations", "in_force"), ("active", "normative_documents", "in_force"),
                         ("active", "regulations", "total_published"),
                         ("active", "normative_documents", "total_published")]),
}
DESK_COLUMNS = ["source", "region", "level", "kind", "parent", "region_rank", "prev_score", "score_change",
                *FIGURES]

# A leading chain of administrative divisions (淮安市洪泽区…, 郑州市郑东新区…): the last one is the region.
_DIVISION = re.compile(r"[\u4e00-\u9fff]{1,7}?(?:特别行政区|自治区|自治州|自治县|自治旗|新区|地区|省|市|盟|县|旗|区)")
# Words ending in a division character that are no division (城市管理局, 社区, 园区…).
_NOT_DIVISIONS = {"城市", "社区", "园区", "市区", "景区", "辖区", "小区", "矿区", "山区", "林区", "城区", "街区",
                  "校区", "厂区", "营区", "片区", "港区", "都市", "超市", "门市", "集市", "夜市", "股市", "楼市"}
_NOT_DIVISION_ENDS = ("社区", "园区", "景区", "小区", "校区", "厂区", "片区", "街区", "营区", "矿区")


def region_from_name(name: object) -> str | None:
    """The county-level (else city/province) division a unit name starts with; None when not certain."""
    s = unit_key(name)
    chain: list[str] = []
    pos = 0
    while True:
        m = _DIVISION.match(s, pos)
        if m is None or m.group(0) in _NOT_DIVISIONS or m.group(0).endswith(_NOT_DIVISION_ENDS):
            break
        chain.append(m.group(0))
        pos = m.end()
    if not chain or (pos < len(s) and s[pos] in "场政辖属内直"):  # 市场…, 市政…, 区属…: not a division
        return None
    return chain[-1]


def _scored(card: pd.DataFrame) -> pd.Series:
    """Which rows carry a score (contract 3: ``status`` "unrated" rows do not)."""
    ok = pd.to_numeric(card["score"], errors="coerce").notna()
    if "status" in card:
        ok &= card["status"].astype(object).fillna("scored").ne("unrated")
    return ok


def figures(cells: pd.DataFrame, report_ids: pd.Series) -> pd.DataFrame:
    """The key figures per report (NaN where none of their cells holds a number)."""
    out = pd.DataFrame(index=pd.Index(report_ids.astype(str), name="report_id"))
    if cells is None or not len(cells):
        for col in FIGURES:
            out[col] = np.nan
        return out.reset_index(drop=True)
    keep = _equals(cells["state"], "value") if "state" in cells else np.ones(len(cells), dtype=bool)
    # Only the cells of some figure matter (a few per report out of hundreds): pick them by
    # comparing category codes, never by building a string key per cell.
    at = {place: keep & _equals(cells["table"], place[0]) & _equals(cells["row"], place[1])
          & _equals(cells["col"], place[2]) for _, places in FIGURES.values() for place in places}
    for col, (_, places) in FIGURES.items():
        mask = np.logical_or.reduce([at[p] for p in places])
        sub = cells[["report_id", "value"]][mask]
        sums = sub.assign(report_id=sub["report_id"].astype(str)).groupby("report_id")["value"].sum(min_count=1)
        out[col] = sums.reindex(out.index).to_numpy()
    return out.reset_index(drop=True)


def _equals(s: pd.Series, value: str) -> np.ndarray:
    """``s == value`` as a bool array; a categorical column compares its codes."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = s.cat.categories
        if value not in cats:
            return np.zeros(len(s), dtype=bool)
        return s.cat.codes.to_numpy() == cats.get_loc(value)
    return (s.astype(object) == value).to_numpy(dtype=bool)


def enrich(scorecard: pd.DataFrame, reports: pd.DataFrame, cells: pd.DataFrame | None = None,
           units: pd.DataFrame | None = None) -> pd.DataFrame:
    """The scorecard with the desk columns (see the module docstring); rows and their order unchanged."""
    card = scorecard.reset_index(drop=True).copy()
    ids = card["report_id"].astype(str)
    rep = reports.assign(report_id=reports["report_id"].astype(str)).drop_duplicates("report_id")
    rep = rep.set_index("report_id")
    card["source"] = ids.map(rep["path"]).to_numpy() if "path" in rep else None
    names = card["unit"].astype(object)
    region = names.map(region_from_name).astype(object)
    for col in ("level", "kind", "parent"):
        card[col] = pd.Series([None] * len(card), dtype=object)
    if units is not None and len(units):
        at = match(names, units).to_numpy()
        listed = at >= 0
        for col in ("region", "level", "kind", "parent"):
            values = units[col].astype(object).to_numpy()[np.where(listed, at, 0)] if len(units) else []
            mine = pd.Series(np.where(listed, values, None), dtype=object)
            if col == "region":  # the file says where the unit is; the name only where the file is silent
                region = mine.where(mine.notna(), region)
            else:
                card[col] = mine.to_numpy()
        card["unit"] = names.where(~listed, pd.Series(units["unit"].to_numpy()[np.where(listed, at, 0)],
                                                      dtype=object)) if len(units) else names
    card["region"] = region.to_numpy()
    scored = _scored(card)
    score = pd.to_numeric(card["score"], errors="coerce").where(scored)
    year = pd.to_numeric(card["year"], errors="coerce")
    # The overall rank's order within each region and year: fully checked reports first, as there.
    order = pd.to_numeric(card["rank"], errors="coerce").where(scored) if "rank" in card else -score
    rank = order.groupby([card["region"].fillna("\0"), year.fillna(-1)]).rank(method="min", ascending=True)
    card["region_rank"] = rank.where(card["region"].notna() & scored).astype("Int64")

    unit = card["unit"].map(unit_key)
    keyed = pd.DataFrame({"unit": unit, "year": year, "score": score})
    keyed = keyed[(keyed["unit"] != "") & keyed["year"].notna() & keyed["score"].notna()]
    keyed = keyed.drop_duplicates(["unit", "year"], keep=False)  # two reports of one unit-year: no pairing
    prev = keyed.assign(year=keyed["year"] + 1).set_index(["unit", "year"])["score"]
    at = pd.MultiIndex.from_arrays([unit, year])
    card["prev_score"] = prev.reindex(at).to_numpy()
    card.loc[~scored.to_numpy(), "prev_score"] = np.nan
    card["score_change"] = (score - card["prev_score"]).round(2)
    fig = figures(cells, ids)
    for col in FIGURES:
        card[col] = fig[col].to_numpy()
    return card


def by_region(card: pd.DataFrame) -> pd.DataFrame:
    """Scored reports per (region, level): 报告数, 平均得分, 最低得分, 不合格数; empty when no region is known."""
    cols = ["region", "level", "reports", "mean_score", "min_score", "failed"]
    if "region" not in card or card["region"].isna().all():
        return pd.DataFrame(columns=cols)
    c = card[_scored(card) & card["region"].notna()]
    if c.empty:
        return pd.DataFrame(columns=cols)
    c = c.assign(level=c["level"].fillna("（未注明）") if "level" in c else "（未注明）",
                 score=pd.to_numeric(c["score"]), failed=c["grade"].eq("不合格"))
    g = c.groupby(["region", "level"], sort=True)
    out = pd.DataFrame({"reports": g.size(), "mean_score": g["score"].mean().round(2),
                        "min_score": g["score"].min(), "failed": g["failed"].sum().astype("int64")}).reset_index()
    return out[cols]


def missing_records(units: pd.DataFrame | None, report_units: pd.Series) -> list[dict[str, object]]:
    """The expected units that sent no report, as plain records (unit, region, level, parent, kind)."""
    if units is None or not len(units):
        return []
    from audit.contracts.units import missing

    gone = missing(report_units, units)
    return gone.astype(object).where(gone.notna(), None).to_dict(orient="records")
