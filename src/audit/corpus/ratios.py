"""Risk ratios per report, from the tables: what evaluation staff compute by hand.

- 纠错率 (``correction_rate``): 结果纠正 of 行政复议 and both 行政诉讼 groups over the cases decided
  (结果维持 + 结果纠正 + 其他结果 of the three groups; 尚未审结 excluded);
- 实质公开率 (``disclosure_rate``): （一）予以公开 + （二）部分公开 over （七）总计;
- 不予公开率 (``denial_rate``): the eight （三）不予公开 rows over （七）总计;
- 结转率 (``carry_rate``): 四、结转下年度继续办理 over 一、本年新收 + 二、上年结转.

Requests are counted in the 总计 column; a 总计 printed blank is read as the sum of the six
applicant columns (tables that leave totals blank still fill their parts). A ratio is computed
only from known cells (``audit.corpus.lookups.known_cells``) and shown only when its base holds
at least ``min_cases`` cases (default 30): below that one case moves it by several points, and it
is shown as 样本不足.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from audit.corpus.grids import cell_codes, cell_report_positions
from audit.corpus.lookups import known_cells

if TYPE_CHECKING:
    from audit.corpus.loader import Corpus

DEFAULT_MIN_CASES = 30
#: ratio column -> (Chinese name, its base column)
RATIOS = {"correction_rate": ("纠错率", "correction_base"), "disclosure_rate": ("实质公开率", "request_base"),
          "denial_rate": ("不予公开率", "request_base"), "carry_rate": ("结转率", "carry_base")}
INSUFFICIENT = "样本不足"

_GROUPS = ("review", "litigation_direct", "litigation_after_review")
_APPLICANTS = ("natural", "commercial", "research", "public_interest", "legal_services", "other_org")
_DENIED = ("denied_state_secret", "denied_law", "denied_safety", "denied_third_party", "denied_internal",
           "denied_process", "denied_enforcement_file", "denied_query")
_REQUEST_ROWS = ("new", "carried_over", "granted", "partial", *_DENIED, "handled_total", "carried_next")


def request_totals(corpus: Corpus, rows: tuple[str, ...] = _REQUEST_ROWS) -> pd.DataFrame:
    """Per report, the 总计 of each requests row (blank 总计: the applicants' sum); NaN = unknown."""
    def compute(c: Corpus) -> pd.DataFrame:
        keys = [f"{r}/{col}" for r in rows for col in (*_APPLICANTS, "total")]
        k = known_cells(c, "requests", keys)
        blank_total = _printed_blank(c, "requests", [f"{r}/total" for r in rows])
        out = {}
        for r in rows:
            parts = k[[f"{r}/{a}" for a in _APPLICANTS]].to_numpy()
            implied = np.where(np.isnan(parts).any(axis=1), np.nan, np.nansum(parts, axis=1))
            total = k[f"{r}/total"].to_numpy()
            out[r] = np.where(blank_total[f"{r}/total"].to_numpy(), implied, total)
        return pd.DataFrame(out, index=k.index)
    return corpus.derived("ratios:request_totals", compute)


def _printed_blank(corpus: Corpus, table: str, keys: list[str]) -> pd.DataFrame:
    """True where the cell is known and printed blank (known as 0 but with no number read)."""
    cells = corpus.cells
    ids = corpus.reports["report_id"].astype(str)
    out = pd.DataFrame(False, index=pd.Index(ids.to_numpy(dtype=object), name="report_id"), columns=keys)
    if "state" in cells.columns and all(isinstance(cells[k].dtype, pd.CategoricalDtype)
                                        for k in ("report_id", "table", "row", "col")):
        # From the shared cell codes: no copy of the cells frame, no string look-ups.
        cc = cell_codes(corpus)
        t, c = int(cc.tables.get_indexer([table])[0]), int(cc.cols.get_indexer(["total"])[0])
        idx = np.flatnonzero((cc.table == t) & (cc.col == c)) if t >= 0 and c >= 0 else np.zeros(0, np.int64)
        idx = idx[np.isnan(cc.value[idx])]
        sub_row, sub_at = cc.row[idx], cell_report_positions(corpus)[idx]
        row_code = {r: int(cc.rows.get_indexer([r])[0]) for r in {k.split("/")[0] for k in keys}}
    else:
        sub = cells.loc[(cells["table"] == table).to_numpy() & cells["col"].isin(["total"]).to_numpy()
                        & cells["value"].isna().to_numpy()]
        sub_row, sub_at = sub["row"].astype(object).to_numpy(), out.index.get_indexer(sub["report_id"].astype(str))
        row_code = {r: r for r in {k.split("/")[0] for k in keys}}
    if not len(sub_at):
        return out
    known = known_cells(corpus, table, keys)
    for key in keys:
        at = sub_at[sub_row == row_code[key.split("/")[0]]]
        at = at[at >= 0]
        col = out[key].to_numpy().copy()
        col[at] = known[key].to_numpy()[at] == 0  # known and no value read: printed blank
        out[key] = col
    return out


#: The key prefix of the ratios' view (``Corpus.derived``), one per minimum number of cases.
RISK_VIEW = "ratios:risk:"


def risk_ratios(corpus: Corpus, min_cases: float | None = None) -> pd.DataFrame:
    """One row per report (index report_id): each ratio (NaN when unknown or its base is below
    ``min_cases``) and its base (the number of cases it is computed on, NaN when unknown)."""
    m = float(DEFAULT_MIN_CASES if min_cases is None else min_cases)
    return corpus.derived(f"{RISK_VIEW}{m}", lambda c: _risk_ratios(c, m))


def _risk_ratios(corpus: Corpus, min_cases: float) -> pd.DataFrame:
    a = known_cells(corpus, "appeals", [f"{g}/{col}" for g in _GROUPS for col in ("upheld", "corrected", "other")])
    corrected = a[[f"{g}/corrected" for g in _GROUPS]].sum(axis=1, skipna=False)
    decided = a.sum(axis=1, skipna=False)
    t = request_totals(corpus)
    handled = t["handled_total"]
    out = pd.DataFrame(index=a.index)
    out["correction_base"] = decided
    out["correction_rate"] = _rate(corrected, decided, min_cases)
    out["request_base"] = handled
    out["disclosure_rate"] = _rate(t["granted"] + t["partial"], handled, min_cases)
    out["denial_rate"] = _rate(t[list(_DENIED)].sum(axis=1, skipna=False), handled, min_cases)
    out["carry_base"] = t["new"] + t["carried_over"]
    out["carry_rate"] = _rate(t["carried_next"], out["carry_base"], min_cases)
    return out


def _rate(part: pd.Series, base: pd.Series, min_cases: float) -> pd.Series:
    ok = base.notna() & part.notna() & (base >= min_cases) & (base > 0)
    return (part / base.where(ok)).where(ok)


def shown(ratios: pd.DataFrame, min_cases: float | None = None) -> pd.DataFrame:
    """The ratios as a supervisor reads them: the ratio (a fraction, 4 decimals), 样本不足 when its
    base has too few cases, None when there is no case or the cells are unknown."""
    m = float(DEFAULT_MIN_CASES if min_cases is None else min_cases)
    out = pd.DataFrame(index=ratios.index)
    for col, (_, base) in RATIOS.items():
        rate, b = ratios[col], ratios[base]
        few = rate.isna() & (b > 0) & (b < m)
        out[col] = rate.round(4).astype(object).where(rate.notna(), None).where(~few, INSUFFICIENT)
    return out
