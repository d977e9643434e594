"""The tables' identities (勾稽关系) as the catalogue declares them, once, per edition.

An identity says ``sum(lhs) == sum(rhs)`` over terms of one table: columns of a row
(``across == "columns"``, e.g. 总计 = the six applicant columns, in every row) or rows of a column
(``across == "rows"``, e.g. 一 + 二 = （七） + 四, in every column). The reader's column resolution
and the glued-digit splitter use them to choose a split, the arithmetic and zeros packs to check
reports. Adding an identity is one entry in ``data/catalogue.yaml`` plus its test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Absolute tolerance when comparing sums (values are floats; money columns carry decimals).
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Identity:
    """One identity: ``sum(lhs) == sum(rhs)``; ``total`` is set when ``rhs`` is that one cell and
    ``lhs`` its parts. ``lhs`` is the union over editions (a report is checked over the terms it has);
    ``lhs_by_edition`` keeps the per-edition parts where they differ."""

    id: str
    table: str
    across: str  # "columns" or "rows"
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    total: str | None = None
    lhs_name: str = "各分项之和"
    rhs_name: str = "总计"
    lhs_by_edition: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def parts(self) -> tuple[str, ...]:
        """The parts of a total identity (its ``lhs``)."""
        return self.lhs

    @property
    def terms(self) -> tuple[str, ...]:
        return (*self.lhs, *self.rhs)

    def lhs_for(self, edition: str | None) -> tuple[str, ...]:
        """The left-hand terms in one edition (the union when ``edition`` is None or not listed)."""
        return dict(self.lhs_by_edition).get(edition, self.lhs) if edition else self.lhs

    def holds(self, value: Mapping[str, float]) -> bool:
        """Whether the identity holds for ``value`` (term → number; a term ``value`` lacks is skipped,
        as a report is checked over the terms its table has)."""
        left = sum(value[k] for k in self.lhs if k in value)
        right = sum(value[k] for k in self.rhs if k in value)
        return abs(left - right) <= TOLERANCE


def parse(raw: Sequence[Mapping[str, Any]]) -> tuple[Identity, ...]:
    """The ``identities`` list of the catalogue as ``Identity`` objects."""
    out = []
    for item in raw:
        if "total" in item:
            parts = item["parts"]
            by_ed = tuple((str(ed), tuple(p)) for ed, p in parts.items()) if isinstance(parts, Mapping) else ()
            lhs = tuple(dict.fromkeys(k for _, p in by_ed for k in p)) if by_ed else tuple(parts)
            rhs = (item["total"],)
        else:
            lhs, rhs, by_ed = tuple(item["lhs"]), tuple(item["rhs"]), ()
        if item["across"] not in ("columns", "rows"):
            raise ValueError(f"identity {item['id']}: across must be 'columns' or 'rows'")
        out.append(Identity(id=item["id"], table=item["table"], across=item["across"], lhs=lhs, rhs=rhs,
                            total=item.get("total"), lhs_name=item.get("lhs_name", "各分项之和"),
                            rhs_name=item.get("rhs_name", "总计"), lhs_by_edition=by_ed))
    return tuple(out)
