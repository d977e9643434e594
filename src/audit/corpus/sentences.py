"""Prose sentences outside the tables, found once per corpus (``audit.api.sentences``,
``sentence_keys``, ``sentence_rows``).

A sentence of prose is a run of text ended by a full stop, never crossing a line break, a tab or
a pipe (table rows are printed with those, and their labels carry no full stop). It is found with
numpy over the sections' UTF-16 code units, in chunks (linear in the text, also on a
100,000-digit run), and normalised once per distinct sentence: no white space or list marks, every
number as ``#``, so a copy that only updates the figures and years still matches.

At 100,000 reports there are some 2 million sentences but under 100,000 distinct ones, so the
integer view (``SentenceRows``) is what rules compare; the frame of strings (``sentences``) is
built only for a pack that asks for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from audit.corpus.loader import Corpus

_ENDS = "。！？!?"
_CUTS = "\n\t|"
_CHUNK_CHARS = 1 << 22
_NOISE = re.compile(r"[\s\u3000*#>\-•·]+")
_DIGITS = re.compile(r"[0-9０-９.．]+")
MIN_SENTENCE_CHARS = 8

_END, _CUT = 1, 2
_FLAGS = np.zeros(0x10000, dtype=np.uint8)  # per BMP code point: sentence end, cut, or neither
_FLAGS[[ord(c) for c in _ENDS]] = _END
_FLAGS[[ord(c) for c in _CUTS]] = _CUT


@dataclass(frozen=True)
class SentenceRows:
    """Every kept sentence as integers, in corpus order (sections in frame order, then text order):
    ``section`` (row position in ``corpus.sections``), ``report`` (position of its report in
    ``corpus.reports``, -1 when absent) and ``text`` (code of the normalised text, ``texts[text]``;
    equal codes, equal texts). ``texts`` may hold texts no kept sentence has (too short)."""

    section: np.ndarray
    report: np.ndarray
    text: np.ndarray
    texts: np.ndarray


def sentence_rows(corpus: Corpus) -> SentenceRows:
    """The prose sentences outside the tables as integer arrays (``SentenceRows``), computed once."""
    return corpus.derived("lookups:sentence_rows", _sentence_rows)


def sentences(corpus: Corpus) -> pd.DataFrame:
    """Prose sentences outside the tables, one row each: report_id, canonical (section), text
    (normalised: no white space or list marks, every number as ``#``, so a copy that only updates
    the figures and years still matches). Sentences shorter than ``MIN_SENTENCE_CHARS`` are left out."""
    return corpus.derived("lookups:sentences", _sentences_frame)


def sentence_keys(corpus: Corpus) -> pd.DataFrame:
    """Integer keys of ``sentences(corpus)``, row for row (same index): ``report``, the position of
    the sentence's report in ``corpus.reports`` (-1 when absent), and ``text``, a code of the
    normalised text (equal codes, equal texts). Comparing sentences on these is comparing
    integers, not strings."""
    def compute(c: Corpus) -> pd.DataFrame:
        rows = sentence_rows(c)
        return pd.DataFrame({"report": rows.report, "text": rows.text})
    return corpus.derived("lookups:sentence_keys", compute)


def _sentences_frame(corpus: Corpus) -> pd.DataFrame:
    rows = sentence_rows(corpus)
    sec = corpus.sections
    return pd.DataFrame({"report_id": sec["report_id"].astype(str).to_numpy(dtype=object)[rows.section],
                         "canonical": sec["canonical"].astype(object).to_numpy()[rows.section],
                         "text": rows.texts[rows.text]})


def _sentence_rows(corpus: Corpus) -> SentenceRows:
    from audit.corpus.lookups import unreadable

    sec = corpus.sections
    rid = sec["report_id"].astype(str)
    read = np.flatnonzero(~rid.isin(unreadable(corpus)).to_numpy())
    texts = sec["text"].astype(str).to_numpy(dtype=object)[read].tolist()
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    ends = np.cumsum(lengths + 1)
    seen: dict[str, int] = {}  # each distinct sentence once: its code, in order of first appearance
    where, codes = [], []
    lo = 0
    while lo < len(texts):  # sections in chunks of about _CHUNK_CHARS characters
        hi = max(lo + 1, int(np.searchsorted(ends, (ends[lo - 1] if lo else 0) + _CHUNK_CHARS)))
        w, found = _chunk_sentences(texts[lo:hi], lengths[lo:hi])
        where.append(w + lo)
        code = seen.setdefault
        codes.append(np.array([code(s, len(seen)) for s in found], dtype=np.int64))
        lo = hi
    at = np.concatenate(where) if where else np.zeros(0, dtype=np.int64)
    codes = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64)
    norm = pd.Series(list(seen), dtype=object).str.replace(_NOISE, "", regex=True).str.replace(_DIGITS, "#", regex=True)
    norm = norm.to_numpy(dtype=object)
    norm_code, distinct = pd.factorize(norm)
    long_enough = np.fromiter(map(len, norm), dtype=np.int64, count=len(norm)) >= MIN_SENTENCE_CHARS
    keep = np.flatnonzero(long_enough[codes]) if len(codes) else np.zeros(0, dtype=np.int64)
    codes, at = codes[keep], at[keep]
    report = pd.Index(corpus.reports["report_id"].astype(str)).get_indexer(pd.Index(rid.to_numpy(dtype=object)[read]))
    return SentenceRows(section=read[at], report=np.asarray(report, dtype=np.int64)[at],
                        text=norm_code[codes].astype(np.int64), texts=np.asarray(distinct, dtype=object))


def _code_units(s: str) -> np.ndarray:
    """The characters of ``s`` as BMP code points (one per character; those beyond the BMP, which
    are no sentence end or cut, as 0xFFFF)."""
    a = np.frombuffer(s.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    if len(a) == len(s):
        return a
    return np.minimum(np.frombuffer(s.encode("utf-32-le", "surrogatepass"), dtype=np.uint32), 0xFFFF)


def _chunk_sentences(texts: list[str], lengths: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """(section index within ``texts``, sentence) of every sentence that can be long enough to
    keep, in text order. ``lengths`` are the texts' lengths."""
    joined = "\n".join(texts)
    a = _code_units(joined)
    mark = a == ord(_CUTS[0])
    for c in _CUTS[1:] + _ENDS:
        mark |= a == ord(c)
    marks = np.flatnonzero(mark)  # sentence ends and cuts
    k = np.flatnonzero(_FLAGS[a[marks]] == _END)
    stops = marks[k]
    starts = np.where(k > 0, marks[np.maximum(k - 1, 0)] + 1, 0)  # after the mark before each full stop
    # At least one character before the full stop, and as long as a kept sentence can be: the
    # normalisation only ever shortens a sentence, so a shorter one never reaches MIN_SENTENCE_CHARS.
    keep = stops - starts + 1 >= max(2, MIN_SENTENCE_CHARS)
    starts, stops = starts[keep], stops[keep]
    found = [joined[i:j + 1] for i, j in zip(starts.tolist(), stops.tolist(), strict=True)]
    first = np.cumsum(np.r_[0, lengths[:-1] + 1])
    return np.searchsorted(first, stops, "right") - 1, found
