"""Fault suite, archives: a .docx zip bomb is refused with bounded memory, before inflating."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from audit.ingest import docx_reader
from audit.ingest.normalise import read_report

pytestmark = pytest.mark.timeout(90)


def _minimal_docx() -> bytes:
    docx = pytest.importorskip("docx")
    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("2023年政府信息公开工作年度报告")
    d.save(buf)
    return buf.getvalue()


def _bomb(path: Path, inflated_mb: int) -> None:
    """A real .docx plus one member of zeros that inflates to ``inflated_mb`` (a few hundred KB on disk)."""
    with zipfile.ZipFile(io.BytesIO(_minimal_docx())) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info, src.read(info))
        with z.open("word/media/image1.png", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(inflated_mb):
                fh.write(chunk)


def test_docx_bomb_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    _bomb(bomb, 300)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    probe = textwrap.dedent(f"""
        import resource, sys
        from audit.ingest.normalise import read_report
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        rep = read_report({str(bomb)!r}, "bomb")
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(rep["problems"][0]["kind"], (after - before) // 1024)
        print(rep["problems"][0]["detail"])
    """)
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    first, detail = proc.stdout.splitlines()[:2]
    kind, grown_mb = first.split()
    assert kind == "too_large" and "压缩炸弹" in detail
    assert int(grown_mb) < 100, f"reading the bomb grew memory by {grown_mb} MB"


def test_too_many_entries_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "many.docx"
    with zipfile.ZipFile(io.BytesIO(_minimal_docx())) as src, zipfile.ZipFile(p, "w") as z:
        for info in src.infolist():
            z.writestr(info, src.read(info))
        for i in range(docx_reader.MAX_ENTRIES + 1):
            z.writestr(f"extra/item{i}.xml", "")
    rep = read_report(p, "many")
    assert rep["problems"][0]["kind"] == "too_large" and "过多" in rep["problems"][0]["detail"]


def test_macro_enabled_docx_message_holds_no_memory_address(tmp_path: Path) -> None:
    p = tmp_path / "macro.docx"
    with zipfile.ZipFile(io.BytesIO(_minimal_docx())) as src, zipfile.ZipFile(p, "w") as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
            z.writestr(info, data)
    details = [read_report(p, "m")["problems"][0]["detail"] for _ in range(2)]
    assert details[0] == details[1] and "0x" not in details[0]
    assert "宏" in details[0]
