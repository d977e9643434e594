"""Unit name, reporting year, publication date, and page debris.

- ``unit``: from the title (…XX街道办事处2021年政府信息公开工作年度报告, or a crawler's 标题: line),
  else from an opening such as "2024年，冶金街道在…"; null when the report never names it
  ("我街道" is not a name).
- ``year``: the reporting year from the title, else the statistics period (统计期限…2024年1月1日),
  else the year most written in the text. Title and period disagreeing is a ``year_conflict``.
- ``published``: a stated 发布日期 / 发布时间 / 成文日期 (crawler headers included).
"""

from __future__ import annotations

import re
from collections import Counter

from audit.contracts.report import problem

_TITLE_TAIL = r"(?:政府信息公开|政务公开|信息公开)[\s\u3000]*(?:工作)?[\s\u3000]*(?:年度)?[\s\u3000]*报[\s\u3000]*告"
_TITLE = re.compile(
    r"(?P<head>[^\n。；;：:，,]{0,60}?)[\s\u3000]*" + _TITLE_TAIL
)
_YEAR_IN_TITLE = re.compile(r"(?P<y>(?:19|20)\d{2})[\s\u3000]*年(?:度)?")
_PERIOD = re.compile(
    r"统计(?:期限|周期|时限|区间|时间|范围)[^。\n]{0,12}?(?P<y>(?:19|20)\d{2})[\s\u3000]*年[\s\u3000]*1[\s\u3000]*月[\s\u3000]*1[\s\u3000]*日"
)
_TEXT_YEAR = re.compile(r"(?P<y>(?:19|20)\d{2})[\s\u3000]*年(?![\s\u3000]*\d{1,2}[\s\u3000]*月)")
_PUBLISHED = re.compile(
    r"(?:发布日期|发布时间|发文日期|成文日期|时间)[\s\u3000]*[:：]?[\s\u3000]*"
    r"(?P<y>(?:19|20)\d{2})[-年/.．](?P<m>\d{1,2})[-月/.．](?P<d>\d{1,2})"
)
_UNIT_SUFFIX = (r"(?:街道办事处|办事处|街道|人民政府|政府|乡|镇|管委会|委员会|综合实验区|实验区|开发区|新区|局|委|厅|办|"
                r"办公室|中心|院|署|所|站|区|县|市|州|盟|旗)")
_OPENING_UNIT = re.compile(
    r"(?:19|20)\d{2}[\s\u3000]*年(?:度)?[，,][\s\u3000]*(?P<unit>[\u4e00-\u9fa5]{2,24}?" + _UNIT_SUFFIX + r")"
    r"(?:在|坚持|认真|始终|深入|按照|围绕|紧紧|全面|进一步|持续|高度|严格|以)"
)
_NOT_A_NAME = re.compile(r"^(?:我|本|全|各|该|区委|市委|县委)")
# A unit named briefly where a sentence starts (「文登区住建局高度重视…」, 「2019年，文登区住建局共主动公开…」).
_BRIEF_UNIT = re.compile(
    r"(?:^|(?<=[\n。；！]))[\s\u3000]*(?:(?:19|20)\d{2}[\s\u3000]*年(?:度|以来)?[，,][\s\u3000]*)?"
    r"(?P<unit>[\u4e00-\u9fa5]{2,20}?" + _UNIT_SUFFIX + r")"
    r"(?=高度重视|共|认真|坚持|始终|深入|按照|围绕|紧紧|全面|进一步|持续|严格|积极|不断|切实|扎实|大力|主动|依法|"
    r"及时|聚焦|结合|紧扣|累计|全年|本年度|年内|通过|以)"
)
# Brief forms that name no unit (区政府办公室, 街道, 住建局 alone).
_VAGUE_UNIT = re.compile(r"^(?:[区市县镇乡省州]|街道|社区|政府|人民政府|[\u4e00-\u9fa5]局$|[\u4e00-\u9fa5]{2}局$)")

# Lines of web-page chrome that are not part of the report.
DEBRIS = re.compile(
    r"^[\s\u3000•·]*(?:扫一扫在手机上查看当前页面|标签[:：]|留言与评论|验证码[:：]?|索引号[:：]|发布机构[:：]|关键词[:：]|"
    r"成文日期[:：]|发布日期[:：]|分享到|打印本页|关闭窗口|【打印】|【关闭】|当前位置[:：]|页面链接与图片详见|"
    r"来源[:：]|浏览次数|字号[:：]|【字体|相关链接[:：]).*$",
    re.M,
)
# A page number as converters and copied PDF or Word pages print it on a line of its own:
# — 5 —, - 12 -, 第 3 页, 第3页 共8页. A bare number is left alone: in a table printed one cell per
# line it is a cell.
_SP = r"[ \t\u3000\xa0]*"
PAGE_NUMBER_LINE = re.compile(
    rf"^{_SP}(?:[-—–－―~～]+{_SP}\d{{1,4}}{_SP}[-—–－―~～]+|第{_SP}\d{{1,4}}{_SP}页(?:{_SP}[,，、/]?{_SP}共{_SP}\d{{1,4}}{_SP}页)?){_SP}$",
    re.M,
)


def strip_page_numbers(text: str) -> str:
    """``text`` without its page-number lines (``PAGE_NUMBER_LINE``), as if the pages were one:
    a page number between two table rows or cells must not be read as a cell. Where the number
    stood between blank lines (a layout that separates every line by one), one of them goes too."""
    if PAGE_NUMBER_LINE.search(text) is None:
        return text
    lines = text.split("\n")
    drop = set()
    for i, line in enumerate(lines):
        if PAGE_NUMBER_LINE.fullmatch(line):
            drop.add(i)
            if 0 < i < len(lines) - 1 and not lines[i - 1].strip() and not lines[i + 1].strip():
                drop.add(i - 1)
    return "\n".join(line for i, line in enumerate(lines) if i not in drop)


CRAWLER_SPLIT = re.compile(r"^=+[\s\u3000]*正文[\s\u3000]*=+[\s\u3000]*$", re.M)


def split_crawler_header(text: str) -> tuple[dict[str, str], str]:
    """A crawler dump starts with 标题:/发布时间:/… lines and ``==== 正文 ====``."""
    m = CRAWLER_SPLIT.search(text)
    if not m or m.start() > 3000:
        return {}, text
    header: dict[str, str] = {}
    for line in text[:m.start()].splitlines():
        k, sep, v = line.partition(":")
        if not sep:
            k, sep, v = line.partition("：")
        if sep and v.strip():
            header[k.strip()] = v.strip()
    return header, text[m.end():]


# What every DEBRIS line holds literally: a text without any of these has no debris to strip.
_DEBRIS_WORDS = ("扫一扫在手机上查看当前页面", "标签", "留言与评论", "验证码", "索引号", "发布机构", "关键词", "成文日期",
                 "发布日期", "分享到", "打印本页", "关闭窗口", "【打印】", "【关闭】", "当前位置", "页面链接与图片详见",
                 "来源", "浏览次数", "字号", "【字体", "相关链接")
_DEBRIS_HINT = re.compile("|".join(map(re.escape, _DEBRIS_WORDS)))


def strip_debris(text: str) -> str:
    if _DEBRIS_HINT.search(text) is None:  # the common case, found without trying every line start
        return text.strip()
    return DEBRIS.sub("", text).strip()


def _clean_unit(raw: str) -> str | None:
    u = re.sub(r"[\s\u3000]+", "", raw)
    u = re.sub(r"^(?:标题[:：]|关于|《)", "", u)
    u = _YEAR_IN_TITLE.sub("", u).strip("《》“”\"'()（）[]【】·-—:：")
    if len(u) < 2 or len(u) > 40 or _NOT_A_NAME.match(u) or not re.search(r"[\u4e00-\u9fa5]{2}", u):
        return None
    if re.search(r"(根据|按照|条例|本报告|编制|要求)", u):
        return None
    return u


def find_title(header: dict[str, str], preamble: str) -> tuple[str | None, str | None, int | None]:
    """(title text, unit, title year) from a crawler 标题 or the report's own title lines."""
    candidates = []
    if header.get("标题"):
        candidates.append(header["标题"])
    head = preamble[:1500]
    m = _TITLE.search(head)
    if m:
        start = m.start("head")
        # A title printed over two lines: 项城市人民政府花园街道办事处 / 政府信息公开工作年度报告.
        text = head[start:m.end()]
        if not _YEAR_IN_TITLE.sub("", m.group("head")).strip():
            prev = head[:m.start()].rstrip().rsplit("\n", 1)[-1]
            text = prev + text
        candidates.append(text)
    for title in candidates:
        t = re.sub(r"[\s\u3000]+", "", title)
        ym = _YEAR_IN_TITLE.search(t)
        year = int(ym.group("y")) if ym else None
        tail = re.search(_TITLE_TAIL, t)
        unit = _clean_unit(t[:tail.start()]) if tail else None
        if unit or year:
            return t, unit, year
    return None, None, None


def brief_unit(body: str) -> str | None:
    """The unit a text names at the start of its sentences, in its short form: the form named most
    often (ties: the first); null when the text only says 我局 / 本机关 or vague forms."""
    names: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in _BRIEF_UNIT.finditer(body[:20000]):
        u = _clean_unit(m.group("unit"))
        if u is None or len(u) < 4 or _VAGUE_UNIT.match(u):
            continue
        names[u] += 1
        first.setdefault(u, m.start())
    if not names:
        return None
    return min(names, key=lambda u: (-names[u], first[u]))


def _text_year(body: str) -> int | None:
    """The year most written in the text (the first of those written most often)."""
    counts = Counter(int(y) for y in _TEXT_YEAR.findall(body))
    return counts.most_common(1)[0][0] if counts else None


def extract(header: dict[str, str], body: str, preamble: str) -> tuple[dict, list[dict]]:
    """unit, year, published for a report, and the problems met finding them."""
    problems: list[dict] = []
    title, unit, title_year = find_title(header, preamble)
    if unit is None:
        m = _OPENING_UNIT.search(body[:4000])
        if m and not _NOT_A_NAME.match(m.group("unit")):
            unit = _clean_unit(m.group("unit"))
    if unit is None and header.get("发布机构"):
        unit = _clean_unit(header["发布机构"])
    if unit is None:
        unit = brief_unit(body)
    pm = _PERIOD.search(body)
    period_year = int(pm.group("y")) if pm else None
    year = title_year or period_year or _text_year(body)
    if title_year and period_year and title_year != period_year:
        problems.append(problem("year_conflict", f"标题中的年度（{title_year}年）与统计期限（{period_year}年）不一致"))
    if year is None:
        problems.append(problem("year_missing", "报告未写明报告年度（标题、统计期限和正文均未找到年份）"))
    published = None
    for source in (header.get("发布时间"), header.get("发布日期"), preamble[:3000], body[-3000:]):
        if not source:
            continue
        m = _PUBLISHED.search(source) if "日期" in source or "时间" in source else None
        if m is None:
            m = re.match(r"(?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})", source.strip())
        if m:
            y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
            if 1 <= mo <= 12 and 1 <= d <= 31:
                published = f"{y:04d}-{mo:02d}-{d:02d}"
                break
    if year is not None and not 1990 <= year <= 2100:
        year = None
    return {"unit": unit, "year": year, "published": published, "title": title}, problems
