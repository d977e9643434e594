"""What a format reader hands to the normaliser: text with tables as tab-separated rows.

Every format (txt/md, HTML, Word, PDF) is first turned into an ``Extracted``: plain text in
reading order in which each table row is one line of tab-separated cells (merged cells repeated
or left blank as printed). The one table parser (``audit.ingest.tables``) and the one section and
metadata reader then work on it, so all formats share one catalogue mapping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Extracted:
    text: str
    format: str  # "txt", "md", "html", "docx", "pdf", "unknown"
    encoding: str | None = None
    layout: str | None = None  # hint: "html"/"docx"/"pdf" mean tab-separated rows; None = detect
    published: str | None = None  # a date the container states (HTML meta, docx core props), YYYY-MM-DD
    problems: list[dict[str, Any]] = field(default_factory=list)
