"""Fixtures shared by the built-in pack tests: the seed reports and real reports read for real."""

from __future__ import annotations

import warnings

import pytest

from tests.shared_paths import REAL, SEEDS

# Real reports used by the arithmetic/structure/zeros/template tests (fast to read: no PDF but one).
REAL_FILES = ("pingtan-archive__pingtan-2018-legacy.txt", "pingtan-archive__pingtan-2020.txt",
              "unidentified-github__shanghai-govoffice-2019.html", "kirogovcompare__huaian-hongze-2023.pdf")


def _read(paths):
    from audit.corpus.loader import load
    from audit.ingest.normalise import read_report

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load([read_report(p, p.stem) for p in paths])


@pytest.fixture(scope="session")
def seed_corpus():
    """The five seed reports (report ids are the file stems, e.g. ``001_2e0bbb7745e2b5ab``)."""
    paths = sorted(SEEDS.glob("*.txt"))
    if len(paths) < 5:
        pytest.skip("seed reports not available")
    return _read(paths)


@pytest.fixture(scope="session")
def real_corpus():
    """A few real published reports with known defects (see REAL_FILES)."""
    paths = [REAL / f for f in REAL_FILES]
    if not all(p.exists() for p in paths):
        pytest.skip("real corpus not available")
    return _read(paths)

