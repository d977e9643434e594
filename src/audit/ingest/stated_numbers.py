"""Numbers the report's text states for a table cell (本年度制发的规范性文件77件).

Only used to decide among the readings of a glued row that the table's identities allow
(``audit.ingest.glued_rows``): a statement never places a value by itself. The wordings are
narrow on purpose (the column's word right before the row's word, then the number and 件), so a
sentence about something else (全区各级行政机关共受理…) is not taken for a cell. A cell stated
twice with different numbers is not used.
"""

from __future__ import annotations

import re
from functools import cache

_NUMBER = r"[\s\u3000]*(\d{1,7})[\s\u3000]*件"
_DOCS = {"regulations": r"(?:政府|部门)?规章", "normative_documents": r"(?:行政)?规范性文件"}
_ACTIVE_COLS = {
    "2021": {
        "issued": r"(?:本年度?|全年|年内)?(?:新)?制发(?:的|了)?",
        "repealed": r"(?:宣布|本年度?|全年)?废止(?:的|了)?",
        "in_force": r"现行有效(?:的)?",
    },
    "2019": {"new_made": r"(?:本年度?|全年)?新制作(?:的|了)?"},
}
_REQUESTS = {
    ("new", "total"): r"(?:本年度?|全年|年内)新收(?:到)?(?:政府信息公开)?申请(?:数量)?(?:共)?",
    ("carried_over", "total"): r"上年(?:度)?结转(?:政府信息公开)?申请(?:数量)?(?:共)?",
    ("carried_next", "total"): r"结转下年度(?:继续办理)?(?:的)?(?:政府信息公开)?申请(?:数量)?(?:共)?",
}


@cache
def _patterns(edition: str | None) -> tuple[tuple[re.Pattern[str], tuple[str, str, str]], ...]:
    out = []
    for col, word in _ACTIVE_COLS.get(edition or "", {}).items():
        for row, doc in _DOCS.items():
            out.append((re.compile(word + doc + _NUMBER), ("active", row, col)))
    for (row, col), words in _REQUESTS.items():
        out.append((re.compile(words + _NUMBER), ("requests", row, col)))
    return tuple(out)


def find(text: str, edition: str | None) -> dict[tuple[str, str, str], float]:
    """(table, row, col) → the number the text states for it, when it states exactly one."""
    seen: dict[tuple[str, str, str], set[float]] = {}
    for pattern, key in _patterns(edition):
        for m in pattern.finditer(text):
            seen.setdefault(key, set()).add(float(m.group(1)))
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}
