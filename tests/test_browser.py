"""report.html in a real headless Chromium: charts render, no script error, XSS text stays text.

Skipped (with the reason) when no Chromium is installed; CI installs Debian's ``chromium``.
The screenshot is kept under ``test-artifacts/report.png`` for a human to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from audit.exporters.html import write_html

EVIL = "<script>alert(1)</script>"


def findings_frame() -> pd.DataFrame:
    base = dict(pack="arithmetic", points=5.0, expected="5", actual="4", waived=False, waiver_reason=None)
    return pd.DataFrame([
        dict(base, report_id="r1", rule_id="ARITH-REQ-BALANCE", category="arithmetic", severity="error",
             table="requests", row="new", col="natural", message="「三、收到和处理政府信息公开申请情况」表不平衡" + EVIL),
        dict(base, report_id="r1", rule_id="SECT-MISSING", category="sections", severity="warning",
             table=None, row=None, col=None, message="缺少“五、存在的主要问题及改进情况”"),
        dict(base, report_id="r2", rule_id="ZERO-ALL", category="zeros", severity="info",
             table="active", row=None, col=None, message="「二、主动公开政府信息情况」表全部为零"),
    ])


def scorecard_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "report_id": ["r1", "r2", "r3"], "unit": ["冶金街道" + EVIL, "朱兰街道", None],
        "year": pd.array([2024, 2023, None], dtype="Int64"), "edition": ["2021", "2021", None],
        "score": [93.0, 100.0, 70.5], "grade": ["优秀", "优秀", "合格"], "rank": [2, 1, 3],
        "errors": [1, 0, 0], "warnings": [1, 0, 0], "infos": [0, 1, 0],
    })

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def _chromium() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


CHROMIUM = _chromium()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (apt-get install chromium to run it)"),
]


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    base = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}"]
    env = {**os.environ, "HOME": str(tmp_path)}
    return subprocess.run(base + args, capture_output=True, text=True, timeout=120, env=env, check=False)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("browser")
    path = write_html(tmp / "report.html", findings_frame(), scorecard_frame(), [], {"tool_version": "test"})
    return path, tmp


def test_charts_render_without_script_errors(report):
    path, tmp = report
    done = _run(["--virtual-time-budget=5000", "--dump-dom", path.as_uri()], tmp)
    dom = done.stdout
    assert "<body" in dom, done.stderr[-2000:]
    for div in ("chart-scores", "chart-categories", "chart-rules"):
        chart = re.search(rf'<div class="chart[^"]*" id="{div}".*?</div>\s*<script', dom, re.S)
        assert chart is not None, f"{div} missing from the DOM"
        assert "main-svg" in chart.group(0) and "<svg" in chart.group(0), f"{div} has no rendered plot"
    errors = re.search(r'<div id="js-errors">(.*?)</div>', dom, re.S)
    assert errors is not None and errors.group(1).strip() == "", errors.group(1) if errors else dom[:500]
    assert "<script>alert(1)</script>" not in dom.replace(EVIL.replace("<", "&lt;").replace(">", "&gt;"), "")


def test_sort_click_reorders_units(report):
    path, tmp = report
    # a second page that clicks the 得分 header once (ascending) and then dumps the DOM
    clicker = path.with_name("click.html")
    page = path.read_text(encoding="utf-8").replace(
        "</body>", '<script>document.querySelectorAll("#units-table th")[4].click();</script></body>')
    clicker.write_text(page, encoding="utf-8")
    dom = _run(["--virtual-time-budget=3000", "--dump-dom", clicker.as_uri()], tmp).stdout
    body = dom[dom.index('id="units-table"'):]
    order = re.findall(r'<a href="#report-\d">(r\d)</a>', body)
    assert order == ["r3", "r1", "r2"]  # 70.5, 93, 100


def test_screenshot(report):
    path, tmp = report
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    done = _run(["--virtual-time-budget=5000", "--hide-scrollbars", f"--screenshot={shot}",
                 "--window-size=1280,2000", path.as_uri()], tmp)
    assert shot.exists() and shot.stat().st_size > 10_000, done.stderr[-2000:]
