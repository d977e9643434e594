"""Find the six numbered sections (一、总体情况 … 六、其他需要报告的事项) despite wording variants.

Headings are numbered with a Chinese numeral and 、. A heading line is short and is not a row of
the requests table (一、本年新收…, 三、本年度办理结果, 四、结转下年度继续办理 look like headings
too). Page text flattened onto one line has no line starts, so when too few headings are found
line by line we search for the standard titles anywhere in the text.

Each heading gets a canonical name by its keywords (主动公开 → active, …); the first heading
numbered 一 is the overview whatever its wording (seed 002 prints 一、2020年度政务公开活动工作情况).
A heading that matches no section (六、下步工作计划) keeps canonical null, so the sections pack can
say the real 六、其他需要报告的事项 is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from audit.contracts import catalogue

NUMERALS = "一二三四五六七八九十"
_HEADING_LINE = re.compile(
    r"^[\s\u3000#*>•·\-]*(?P<num>[一二三四五六七八九十])[\s\u3000]*[、.．][\s\u3000]*(?P<title>[^\n]{0,60}?)[\s\u3000*#]*$",
    re.M,
)
_MAX_TITLE = 40


@dataclass
class Heading:
    start: int  # where the heading begins
    end: int  # where the section text begins
    number: int
    title: str
    canonical: str | None = None


@cache
def _table_row_pattern() -> re.Pattern[str]:
    """Requests-table rows and groups numbered like headings (一、本年新收… / 三、本年度办理结果)."""
    cat = catalogue.load()
    pats = [catalogue.label_pattern(lb) for lb in cat.labels_for("requests", ("row", "group"))
            if lb.prefix and lb.prefix.endswith("、")]
    return re.compile("(?:" + "|".join(pats) + ")")


# Titles that name a section outright (the standard wording and common variants).
_TITLE_WORDINGS = {
    "overview": [r"总体情况", r"概述"],
    "active": [r"主动公开政府信息(?:的)?情况", r"主动公开政府信息"],
    "requests": [r"收到和处理政府信息公开申请(?:的)?情况", r"收到和处理政府信息公开申请"],
    "appeals": [r"(?:政府信息公开|因政府信息公开(?:申请)?(?:提起)?)?行政法?复议[、和及]\s*(?:提起)?行政诉讼(?:的)?情况",
                r"政府信息公开行政法?复议[、和及]?行政诉讼"],
    "problems": [r"存在的主要问题及改进情况", r"存在的主要问题"],
    "other": [r"其他需要报告的事项"],
}


@cache
def _inline_patterns() -> list[tuple[str, int, re.Pattern[str]]]:
    """Standard titles (and common variants) to find headings inside flattened text."""
    out = []
    for spec in catalogue.load().sections:
        num = NUMERALS[spec["number"] - 1]
        for v in _TITLE_WORDINGS[spec["canonical"]]:
            pat = re.compile(num + r"[\s\u3000]*[、.．][\s\u3000]*" + v)
            out.append((spec["canonical"], spec["number"], pat))
    return out


def canonical_for(number: int, title: str) -> tuple[str | None, bool]:
    """The section a heading stands for, from its keywords; ``strong`` when its number agrees too."""
    t = re.sub(r"[\s\u3000]", "", title)
    specs = catalogue.load().sections
    for spec in specs:
        if spec["number"] == number and any(k in t for k in spec["keywords"]):
            return str(spec["canonical"]), True
    for spec in specs:
        if spec["canonical"] == "problems" and "问题" in t and number == 5:
            return "problems", True
    for spec in specs:
        if spec["canonical"] != "overview" and any(k in t for k in spec["keywords"]):
            return str(spec["canonical"]), False
    return None, False


def _rank(h: Heading) -> tuple[str | None, int]:
    """3: the standard title itself; 2: number and keywords agree; 1: keywords only."""
    return _rank_of(h.number, h.title)


@lru_cache(maxsize=1 << 12)
def _rank_of(number: int, title: str) -> tuple[str | None, int]:
    """``_rank`` of a heading (reports repeat the same headings: worked out once each)."""
    body = _squash(title)[2:].removesuffix("表")
    for spec in catalogue.load().sections:
        if body == _squash(spec["title"])[2:]:
            return str(spec["canonical"]), 3
    canonical, strong = canonical_for(number, title)
    return canonical, (2 if strong else 1) if canonical else 0


def _line_headings(text: str) -> list[Heading]:
    out = []
    for m in _HEADING_LINE.finditer(text):
        got = _heading_of_line(m.group(0), m.group("num"), m.group("title"))
        if got is not None:
            out.append(Heading(m.start(), m.end(), got[0], got[1]))
    return out


@lru_cache(maxsize=1 << 13)
def _heading_of_line(line: str, num: str, title: str) -> tuple[int, str] | None:
    """(number, heading text) of a line ``_HEADING_LINE`` matched, or None when it is no heading.
    Worked out once per line (``num`` and ``title`` are the match's groups, fixed by ``line``):
    reports print the same headings and table rows."""
    title = title.strip()
    if "\t" in line or line.count("|") >= 2 or len(title) > _MAX_TITLE:
        return None
    if _table_row_pattern().search(line) and not re.search("公开申请情况|申请情况$", title):
        return None
    # A sentence is not a heading (a heading does not end with 。 or contain ；).
    if re.search(r"[。；;]", title[:-1]) or title.endswith("。") and len(title) > 20:
        return None
    return NUMERALS.index(num) + 1, f"{num}、{title}".strip()


def _inline_headings(text: str) -> list[Heading]:
    found: dict[str, Heading] = {}
    for canonical, number, pat in _inline_patterns():
        if canonical in found:
            continue
        m = pat.search(text)
        if m:
            found[canonical] = Heading(m.start(), m.end(), number, _squash(m.group(0)), canonical)
    return sorted(found.values(), key=lambda h: h.start)


# Section numbers printed otherwise than 一、: 第一部分, （一）, 1. / 1、, or none (on a line of their own).
_OTHER_NUMBER = re.compile(
    r"^[\s\u3000#*>]*(?:第(?P<part>[一二三四五六])部分|[(（](?P<paren>[一二三四五六])[)）]|(?P<arabic>[1-6])[\s\u3000]*[.、．])?"
    r"[\s\u3000:：]*(?P<title>[^\n]{2,40}?)[\s\u3000*#:：]*$", re.M)


@cache
def _section_wordings() -> tuple[dict[str, int], list[tuple[str, int, re.Pattern[str]]]]:
    """Each section's number, and (canonical, number, pattern of its ``_TITLE_WORDINGS``)."""
    number_of = {str(spec["canonical"]): spec["number"] for spec in catalogue.load().sections}
    return number_of, [(c, number_of[c], re.compile("|".join(ws))) for c, ws in _TITLE_WORDINGS.items()]


def _otherwise_numbered(text: str) -> list[Heading]:
    """Headings numbered 第一部分 / （一） / 1., or not numbered, with a standard title each, in
    order, when a report prints its six parts that way instead of 一、: only titles that name their
    section outright (``_TITLE_WORDINGS``) under the number that section has (a title without a
    number: the whole line), so the sub-headings of 总体情况 (（一）主动公开 …) are never taken
    for sections."""
    number_of, wordings = _section_wordings()
    out: list[Heading] = []
    for m in _OTHER_NUMBER.finditer(text):
        raw = m.group("part") or m.group("paren") or m.group("arabic")
        title = _squash(m.group("title"))
        if raw is None:
            hit = next((c for c, n, w in wordings if w.fullmatch(title)), None)
            number = number_of.get(hit, 0)
        else:
            number = int(raw) if raw.isdigit() else NUMERALS.index(raw) + 1
            hit = next((c for c, n, w in wordings if n == number and w.match(title)), None)
        if hit and not any(h.canonical == hit for h in out) and (not out or out[-1].number < number):
            out.append(Heading(m.start(), m.end(), number, _squash(m.group(0)), hit))
    return out if len(out) >= 3 else []


def _squash(s: str) -> str:
    return re.sub(r"[\s\u3000]+", "", s)


@cache
def _canonical_sections() -> frozenset[str]:
    return frozenset(str(spec["canonical"]) for spec in catalogue.load().sections)


# What a table of contents prints after a heading: page numbers, dot leaders, nothing else.
_CONTENTS_GAP = re.compile(r"[\s\u3000.…·．\-—_0-9]*")
_PAGE_NUMBER = re.compile(r"[\s\u3000.…·．\-—_]*\d*$")


def _without_contents(text: str, heads: list[Heading]) -> list[Heading]:
    """The headings without those of a table of contents (目录, or a page's list of links to its
    sections): a heading followed by nothing but a page number up to the next heading, whose
    number and title are printed again further on. They stay in the text before the first
    heading (the preamble); left in, the empty first copy of each heading took the section."""
    def key(h: Heading) -> tuple[int, str]:
        return h.number, _PAGE_NUMBER.sub("", h.title)

    out: list[Heading] = []
    later: set[tuple[int, str]] = set()  # the keys of the headings after the one looked at
    for i in range(len(heads) - 1, -1, -1):
        h = heads[i]
        end = heads[i + 1].start if i + 1 < len(heads) else len(text)
        if not (key(h) in later and _CONTENTS_GAP.fullmatch(text, h.end, end)):
            out.append(h)
        later.add(key(h))
    return out[::-1]


def find_headings(text: str) -> list[Heading]:
    """Section headings in printed order, with canonical names assigned.

    A heading whose number and keywords agree (三、收到和处理…) beats one that only shares keywords
    (an extra 四、政府信息公开申请情况 before the tables); within each kind the first one wins.
    A table of contents is not headings (``_without_contents``).
    """
    heads = _without_contents(text, _line_headings(text))
    taken: set[str] = set()
    ranked = sorted(((_rank(h), i, h) for i, h in enumerate(heads)), key=lambda t: (-t[0][1], t[1]))
    for (canonical, score), _, h in ranked:
        if canonical and score and canonical not in taken:
            h.canonical = canonical
            taken.add(canonical)
    # The first 一、 heading is the overview whatever its wording.
    if "overview" not in taken:
        for h in heads:
            if h.number == 1 and h.canonical is None:
                h.canonical = "overview"
                taken.add("overview")
                break
    if len(taken) < 3:
        inline = _inline_headings(text)
        other = _otherwise_numbered(text)
        best = max((inline, other), key=len)
        if len(best) > len(taken):
            return best
        return heads
    # Some headings on lines of their own, others run into the text before them (a flattened
    # table section: …予以督促整改。二、主动公开政府信息情况第二十条…): add those by their titles.
    missing = _canonical_sections() - taken
    if missing:
        extra = [h for h in _inline_headings(text)
                 if h.canonical in missing and not any(x.start <= h.start < x.end for x in heads)]
        heads = sorted(heads + extra, key=lambda h: h.start)
    return heads
