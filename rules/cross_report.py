"""The ``cross_report`` pack: checks that need more than one report of the corpus.

- A unit's report of year Y and its report of Y-1 (same ``unit`` string, compared after trimming
  white space) must agree where one continues the other: applications carried over, and regulations
  / normative documents in force.
- Narrative sections that are (nearly) the same text in two reports were copied, between units or
  from last year.

Examples of these rules hold several reports: ``{"reports": [patch, patch]}`` (each patch as for
``audit.testing.build_report``; report ids default to r1, r2, …).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from audit import api
from audit.api import Pack, code_points, fmt_series, found, hookimpl, parse_failed, rule, section_keys

from .duplicates import duplicate_groups, duplicate_submission


def _readable_reports(corpus) -> pd.DataFrame:
    r = corpus.reports.assign(report_id=corpus.reports["report_id"].astype(str))
    return r.loc[~r["report_id"].isin(parse_failed(corpus))]


def consecutive_pairs(corpus) -> pd.DataFrame:
    """(report_id, prev_id, unit, year) for every report whose unit also reported the year before."""
    return corpus.derived("cross_report:pairs", _consecutive_pairs)


def _consecutive_pairs(corpus) -> pd.DataFrame:
    r = _readable_reports(corpus)
    r = r.loc[r["unit"].notna() & r["year"].notna(), ["report_id", "unit", "year", "edition"]]
    codes, units = pd.factorize(r["unit"].astype(str))  # units repeat (one report a year): strip each once
    r = r.assign(unit=pd.Series(units, dtype=object).str.strip().to_numpy(dtype=object)[codes],
                 year=r["year"].astype("int64"))
    r = r.loc[r["unit"] != ""]
    unit_no = pd.factorize(r["unit"])[0]  # join on (unit number, year), not on strings
    year = r["year"].to_numpy()
    span = int(year.max() - year.min()) + 2 if len(year) else 1
    r = r.assign(_key=unit_no.astype(np.int64) * span + (year - (year.min() if len(year) else 0)))
    prev = r.rename(columns={"report_id": "prev_id", "edition": "prev_edition"})
    prev = prev.assign(_key=prev["_key"] + 1)[["prev_id", "prev_edition", "_key"]]
    return r.merge(prev, on="_key", how="inner").drop(columns="_key")


def _row_cells(corpus, table: str, row: str) -> pd.DataFrame:
    """Cells of one row in cells order: report code, col code, value (printed blanks are 0).

    Unsure cells (the reader could not place them, or flagged the row as glued or short) are left
    out: an unread number is not a 0 to compare with the other year."""
    cc = api.cell_codes(corpus)
    t, r = cc.tables.get_indexer([table])[0], cc.rows.get_indexer([row])[0]
    idx = np.flatnonzero(cc.row == r) if t >= 0 and r >= 0 else np.zeros(0, dtype=np.int64)
    idx = idx[cc.table[idx] == t]  # row names are (almost) table-specific: one full comparison, not two
    idx = idx[~_unsure(corpus, table, row, cc.report[idx], cc.col[idx])]
    return pd.DataFrame({"rc": cc.report[idx].astype(np.int64), "cc": cc.col[idx].astype(np.int64),
                         "value": api.zeroed(cc.value[idx])})


def _unsure(corpus, table: str, row: str, report_codes: np.ndarray, col_codes: np.ndarray) -> np.ndarray:
    """For cells given by cell-code report and column, whether the table's grid marks them unsure."""
    g = api.grid(corpus, table)
    i = g.r(row)
    if i < 0 or not len(report_codes):
        return np.zeros(len(report_codes), dtype=bool)
    cc = api.cell_codes(corpus)
    at = pd.Index(g.ids).get_indexer(pd.Index(cc.report_ids)[report_codes])
    j = g.cols.get_indexer(cc.cols[col_codes])
    ok = (at >= 0) & (j >= 0)
    out = np.zeros(len(report_codes), dtype=bool)
    out[ok] = g.unsure[at[ok], i, j[ok]]
    return out


@rule(
    id="XR-CARRY-OVER",
    title="上年结转数与上一年度报告的结转下年度数不一致",
    category="cross_report",
    severity="warning",
    points=3,
    description=(
        "一个单位上一年度报告的“四、结转下年度继续办理”申请，就是本年度报告的“二、上年结转政府信息公开"
        "申请数量”。当该单位相邻两年的报告都在本次审核中时，每一类申请人列都应一致。不一致说明两份报告中"
        "有一份有误（或两年的数据不是出自同一台账）。问题记在后一年的报告上，并写明两份报告。"
    ),
    fail_example={"reports": [
        {"report_id": "u2023", "year": 2023, "cells": {
            "requests/new/natural": 4, "requests/new/total": 4,
            "requests/carried_next/natural": 1, "requests/carried_next/total": 1}},
        {"report_id": "u2024", "year": 2024},
    ]},
    pass_example={"reports": [
        {"report_id": "u2023", "year": 2023, "cells": {
            "requests/new/natural": 4, "requests/new/total": 4,
            "requests/carried_next/natural": 1, "requests/carried_next/total": 1}},
        {"report_id": "u2024", "year": 2024, "cells": {
            "requests/carried_over/natural": 1, "requests/carried_over/total": 1,
            "requests/granted/natural": 3, "requests/granted/total": 3,
            "requests/handled_total/natural": 4, "requests/handled_total/total": 4}},
    ]},
)
def carry_over(corpus) -> pd.DataFrame:
    pairs = consecutive_pairs(corpus)
    if pairs.empty:
        return found()
    codes = pd.Index(api.cell_codes(corpus).report_ids)  # join on integer codes, not on strings
    pairs = pairs.assign(rc=codes.get_indexer(pairs["report_id"]), pc=codes.get_indexer(pairs["prev_id"]))
    cur = _row_cells(corpus, "requests", "carried_over").rename(columns={"value": "this"})
    prev = _row_cells(corpus, "requests", "carried_next").rename(columns={"rc": "pc", "value": "last"})
    if api.has_duplicate_cells(corpus):  # a cell twice: the general many-to-many join
        j = pairs.merge(cur, on="rc").merge(prev, on=["pc", "cc"])
        bad = j.loc[j["this"] != j["last"]]
    else:
        pair, col, this, last = _join_rows(pairs, cur, prev, len(codes), len(api.cell_codes(corpus).cols))
        differs = this != last
        bad = pairs.iloc[pair[differs]].reset_index(drop=True).assign(
            cc=col[differs], this=this[differs], last=last[differs])
    bad = bad.assign(col=api.cell_codes(corpus).cols.to_numpy(dtype=object)[bad["cc"].to_numpy()])
    if bad.empty:
        return found()
    cat = api.catalogue.load()
    col_label = bad["col"].map({c: cat.col_label("requests", c) for c in cat.request_columns})
    msg = api.join_text(f"「{cat.table_title('requests')}」表“{cat.row_label('requests', 'carried_over')}”行“", col_label,
                      "”列为 ", fmt_series(bad["this"]), "，而该单位上一年度报告（", bad["prev_id"], "，",
                      (bad["year"] - 1).astype(str), f"年）“{cat.row_label('requests', 'carried_next')}”行同列为 ",
                      fmt_series(bad["last"]), "（本报告 ", bad["report_id"], "），两者应相等。")
    return found(bad["report_id"], msg, table="requests", row="carried_over", col=bad["col"],
                 expected=bad["last"], actual=bad["this"])


def _join_rows(pairs: pd.DataFrame, cur: pd.DataFrame, prev: pd.DataFrame, n_reports: int, n_cols: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The rows of ``pairs.merge(cur, on="rc").merge(prev, on=["pc", "cc"])`` for cells that occur
    once, with numpy: each pair's current cells in cells order, each matched with the previous
    report's cell of the same column. Returns the pair (row of ``pairs``), cc, this and last."""
    order = np.argsort(cur["rc"].to_numpy(), kind="stable")  # cells order within each report
    rc, col, this = (cur[k].to_numpy()[order] for k in ("rc", "cc", "this"))
    count = np.bincount(rc, minlength=n_reports)
    first = np.cumsum(count) - count
    p_rc, p_pc = pairs["rc"].to_numpy(), pairs["pc"].to_numpy()
    per_pair = np.where(p_rc >= 0, count[p_rc], 0)
    pair = np.repeat(np.arange(len(pairs)), per_pair)
    cell = first[p_rc[pair]] + np.arange(len(pair)) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
    last = np.full((n_reports + 1, n_cols), np.nan)  # row -1: a previous report without cells
    has = np.zeros((n_reports + 1, n_cols), dtype=bool)
    last[prev["pc"].to_numpy(), prev["cc"].to_numpy()] = prev["last"].to_numpy()
    has[prev["pc"].to_numpy(), prev["cc"].to_numpy()] = True
    pc, cols = p_pc[pair], col[cell]
    keep = has[pc, cols]
    pair, cell, pc, cols = pair[keep], cell[keep], pc[keep], cols[keep]
    return pair, cols, this[cell], last[pc, cols]


_IN_FORCE_ROWS = ("regulations", "normative_documents")


def _cell_values(g: api.Grid, row: str, col: str) -> np.ndarray:
    """One cell per report of the grid (printed blank = 0), NaN where absent or unsure; a trailing
    NaN for position -1 (a report not in the grid)."""
    i, j = g.r(row), g.c(col)
    if i < 0 or j < 0:
        return np.full(len(g.ids) + 1, np.nan)
    trusted = g.present[:, i, j] & ~g.unsure[:, i, j]  # an unread number is not a 0
    return np.r_[np.where(trusted, api.zeroed(g.value[:, i, j]), np.nan), np.nan]


@rule(
    id="XR-IN-FORCE",
    title="现行有效件数与上一年度报告不衔接",
    category="cross_report",
    severity="warning",
    points=2,
    description=(
        "2021 版表格中规章和行政规范性文件的“现行有效件数”是逐年滚动的存量：本年数应等于上年数加本"
        "年制发件数减本年废止件数。该单位相邻两年的报告都是 2021 版时核对。不一致通常是沿用了旧数字"
        "，或废止的文件没有计入。"
    ),
    fail_example={"reports": [
        {"report_id": "u2023", "year": 2023},
        {"report_id": "u2024", "year": 2024},
    ]},
    pass_example={"reports": [
        {"report_id": "u2023", "year": 2023, "cells": {"active/normative_documents/in_force": 8}},
        {"report_id": "u2024", "year": 2024},
    ]},
)
def in_force(corpus) -> pd.DataFrame:
    pairs = consecutive_pairs(corpus)
    pairs = pairs.loc[(pairs["edition"] == "2021") & (pairs["prev_edition"] == "2021")]
    if pairs.empty:
        return found()
    g = api.grid(corpus, "active")
    at = pd.Index(g.ids)
    cur, last = at.get_indexer(pairs["report_id"]), at.get_indexer(pairs["prev_id"])
    frames = []
    for row in _IN_FORCE_ROWS:
        vals = {col: _cell_values(g, row, col) for col in ("issued", "repealed", "in_force")}
        frames.append(pairs.assign(row=row, issued=vals["issued"][cur], repealed=vals["repealed"][cur],
                                   this=vals["in_force"][cur], last=vals["in_force"][last]))
    j = pd.concat(frames, ignore_index=True).dropna(subset=["issued", "repealed", "this", "last"])
    j = j.assign(expected=j["last"] + j["issued"] - j["repealed"])
    bad = j.loc[~np.isclose(j["this"], j["expected"])]
    if bad.empty:
        return found()
    cat = api.catalogue.load()
    place = bad["row"].map({r: cat.place("active", r, "in_force") for r in _IN_FORCE_ROWS})
    msg = api.join_text(place, "为 ", fmt_series(bad["this"]), "，但上一年度报告（", bad["prev_id"], "，",
                      (bad["year"] - 1).astype(str), "年）现行有效 ", fmt_series(bad["last"]), " 件 + 本年制发 ",
                      fmt_series(bad["issued"]), " 件 − 本年废止 ", fmt_series(bad["repealed"]), " 件 = ",
                      fmt_series(bad["expected"]), "（本报告 ", bad["report_id"], "），两者应相等。")
    return found(bad["report_id"], msg, table="active", row=bad["row"], col="in_force",
                 expected=bad["expected"], actual=bad["this"])


# -- copied narrative ------------------------------------------------------------------------------

COPY_SECTIONS = ("overview", "problems")
MIN_SENTENCE_CHARS = 12  # shorter sentences (无。/ 现将有关情况报告如下) are boilerplate, not evidence
MIN_SHARED = 3  # at least this many identical sentences …
MIN_SIMILARITY = 0.8  # … making up this share of the longer of the two sections
MAX_BUCKET = 50  # a sentence in more reports than this is template wording, not copying
# The prescribed framing sentences every report shares (legal basis, statistics period, contact).
TEMPLATE_WORDS = ("统计期限", "本报告", "年度报告", "条例", "如对本报告", "如有疑问", "联系电话", "联系方式")
TEMPLATE_SENTENCE = "|".join(TEMPLATE_WORDS)
SENTENCE_ENDS = "。！？；;!?\n"
NUMBER_UNITS = "年月日号件个条项次起宗"  # dropped with the number they follow (%, ％ are punctuation anyway)


def section_sentences(sections: pd.DataFrame) -> pd.DataFrame:
    r"""(report_id, canonical, h): one 64-bit hash per distinct normalised sentence of each section.

    Sentences are split at 。！？；;!? and line breaks. Normalising drops white space, punctuation,
    Latin letters and numbers with their unit (2024年, 15件), so that a copy with new dates or
    figures still matches; sentences shorter than ``MIN_SENTENCE_CHARS`` and the prescribed framing
    sentences (``TEMPLATE_WORDS``: legal basis, statistics period) are dropped.

    Exactly ``re.split(r"[。！？；;!?\n]+")`` then ``re.sub(r"\d+(?:\.\d+)?[年月日号件个条项次起宗%％]?", "")``
    and ``re.sub(r"[\W_a-zA-Z]+", "")`` per sentence, but computed on the characters' code points
    in chunks of the whole text (a character survives when it is a word character but not a
    decimal digit or Latin letter, and is not a unit right after a digit), never one sentence at a
    time in Python.
    """
    keys, ids, canon = _sentence_keys(sections)
    return pd.DataFrame({"report_id": ids[keys["r"].to_numpy()], "canonical": canon[keys["k"].to_numpy()],
                         "h": keys["h"].to_numpy()})


def _sentence_keys(sections: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """``section_sentences`` with integer keys: (r, k, h) where r and k number the report ids and
    canonical names in sorted order (``ids[r]``, ``canon[k]``), so that sorting the keys sorts
    the names."""
    r, ids = pd.factorize(sections["report_id"].astype(str).to_numpy(dtype=object), sort=True)
    k, canon = pd.factorize(sections["canonical"].astype(str).to_numpy(dtype=object), sort=True)
    texts = sections["text"].astype(str).to_numpy(dtype=object)
    sec, h = [], []
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    offset = np.r_[0, np.cumsum(lengths + 1)]
    cuts = np.flatnonzero(np.r_[True, np.diff(offset[:-1] // _CHUNK_CHARS) > 0]) if len(texts) else []
    bounds = [*np.asarray(cuts).tolist(), len(texts)]
    for i0, i1 in zip(bounds[:-1], bounds[1:], strict=True):
        got_sec, got_h = _chunk_sentence_hashes(texts[i0:i1].tolist(), lengths[i0:i1])
        sec.append(got_sec + i0)
        h.append(got_h)
    sec_i = np.concatenate(sec) if sec else np.zeros(0, dtype=np.int64)
    keys = pd.DataFrame({"r": r[sec_i], "k": k[sec_i], "h": np.concatenate(h) if h else np.zeros(0, dtype=np.uint64)})
    return keys.drop_duplicates(), np.asarray(ids, dtype=object), np.asarray(canon, dtype=object)


_CHUNK_CHARS = 1 << 18
_KEEP, _DIGIT, _UNIT, _END, _TEMPLATE = 1, 2, 4, 8, 16
_BASE = np.uint64(0x9E3779B97F4A7C15)


def _char_flag(ch: str) -> int:
    """Kept by the normalisation, decimal digit, number unit, sentence end, first character of a
    template word."""
    f = _KEEP if ch.isalnum() and not ch.isdecimal() and not ("a" <= ch <= "z" or "A" <= ch <= "Z") else 0
    f |= _DIGIT if ch.isdecimal() else 0
    for chars, bit in ((NUMBER_UNITS, _UNIT), (SENTENCE_ENDS, _END), ({w[0] for w in TEMPLATE_WORDS}, _TEMPLATE)):
        f |= bit if ch in chars else 0
    return f


@lru_cache(maxsize=1)
def _bmp_flags() -> np.ndarray:
    """``_char_flag`` of every BMP code point, built column-wise."""
    chars = [chr(i) for i in range(0x10000)]
    alnum = np.fromiter((c.isalnum() for c in chars), dtype=bool, count=0x10000)
    decimal = np.fromiter((c.isdecimal() for c in chars), dtype=bool, count=0x10000)
    keep = alnum & ~decimal
    keep[ord("A"):ord("Z") + 1] = keep[ord("a"):ord("z") + 1] = False
    flags = np.where(keep, _KEEP, 0).astype(np.uint8) | np.where(decimal, _DIGIT, 0).astype(np.uint8)
    for chars_, bit in ((NUMBER_UNITS, _UNIT), (SENTENCE_ENDS, _END), ({w[0] for w in TEMPLATE_WORDS}, _TEMPLATE)):
        flags[[ord(ch) for ch in chars_]] |= bit
    return flags


def _flags_of(a: np.ndarray) -> np.ndarray:
    """``_char_flag`` of every code point (a table for the BMP, one by one beyond it)."""
    if not len(a) or a.max() <= 0xFFFF:
        return _bmp_flags()[a]
    flags = _bmp_flags()[np.minimum(a, 0xFFFF)]
    far = np.flatnonzero(a > 0xFFFF)
    codes, inverse = np.unique(a[far], return_inverse=True)
    flags[far] = np.array([_char_flag(chr(int(c))) for c in codes], dtype=np.uint8)[inverse]
    return flags


def _powers(n: int) -> np.ndarray:
    """_BASE ** k modulo 2**64 for k < n (at least; cached in doubling sizes)."""
    return _power_table(1 << max(12, (n - 1).bit_length()))[0]


def _inverse_powers(n: int) -> np.ndarray:
    """_BASE ** -k modulo 2**64 for k < n (_BASE is odd, hence invertible)."""
    return _power_table(1 << max(12, (n - 1).bit_length()))[1]


@lru_cache(maxsize=4)
def _power_table(n: int) -> tuple[np.ndarray, np.ndarray]:
    inv = pow(int(_BASE), -1, 1 << 64)
    p = np.full(n, _BASE, dtype=np.uint64)
    q = np.full(n, inv, dtype=np.uint64)
    p[0] = q[0] = 1
    return np.cumprod(p), np.cumprod(q)  # both wrap modulo 2**64


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads the polynomial hash over all 64 bits."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _chunk_sentence_hashes(texts: list[str], lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(section position, hash) of every kept sentence of consecutive sections."""
    big = "\n".join(texts)  # a line break ends a sentence, so none spans two sections
    a = code_points(big)
    flags = _flags_of(a)
    end = (flags & _END) != 0
    first = np.flatnonzero(~end[1:] & end[:-1]) + 1  # where each sentence starts
    if len(end) and not end[0]:
        first = np.r_[0, first]
    keep = (flags & _KEEP) != 0
    unit = np.flatnonzero((flags[1:] & _UNIT) != 0) + 1
    keep[unit[(flags[unit - 1] & _DIGIT) != 0]] = False  # a unit right after a number goes with it
    kept = np.flatnonzero(keep)
    # Kept characters of sentence s are kept[rank[s]:rank[s + 1]] (only sentence ends lie between).
    rank = np.r_[np.searchsorted(kept, first), len(kept)]
    n_kept = np.diff(rank)
    ok = n_kept >= MIN_SENTENCE_CHARS
    ok[np.searchsorted(first, _template_positions(a, flags), "right") - 1] = False
    sel = np.flatnonzero(ok)
    # Polynomial hash of each sentence's kept characters from prefix sums (modulo 2**64):
    # sum(c_k * B**k, k in sentence) * B**-rank[s] does not depend on where the sentence sits.
    terms = a[kept].astype(np.uint64)
    terms *= _powers(len(kept) + 1)[: len(kept)]
    prefix = np.r_[np.uint64(0), np.cumsum(terms, out=terms)]
    h = (prefix[rank[sel + 1]] - prefix[rank[sel]]) * _inverse_powers(len(kept) + 1)[rank[sel]]
    h = _mix(h ^ (n_kept[sel].astype(np.uint64) * np.uint64(0xD6E8FEB86659FD93)))
    section_starts = np.cumsum(lengths + 1) - (lengths + 1)
    return np.searchsorted(section_starts, first[sel], "right") - 1, h


def _template_positions(a: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """Where one of ``TEMPLATE_WORDS`` starts."""
    cand = np.flatnonzero((flags & _TEMPLATE) != 0)
    out = []
    for w in TEMPLATE_WORDS:
        c = cand[a[cand] == ord(w[0])]
        c = c[c + len(w) <= len(a)]
        for k, ch in enumerate(w[1:], start=1):
            c = c[a[c + k] == ord(ch)]
        out.append(c)
    return np.concatenate(out)


def copied_pairs(sections: pd.DataFrame, groups: pd.Series | None = None) -> pd.DataFrame:
    """Pairs of reports whose same-canonical sections share most of their sentences.

    Candidate pairs come only from hash buckets (reports sharing a sentence), so the work grows
    with the number of shared sentences, not with the square of the corpus. Returns report_id,
    other_id, canonical, shared, n (sentences of the longer section); one row per (report,
    section), the most similar other report. ``groups`` (report_id → group number) names reports
    that are one submission (``duplicates``): they are never compared with each other, and a
    sentence they share counts once in the template-wording bucket size.
    """
    sent, ids, canon = _sentence_keys(sections)
    if sent.empty:
        return pd.DataFrame(columns=["report_id", "other_id", "canonical", "shared", "n"])
    n_sent = sent.groupby(["r", "k"]).size().rename("n_sent")
    grp = np.arange(len(ids), dtype=np.int64)  # each report its own group …
    if groups is not None and len(groups):
        g = pd.Series(groups.to_numpy(), index=groups.index.astype(str)).reindex(ids)
        dup = g.notna().to_numpy()
        grp[dup] = len(ids) + g.to_numpy()[dup].astype(np.int64)  # … unless it is a duplicate
    sent = sent.assign(g=grp[sent["r"].to_numpy()])
    size = sent.groupby(["k", "h"])["g"].transform("nunique") if groups is not None and len(groups) \
        else sent.groupby(["k", "h"])["r"].transform("size")
    shared = sent.loc[(size >= 2) & (size <= MAX_BUCKET)]
    pairs = shared.merge(shared, on=["k", "h"], suffixes=("", "_o"))
    pairs = pairs.loc[pairs["g"] != pairs["g_o"]]
    counts = pairs.groupby(["r", "r_o", "k"]).size().rename("shared").reset_index()
    counts = counts.join(n_sent, on=["r", "k"]).join(n_sent.rename("n_sent_o"), on=["r_o", "k"])
    counts = counts.assign(n=np.maximum(counts["n_sent"], counts["n_sent_o"]))
    counts = counts.loc[(counts["shared"] >= MIN_SHARED) & (counts["shared"] >= MIN_SIMILARITY * counts["n"])]
    counts = counts.sort_values(["r", "k", "shared", "r_o"], ascending=[True, True, False, True], kind="stable")
    best = counts.drop_duplicates(["r", "k"])
    return pd.DataFrame({"report_id": ids[best["r"].to_numpy()], "other_id": ids[best["r_o"].to_numpy()],
                         "canonical": canon[best["k"].to_numpy()], "shared": best["shared"].to_numpy(),
                         "n": best["n"].to_numpy()}, index=best.index)


@rule(
    id="XR-COPIED-TEXT",
    title="叙述内容与其他报告几乎相同",
    category="cross_report",
    severity="warning",
    points=2,
    description=(
        "本报告的“总体情况”或“存在的主要问题及改进情况”一节，与本次审核中另一份报告（其他单位的，或同"
        "一单位其他年度的）同一节逐句相同。比较时去掉空白、标点和数字（换了日期和数字也掩盖不了照抄）；至"
        "少 3 句且较长一节的 80% 相同才算。超过 50 份报告共有的句子视为模板用语。每份报告只提"
        "示与它最相近的一份。"
    ),
    fail_example={"reports": [
        {"report_id": "a", "unit": "甲县人民政府办公室", "sections": {"problems": (
            "一是部分单位信息发布属性界定还不够精确，部分栏目存在信息噪音。二是政策解读形式不够丰富，未能充分运用图表图解。"
            "三是依申请公开答复的规范化水平有待进一步提升。下一步将加强业务培训，完善考核制度，提升公开质量。")}},
        {"report_id": "b", "unit": "乙县人民政府办公室", "sections": {"problems": (
            "一是部分单位信息发布属性界定还不够精确，部分栏目存在信息噪音。二是政策解读形式不够丰富，未能充分运用图表图解。"
            "三是依申请公开答复的规范化水平有待进一步提升。下一步将加强业务培训，完善考核制度，提升公开质量。")}},
    ]},
    pass_example={"reports": [
        {"report_id": "a", "unit": "甲县人民政府办公室", "sections": {"problems": (
            "一是部分单位信息发布属性界定还不够精确，部分栏目存在信息噪音。二是政策解读形式不够丰富，未能充分运用图表图解。"
            "三是依申请公开答复的规范化水平有待进一步提升。下一步将加强业务培训，完善考核制度，提升公开质量。")}},
        {"report_id": "b", "unit": "乙县人民政府办公室", "sections": {"problems": (
            "一是政务新媒体更新频率不高，互动回应不够及时。二是基层公开专区内容更新滞后，标准目录落实不到位。"
            "三是依申请公开答复的规范化水平有待进一步提升。下一步将建立月度通报机制，推动问题整改到位。")}},
    ]},
)
def copied_text(corpus) -> pd.DataFrame:
    k = section_keys(corpus)
    codes = corpus.sections["canonical"].cat.categories.get_indexer(list(COPY_SECTIONS))
    at = np.flatnonzero(k.checkable & np.isin(k.canonical, codes[codes >= 0]))
    sec = pd.DataFrame({"report_id": k.ids[k.report[at]],
                        "canonical": corpus.sections["canonical"].cat.categories.to_numpy(dtype=object)[k.canonical[at]],
                        "text": corpus.sections["text"].to_numpy(dtype=object)[at]})
    groups = duplicate_groups(corpus)
    best = copied_pairs(sec, groups.set_index("report_id")["group"] if len(groups) else None)
    if best.empty:
        return found()
    reps = _readable_reports(corpus).set_index("report_id")
    unit = best["other_id"].map(reps["unit"]).fillna("单位不明").astype(str)
    # Per finding, not per report: pandas 3 keeps <NA> missing through astype(str), so spell it out.
    year = best["other_id"].map(reps["year"]).map(lambda v: "年度不明" if pd.isna(v) else f"{int(v)}年")
    cat = api.catalogue.load()
    title = best["canonical"].map({c: cat.section_title(c) for c in COPY_SECTIONS})
    msg = ("「" + title + "」与报告 " + best["other_id"] + "（" + unit + "，" + year + "）的同一部分几乎相同："
           + best["shared"].astype(str) + "/" + best["n"].astype(str) + " 句一致，请核对是否照搬。")
    return found(best["report_id"], msg, expected="本单位本年度的情况", actual=best["other_id"])


RULES = [carry_over, in_force, copied_text, duplicate_submission]


@hookimpl
def audit_pack() -> Pack:
    return Pack(name="cross_report", version=api.VERSION, rules=RULES,
                description="跨报告比对：同一单位相邻两年的衔接，以及照抄的文字。")
