"""The entry point: parse (argparse's own words in Chinese), dispatch to the subcommand, turn usage
errors and interrupts into exit codes."""

from __future__ import annotations

import signal
from collections.abc import Sequence

from audit.cli import argparse_zh
from audit.cli.common import UsageError, _say
from audit.cli.parser import _extend, build_parser
from audit.cli.signals import Terminated, install_signal_handlers


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``audit`` console script; returns the exit code (130 after Ctrl-C,
    143 after SIGTERM: both stop the readers, remove the staged outputs and keep the old ones)."""
    previous = install_signal_handlers()
    try:
        return _main(argv)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _main(argv: Sequence[str] | None) -> int:
    try:
        with argparse_zh.chinese():
            parser = build_parser()
            args = parser.parse_args(argv)
        for name in ("select", "ignore"):
            if hasattr(args, name):
                setattr(args, name, _extend(getattr(args, name)))
        return int(args.func(args))
    except UsageError as exc:
        _say(f"错误：{exc}")
        return 2
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    except KeyboardInterrupt as exc:
        from audit.ingest.batch import stop_all_workers

        stop_all_workers()
        if isinstance(exc, Terminated):
            _say("已终止（SIGTERM），未写出任何输出")
            return 128 + signal.SIGTERM
        _say("已中断，未写出任何输出")
        return 130
