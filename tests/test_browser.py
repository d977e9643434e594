"""report.html in a real headless Chromium driven by Selenium (Debian's chromium + chromium-driver).

Over the seeds run by the CLI: the charts render without a script error, typing into the search box
shows only the matching rows, the filters and the sort work, and one unit printed to PDF (CDP
``Page.printToPDF``) holds that unit's findings and no other unit's. The screenshot (filters and a
unit's printable section) is kept under ``test-artifacts/report.png`` for a human to look at.
Skipped, with the reason, where Chromium, its driver or Selenium is absent.
"""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from audit import cli
from audit.exporters.html import write_html

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
EVIL = "<script>alert(1)</script>"


def _find(*names: str) -> str | None:
    for name in names:
        path = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
        if path:
            return path
    return None


CHROMIUM = _find("chromium", "chromium-browser", "google-chrome")
DRIVER = _find("chromedriver")
try:
    import selenium  # noqa: F401
    HAVE_SELENIUM = True
except ImportError:
    HAVE_SELENIUM = False

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (apt-get install chromium)"),
    pytest.mark.skipif(DRIVER is None, reason="no chromedriver (apt-get install chromium-driver)"),
    pytest.mark.skipif(not HAVE_SELENIUM, reason="selenium is not installed (pip install -e '.[test]')"),
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    out = tmp / "out"
    assert cli.main(["run", str(REPO / "reports"), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--window-size=1280,1600", f"--user-data-dir={tmp_path_factory.mktemp('profile')}"):
        options.add_argument(arg)
    d = webdriver.Chrome(service=Service(DRIVER), options=options)
    d.set_page_load_timeout(60)
    yield d
    d.quit()


def _open(driver, path: Path) -> None:
    driver.get(path.as_uri())
    driver.execute_script("window.auditApplyFilters && window.auditApplyFilters();")


def _shown_rows(driver) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#units-table tbody tr'))"
        ".filter(function (r) { return r.offsetParent !== null; }).map(function (r) { return r.dataset.report; });")


def test_the_seeds_page_is_small_and_renders_its_charts_without_errors(run, driver):
    page = run / "report.html"
    assert page.stat().st_size <= 1_500_000
    _open(driver, page)
    assert driver.find_element("id", "js-errors").text == ""
    for div in ("chart-scores", "chart-categories", "chart-rules"):
        svg = driver.execute_script(f"return document.querySelectorAll('#{div} svg').length;")
        assert svg >= 1, f"{div} has no rendered chart"
    labels = driver.execute_script("return document.getElementById('chart-categories').textContent;")
    assert "勾稽关系" in labels or "表格结构" in labels or "章节完整性" in labels


def test_typing_into_the_search_box_shows_only_matching_rows(run, driver):
    _open(driver, run / "report.html")
    card = pd.read_csv(run / "scorecard.csv", encoding="utf-8-sig")
    assert len(_shown_rows(driver)) == len(card)
    box = driver.find_element("id", "search")
    box.send_keys("朱兰")
    shown = _shown_rows(driver)
    expected = card.loc[card["单位"].fillna("").str.contains("朱兰"), "报告编号"].tolist()
    assert shown == expected and len(shown) == 1
    sections = driver.execute_script(
        "return Array.from(document.querySelectorAll('section.unit')).filter(function (s) "
        "{ return s.offsetParent !== null; }).map(function (s) { return s.dataset.report; });")
    assert sections == expected
    assert "显示 1 / " in driver.find_element("id", "shown-count").text
    box.clear()
    box.send_keys("arith-req")  # a rule id, typed in lower case
    by_rule = set(_shown_rows(driver))
    findings = pd.read_csv(run / "findings.csv", encoding="utf-8-sig")
    live = findings[findings["已豁免"] == "否"]
    assert by_rule == set(live.loc[live["规则编号"].str.startswith("ARITH-REQ"), "报告编号"])


def test_filters_and_sorting(run, driver):
    from selenium.webdriver.support.ui import Select

    _open(driver, run / "report.html")
    findings = pd.read_csv(run / "findings.csv", encoding="utf-8-sig")
    live = findings[findings["已豁免"] == "否"]
    Select(driver.find_element("id", "f-severity")).select_by_value("error")
    assert set(_shown_rows(driver)) == set(live.loc[live["级别"] == "错误", "报告编号"])
    driver.find_element("id", "f-reset").click()
    card = pd.read_csv(run / "scorecard.csv", encoding="utf-8-sig")
    scores = card.sort_values(["得分", "报告编号"])["报告编号"].tolist()
    assert _shown_rows(driver) == scores  # by score, worst first, by default
    driver.execute_script("document.querySelectorAll('#units-table th')[0].click();")  # 报告编号 ascending
    assert _shown_rows(driver) == sorted(scores)


def test_one_unit_prints_alone_as_a_notice_with_its_findings(run, driver):
    import pdfplumber

    _open(driver, run / "report.html")
    findings = pd.read_csv(run / "findings.csv", encoding="utf-8-sig")
    live = findings[findings["已豁免"] == "否"]
    target = live["报告编号"].value_counts().index[0]  # the report with the most findings
    section = driver.execute_script(
        f"return document.querySelector('section.unit[data-report=\"{target}\"]').id;")
    driver.execute_script(f"window.auditPrintUnit('{section}', false);")
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True})
    with pdfplumber.open(io.BytesIO(base64.b64decode(pdf["data"]))) as doc:
        text = "".join(page.extract_text() or "" for page in doc.pages)
    flat = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))  # PDF glyphs come back as ⼯ for 工
    assert "整改通知" in flat and "(北京时间)" in flat  # NFKC: full-width brackets are ASCII here
    mine = live[live["报告编号"] == target]
    for message in mine["问题说明"]:
        assert re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(message)))[:30] in flat, message
    others = set(findings["报告编号"]) - {target}
    assert not any(o in flat for o in others)  # no other unit's section in this notice
    driver.execute_script("window.auditPrintAll();")


def test_screenshot_shows_the_filters_and_a_printable_section(run, driver):
    _open(driver, run / "report.html")
    driver.find_element("id", "search").send_keys("街道")
    driver.execute_script("document.querySelector('section.unit:not(.hidden)').scrollIntoView();"
                          "window.scrollBy(0, -120);")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    driver.save_screenshot(str(shot))
    assert shot.exists() and shot.stat().st_size > 10_000


def test_report_text_never_runs_as_script(tmp_path, driver):
    f = pd.DataFrame([dict(report_id="r1", rule_id="ARITH-REQ-BALANCE", pack="arithmetic", category="arithmetic",
                           severity="error", points=5.0, table="requests", row="new", col="natural", expected=5,
                           actual=4, message="不平衡" + EVIL, waived=False, waiver_reason=None)])
    card = pd.DataFrame({"report_id": ["r1"], "unit": ["冶金街道" + EVIL], "year": [2024], "score": [95.0],
                         "grade": ["优秀"], "rank": [1], "errors": [1], "warnings": [0], "infos": [0]})
    path = write_html(tmp_path / "evil.html", f, card, [], {"tool_version": "test"})
    driver.get(path.as_uri())
    assert driver.execute_script("return document.querySelectorAll('script').length;") == 4  # trap, ECharts, chart data, page
    assert EVIL in driver.find_element("id", "report-0").text
    assert json.loads(driver.execute_script("return JSON.stringify(document.getElementById('js-errors').textContent);")) == ""
