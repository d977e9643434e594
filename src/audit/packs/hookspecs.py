"""The plugin interface (pluggy project ``audit``): the one module of hook specifications.

A pack is any module or object with ``@hookimpl`` functions, found through the entry-point group
``audit`` (built-in packs use the very same group), or given with ``--rules PATH``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from audit.packs.rule import Pack

PROJECT = "audit"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def audit_pack() -> Pack:  # type: ignore[empty-body]
    """Return this plugin's pack: its name, version, API version and rules."""
