"""Edition evidence: the data words the reader records (English, as in DESIGN.md) and their Chinese.

The normalised report keeps ``edition_evidence`` as data, so tools reading it see stable strings;
anything a supervisor reads says the same evidence in Chinese (``in_chinese``).
"""

from __future__ import annotations

from collections.abc import Iterable

ONE_ROW = "（六）其他处理 is one row"
SUB_ROWS = "（六）其他处理 has 3 sub-rows"
_ZH = {ONE_ROW: "（六）其他处理只有一行", SUB_ROWS: "（六）其他处理分为 3 个子行"}


def item_in_chinese(item: str) -> str:
    """One evidence item as a supervisor reads it."""
    edition, sep, rest = item.partition(": ")
    if sep and edition.isdigit():
        return f"{edition} 版特征{_ZH.get(rest, rest)}"
    return _ZH.get(item, item)


def in_chinese(items: Iterable[str]) -> str:
    """Evidence items joined with 、 in Chinese."""
    return "、".join(item_in_chinese(i) for i in items)



def joined_in_chinese(joined):  # noqa: ANN001, ANN201 - a pandas Series; pandas is not imported here
    """The frames' ``edition_evidence`` column ("; "-joined strings) in Chinese: each distinct
    list translated once, by ``in_chinese``."""
    text = joined.fillna("").astype(str)
    return text.map({v: in_chinese(v.split("; ")) if v else "" for v in text.unique()})
