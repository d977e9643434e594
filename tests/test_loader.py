"""The loader: normalised reports → corpus frames, from dicts or from worker-packed batches."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pandera.errors as pa_errors
import pytest

from audit.corpus import frames, loader
from audit.ingest import columnar
from audit.ingest.batch import assign_ids, packed_many
from audit.ingest.normalise import normalise_text
from tests.shared_paths import REPO

SEED_FILES = sorted((REPO / "reports").glob("*.txt"))  # the five seeds, bundled with the tool


def seed_text(i: int) -> str:
    return SEED_FILES[i].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_reports() -> list[dict]:
    return [normalise_text(seed_text(i), f"seed{i}") for i in range(5)]


def _frames(corpus: loader.Corpus) -> dict[str, pd.DataFrame]:
    return {k: getattr(corpus, k) for k in ("reports", "sections", "cells", "problems")}


def test_batch_boundaries_do_not_change_the_corpus(seed_reports):
    whole = loader.load(seed_reports)
    split = loader.load_batches([columnar.pack(seed_reports[:2]), columnar.pack([]), columnar.pack(seed_reports[2:])])
    for name, frame in _frames(whole).items():
        pd.testing.assert_frame_equal(frame, getattr(split, name), obj=name)


def test_cells_are_keyed_by_categories_and_keep_raw_text(seed_reports):
    corpus = loader.load(seed_reports)
    cells = corpus.cells
    assert len(cells) == sum(len(r["cells"]) for r in seed_reports)
    assert cells["table"].dtype == frames.TABLE_DTYPE and cells["row"].dtype == frames.ROW_DTYPE
    assert list(cells["report_id"].cat.categories) == [r["report_id"] for r in seed_reports]
    # Raw texts: sorted categories, every cell's raw text as printed.
    cats = list(cells["raw"].cat.categories)
    assert cats == sorted(cats)
    expected = [c["raw"] for r in seed_reports for c in r["cells"]]
    got = cells["raw"].astype(object).where(cells["raw"].notna(), None).tolist()
    assert got == expected
    values = [np.nan if c["value"] is None else c["value"] for r in seed_reports for c in r["cells"]]
    np.testing.assert_array_equal(cells["value"].to_numpy(), np.asarray(values, dtype=float))


def test_worker_packed_files_give_the_same_corpus_as_dicts(seed_reports, tmp_path):
    paths = []
    for i in range(5):
        p = tmp_path / f"seed{i}.txt"
        p.write_text(seed_text(i), encoding="utf-8")
        paths.append(p)
    ids = assign_ids(paths)
    packed = loader.load_batches(packed_many(paths, ids, jobs=2, progress=False))
    from audit.ingest.batch import normalise_many

    dicts = loader.load(normalise_many(paths, ids, jobs=1, progress=False))
    for name, frame in _frames(dicts).items():
        pd.testing.assert_frame_equal(frame, getattr(packed, name), obj=name)


def test_a_duplicated_cell_is_a_schema_error(seed_reports):
    rep = copy.deepcopy(seed_reports[1])
    rep["cells"].append(dict(rep["cells"][0]))
    with pytest.raises(pa_errors.SchemaError, match="one cell per"):
        loader.load([rep])


def test_empty_corpus_and_reports_without_cells():
    assert len(loader.load([])) == 0
    rep = normalise_text("", "empty")
    corpus = loader.load([rep])
    assert len(corpus) == 1 and corpus.cells.empty and list(corpus.problems["kind"]) == ["empty"]


def test_a_packer_failure_becomes_an_unreadable_report_not_a_lost_one():
    from audit.ingest.batch import _pack_safely

    good = normalise_text("", "fine")
    bad = copy.deepcopy(good) | {"report_id": "broken", "cells": [{"table": "requests", "row": "new",
                                                                  "col": "total", "value": "x", "raw": "x"}]}
    corpus = loader.load_batches([_pack_safely([good, bad])])
    assert list(corpus.reports["report_id"]) == ["fine", "broken"]
    assert "unreadable" in set(corpus.problems.loc[corpus.problems["report_id"] == "broken", "kind"])


def _mutations(rep: dict) -> list[dict]:
    """Reports that break the contract in different places."""
    out = []
    for path, value in ((("cells", 0, "value"), "x"), (("cells", 0, "table"), 3), (("year",), "2020"),
                        (("edition",), "2020"), (("source", "sha256"), "xyz"), (("published",), "2020/1/1"),
                        (("problems",), [{"kind": "nonsense"}]), (("schema_version",), "3"),
                        (("cells", 0, "state"), "zero"),
                        (("sections", 0, "number"), "一")):
        bad = copy.deepcopy(rep)
        node = bad
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value
        out.append(bad)
    extra = copy.deepcopy(rep)
    extra["surprise"] = 1
    out.append(extra)
    return out


def test_fast_schema_check_agrees_with_jsonschema(seed_reports):
    from audit.contracts import report

    for rep in seed_reports:
        assert report.is_valid(rep) and report.errors(rep) == []
        for bad in _mutations(rep):
            assert not report.is_valid(bad)
            assert report.errors(bad), bad


def test_drop_views_keeps_only_the_named_views_and_the_rest_are_rebuilt(seed_reports):
    """After the rules, ``audit run`` keeps the risk ratios' view (scoring reads it) and drops the
    grids; a dropped view is rebuilt, equal, when asked for again."""
    from audit.corpus.ratios import RISK_VIEW, risk_ratios

    corpus = loader.load(seed_reports)
    ratios = risk_ratios(corpus)
    grid = corpus.grid("requests")
    assert any(k.startswith(RISK_VIEW) for k in corpus._wide) and len(corpus._wide) > 1
    corpus.drop_views(keep=(RISK_VIEW,))
    assert list(corpus._wide) and all(k.startswith(RISK_VIEW) for k in corpus._wide)
    assert risk_ratios(corpus) is ratios
    np.testing.assert_array_equal(corpus.grid("requests").value, grid.value)
    corpus.drop_views()
    assert not corpus._wide
