"""The edition catalogue: canonical keys, printed labels and label variants of both report formats.

Loaded once from ``data/catalogue.yaml``. Readers use it to map printed labels to canonical keys;
rules use it for key lists and to name a cell as printed in their Chinese messages. Nothing else
in the project should hard-code a table label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from typing import Any

import yaml

from audit.contracts.identities import Identity
from audit.contracts.identities import parse as parse_identities

EDITIONS = ("2019", "2021")
TABLES = ("active", "requests", "appeals")
# ``preamble`` (section 0: the title and everything before 一、) comes last so that the six
# sections keep their category codes 0–5 in printed order.
SECTION_KEYS = ("overview", "active", "requests", "appeals", "problems", "other", "preamble")

# Characters that are printed interchangeably in the wild (half/full width, list punctuation).
_EQUIVALENT = {
    "(": "(（", "（": "(（", ")": ")）", "）": ")）",
    "[": "[［【", "]": "]］】",
    ".": ".．、,，", "．": ".．、,，", "、": "、.．,，",
    ",": ",，、", "，": ",，、",
    ":": ":：", "：": ":：", ";": ";；", "；": ";；",
    "/": "/／", "／": "/／",
    "“": "“\"”「", "”": "”\"“」", "\"": "\"“”",
    "-": "-－—", "—": "—－-",
}
for _d in "0123456789":
    _EQUIVALENT[_d] = _d + chr(ord(_d) + 0xFEE0)


@dataclass(frozen=True)
class Label:
    """One printed label: its canonical key, text, aliases and optional numbering prefix."""

    table: str
    key: str
    kind: str  # "row", "column", "group", "marker"
    label: str
    aliases: tuple[str, ...] = ()
    prefix: str | None = None
    prefix_required: bool = False
    group: str | None = None

    @property
    def texts(self) -> tuple[str, ...]:
        """The label and its aliases, longest first (so the most specific wording wins)."""
        return tuple(sorted({self.label, *self.aliases}, key=len, reverse=True))


@dataclass(frozen=True)
class Catalogue:
    raw: dict[str, Any]
    labels: tuple[Label, ...] = field(default=())

    # -- key lists ---------------------------------------------------------------------------
    def edition_cells(self, edition: str) -> list[tuple[str, str, str]]:
        """Every (table, row, col) cell of an edition, in printed order."""
        ed = self.raw["editions"][edition]
        cells: list[tuple[str, str, str]] = []
        for row, cols in ed["active"].items():
            cells += [("active", row, c) for c in cols]
        for row in ed["requests"]["rows"]:
            cells += [("requests", row, c) for c in self.request_columns]
        for row in self.appeals_rows:
            cells += [("appeals", row, c) for c in self.appeals_columns]
        return cells

    def active_rows(self, edition: str) -> dict[str, list[str]]:
        return dict(self.raw["editions"][edition]["active"])

    def request_rows(self, edition: str) -> list[str]:
        return list(self.raw["editions"][edition]["requests"]["rows"])

    def request_leaf_rows(self, edition: str) -> list[str]:
        """Rows summed by （七）总计 (21 in edition 2021, 19 in edition 2019)."""
        return list(self.identity("requests_handled_total").lhs_for(edition))

    # -- identities (勾稽关系) -----------------------------------------------------------------
    @cached_property
    def identities(self) -> tuple[Identity, ...]:
        """Every identity of the tables, in catalogue order (see ``audit.contracts.identities``)."""
        return parse_identities(self.raw["identities"])

    def identity(self, identity_id: str) -> Identity:
        for ident in self.identities:
            if ident.id == identity_id:
                return ident
        raise KeyError(identity_id)

    def identities_of(self, table: str, across: str | None = None) -> list[Identity]:
        """The identities over ``table`` (only those across ``columns`` or ``rows`` when given)."""
        return [i for i in self.identities if i.table == table and across in (None, i.across)]

    @property
    def request_columns(self) -> list[str]:
        return list(self.raw["tables"]["requests"]["columns"])

    @property
    def applicant_columns(self) -> list[str]:
        """The six applicant columns that add up to 总计."""
        return list(self.identity("requests_row_total").parts)

    @property
    def appeals_rows(self) -> list[str]:
        return list(self.raw["appeals_layout"]["rows"])

    @property
    def appeals_columns(self) -> list[str]:
        return list(self.raw["appeals_layout"]["columns"])

    @property
    def signed_columns(self) -> frozenset[str]:
        return frozenset(self.raw["signed_columns"])

    @property
    def fractional_columns(self) -> frozenset[str]:
        return frozenset(self.raw["fractional_columns"])

    def fingerprints(self, edition: str) -> list[str]:
        return list(self.raw["editions"][edition]["fingerprints"])

    @property
    def legacy_fingerprints(self) -> list[str]:
        return list(self.raw["legacy_fingerprints"])

    @property
    def sections(self) -> list[dict[str, Any]]:
        return list(self.raw["sections"])

    def section_title(self, canonical: str) -> str:
        for s in self.raw["sections"]:
            if s["canonical"] == canonical:
                return str(s["title"])
        raise KeyError(canonical)

    def all_keys(self) -> dict[str, set[str]]:
        """Every canonical table, row and column key of any edition (for schema checks)."""
        tables = self.raw["tables"]
        rows: set[str] = set()
        cols: set[str] = set()
        for t in TABLES:
            rows |= set(tables[t]["rows"])
            cols |= set(tables[t]["columns"])
        return {"table": set(TABLES), "row": rows, "col": cols}

    def key_order(self) -> dict[str, list[str]]:
        """The canonical keys of each kind (``table``, ``row``, ``col``), sorted: the categories of
        the corpus frames' key columns, whose codes the reader workers pack."""
        return {kind: sorted(keys) for kind, keys in self.all_keys().items()}

    # -- printed names -----------------------------------------------------------------------
    def table_title(self, table: str) -> str:
        return str(self.raw["tables"][table]["title"])

    def row_label(self, table: str, row: str) -> str:
        """The row label as printed, with its numbering (e.g. （七）总计)."""
        spec = self.raw["tables"][table]["rows"][row]
        return f"{spec.get('prefix') or ''}{spec['label']}"

    def col_label(self, table: str, col: str) -> str:
        return str(self.raw["tables"][table]["columns"][col]["label"])

    def place(self, table: str, row: str | None = None, col: str | None = None) -> str:
        """A cell's place as a supervisor reads it: 「三、收到和处理…」表“（七）总计”行“自然人”列."""
        title = self.table_title(table)
        parts = [f"「{title}」表"]
        if row is not None and row in self.raw["tables"][table]["rows"]:
            name = self.row_label(table, row)
            if table == "appeals":  # printed as column groups (行政复议 | 行政诉讼: 未经复议…, 复议后…)
                name = {"review": "行政复议", "litigation_direct": "行政诉讼·未经复议直接起诉",
                        "litigation_after_review": "行政诉讼·复议后起诉"}.get(row, name)
                parts.append(f"“{name}”栏")
            else:
                parts.append(f"“{name}”行")
        if col is not None and col in self.raw["tables"][table]["columns"]:
            parts.append(f"“{self.col_label(table, col)}”列")
        return "".join(parts)

    def labels_for(self, table: str, kinds: tuple[str, ...] = ("row", "column", "group", "marker")) -> list[Label]:
        return [lb for lb in self.labels if lb.table == table and lb.kind in kinds]


def char_class(ch: str) -> str:
    """A regex for one label character, accepting its half/full-width and punctuation twins."""
    alts = _EQUIVALENT.get(ch)
    if alts is None:
        return re.escape(ch)
    return "[" + "".join(re.escape(a) for a in dict.fromkeys(alts)) + "]"


def text_pattern(text: str) -> str:
    """Regex source for printed text: white space (incl. line breaks, U+3000) allowed between chars."""
    chars = [c for c in text if not c.isspace()]
    return r"[\s\u3000]*".join(char_class(c) for c in chars)


def label_pattern(label: Label) -> str:
    """Regex source for a label with its optional (or required) numbering prefix."""
    body = "(?:" + "|".join(text_pattern(t) for t in label.texts) + ")"
    if label.prefix:
        pre = "(?:" + text_pattern(label.prefix) + r")[\s\u3000]*"
        return (pre if label.prefix_required else f"(?:{pre})?") + body
    return body


def label_variants(label: Label) -> list[list[str]]:
    """Every printed form of a label as a list of characters, in the order ``label_pattern`` tries
    them (with the numbering prefix first, then without it unless it is required)."""
    bodies = [[c for c in t if not c.isspace()] for t in label.texts]
    bodies = [b for b in bodies if b]
    if not label.prefix:
        return bodies
    pre = [c for c in label.prefix if not c.isspace()]
    with_prefix = [pre + b for b in bodies]
    return with_prefix if label.prefix_required else with_prefix + bodies


def _build_labels(raw: dict[str, Any]) -> tuple[Label, ...]:
    out: list[Label] = []
    for table, spec in raw["tables"].items():
        for kind, section in (("row", "rows"), ("column", "columns"), ("group", "groups")):
            for key, item in (spec.get(section) or {}).items():
                out.append(Label(
                    table=table, key=key, kind=kind, label=item["label"],
                    aliases=tuple(item.get("aliases") or ()), prefix=item.get("prefix"),
                    prefix_required=bool(item.get("prefix_required", False)), group=item.get("group"),
                ))
        for i, text in enumerate(spec.get("markers") or ()):
            out.append(Label(table=table, key=f"marker{i}", kind="marker", label=text))
    return tuple(out)


@cache
def load() -> Catalogue:
    """The shipped catalogue (parsed once per process)."""
    text = resources.files("audit").joinpath("data/catalogue.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return Catalogue(raw=raw, labels=_build_labels(raw))
