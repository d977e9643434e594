"""The plugin interface (pluggy project ``audit``): the one module of hook specifications.

A plugin is any module or object with ``@hookimpl`` functions, found through the entry-point
group ``audit`` (built-in packs use the very same group), or given with ``--rules PATH``. The
core's own outputs, readers and findings filters are registered through these same hooks
(``audit.packs.plugins.DEFAULT_PLUGINS``), exactly like an outside plugin's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from collections.abc import Sequence

    from audit.packs.extensions import Exporter, FindingFilter, Reader
    from audit.packs.rule import Pack

PROJECT = "audit"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def audit_pack() -> Pack:  # type: ignore[empty-body]
    """Return this plugin's pack: its name, version, API version and rules."""


@hookspec
def audit_exporters() -> Sequence[Exporter]:  # type: ignore[empty-body]
    """Return the output formats this plugin adds (``audit.packs.extensions.Exporter``)."""


@hookspec
def audit_readers() -> Sequence[Reader]:  # type: ignore[empty-body]
    """Return the input formats this plugin reads (``audit.packs.extensions.Reader``)."""


@hookspec
def audit_finding_filters() -> Sequence[FindingFilter]:  # type: ignore[empty-body]
    """Return the steps this plugin adds between the engine and scoring (``FindingFilter``)."""
