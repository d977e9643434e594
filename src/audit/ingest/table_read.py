"""What the table reader found in one table region, before cells are placed for an edition."""

from __future__ import annotations

from dataclasses import dataclass, field

#: One typed printed cell: (kind, value, raw), kind one of audit.ingest.values NUMBER/BLANK/TEXT.
Typed = tuple[str, float | None, str]


@dataclass(slots=True)
class Token:
    kind: str  # row, column, group, marker
    key: str
    start: int
    end: int


@dataclass(slots=True)
class RowRead:
    """What was printed after one row label: typed cells, or glued digit chunks (flat layout)."""

    key: str
    cells: list[Typed] = field(default_factory=list)  # (kind, value, raw)
    chunks: list[str] | None = None
    line_start: int = 0
    total_only: bool = False  # one number set far apart, the blank parts printing nothing: the total
    next_line: bool = False  # the values were on the line below the label


@dataclass
class TableRead:
    table: str
    found: bool = False
    layout: str | None = None
    rows: dict[str, RowRead] = field(default_factory=dict)
    columns: set[str] = field(default_factory=set)
    other_is_group: bool = False  # （六）其他处理 followed by its sub-rows 1.–3.
    duplicates: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    flat_values: RowRead | None = None  # appeals: all numbers after the header

