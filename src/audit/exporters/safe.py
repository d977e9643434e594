"""Neutralise spreadsheet formula injection in exported text.

Report text is written by outside parties: a unit name or a quoted sentence such as
``=HYPERLINK("http://x","y")`` would run as a formula when a supervisor opens the CSV or XLSX.
Text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading apostrophe
(the OWASP recommendation), so spreadsheets show it as text. Numbers stay numbers. Leading white
space does not hide a formula (`` =3+3`` is evaluated by some spreadsheets after trimming), so the
test is made after it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_LEADING = " \n\u3000\xa0\u2000\u2001\u2002\u2003\u2009\u200b\ufeff"


def _formula(v: Any) -> bool:
    return isinstance(v, str) and (v.startswith(TRIGGERS) or v.lstrip(_LEADING).startswith(TRIGGERS))


def neutralise(value: Any) -> Any:
    """One value: text that a spreadsheet would evaluate gets a leading ``'``; anything else unchanged."""
    if _formula(value):
        return "'" + value
    return value


def _dangerous(values: np.ndarray) -> np.ndarray:
    """Which values are text a spreadsheet would evaluate. Each distinct value is checked once
    (rule ids, packs, units and places repeat across 100,000s of findings); hashing them is C."""
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # unhashable values (lists in ``expected``): one plain pass
        return np.fromiter([_formula(v) for v in values], bool, len(values))
    bad = np.fromiter([_formula(v) for v in uniques], bool, len(uniques))
    return bad[codes] & (codes >= 0) if len(bad) else np.zeros(len(values), dtype=bool)


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell neutralised (numeric and bool columns are not touched)."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            continue
        mask = _dangerous(s.to_numpy(dtype=object))
        if mask.any():
            s = s.astype(object).copy()
            s[mask] = "'" + s[mask].astype(str)
            out[col] = s
        elif isinstance(s.dtype, pd.CategoricalDtype):
            out[col] = s.astype(object)
    return out
