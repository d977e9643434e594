"""The one import a rule-pack author needs: ``from audit.api import hookimpl, rule, Pack, found, Corpus``.

Built-in packs (``audit.rules``) use exactly this module and nothing else of the core, so what a
built-in pack can do, an outside pack can do the same way. Names here are the public contract;
everything else under ``audit`` may change between versions. ``docs/authoring.md`` documents each
view (columns, shapes, an example).

- declaring rules: ``hookimpl``, ``rule``, ``Rule``, ``Pack``, ``found``, ``CATEGORIES``, ``SEVERITIES``,
  ``API_VERSION``, ``VERSION`` (the core's version, for a pack that ships with it);
- the corpus and its views: ``Corpus`` (frames ``reports``/``sections``/``cells``/``problems``,
  ``derived`` cache, ``grid``, ``number_lines``, ``parse_failed``, ``wide``/``present``,
  ``report_text``), ``grid``/``Grid`` (dense [report, row, col] values and states), ``cell_codes``/
  ``CellCodes``, ``CELL_STATES`` and the state codes ``VALUE``/``BLANK``/``TEXT``/``UNPLACED``,
  ``table_presence``, ``report_positions``, ``has_duplicate_cells``, ``section_keys``/
  ``SectionKeys``, ``sections_present``, ``parse_failed``, ``problems_of``, ``PARSE_KINDS``, ``INCOMPLETE_KINDS``;
- sums for identities: ``sum_parts``, ``row_sums``, ``effective_values``, ``zeroed``, ``TOL``;
- text: ``number_lines``/``NumberLines``, ``text_view`` (the number lines when the patterns allow
  it, else the whole text), ``text_pattern`` (declare a pattern), ``registered_text_patterns``,
  ``fast_path_problem``, ``code_points``, ``COUNT_WORDS``;
- messages: ``places`` (a cell's place as printed), ``join_text``, ``num``, ``fmt_num``,
  ``fmt_series``, ``grid_findings``;
- the catalogue: ``catalogue`` (module), ``load_catalogue()``, ``Catalogue``, ``Identity``,
  ``TABLES``, ``EDITIONS``, ``SECTION_KEYS``;
- declarative packs and tests: ``pack_from_dict``, ``with_pack_names``, ``check_examples``;
- extension points besides rule packs: ``Exporter``, ``Outputs``, ``Reader``, ``Extracted``,
  ``FindingFilter``.
"""

from __future__ import annotations

import audit
from audit.contracts import catalogue
from audit.contracts.catalogue import EDITIONS, SECTION_KEYS, TABLES, Catalogue
from audit.contracts.identities import Identity
from audit.contracts.report import CELL_STATES, PARSE_KINDS
from audit.contracts.rule_fields import CATEGORIES, SEVERITIES
from audit.corpus.fastpath import fast_path_problem
from audit.corpus.grids import (
    BLANK,
    INCOMPLETE_KINDS,
    TEXT,
    TOL,
    UNPLACED,
    VALUE,
    CellCodes,
    Grid,
    cell_codes,
    grid,
    has_duplicate_cells,
    report_positions,
    table_presence,
)
from audit.corpus.keys import SectionKeys, parse_failed, problems_of, section_keys, sections_present
from audit.corpus.loader import Corpus
from audit.corpus.sums import effective_values, row_sums, sum_parts, zeroed
from audit.corpus.text import (
    COUNT_WORDS,
    NumberLines,
    code_points,
    number_lines,
    registered_text_patterns,
    text_pattern,
    text_view,
)
from audit.ingest.extracted import Extracted
from audit.packs.extensions import Exporter, FindingFilter, Outputs, Reader
from audit.packs.hookspecs import hookimpl
from audit.packs.messages import grid_findings, join_text, num, places
from audit.packs.rule import API_VERSION, Pack, Rule, fmt_num, fmt_series, found, rule
from audit.packs.yamlpack import pack_from_dict, with_pack_names
from audit.testing.cases import check_examples

#: The version of the core (built-in packs report it as theirs).
VERSION = audit.__version__


def load_catalogue() -> Catalogue:
    """The shipped edition catalogue (parsed once per process): labels, key lists, identities."""
    return catalogue.load()


__all__ = [
    "API_VERSION", "BLANK", "CATEGORIES", "CELL_STATES", "COUNT_WORDS", "EDITIONS", "INCOMPLETE_KINDS",
    "PARSE_KINDS", "SECTION_KEYS", "SEVERITIES", "TABLES", "TEXT", "TOL", "UNPLACED", "VALUE", "VERSION",
    "Catalogue", "CellCodes", "Corpus", "Grid", "Identity", "NumberLines", "Pack", "Rule", "SectionKeys",
    "catalogue", "cell_codes", "check_examples", "code_points", "effective_values", "fast_path_problem",
    "fmt_num", "fmt_series", "found", "grid", "grid_findings", "has_duplicate_cells", "hookimpl", "join_text",
    "load_catalogue", "num", "number_lines", "pack_from_dict", "parse_failed", "places", "problems_of",
    "registered_text_patterns", "report_positions", "row_sums", "rule", "section_keys", "sections_present", "sum_parts", "table_presence",
    "text_pattern", "text_view", "with_pack_names", "zeroed",
]

# Extension points besides rule packs: output formats, readers, findings filters (see docs/authoring.md).
__all__ += ["Exporter", "Extracted", "FindingFilter", "Outputs", "Reader"]

# A YAML pack shipped inside an installable pack (docs/authoring.md, "An installable pack shipping YAML").
from audit.packs.yamlpack.loading import packaged_yaml_pack  # noqa: E402

__all__ += ["packaged_yaml_pack"]

# The checks' look-ups (audit.corpus.lookups, audit.corpus.ratios): known cells, last year's report,
# prose sentences, kinds of unit, risk ratios.
from audit import __version__  # noqa: E402
from audit.corpus.lookups import (  # noqa: E402
    UNIT_KINDS,
    joined_by_report,
    known_cells,
    option,
    previous_reports,
    sentences,
    unit_kinds,
    units_frame,
    unreadable,
)
from audit.corpus.ratios import RATIOS, risk_ratios  # noqa: E402

__all__ += ["__version__", "RATIOS", "risk_ratios", "UNIT_KINDS", "joined_by_report", "known_cells", "option", "previous_reports", "sentences", "unit_kinds", "units_frame", "unreadable"]
# end of the checks' look-ups

# Shared views for speed (computed once per corpus): each cell's report position, integer keys
# of the prose sentences.
from audit.corpus.grids import cell_report_positions  # noqa: E402
from audit.corpus.lookups import sentence_keys  # noqa: E402

__all__ += ["cell_report_positions", "sentence_keys"]

# The full text of some reports only (``Corpus.report_text().reindex(ids).fillna("")``, without
# joining every report's sections when the corpus' full text is not built yet).
from audit.corpus.text import report_texts  # noqa: E402

__all__ += ["report_texts"]

# Prose sentences as integer arrays (section row, report position, text code; ``sentences`` and
# ``sentence_keys`` are built from them): what rules compare at 100,000 reports without strings.
from audit.corpus.sentences import SentenceRows, sentence_rows  # noqa: E402

__all__ += ["SentenceRows", "sentence_rows"]

# Literals in some reports' full texts, section by section (no joined copy of the texts).
from audit.corpus.text import texts_contain  # noqa: E402

__all__ += ["texts_contain"]

# Edition evidence as a supervisor reads it (the frames keep the reader's data words).
from audit.contracts.edition_evidence import joined_in_chinese as edition_evidence_zh  # noqa: E402

__all__ += ["edition_evidence_zh"]
