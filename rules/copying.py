"""Copied narrative, found from sentence hashes: helper of the ``cross_report`` pack (its
``XR-COPIED-TEXT`` rule), no pack of its own.

``section_sentences`` hashes each distinct normalised sentence of a section (numpy over code
points, no per-sentence Python); ``copied_pairs`` finds, per report and section, the other report
that shares the most of those sentences, when enough are shared to be copying.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from audit.api import code_points

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
