"""What every subcommand shares: the usage error (exit 2), status lines on stderr, the run's
effective configuration and its registry of rule packs.

``load_registry`` is looked up on ``audit.cli`` by the subcommands (``pack_registry``), so that a test
or an embedding program can replace it there.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the registry (and pandas with it) is loaded by the commands that need it
    from audit.packs import plugins


class UsageError(Exception):
    """Wrong use of the command line: reported on stderr with exit code 2."""


def _say(*parts: Any) -> None:
    print(*parts, file=sys.stderr)


def load_registry(args: argparse.Namespace) -> plugins.Registry:
    """All rule packs for this run: entry points plus local packs (``--rules`` and the config's ``rules``)."""
    from audit.packs import plugins
    from audit.packs.yamlpack import local_plugins

    cfg = run_config(args)
    extra, errors = local_plugins(cfg.get("rules") or [])
    registry = plugins.load_registry(extra)
    registry.errors.extend(plugins.LoadError(e.pack, f"{e.source}: {e.reason}") for e in errors)
    return registry


def run_config(args: argparse.Namespace) -> Any:
    """The effective configuration (``audit.packs.config``): file, then these options; cached on ``args``."""
    from audit.packs import config

    if getattr(args, "_config", None) is None:
        cli = {"select": getattr(args, "select", None), "ignore": getattr(args, "ignore", None),
               "rules": getattr(args, "rules", None), "waivers": getattr(args, "waivers", None)}
        try:
            args._config = config.load_config(getattr(args, "config", None), cli=cli)
        except config.ConfigError as exc:
            raise UsageError(str(exc)) from exc
    return args._config


def pack_registry(args: argparse.Namespace) -> plugins.Registry:
    """``audit.cli.load_registry(args)``, through the package so that a replacement there is used."""
    from audit import cli

    return cli.load_registry(args)
