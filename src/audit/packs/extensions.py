"""What a plugin may add besides rules: output formats, readers and findings filters.

Each is a small frozen record a plugin returns from its hook (``audit.packs.hookspecs``). The
built-in ones are registered through the very same hooks (``audit.packs.plugins.DEFAULT_PLUGINS``,
as datasette registers its defaults), so adding SARIF output or a new input format is one module
with a ``@hookimpl`` plus its test, and no edit anywhere else.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from audit.ingest.extracted import Extracted
    from audit.packs.rule import Rule


@dataclass
class Outputs:
    """Everything an exporter may write from: one run's results."""

    findings: pd.DataFrame  # the findings contract's columns (plus optional fingerprint/baseline)
    scorecard: pd.DataFrame
    rules: list[Rule]  # the rules that ran (the catalogue part of the outputs)
    meta: dict[str, Any] = field(default_factory=dict)  # run metadata (findings.json "run")
    reports: pd.DataFrame | None = None  # corpus.reports (report_id, path, unit, …) when known


@dataclass(frozen=True)
class Exporter:
    """One output format of ``audit run``.

    ``name`` is its ``--format`` value. ``filename`` is the file it writes into ``--out`` on every
    run (None: it writes nothing and only prints). ``write(path, outputs)`` writes that file (through
    ``audit.exporters.atomic``) and returns its path. What ``--format NAME`` prints on stdout:
    ``show(outputs)`` if given, else the file's text when ``text`` is true, else the file's path.
    ``slow`` exporters may be written by a forked process while the others are written.
    """

    name: str
    filename: str | None
    write: Callable[[Path, Outputs], Path] | None = None
    show: Callable[[Outputs], str] | None = None
    text: bool = False
    slow: bool = False
    title: str = ""  # one line in Chinese for the help text


@dataclass(frozen=True)
class Reader:
    """One input format.

    ``suffixes``: the file suffixes a folder walk picks up for it (a file named on the command line
    is always read, whatever its suffix). ``sniff(data, suffix)``: does this reader take these bytes?
    Readers are asked in order of ``priority`` (highest first); the first that says yes reads the
    file. Exactly one of ``extract`` (bytes → text with tables as tab-separated rows, for the one
    normaliser) or ``load`` (bytes and the report skeleton → a finished normalised report, for input
    that is already normalised) is given. Neither may raise for a bad file: a problem entry says why.
    ``Extracted.format`` must be one of the schema's ``source.format`` values (``audit schema``:
    txt, md, html, docx, pdf, unknown), whatever ``name`` the reader registers under.
    """

    name: str
    suffixes: tuple[str, ...]
    sniff: Callable[[bytes, str], bool]
    extract: Callable[[bytes], Extracted] | None = None
    load: Callable[[bytes, dict[str, Any]], dict[str, Any]] | None = None
    priority: int = 0


@dataclass(frozen=True)
class FindingFilter:
    """A step between the engine and scoring (waivers, baselines, …), applied in registration order.

    ``apply(findings, ctx)`` returns a valid findings frame (it may set ``waived``/``waiver_reason``,
    add notice findings or drop rows); handing the same frame back means "nothing changed".
    ``ctx`` has ``args``, ``corpus``, ``rules`` and ``meta`` (``audit.cli.RunContext``).
    """

    name: str
    apply: Callable[[pd.DataFrame, Any], pd.DataFrame]


def reader_problems(reader: Any) -> list[str]:
    """Why ``reader`` is not a usable ``Reader`` (empty when it is)."""
    if not isinstance(reader, Reader):
        return [f"audit_readers() must return audit.packs.extensions.Reader objects, not {type(reader).__name__}"]
    out = []
    if (reader.extract is None) == (reader.load is None):
        out.append(f"reader {reader.name!r} needs exactly one of extract or load")
    if not callable(reader.sniff):
        out.append(f"reader {reader.name!r}: sniff is not callable")
    if any(not s.startswith(".") for s in reader.suffixes):
        out.append(f"reader {reader.name!r}: suffixes start with a dot (.txt)")
    return out


def exporter_problems(exporter: Any) -> list[str]:
    """Why ``exporter`` is not a usable ``Exporter`` (empty when it is)."""
    if not isinstance(exporter, Exporter):
        return [f"audit_exporters() must return audit.packs.extensions.Exporter objects, not {type(exporter).__name__}"]
    out = []
    if not exporter.name or exporter.name != exporter.name.strip().lower() or "," in exporter.name:
        out.append(f"exporter name {exporter.name!r} must be a lower-case word")
    if exporter.filename is not None and (exporter.write is None or os.sep in exporter.filename
                                          or "/" in exporter.filename):
        out.append(f"exporter {exporter.name!r}: a file name needs a writer and may not name a folder")
    if exporter.filename is None and exporter.show is None:
        out.append(f"exporter {exporter.name!r} writes no file and shows nothing")
    return out


def ordered_readers(readers: Sequence[Reader]) -> list[Reader]:
    """The order readers are asked in: priority, highest first; ties in registration order."""
    return sorted(readers, key=lambda r: -r.priority)
