"""HTML reader: grid mapping of spans, blank cells, chrome removal, encodings, broken input."""

from __future__ import annotations

import re

import pytest

from audit.ingest.html_reader import extract
from tests.shared_paths import REAL, cell_readings

PAGE = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>页面标题</title>
<style>td {{color: red}}</style><script>var x = "二、主动公开政府信息情况";</script></head>
<body><nav>首页 &gt; 政务公开</nav><div class="content">
<p>某某区2024年政府信息公开工作年度报告</p><p>发布时间：2025年1月20日</p>
<p>一、总体情况</p><p>本年受理申请<b>3</b>件。</p>
<table><tbody>
<tr><td colspan="3" rowspan="2">（本列数据的勾稽关系）</td><td colspan="2">申请人情况</td></tr>
<tr><td>自然人</td><td>总计</td></tr>
<tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>3</td><td>3</td></tr>
<tr><td rowspan="2">三、本年度办理结果</td><td colspan="2">（一）予以公开</td><td>&nbsp;</td><td>2</td></tr>
<tr><td colspan="2">（二）部分<br/>公开</td><td>1</td><td></td></tr>
</tbody></table>
<p>五、存在的主要问题及改进情况</p></div><footer>版权所有</footer></body></html>"""


def test_spans_map_to_grid_and_blank_cells_stay():
    ex = extract(PAGE.format(charset="utf-8").encode("utf-8"))
    assert ex.format == "html" and ex.layout == "html" and ex.encoding == "utf-8" and ex.problems == []
    lines = ex.text.splitlines()
    assert lines[:4] == ["某某区2024年政府信息公开工作年度报告", "发布时间：2025年1月20日", "一、总体情况", "本年受理申请3件。"]
    rows = [line for line in lines if "\t" in line]
    assert rows == [
        "（本列数据的勾稽关系）\t申请人情况",
        "\t自然人\t总计",  # the rowspan from above leaves an empty cell in its place
        "一、本年新收政府信息公开申请数量\t3\t3",  # a colspan is one cell, not three
        "三、本年度办理结果\t（一）予以公开\t\t2",  # &nbsp; stays an empty cell in the middle
        "\t（二）部分 公开\t1\t",  # <br> is a space; the trailing blank cell is kept
    ]
    assert lines[-1] == "五、存在的主要问题及改进情况"


def test_chrome_scripts_styles_removed_and_published_read():
    ex = extract(PAGE.format(charset="utf-8").encode("utf-8"))
    for chrome in ("首页", "版权所有", "var x", "color: red", "页面标题"):
        assert chrome not in ex.text
    assert ex.published == "2025-01-20"


def test_gb18030_page_with_meta_charset():
    ex = extract(PAGE.format(charset="gb2312").encode("gb18030"))
    assert ex.encoding == "gb18030"
    assert "三、本年度办理结果\t（一）予以公开\t\t2" in ex.text


def test_gb18030_page_without_declaration_is_detected():
    page = PAGE.replace('<meta charset="{charset}">', "").replace("{{", "{").replace("}}", "}")
    ex = extract(page.encode("gb18030"))
    assert "一、本年新收政府信息公开申请数量\t3\t3" in ex.text
    assert ex.encoding in ("gb18030", "gbk", "gb2312", "cp936")


def test_utf16_bom_and_utf8_bom():
    page = PAGE.format(charset="utf-8")
    assert "一、总体情况" in extract(b"\xff\xfe" + page.encode("utf-16-le")).text
    assert extract(b"\xef\xbb\xbf" + page.encode("utf-8")).encoding == "utf-8"


@pytest.mark.parametrize("data, kind", [
    (b"", "empty"),
    (b"   \n", "empty"),
    (bytes(range(256)) * 20, "unreadable"),
    (b"<html><body><p>\xe4\xb8\x80\xe3\x80\x81\xe6\x80\xbb\xe4\xbd\x93", "truncated"),
])
def test_broken_input_never_raises(data, kind):
    ex = extract(data)
    assert kind in [p["kind"] for p in ex.problems]


def _rows(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines() if "\t" in line]


@pytest.mark.skipif(not REAL.is_dir(), reason="real corpus ../shared/corpus/real not beside the repository")
def test_real_shanghai_2019_blank_cells_and_spans():
    ex = extract((REAL / "unidentified-github__shanghai-govoffice-2019.html").read_bytes())
    assert ex.problems == [] and ex.published == "2020-01-31"
    rows = _rows(ex.text)
    assert len(rows) == 43
    assert ["规章", "13", "13", "524"] in rows  # colspan=2 on the middle value is one cell
    assert ["行政事业性收费", "0", "0"] in rows
    assert ["一、本年新收政府信息公开申请数量", "821", "35", "", "", "2", "1", "859"] in rows
    assert ["三、本年度办理结果", "（一）予以公开", "258", "12", "", "", "1", "1", ""] in rows
    assert ["", "", "2.其他法律行政法规禁止公开", "", "", "", "", "", "", ""] in rows
    assert rows[-1] == ["5", "", "", "2", "7", "8", "", "", "1", "9", "", "", "", "", ""]


@pytest.mark.skipif(not REAL.is_dir(), reason="real corpus ../shared/corpus/real not beside the repository")
def test_real_hangzhou_style_fixture():
    ex = extract((REAL / "kirogovcompare__fixture-hangzhou-style-2025-partial.html").read_bytes())
    assert ex.problems == []
    rows = _rows(ex.text)
    assert len(rows) == 42
    assert ["行政许可", "11398889"] in rows
    assert ["", "（七）总计", "13364", "252", "0", "44", "121", "29", "13810"] in rows
    assert rows[-1] == "376 97 196 121 790 16 1 12 27 56 74 1 30 51 156".split()


# -- text the page hides: anti-copy spans between characters, never a digit of a count ------------

@pytest.mark.skipif(not REAL.is_dir(), reason="real corpus ../shared/corpus/real not beside the repository")
@pytest.mark.parametrize("hidden", ["<span style='display:none'>7</span>", '<span style="DISPLAY: none">0</span>',
                                    "<font style='visibility:hidden'>3</font>", "<span hidden>5</span>"])
def test_hidden_text_in_a_cell_is_no_part_of_its_count(tmp_path, hidden):
    from audit.ingest.normalise import read_report

    page = (REAL / "unidentified-github__shanghai-govoffice-2019.html").read_text(encoding="utf-8")
    cells = {}
    for name, html in (("base", page), ("hidden", re.sub(r"(<td[^>]*>(?:\s*<[^>]+>)*\s*\d+)", lambda m: m.group(1) + hidden, page))):
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        cells[name] = cell_readings(read_report(str(path), "r"))
    assert cells["hidden"] == cells["base"]  # a hidden digit after every count of every table


def test_hidden_decoys_between_characters_are_dropped_and_a_hidden_article_is_kept():
    decoys = "<p>本年度受理申<span style='display:none'>ab3</span>请1<span hidden>9</span>2件。</p>"
    assert "本年度受理申请12件。" in extract(f"<html><body>{decoys}</body></html>".encode()).text
    article = "<div style='display:none'><p>一、总体情况</p><p>本年度共受理政府信息公开申请12件，均按期答复。</p></div>"
    assert "本年度共受理政府信息公开申请12件" in extract(f"<html><body>{article}</body></html>".encode()).text
