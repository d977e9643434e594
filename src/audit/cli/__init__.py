"""The ``audit`` command line: ``run``, ``normalise``, ``rules``, ``keys``, ``config``, ``docs`` and ``schema``.

Exit codes are a contract for scripts and CI: 0 when the command did its job (an audit that finds
problems still ran fine), 1 only when ``--fail-on`` is tripped by a non-waived finding of that
severity or worse, 2 on usage errors (bad path, unknown option, a ``--select``/``--ignore`` that
matches no rule, an unknown rule id).

Output formats (``--format``), readers and the findings filters between the engine and scoring
(waivers, baselines) are plugins of the run's registry (``audit.packs.plugins``): the CLI names
none of them.

Status lines go to stderr so that stdout carries exactly what ``--format`` asked for.

Modules: ``entry`` (``main``), ``parser`` (argparse), ``run`` (``audit run``), ``commands`` (the
other subcommands), ``common`` (usage error, configuration, registry), ``signals`` (SIGINT/SIGTERM),
``argparse_zh`` (argparse's words in Chinese). The names below stay importable from ``audit.cli``;
replace ``audit.cli.load_registry`` to give every subcommand another registry.
"""

from __future__ import annotations

from audit.cli.commands import (
    cmd_config,
    cmd_docs,
    cmd_keys,
    cmd_normalise,
    cmd_rules,
    cmd_schema,
    describe_rule,
    keys_table,
)
from audit.cli.common import UsageError, load_registry, run_config
from audit.cli.entry import main
from audit.cli.parser import FAIL_ON, build_parser
from audit.cli.run import RunContext, check_before_reading, cmd_run, default_inputs, filter_findings
from audit.cli.signals import Terminated, raise_if_signalled

__all__ = [
    "FAIL_ON",
    "RunContext",
    "Terminated",
    "UsageError",
    "build_parser",
    "check_before_reading",
    "cmd_config",
    "cmd_docs",
    "cmd_keys",
    "cmd_normalise",
    "cmd_rules",
    "cmd_run",
    "cmd_schema",
    "default_inputs",
    "describe_rule",
    "filter_findings",
    "keys_table",
    "load_registry",
    "main",
    "raise_if_signalled",
    "run_config",
]
