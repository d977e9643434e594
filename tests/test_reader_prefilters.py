"""Quick checks the reader makes before a costly regex must never skip text the regex would change."""

from __future__ import annotations

import re

from audit.ingest import metadata


def test_every_debris_line_holds_one_of_the_hint_words() -> None:
    src = metadata.DEBRIS.pattern
    alternatives = src[src.index("(?:") + 3:src.rindex(").*$")].split("|")
    for alt in alternatives:
        literal = re.sub(r"\[:：\]\??", "", alt)
        assert re.escape(literal) == literal, f"{alt}: not a literal, update _DEBRIS_WORDS by hand"
        assert literal in metadata._DEBRIS_WORDS, f"{alt}: add its words to metadata._DEBRIS_WORDS"


def test_strip_debris_with_and_without_debris() -> None:
    page = "　分享到：微信\n正文第一段\n  打印本页\n来源：本站\n正文第二段\n"
    assert metadata.strip_debris(page) == "正文第一段\n\n\n正文第二段"
    assert metadata.strip_debris(page) == metadata.DEBRIS.sub("", page).strip()
    assert metadata.strip_debris("  正文\n没有页面杂项  ") == "正文\n没有页面杂项"
