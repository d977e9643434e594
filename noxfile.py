"""Developer sessions: tests (the README's test command), faults, lint, typecheck, bench."""

from __future__ import annotations

import os

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests"]

PY = "3.11"


@nox.session(python=False if os.environ.get("AUDIT_NOX_NO_VENV") else PY)
def tests(session: nox.Session) -> None:
    """Install the package (non-editable, as users get it) and run the pytest suite."""
    session.install(".[test]")
    session.run("pytest", "-q", *session.posargs)


@nox.session(python=False if os.environ.get("AUDIT_NOX_NO_VENV") else PY)
def faults(session: nox.Session) -> None:
    """The fault suite alone (tests/faults: hostile inputs, bad configuration, signals, the output set),
    bounded in time: no test may take more than 3 minutes (each file sets tighter limits)."""
    session.install(".[test]")
    session.run("pytest", "-q", "tests/faults", "--timeout=180", *session.posargs)


@nox.session(python=PY)
def lint(session: nox.Session) -> None:
    session.install("ruff")
    session.run("ruff", "check", "src", "rules", "tests", "noxfile.py")


@nox.session(python=PY)
def typecheck(session: nox.Session) -> None:
    session.install(".", "mypy", "pandas-stubs", "types-PyYAML", "types-tabulate")
    session.run("mypy", "src/audit")


@nox.session(python=PY)
def bench(session: nox.Session) -> None:
    """Generate a synthetic corpus and time normalise / rules / run (see benchmarks/)."""
    session.install(".")
    session.run("python", "benchmarks/bench.py", *session.posargs)
