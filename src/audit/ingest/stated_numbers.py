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
# One pattern per table, each alternative starting with a literal word (so the regex engine skips
# every position no statement can start at). Column words by edition; 本年度/全年 before them is
# allowed and not needed.
_ACTIVE_WORDS = {
    "2021": {"制发": "issued", "废止": "repealed", "现行有效": "in_force"},
    "2019": {"新制作": "new_made"},
}
_DOCS = {"规章": "regulations", "规范性文件": "normative_documents"}
_REQUEST_WORDS = {"新收": "new", "上年结转": "carried_over", "上年度结转": "carried_over", "结转下年度": "carried_next"}
_ACTIVE = r"({words})(?:的|了)?(?:政府|部门|行政)?(规章|规范性文件)" + _NUMBER
_REQUESTS = re.compile(r"(新收|上年度?结转|结转下年度)(?:到|继续办理)?(?:的)?(?:政府信息公开)?申请(?:数量)?(?:共)?" + _NUMBER)


@cache
def _active_pattern(edition: str) -> re.Pattern[str] | None:
    words = _ACTIVE_WORDS.get(edition)
    return re.compile(_ACTIVE.replace("{words}", "|".join(words))) if words else None


def find(text: str, edition: str | None) -> dict[tuple[str, str, str], float]:
    """(table, row, col) → the number the text states for it, when it states exactly one."""
    seen: dict[tuple[str, str, str], set[float]] = {}
    active = _active_pattern(edition or "")
    if active is not None:
        words = _ACTIVE_WORDS[edition or ""]
        for m in active.finditer(text):
            seen.setdefault(("active", _DOCS[m.group(2)], words[m.group(1)]), set()).add(float(m.group(3)))
    for m in _REQUESTS.finditer(text):
        word = m.group(1).replace("上年度", "上年")
        seen.setdefault(("requests", _REQUEST_WORDS[word], "total"), set()).add(float(m.group(2)))
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}
