"""Text views of the corpus: only the lines of the text that can hold a count (``number_lines``).

At 100,000 reports the text is some 230 million characters, mostly table labels, and every text
pattern of the packs (narrative, zeros, metadata) ends in a number followed by a count word:
申请 N 件, 行政复议 N 起, 第 492 号. ``number_lines`` finds, in one pass over the text, the lines
holding a decimal number followed (after white space) by one of ``COUNT_WORDS``, and keeps only
those lines per report. A pattern gives exactly the matches on them it gives on the whole text
(``Corpus.report_text``), as long as it meets the preconditions ``audit.corpus.fastpath`` checks
(every match contains such a number + count word; nothing but the white space between the two
can match a line break). Packs do not have to know them: ``text_view(corpus, pattern)`` gives the
number lines when the pattern meets them and the whole text when it does not, and
``text_pattern`` declares a pattern (so the test suite runs each one through both paths).

Kept lines are separated by ``LINE_SEP`` ("\\n。\\n"): a line break, as around any line, plus a full
stop that no white-space run or gap of these patterns crosses. All reports' lines are one string
(``NumberLines.text``), so a pattern is one ``finditer`` over it, not one call per report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from audit.corpus.fastpath import COUNT_WORDS, fast_path_problem
from audit.corpus.grids import report_positions

if TYPE_CHECKING:
    from audit.corpus.loader import Corpus

LINE_SEP = "\n。\n"
_CHUNK_CHARS = 1 << 18  # text is scanned in chunks that stay in the CPU cache


@dataclass(frozen=True)
class NumberLines:
    """The lines of each report holding a number followed by a count word, in text order.

    ``text`` holds them all, ``LINE_SEP`` between any two lines (also between reports); the
    reports that have some are ``ids`` (corpus order), theirs is ``text[starts[i]:ends[i]]``.
    """

    text: str
    ids: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    whole: bool = False  # each report's whole text (``text_view`` for a pattern the fast path cannot take)

    def report_at(self, pos: np.ndarray) -> np.ndarray:
        """Position in ``ids`` of the report each text position belongs to."""
        return np.searchsorted(self.starts, pos, "right") - 1

    def series(self, which: np.ndarray | None = None) -> pd.Series:
        """Each report's lines (all reports, or those at positions ``which``), indexed by report_id."""
        which = np.arange(len(self.ids)) if which is None else np.asarray(which, dtype=np.int64)
        texts = [self.text[a:b] for a, b in zip(self.starts[which].tolist(), self.ends[which].tolist(), strict=True)]
        return pd.Series(texts, index=pd.Index(self.ids[which], name="report_id"), dtype=object, name="text")

    def positions(self, ids: pd.Index | np.ndarray) -> np.ndarray:
        """Positions in ``ids`` of the given report ids that have lines (in this order)."""
        at = pd.Index(self.ids).get_indexer(pd.Index(np.asarray(ids, dtype=object)))
        return at[at >= 0]

    def containing(self, literal: str) -> np.ndarray:
        """Positions of the reports whose lines contain ``literal``."""
        hits = np.fromiter((m.start() for m in re.finditer(re.escape(literal), self.text)), dtype=np.int64)
        at = np.sort(self.report_at(hits))  # sorted already (hits in text order); np.unique hashes, far slower
        return at[np.r_[True, at[1:] != at[:-1]]] if len(at) else at


def number_lines(corpus: Corpus) -> NumberLines:
    """The lines of every report holding a number followed by a count word (件/起/宗/份/号)."""
    return corpus.derived("corpus:number_lines", _number_lines)


#: Every pattern declared with ``text_pattern`` or searched through ``text_view``, with the reason it
#: cannot use the fast path (None when it can).
REGISTERED: dict[str, str | None] = {}


def text_pattern(pattern: str) -> str:
    """Declare a text pattern of a pack (returns it unchanged): its fast-path preconditions are
    checked once, here, and ``text_view`` runs it on the whole text when they do not hold."""
    REGISTERED[pattern] = fast_path_problem(pattern)
    return pattern


def registered_text_patterns() -> dict[str, str | None]:
    """Every pattern declared so far, with why it cannot use the fast path (None when it can)."""
    return dict(REGISTERED)


def text_view(corpus: Corpus, *patterns: str, sections: pd.DataFrame | None = None) -> NumberLines:
    """The text to search ``patterns`` in: the number lines when every pattern meets the fast-path
    preconditions (``audit.corpus.fastpath``), else every report's whole text (``whole`` True).
    Either way the patterns find exactly the matches they find in ``Corpus.report_text``.

    ``sections`` (the sections frame's columns, e.g. with table rows cut out of the text) views that
    text instead of the corpus' own; such a view is not cached (cache it with ``Corpus.derived``)."""
    for p in patterns:
        text_pattern(p)
    fast = all(REGISTERED[p] is None for p in patterns)
    if sections is not None:
        return _number_lines(corpus, sections) if fast else _whole_text(corpus, sections)
    if fast:
        return number_lines(corpus)
    return corpus.derived("corpus:whole_text", _whole_text)


def _whole_text(corpus: Corpus, sections: pd.DataFrame | None = None) -> NumberLines:
    if sections is None:
        text = corpus.report_text()
    else:  # as ``Corpus.report_text`` joins them
        text = sections.groupby("report_id", observed=True, sort=False)["text"].agg("\n".join)
        text = text.reindex(corpus.reports["report_id"]).fillna("")
    ids = text.index.astype(str).to_numpy(dtype=object)
    texts = text.astype(str).tolist()
    length = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.cumsum(length + len(LINE_SEP)) - (length + len(LINE_SEP))
    return NumberLines(LINE_SEP.join(texts), ids, starts, starts + length, whole=True)


def joined_report_text(corpus: Corpus) -> pd.Series:
    """Full text of each report (its sections joined by line breaks, in frame order), indexed by
    ``corpus.reports``' report_id, "" for a report without sections: what ``Corpus.report_text``
    gives. The same as ``sections.groupby("report_id", sort=False)["text"].agg("\\n".join)``
    reindexed to the reports, but with one ``str.join`` per report over positions (no pandas group
    per report, no join for a report of one section)."""
    return _joined(corpus.sections, corpus.reports["report_id"])


def report_texts(corpus: Corpus, ids: pd.Index | pd.Series) -> pd.Series:
    """``corpus.report_text().reindex(ids).fillna("")``, joining only the sections of ``ids``
    when the corpus' full text has not been built (a rule that reads the text of a few reports
    does not pay for all of them)."""
    wide = getattr(corpus, "_wide", None)
    reports = corpus.reports["report_id"]
    if wide is None or "text" in wide or not pd.Index(reports).is_unique or pd.isna(
            corpus.sections["text"].to_numpy(dtype=object)).any():
        return corpus.report_text().reindex(ids).fillna("")
    want = pd.Index(pd.Index(ids).astype(str).unique())
    sec = corpus.sections
    part = _joined(sec.loc[sec["report_id"].astype(str).isin(want).to_numpy()],
                   reports.loc[reports.astype(str).isin(want).to_numpy()])
    return part.reindex(ids).fillna("")


def _joined(sec: pd.DataFrame, report_ids: pd.Series) -> pd.Series:
    """``joined_report_text`` of the sections ``sec`` for the reports ``report_ids``."""
    ids = pd.Index(report_ids)
    texts = sec["text"].to_numpy(dtype=object)
    if not ids.is_unique or pd.isna(texts).any():  # not a loaded corpus: the pandas way
        text = sec.groupby("report_id", observed=True, sort=False)["text"].agg("\n".join)
        return text.reindex(report_ids).fillna("")
    pos = ids.astype(str).get_indexer(sec["report_id"].astype(str).to_numpy(dtype=object))
    keep = np.flatnonzero(pos >= 0)
    if len(keep) and (np.diff(pos[keep]) < 0).any():
        keep = keep[np.argsort(pos[keep], kind="stable")]  # each report's sections together, in order
    rep, texts = pos[keep], texts[keep].tolist()
    first = np.flatnonzero(np.r_[True, rep[1:] != rep[:-1]]) if len(rep) else np.zeros(0, dtype=np.int64)
    bounds = np.r_[first, len(rep)].tolist()
    out = np.full(len(ids), "", dtype=object)
    out[rep[first]] = [texts[a] if b - a == 1 else "\n".join(texts[a:b])
                       for a, b in zip(bounds[:-1], bounds[1:], strict=False)]
    return pd.Series(out, index=ids, dtype="str", name="text")


@lru_cache(maxsize=1)
def _char_classes() -> tuple[np.ndarray, np.ndarray]:
    """Lookup tables over the BMP: what ``re``'s ``\\s`` and ``\\d`` match in a str pattern."""
    chars = [chr(i) for i in range(0x10000)]
    return (np.fromiter((c.isspace() for c in chars), dtype=bool, count=0x10000),
            np.fromiter((c.isdecimal() for c in chars), dtype=bool, count=0x10000))


def code_points(s: str) -> np.ndarray:
    """The characters of ``s`` as an array of code points (uint32; numpy copies a str as UCS-4)."""
    if not s:
        return np.zeros(0, dtype=np.uint32)
    a = np.array(s).reshape(1).view(np.uint32)
    if len(a) != len(s):  # not expected; the codec is exact whatever numpy does
        a = np.frombuffer(s.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return a


def _anchors(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(last digit, count word) positions of every number + white space + count word.

    Characters beyond the BMP are taken as possible digits (more lines kept, never fewer).
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


def _chunk_lines(texts: list[str], rep: np.ndarray, lengths: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The kept lines (merged where they touch one match) of consecutive sections, and their report."""
    s = "\n".join(texts)
    a = code_points(s)
    q, p = _anchors(a)
    if not len(p):
        return [], np.zeros(0, dtype=np.int64)
    starts = np.cumsum(lengths + 1) - (lengths + 1)
    rq, rp = rep[np.searchsorted(starts, q, "right") - 1], rep[np.searchsorted(starts, p, "right") - 1]
    q, p = q[rq == rp], p[rq == rp]  # white space across reports joins nothing
    # Each anchor's line: after the last line break before its number, up to the first one after
    # its count word (``s.rfind("\n", 0, q) + 1`` and ``s.find("\n", p)``, for all anchors at once).
    breaks = np.r_[-1, np.flatnonzero(a == 10), len(s)]
    first = breaks[np.searchsorted(breaks, q, "left") - 1] + 1
    last = breaks[np.searchsorted(breaks, p, "left")]
    new = np.ones(len(first), dtype=bool)  # anchors come in text order, so lines only ever overlap the previous
    new[1:] = first[1:] > last[:-1]
    seg_first, seg_last = first[new], last[np.r_[new[1:], True]]
    lines = [s[x:y] for x, y in zip(seg_first.tolist(), seg_last.tolist(), strict=True)]
    return lines, rep[np.searchsorted(starts, seg_first, "right") - 1]


def _number_lines(corpus: Corpus, sections: pd.DataFrame | None = None) -> NumberLines:
    sec = corpus.sections if sections is None else sections
    pos = report_positions(corpus, sec["report_id"].astype(str).to_numpy(dtype=object))
    keep = np.flatnonzero(pos >= 0)
    if len(keep) and (np.diff(pos[keep]) < 0).any():
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
        got, r = _chunk_lines(texts[i0:i1].tolist(), rep[i0:i1], lengths[i0:i1])
        lines.extend(got)
        line_rep.append(r)
    ids = corpus.reports["report_id"].astype(str).to_numpy(dtype=object)
    if not lines:
        return NumberLines("", np.zeros(0, dtype=object), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    line_rep = np.concatenate(line_rep)
    length = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    line_start = np.cumsum(length + len(LINE_SEP)) - (length + len(LINE_SEP))
    first = np.flatnonzero(np.r_[True, line_rep[1:] != line_rep[:-1]])
    last = np.r_[first[1:], len(lines)] - 1
    return NumberLines(LINE_SEP.join(lines), ids[line_rep[first]], line_start[first],
                       line_start[last] + length[last])


def texts_contain(corpus: Corpus, ids: pd.Index | pd.Series, literals: Sequence[str]) -> np.ndarray:
    """Whether the full text of each report of ``ids`` contains each of ``literals``:
    ``report_texts(corpus, ids).str.contains(literal, regex=False)`` as a [report, literal] bool
    array, but section by section, without joining and copying the texts (a literal without a
    line break is in the sections joined by line breaks exactly when it is in one of them)."""
    reports = corpus.reports["report_id"]
    texts = corpus.sections["text"].to_numpy(dtype=object)
    literals = list(literals)
    if not pd.Index(reports).is_unique or pd.isna(texts).any() or any("\n" in w for w in literals):
        joined = report_texts(corpus, ids)
        return np.array([joined.str.contains(w, regex=False).to_numpy(dtype=bool) for w in literals],
                        dtype=bool).reshape(len(literals), len(joined)).T
    from audit.corpus.keys import section_keys

    k = section_keys(corpus)
    at = report_positions(corpus, pd.Index(ids).astype(str).to_numpy(dtype=object))
    want = np.zeros(len(k.ids) + 1, dtype=bool)
    want[at[at >= 0]] = True
    rows = np.flatnonzero(want[k.report])
    owner, texts = k.report[rows], texts[rows].tolist()
    out = np.zeros((len(at), len(literals)), dtype=bool)
    for j, w in enumerate(literals):
        if not w:  # every text holds "", also a report's empty one
            out[:, j] = True
            continue
        has = np.zeros(len(k.ids) + 1, dtype=bool)
        has[owner[np.fromiter((w in t for t in texts), dtype=bool, count=len(texts))]] = True
        out[:, j] = np.where(at >= 0, has[at], False)
    return out
