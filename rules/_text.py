"""Shared text views of the built-in packs: only the lines of the text that can hold a count.

At 100,000 reports the text is some 230 million characters, mostly table labels, and every text
pattern of the packs (narrative, zeros, metadata) ends in a number followed by a count word:
申请 N 件, 行政复议 N 起, 第 492 号. ``number_lines`` finds, in one pass over the text, the lines
holding a decimal number followed (after white space) by one of ``COUNT_WORDS``, and keeps only
those lines per report. A pattern gives exactly the matches on them it gives on the whole text
(``Corpus.report_text``), as long as

- every match contains such a number + count word, and no line break except in the white space
  between the two (that case keeps all the lines it spans), and
- a look-behind reaches at most two characters before the match.

Kept lines are separated by ``LINE_SEP`` ("\\n。\\n"): a line break, as around any line, plus a full
stop that no white-space run or gap of these patterns crosses.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._common import report_positions

if TYPE_CHECKING:
    from audit.loader import Corpus

COUNT_WORDS = "件起宗份号"
LINE_SEP = "\n。\n"
_CHUNK_CHARS = 1 << 20  # text is scanned in chunks that stay in the CPU cache
_REPORT_SEPS = ("\x00", "\x01", "\x02", "\x03", "\ufdd0", "\ufdd1")


def number_lines(corpus: Corpus) -> pd.Series:
    """Per report that has some (index: report_id, corpus order), its lines holding a number followed
    by a count word (件/起/宗/份/号), in text order, joined by ``LINE_SEP``."""
    return corpus.derived("_text:number_lines", _number_lines)


@lru_cache(maxsize=1)
def _char_classes() -> tuple[np.ndarray, np.ndarray]:
    """Lookup tables over the BMP: what ``re``'s ``\\s`` and ``\\d`` match in a str pattern."""
    chars = [chr(i) for i in range(0x10000)]
    return (np.fromiter((c.isspace() for c in chars), dtype=bool, count=0x10000),
            np.fromiter((c.isdecimal() for c in chars), dtype=bool, count=0x10000))


def code_points(s: str) -> np.ndarray:
    """The characters of ``s`` as an array of code points (uint16 when all are in the BMP)."""
    b = s.encode("utf-16-le", "surrogatepass")
    if len(b) == 2 * len(s):
        return np.frombuffer(b, dtype=np.uint16)
    return np.frombuffer(s.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)  # characters beyond the BMP


def _anchors(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first digit-side position, count-word position) of every number + white space + count word.

    The returned ``q`` is the number's last digit; characters beyond the BMP are taken as possible
    digits (more lines kept, never fewer).
    """
    space, digit = _char_classes()
    hit = a == ord(COUNT_WORDS[0])
    for w in COUNT_WORDS[1:]:
        hit |= a == ord(w)
    p = np.flatnonzero(hit)
    q = p - 1
    walking = np.arange(len(q))
    while len(walking):  # step back over white space
        walking = walking[q[walking] >= 0]
        walking = walking[space[np.minimum(a[q[walking]], 0xFFFF)]]
        q[walking] -= 1
    ok = q >= 0
    cq = a[q[ok]]
    ok[ok] = digit[np.minimum(cq, 0xFFFF)] | (cq > 0xFFFF)
    return q[ok], p[ok]


def _chunk_lines(texts: list[str], rep: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The kept lines (merged where they touch one match) of consecutive sections, and their report."""
    s = "\n".join(texts)
    a = code_points(s)
    q, p = _anchors(a)
    if not len(p):
        return [], np.zeros(0, dtype=np.int64)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.cumsum(lengths + 1) - (lengths + 1)
    rq, rp = rep[np.searchsorted(starts, q, "right") - 1], rep[np.searchsorted(starts, p, "right") - 1]
    q, p = q[rq == rp], p[rq == rp]  # white space across reports joins nothing
    nl = np.flatnonzero(a == 10)
    k = np.searchsorted(nl, q)
    first = np.where(k > 0, nl[np.maximum(k - 1, 0)] + 1, 0) if len(nl) else np.zeros(len(q), dtype=np.int64)
    k = np.searchsorted(nl, p)
    last = np.where(k < len(nl), nl[np.minimum(k, len(nl) - 1)], len(a)) if len(nl) else np.full(len(p), len(a))
    new = np.ones(len(first), dtype=bool)  # anchors come in text order, so lines only ever overlap the previous
    new[1:] = first[1:] > last[:-1]
    seg_first, seg_last = first[new], last[np.r_[new[1:], True]]
    lines = [s[x:y] for x, y in zip(seg_first.tolist(), seg_last.tolist(), strict=True)]
    return lines, rep[np.searchsorted(starts, seg_first, "right") - 1]


def _number_lines(corpus: Corpus) -> pd.Series:
    sec = corpus.sections
    pos = report_positions(corpus, sec["report_id"].astype(str).to_numpy(dtype=object))
    keep = np.flatnonzero(pos >= 0)
    keep = keep[np.argsort(pos[keep], kind="stable")]  # each report's sections together, in order
    texts, rep = sec["text"].to_numpy(dtype=object)[keep], pos[keep]
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    report_start = np.flatnonzero(np.r_[True, rep[1:] != rep[:-1]]) if len(rep) else np.zeros(0, dtype=np.int64)
    offset = np.r_[0, np.cumsum(lengths + 1)][report_start]
    cuts = report_start[np.r_[True, np.diff(offset // _CHUNK_CHARS) > 0]] if len(rep) else report_start
    bounds = [*cuts.tolist(), len(texts)]
    lines: list[str] = []
    line_rep = []
    for i0, i1 in zip(bounds[:-1], bounds[1:], strict=True):
        got, r = _chunk_lines(texts[i0:i1].tolist(), rep[i0:i1])
        lines.extend(got)
        line_rep.append(r)
    ids = corpus.reports["report_id"].astype(str).to_numpy(dtype=object)
    if not lines:
        return pd.Series([], index=pd.Index([], dtype=object, name="report_id"), dtype=object, name="text")
    line_rep = np.concatenate(line_rep)
    starts_report = np.r_[True, line_rep[1:] != line_rep[:-1]]
    owners = ids[line_rep[starts_report]]
    for sep in _REPORT_SEPS:  # one join and one split instead of a join per report
        seps = np.where(starts_report, sep, LINE_SEP).astype(object)
        pieces = np.empty(2 * len(lines), dtype=object)
        pieces[0::2], pieces[1::2] = seps, lines
        parts = "".join(pieces.tolist()).split(sep)[1:]
        if len(parts) == len(owners):
            break
    else:  # every separator occurs in the text itself
        parts = pd.Series(lines).groupby(line_rep, sort=False).agg(LINE_SEP.join).tolist()
    return pd.Series(parts, index=pd.Index(owners, name="report_id"), dtype=object, name="text")
