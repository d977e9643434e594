"""Fault suite, configuration: every bad file is one Chinese message naming it, exit 2, before any
report is read (the reader is replaced by one that fails the test if it is ever called)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from audit import cli
from audit.ingest import batch
from tests.faults.helpers import findings, seed

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def src(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "r.txt").write_text(seed(), encoding="utf-8")
    return folder


@pytest.fixture
def no_reading(monkeypatch: pytest.MonkeyPatch):
    """Any report read fails the test: the error must come before."""
    def refuse(*a, **k):
        raise AssertionError("a report was read before the configuration error was reported")

    monkeypatch.setattr(batch, "packed_many", refuse)


def _fails(capsys, argv: list[str], *words: str) -> str:
    rc = cli.main(argv)
    err = capsys.readouterr().err
    assert rc == 2, err
    assert "Traceback" not in err
    for w in words:
        assert w in err, err
    return err


def test_waiver_without_expires_runs(src: Path, tmp_path: Path) -> None:
    w = tmp_path / "w.yaml"
    w.write_text("waivers:\n  - rule: CORE\n    report_id: r\n    reason: 原表印刷错误\n    approved_by: 张三\n",
                 encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["run", str(src), "--out", str(out), "--waivers", str(w), "--jobs", "1", "--quiet"]) == 0
    assert findings(out)["run"]["waivers"]["applied"] is True


@pytest.mark.parametrize("text,field", [
    ("waivers:\n  - rule: X\n    report_id: r\n    approved_by: 张三\n", "reason"),
    ("waivers: [unclosed\n", "w.yaml"),
    ("waivers:\n  - rule: X\n    report_id: r\n    reason: a\n    approved_by: b\n    expires: someday\n", "expires"),
])
def test_bad_waivers_file(src, tmp_path, capsys, no_reading, text: str, field: str) -> None:
    w = tmp_path / "w.yaml"
    w.write_text(text, encoding="utf-8")
    _fails(capsys, ["run", str(src), "--out", str(tmp_path / "o"), "--waivers", str(w)], "豁免文件", "w.yaml", field)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("text,words", [
    (None, ("基线文件", "不存在")),
    ("{not json", ("基线文件", "JSON")),
    ('{"run": {}}', ("基线文件", "'findings'")),
    ('{"findings": [{"rule_id": "X"}]}', ("基线文件", "'report_id'")),
])
def test_bad_or_missing_baseline(src, tmp_path, capsys, no_reading, text, words) -> None:
    b = tmp_path / "old.json"
    if text is not None:
        b.write_text(text, encoding="utf-8")
    _fails(capsys, ["run", str(src), "--out", str(tmp_path / "o"), "--baseline", str(b)], "old.json", *words)


def test_bad_config_file(src, tmp_path, capsys, no_reading) -> None:
    c = tmp_path / "audit.toml"
    c.write_text('select = "not a list"\n', encoding="utf-8")
    _fails(capsys, ["run", str(src), "--out", str(tmp_path / "o"), "--config", str(c)], "audit.toml", "select")


def test_bad_policy_file(src, tmp_path, capsys, no_reading) -> None:
    pol = tmp_path / "policy.toml"
    pol.write_text("start = 'a lot'\n", encoding="utf-8")
    c = tmp_path / "audit.toml"
    c.write_text(f'policy = "{pol}"\n', encoding="utf-8")
    _fails(capsys, ["run", str(src), "--out", str(tmp_path / "o"), "--config", str(c)], "评分策略", "policy.toml")


def test_broken_yaml_pack_is_exit_2_unless_allowed(src, tmp_path, capsys, monkeypatch) -> None:
    pack = tmp_path / "local.yaml"
    pack.write_text("pack: {name: local, version: '1'}\nrules: [{id: X}]\n", encoding="utf-8")
    out = tmp_path / "o"
    real = batch.packed_many
    monkeypatch.setattr(batch, "packed_many", lambda *a, **k: (_ for _ in ()).throw(AssertionError("read")))
    _fails(capsys, ["run", str(src), "--out", str(out), "--rules", str(pack), "--quiet"], "local.yaml",
           "--allow-broken-packs")
    monkeypatch.setattr(batch, "packed_many", real)
    rc = cli.main(["run", str(src), "--out", str(out), "--rules", str(pack), "--quiet", "--allow-broken-packs",
                   "--jobs", "1"])
    assert rc == 0
    assert "local.yaml" in capsys.readouterr().err  # --quiet still says which rules did not run
    assert findings(out)["run"]["pack_load_errors"]


def test_out_naming_an_existing_file(src, tmp_path, capsys, no_reading) -> None:
    f = tmp_path / "out.txt"
    f.write_text("keep me", encoding="utf-8")
    _fails(capsys, ["run", str(src), "--out", str(f)], "out.txt", "文件")
    assert f.read_text(encoding="utf-8") == "keep me"


def test_out_that_cannot_be_created(src, tmp_path, capsys, no_reading) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    _fails(capsys, ["run", str(src), "--out", str(tmp_path / "file" / "out")], "无法创建", "file/out")


def _mount_tmpfs(where: Path, options: str) -> None:
    where.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], check=True,
                       capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot mount a tmpfs here (needs root and mount rights): {exc}")


def _umount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=10)


def test_read_only_out(src, tmp_path, capsys, no_reading) -> None:
    """Root writes through mode bits, so read-only is a read-only mount (skipped where mounting is not allowed)."""
    mnt = tmp_path / "ro"
    _mount_tmpfs(mnt, "size=1m,ro")
    try:
        _fails(capsys, ["run", str(src), "--out", str(mnt / "out")], "无法", "ro/out")
        _fails(capsys, ["run", str(src), "--out", str(mnt)], "无法", "ro")
    finally:
        _umount(mnt)


def test_full_disk_keeps_the_previous_outputs(src, tmp_path, capsys) -> None:
    mnt = tmp_path / "small"
    _mount_tmpfs(mnt, "size=64k")
    try:
        out = mnt / "out"
        out.mkdir()
        (out / "findings.json").write_text('{"old": true}', encoding="utf-8")
        filler = mnt / "filler"
        with open(filler, "wb", buffering=0) as fh:
            try:
                while True:
                    fh.write(b"\0" * 4096)
            except OSError:
                pass
        os.truncate(filler, max(0, os.path.getsize(filler) - 8192))  # room for the staging folder only
        _fails(capsys, ["run", str(src), "--out", str(out), "--jobs", "1"], "无法写入", "磁盘已满")
        assert (out / "findings.json").read_text(encoding="utf-8") == '{"old": true}'
        assert sorted(p.name for p in mnt.iterdir() if p.name.startswith(".out.new-")) == []
    finally:
        _umount(mnt)


@pytest.mark.parametrize("text,word", [(None, "units.csv"), ("地区,层级\n河南,县\n", "单位名称")])
def test_bad_or_missing_units_file(src, tmp_path, capsys, no_reading, text, word) -> None:
    u = tmp_path / "units.csv"
    if text is not None:
        u.write_text(text, encoding="utf-8")
    _fails(capsys, ["run", str(src), "--out", str(tmp_path / "o"), "--units", str(u)], "units.csv", word)
