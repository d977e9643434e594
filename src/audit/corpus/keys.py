"""Per-report keys and reader-problem views every pack needs: which reports could not be read
(``parse_failed``), integer keys of the sections frame (``section_keys``) and which sections each
report has (``sections_present``), problems by kind.

Computed once per corpus (``Corpus.derived``, keys ``corpus:…``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from audit.contracts.report import PARSE_KINDS

if TYPE_CHECKING:
    from audit.corpus.loader import Corpus


def parse_failed(corpus: Corpus) -> pd.Index:
    """Report ids with a parse-kind reader problem (the engine already reports those)."""
    return corpus.derived("corpus:parse_failed", _parse_failed)


def _parse_failed(corpus: Corpus) -> pd.Index:
    p = corpus.problems
    return pd.Index(p.loc[p["kind"].isin(PARSE_KINDS), "report_id"].astype(str).unique())


@dataclass(frozen=True)
class SectionKeys:
    """Integer keys of the sections frame (computed once): which report (its position in
    ``corpus.reports``, or past the end for an id the reports frame lacks) and canonical code
    (-1: not recognised, or the preamble, which is no required section) each section has, and
    which sections can be checked against the six-section outline (``checkable``: not the
    preamble, of a report that was read and is not a legacy pre-2019 outline, ``readable``)."""

    ids: np.ndarray  # report ids by report key
    report: np.ndarray
    canonical: np.ndarray
    checkable: np.ndarray
    readable: np.ndarray  # by report key: the report was read


def section_keys(corpus: Corpus) -> SectionKeys:
    return corpus.derived("corpus:section_keys", _section_keys)


def _section_keys(corpus: Corpus) -> SectionKeys:
    sec = corpus.sections
    ids = corpus.reports["report_id"].astype(str).to_numpy(dtype=object)
    rid = sec["report_id"].astype(str).to_numpy(dtype=object)
    key = pd.Index(ids).get_indexer(rid)
    if (key < 0).any():  # sections of ids the reports frame lacks get keys of their own
        extra, inverse = np.unique(rid[key < 0], return_inverse=True)
        key[key < 0] = len(ids) + inverse
        ids = np.r_[ids, extra.astype(object)]
    p = corpus.problems
    legacy = p.loc[p["kind"] == "legacy_format", "report_id"].astype(str).unique()
    # A legacy report's outline predates the six sections: TMPL-LEGACY-FORMAT is its one finding.
    readable = ~pd.Index(ids).isin(parse_failed(corpus)) & ~pd.Index(ids).isin(legacy)
    canonical = sec["canonical"].cat.codes.to_numpy()
    preamble = (sec["canonical"] == "preamble").to_numpy()  # section 0 is no required section
    return SectionKeys(ids=ids, report=key, canonical=np.where(preamble, -1, canonical),
                       checkable=readable[key] & ~preamble, readable=readable)


def sections_present(corpus: Corpus) -> np.ndarray:
    """[report key, canonical code] bool (``section_keys`` numbering; codes of the sections
    frame's ``canonical`` categories): the report has that section, recognised and checkable.
    ``.any(axis=1)`` tells the reports whose outline was recognised at all."""
    def compute(c: Corpus) -> np.ndarray:
        k = section_keys(c)
        recognised = k.checkable & (k.canonical >= 0)
        has = np.zeros((len(k.ids), len(c.sections["canonical"].cat.categories)), dtype=bool)
        has[k.report[recognised], k.canonical[recognised]] = True
        return has
    return corpus.derived("corpus:sections_present", compute)


def problems_of(corpus: Corpus, kinds: Iterable[str]) -> pd.DataFrame:
    """Reader problems of the given kinds."""
    p = corpus.problems
    return p[p["kind"].isin(list(kinds))].reset_index(drop=True)
