"""The one import a rule-pack author needs: ``from audit.api import hookimpl, rule, Pack, found, Corpus``.

Built-in packs (``audit.rules``) use exactly this module and nothing else of the core, so what a
built-in pack can do, an outside pack can do the same way. Names here are the public contract;
everything else under ``audit`` may change between versions.
"""

from __future__ import annotations

from audit.contracts import catalogue
from audit.contracts.catalogue import Catalogue
from audit.contracts.report import PARSE_KINDS
from audit.corpus.loader import Corpus
from audit.ingest.extracted import Extracted
from audit.packs.extensions import Exporter, FindingFilter, Outputs, Reader
from audit.packs.hookspecs import hookimpl
from audit.packs.rule import API_VERSION, CATEGORIES, SEVERITIES, Pack, Rule, fmt_num, fmt_series, found, rule

__all__ = [
    "API_VERSION",
    "CATEGORIES",
    "Catalogue",
    "Corpus",
    "PARSE_KINDS",
    "SEVERITIES",
    "Pack",
    "Rule",
    "catalogue",
    "fmt_num",
    "fmt_series",
    "found",
    "hookimpl",
    "rule",
]

# Extension points besides rule packs: output formats, readers, findings filters (see docs/authoring.md).
__all__ += ["Exporter", "Extracted", "FindingFilter", "Outputs", "Reader"]
