"""Generate realistic synthetic raw annual reports (政府信息公开工作年度报告) for benchmarks and tests.

Why: the performance targets (DESIGN.md "Performance") are measured on tens of thousands of
reports, and only five seeds and fifteen real reports exist. This generator writes raw text files
shaped like the real ones (headings, labels, page debris and every text layout the readers
support), in the encodings seen in the wild, with consistent numbers (every 勾稽关系 holds and a
unit's ``carried_over`` equals its ``carried_next`` of the year before), and injects known defects
into a share of them so the rules have something to find.

Layouts (copied from the seeds and the real corpus):

- ``tab``: tab-separated rows (seed 000);
- ``pipe``: ``a | b | c |`` rows (seed 001);
- ``cells_blank``: one cell per line, blank line between rows (seeds 003/004);
- ``cells``: one indented cell per line with a blank line after *every* line, so no row boundary
  (seed 002);
- ``flat``: page text with whole tables flattened into one line, the numbers of a row glued
  together (``pingtan-archive__pingtan-2024.txt``).

Deterministic: file ``i`` depends only on ``(seed, i)``, so any slice can be regenerated alone.

Usage: ``python benchmarks/generate.py N OUTDIR [--seed S] [--manifest FILE]``.
"""

from __future__ import annotations

import argparse
import csv
import functools
import hashlib
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

# ---------------------------------------------------------------------------------------------
# Vocabulary (labels exactly as printed in the official formats; see src/audit/data/catalogue.yaml)

APPLICANT_COLS = ["natural", "commercial", "research", "public_interest", "legal_services", "other_org"]

REQ_ROWS_HEAD = [("new", "一、本年新收政府信息公开申请数量"), ("carried_over", "二、上年结转政府信息公开申请数量")]
REQ_RESULT_ROWS = [
    ("granted", "（一）予以公开", None),
    ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
    ("denied_state_secret", "1.属于国家秘密", "（三）不予公开"),
    ("denied_law", "2.其他法律行政法规禁止公开", None),
    ("denied_safety", "3.危及“三安全一稳定”", None),
    ("denied_third_party", "4.保护第三方合法权益", None),
    ("denied_internal", "5.属于三类内部事务信息", None),
    ("denied_process", "6.属于四类过程性信息", None),
    ("denied_enforcement_file", "7.属于行政执法案卷", None),
    ("denied_query", "8.属于行政查询事项", None),
    ("unable_not_held", "1.本机关不掌握相关政府信息", "（四）无法提供"),
    ("unable_need_create", "2.没有现成信息需要另行制作", None),
    ("unable_unclear", "3.补正后申请内容仍不明确", None),
    ("not_processed_petition", "1.信访举报投诉类申请", "（五）不予处理"),
    ("not_processed_repeat", "2.重复申请", None),
    ("not_processed_publication", "3.要求提供公开出版物", None),
    ("not_processed_mass", "4.无正当理由大量反复申请", None),
    ("not_processed_confirm", "5.要求行政机关确认或重新出具已获取信息", None),
]
REQ_OTHER_2021 = [
    ("other_overdue_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "（六）其他处理"),
    ("other_overdue_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", None),
    ("other_misc", "3.其他", None),
]
REQ_OTHER_2019 = [("other", "（六）其他处理", None)]
REQ_TAIL = [("handled_total", "（七）总计"), ("carried_next", "四、结转下年度继续办理")]

SECTION_TITLES = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                  "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]

CITIES = ["舞钢市", "郑州市", "平潭综合实验区", "淮安市", "项城市", "洛阳市", "南阳市", "信阳市", "周口市", "开封市",
          "福州市", "泉州市", "漳州市", "宁德市", "南平市", "盐城市", "宿迁市", "徐州市", "连云港市", "扬州市",
          "杭州市", "温州市", "绍兴市", "湖州市", "嘉兴市", "合肥市", "芜湖市", "蚌埠市", "安庆市", "黄山市"]
DISTRICTS = ["城关区", "新华区", "中原区", "洪泽区", "清江浦区", "鼓楼区", "台江区", "西湖区", "上城区", "瑶海区",
             "郑东新区", "经开区", "高新区", "东城区", "西城区", "南城区", "北城区", "开发区", "滨海新区", "老城区"]
TOWNS = ["朱兰街道办事处", "商都路办事处", "花园街道办事处", "冶金街道办事处", "城北街道办事处", "东风街道办事处",
         "红旗镇人民政府", "新集镇人民政府", "王店乡人民政府", "关庄乡人民政府", "城郊乡人民政府", "南湖街道办事处"]
DEPARTMENTS = ["人民政府办公室", "发展和改革委员会", "教育局", "公安局", "民政局", "司法局", "财政局",
               "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水利局",
               "农业农村局", "商务局", "文化广电和旅游局", "卫生健康委员会", "应急管理局", "市场监督管理局",
               "医疗保障局", "城市管理局", "统计局", "信访局", "林业局"]

OVERVIEW_SENTENCES = [
    "{unit}坚持以人民为中心的发展思想，全面贯彻《中华人民共和国政府信息公开条例》以及政务公开工作系列要求，"
    "紧紧围绕年度重点工作，进一步优化政务公开职能，依法保障人民群众的知情权、参与权、表达权、监督权。",
    "（一）主动公开。{year}年，通过门户网站主动公开政府信息{active_n}条，及时发布政策文件、工作动态和通知公告。",
    "（二）依申请公开。{year}年共受理政府信息公开申请{new_n}件，均在法定期限内答复。",
    "（三）政府信息管理。严格落实政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”原则。",
    "（四）政府信息公开平台建设。加强政府网站日常管理，严格按照公开时限、对照栏目板块发布政府信息。",
    "（五）监督保障。定期对政府信息公开工作进行考核、评议，对未按照要求开展工作的科室予以督促整改。",
]
PROBLEMS_TEXT = ("（一）存在问题\n1.信息公开范围有待进一步完善，主动公开政府信息的全面性有待进一步提升。\n"
                 "2.政府信息依申请公开的规范性、程序性有待进一步提升。\n（二）改进措施\n"
                 "一是加强政务公开工作力度，逐步扩大并及时更新公开内容。二是加强业务培训，提升工作人员业务水平。")
OTHER_TEXT = ["本年度未收取信息处理费。无其他需要报告的事项。",
              "根据《政府信息公开信息处理费管理办法》要求，本年度未产生政府信息公开信息处理费收取情况。",
              "无"]

LAYOUTS = ("tab", "pipe", "cells_blank", "cells", "flat")
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16")
DEFECTS = ("broken_identity", "missing_section", "short_row", "old_edition", "all_zero", "narrative_contradiction")
YEARS_PER_UNIT = 4
FIRST_YEAR = 2019


# ---------------------------------------------------------------------------------------------
# The content of one report


@dataclass
class Synthetic:
    """One generated report: what is printed, plus what was injected (for the manifest)."""

    index: int
    unit: str
    year: int
    edition: str
    layout: str
    encoding: str
    defect: str | None
    active: dict[str, dict[str, float | None]] = field(default_factory=dict)
    requests: dict[str, list[int]] = field(default_factory=dict)  # row -> 7 values (6 applicants + total)
    appeals: list[int] = field(default_factory=list)  # 15 values
    narrative_new: int = 0
    missing_section: int | None = None
    short_row: str | None = None

    @property
    def name(self) -> str:
        return f"{self.index:06d}_{hashlib.sha1(f'{self.unit}{self.year}{self.index}'.encode()).hexdigest()[:12]}"


def _rng(*parts: object) -> random.Random:
    return random.Random(hashlib.blake2b(repr(parts).encode(), digest_size=8).digest())


VILLAGES = ["东村村民委员会", "西村村民委员会", "南街社区居民委员会", "北街社区居民委员会", "新华社区居民委员会",
            "建设社区居民委员会", "人民路社区居民委员会", "和平社区居民委员会", "幸福社区居民委员会", "光明社区居民委员会"]


@functools.cache
def _unit_names(seed: int) -> tuple[str, ...]:
    """Every unit name, each once, in a seeded order: towns and departments first (as in a real
    province), then village and community committees. Real units have distinct names, and
    cross-report rules pair reports by name, so a generated corpus must not repeat one."""
    r = _rng(seed, "units")
    main = ([f"{c}{d}{t}" for c in CITIES for d in DISTRICTS for t in TOWNS]
            + [f"{c}{d}{dept}" for c in CITIES for d in DISTRICTS for dept in DEPARTMENTS]
            + [f"{c}{dept}" for c in CITIES for dept in DEPARTMENTS])
    villages = [f"{c}{d}{t}{v}" for c in CITIES for d in DISTRICTS for t in TOWNS for v in VILLAGES]
    r.shuffle(main)
    r.shuffle(villages)
    return tuple(main + villages)


def _unit_name(seed: int, unit_no: int) -> str:
    names = _unit_names(seed)
    lap, i = divmod(unit_no, len(names))
    return names[i] if lap == 0 else f"{names[i]}（{lap + 1}）"  # beyond 94,320 units (377,280 reports)


def _carried_next(seed: int, unit_no: int, year: int) -> list[int]:
    """Requests still open at the end of ``year``: also the next year's ``carried_over``."""
    if year < FIRST_YEAR:
        return [0] * 6
    r = _rng(seed, "carry", unit_no, year)
    return [r.choice((0, 0, 0, 0, 1, 2)) if c in ("natural", "commercial") else 0 for c in APPLICANT_COLS]


def _documents(seed: int, unit_no: int, year: int) -> dict[str, dict[str, int]]:
    """规章 / 行政规范性文件 issued, repealed and in force at the end of ``year``: in force is a
    running stock (last year's + issued - repealed), as XR-IN-FORCE expects of real units."""
    r = _rng(seed, "documents", unit_no, year)
    if year < FIRST_YEAR + 2:  # before the first 2021-edition year: an opening stock
        return {"regulations": {"issued": 0, "repealed": 0, "in_force": r.choice((0, 0, 0, r.randint(1, 5)))},
                "normative_documents": {"issued": 0, "repealed": 0, "in_force": r.randint(0, 60)}}
    last = _documents(seed, unit_no, year - 1)
    out = {}
    for row, issued in (("regulations", r.choice((0, 0, 0, 1))), ("normative_documents", r.randint(0, 8))):
        stock = last[row]["in_force"] + issued
        repealed = min(stock, r.randint(0, 3) if row == "normative_documents" else 0)
        out[row] = {"issued": issued, "repealed": repealed, "in_force": stock - repealed}
    return out


_ITEM_ROWS = {"licensing": (300, 5), "other_services": (300, 5), "penalty": (300, 5), "enforcement": (300, 5),
              "fees": (12, 2)}


def _items(seed: int, unit_no: int, year: int) -> dict[str, dict[str, int]]:
    """上一年项目数量 and 本年增/减 of the 2019 edition's 行政许可 … 行政事业性收费 rows: 上一年项目数量 is
    last year's plus last year's 本年增/减, as XR-PREV-ITEMS expects of real units."""
    r = _rng(seed, "items", unit_no, year)
    if year <= FIRST_YEAR:  # the first year: an opening count
        prev = {k: r.randint(0, top) for k, (top, _) in _ITEM_ROWS.items()}
    else:
        last = _items(seed, unit_no, year - 1)
        prev = {k: v["prev_items"] + v["change"] for k, v in last.items()}
    return {k: {"prev_items": p, "change": max(-p, r.randint(-step, step)) if p else 0}
            for (k, (_, step)), p in zip(_ITEM_ROWS.items(), prev.values(), strict=True)}


def _old_item_draws(r: random.Random, top: int, step: int) -> None:
    """The per-report 上一年项目数量 / 本年增/减 draws of earlier versions of this generator, still made
    so that every other number of a generated report stays what it was."""
    if r.randint(0, top):
        r.randint(-step, step)


def _small(r: random.Random, scale: int) -> int:
    """Mostly zero, sometimes a few, rarely many: like real per-row request counts."""
    x = r.random()
    if x < 0.7:
        return 0
    if x < 0.95:
        return r.randint(1, max(1, scale // 10))
    return r.randint(1, scale)


def make(index: int, seed: int = 0) -> Synthetic:
    """The content of file ``index``: consistent numbers, then the injected defect if any."""
    r = _rng(seed, "report", index)
    unit_no, year_no = divmod(index, YEARS_PER_UNIT)
    year = FIRST_YEAR + (_rng(seed, "start", unit_no).randint(0, 3)) + year_no
    unit = _unit_name(seed, unit_no)
    defect = r.choice(DEFECTS) if r.random() < 0.15 else None
    edition = "2019" if year <= 2020 else "2021"
    if defect == "old_edition":
        year = max(year, 2023)
        edition = "2019"
    layout = LAYOUTS[r.randrange(len(LAYOUTS))]
    enc_roll = r.random()
    encoding = "utf-8" if enc_roll < 0.6 else "utf-8-sig" if enc_roll < 0.75 else "gb18030" if enc_roll < 0.92 else "utf-16"
    s = Synthetic(index, unit, year, edition, layout, encoding, defect)
    scale = r.choice((5, 20, 60, 400))

    # requests: leaves per applicant column, then the totals that make every identity hold
    other_rows = REQ_OTHER_2021 if edition == "2021" else REQ_OTHER_2019
    leaves = [k for k, _, _ in REQ_RESULT_ROWS + other_rows]
    carried_over = _carried_next(seed, unit_no, year - 1)
    carried_next = _carried_next(seed, unit_no, year)
    cols_active = {"natural", "commercial"} if scale < 100 else {"natural", "commercial", "research",
                                                                  "public_interest", "legal_services", "other_org"}
    leaf_vals = {k: [(_small(r, scale) if c in cols_active else 0) for c in APPLICANT_COLS] for k in leaves}
    handled = [sum(leaf_vals[k][j] for k in leaves) for j in range(6)]
    # new + carried_over == handled + carried_next; if carried_over exceeds, handle the surplus as granted
    for j in range(6):
        deficit = carried_over[j] - handled[j] - carried_next[j]
        if deficit > 0:
            leaf_vals["granted"][j] += deficit
            handled[j] += deficit
    new = [handled[j] + carried_next[j] - carried_over[j] for j in range(6)]
    rows = {"new": new, "carried_over": carried_over, **leaf_vals, "handled_total": handled,
            "carried_next": carried_next}
    s.requests = {k: v + [sum(v)] for k, v in rows.items()}

    # appeals: three groups of upheld/corrected/other/pending + total
    appeals: list[int] = []
    for _ in range(3):
        parts = [_small(r, 4) for _ in range(4)]
        appeals += parts + [sum(parts)]
    s.appeals = appeals

    # active
    if edition == "2021":
        s.active = {
            **_documents(seed, unit_no, year),
            "licensing": {"decisions": r.choice((0, r.randint(1, 5000)))},
            "penalty": {"decisions": r.choice((0, r.randint(1, 500)))},
            "enforcement": {"decisions": r.choice((0, 0, r.randint(1, 80)))},
            "fees": {"amount": r.choice((0, 0, round(r.uniform(0.1, 20000), 4)))},
        }
    else:
        made = r.randint(0, 8)
        docs = {"regulations": {"new_made": 0, "new_published": 0, "total_published": 0},
                "normative_documents": {"new_made": made, "new_published": made,
                                        "total_published": made + r.randint(0, 60)}}
        items = _items(seed, unit_no, year)
        for k in ("licensing", "other_services", "penalty", "enforcement"):
            _old_item_draws(r, 300, 5)
            items[k]["decisions"] = r.choice((0, r.randint(1, 3000)))
        _old_item_draws(r, 12, 2)
        s.active = {
            **docs,
            **items,
            "procurement": {"projects": (pr := r.choice((0, r.randint(1, 30)))),
                            "amount": round(r.uniform(1, 3000), 2) if pr else 0},
        }
    s.narrative_new = s.requests["new"][6]

    # defects
    if defect == "broken_identity":
        s.requests["granted"][0] += 1  # the leaf moves, its totals do not
    elif defect == "missing_section":
        s.missing_section = r.choice((1, 4, 5))
    elif defect == "short_row":
        s.short_row = r.choice(("granted", "new", "handled_total", "denied_law"))
    elif defect == "all_zero":
        s.requests = {k: [0] * 7 for k in s.requests}
        s.appeals = [0] * 15
        s.active = {k: {c: 0 for c in v} for k, v in s.active.items()}
        s.narrative_new = r.randint(3, 40)  # the text still reports activity
    elif defect == "narrative_contradiction":
        s.narrative_new = s.requests["new"][6] + r.randint(1, 9)
    return s


# ---------------------------------------------------------------------------------------------
# Logical tables (rows of printed cells), then one renderer per layout


def _num(v: float | int | None, r: random.Random, *, suffix_ok: bool = False) -> str:
    if type(v) is int:
        if suffix_ok and v and r.random() < 0.25:
            return f"{v}件"  # "1990件", as seed 001 prints it
        return str(v)
    if v is None:
        return ""
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.4f}".rstrip("0").rstrip(".") if r.random() < 0.7 else f"{v:.4f}"


def active_rows(s: Synthetic, r: random.Random) -> list[list[str]]:
    a = s.active
    if s.edition == "2021":
        return [
            ["第二十条第（一）项", "", "", ""],
            ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            ["规章", *(_num(a["regulations"][c], r) for c in ("issued", "repealed", "in_force"))],
            ["行政规范性文件", *(_num(a["normative_documents"][c], r) for c in ("issued", "repealed", "in_force"))],
            ["第二十条第（五）项", "", "", ""],
            ["信息内容", "本年处理决定数量", "", ""],
            ["行政许可", _num(a["licensing"]["decisions"], r, suffix_ok=True), "", ""],
            ["第二十条第（六）项", "", "", ""],
            ["信息内容", "本年处理决定数量", "", ""],
            ["行政处罚", _num(a["penalty"]["decisions"], r, suffix_ok=True), "", ""],
            ["行政强制", _num(a["enforcement"]["decisions"], r), "", ""],
            ["第二十条第（八）项", "", "", ""],
            ["信息内容", r.choice(("本年收费金额（单位：万元）", "本年收费金额（单位：万元，保留4位小数）")), "", ""],
            ["行政事业性收费", _num(a["fees"]["amount"], r), "", ""],
        ]
    three = ("prev_items", "change", "decisions")
    return [
        ["第二十条第（一）项", "", "", ""],
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
        ["规章", *(_num(a["regulations"][c], r) for c in ("new_made", "new_published", "total_published"))],
        ["规范性文件", *(_num(a["normative_documents"][c], r) for c in ("new_made", "new_published", "total_published"))],
        ["第二十条第（五）项", "", "", ""],
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        ["行政许可", *(_num(a["licensing"][c], r) for c in three)],
        ["其他对外管理服务事项", *(_num(a["other_services"][c], r) for c in three)],
        ["第二十条第（六）项", "", "", ""],
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        ["行政处罚", *(_num(a["penalty"][c], r) for c in three)],
        ["行政强制", *(_num(a["enforcement"][c], r) for c in three)],
        ["第二十条第（八）项", "", "", ""],
        ["信息内容", "上一年项目数量", "本年增/减", ""],
        ["行政事业性收费", _num(a["fees"]["prev_items"], r), _num(a["fees"]["change"], r), ""],
        ["第二十条第（九）项", "", "", ""],
        ["信息内容", "采购项目数量", "采购总金额（单位：万元）", ""],
        ["政府集中采购", _num(a["procurement"]["projects"], r), _num(a["procurement"]["amount"], r), ""],
    ]


def requests_rows(s: Synthetic, r: random.Random) -> list[list[str]]:
    """Rows as (group label, row label, 7 values), like seed 000."""
    head = [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况", "", "", "", "", "", "", ""],
        ["", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
        ["", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
    ]
    out = list(head)

    def vals(key: str) -> list[str]:
        v = [_num(x, r) for x in s.requests[key]]
        return v[:-1] if s.short_row == key else v

    for key, label in REQ_ROWS_HEAD:
        out.append([label, *vals(key)])
    other = REQ_OTHER_2021 if s.edition == "2021" else REQ_OTHER_2019
    for i, (key, label, group) in enumerate(REQ_RESULT_ROWS + other):
        first = "三、本年度办理结果" if i == 0 else ""
        if key == "other" or group is None:
            out.append([first, label, "", *vals(key)])
        else:
            out.append(["", group, label, *vals(key)])
    for key, label in REQ_TAIL:
        out.append([label, "", *vals(key)])
    return out


def appeals_rows(s: Synthetic, r: random.Random) -> list[list[str]]:
    five = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    return [
        ["行政复议", "", "", "", "", "行政诉讼"],
        [*five, "未经复议直接起诉", "", "", "", "", "复议后起诉"],
        ["", "", "", "", "", *five, *five],
        [_num(v, r) for v in s.appeals],
    ]


def _strip_trailing(cells: list[str]) -> list[str]:
    out = list(cells)
    while out and out[-1] == "":
        out.pop()
    return out


def render_table(rows: list[list[str]], layout: str, r: random.Random) -> str:
    if layout == "tab":
        return "\n".join("\t".join(row) for row in rows)
    if layout == "pipe":
        return "\n".join(" | ".join(c for c in row) + " |" for row in rows)
    if layout == "cells_blank":
        return "\n\n".join("\n".join("\t" + c for c in _strip_trailing(row)) for row in rows)
    if layout == "cells":
        pad = "    "
        return "\n\n".join(pad + c for row in rows for c in row if c)
    if layout == "flat":
        return "".join(c for row in rows for c in row)
    raise ValueError(layout)


# ---------------------------------------------------------------------------------------------
# Whole report text


def _debris_head(s: Synthetic, r: random.Random, title: str) -> str:
    roll = r.random()
    if roll < 0.3:
        return (f"标题: {title}\n发布时间: {s.year + 1}-01-{r.randint(10, 31):02d} 15:35\n文号: \n发布机构: {s.unit}\n"
                f"栏目: 政府信息公开年报\n原文链接: https://www.example.gov.cn/zwgk/zfxxgknb/{s.year + 1}01/t{s.index}.htm\n"
                f"==================== 正文 ====================\n")
    if roll < 0.5:
        return (f"{title}\n\n  • 索引号:{r.randint(10**8, 10**9)}/{s.year + 1}-{r.randint(1, 99999):05d}\n"
                f"  • 发布机构:{s.unit}\n  • 关键词:综合,政务,公报公示\n"
                f"  • 成文日期:{s.year + 1}-01-{r.randint(10, 28):02d}\n  • 发布日期:{s.year + 1}-01-{r.randint(10, 28):02d}\n\n")
    if roll < 0.6:
        return f"当前位置：首页 > 政务公开 > 政府信息公开年报\n\n{title}\n\n"
    return f"\n{title}\n\n"


def render(s: Synthetic) -> str:
    """The full report text in the report's layout."""
    r = _rng(s.index, "render", s.layout)
    if s.defect == "old_edition" or r.random() < 0.8:
        title = f"{s.unit}{s.year}年{'度' if r.random() < 0.3 else ''}政府信息公开工作年度报告"
    else:
        title = f"{s.unit}\n\n政府信息公开工作年度报告"
    licensing = s.active["licensing"]["decisions"]
    new_n = s.narrative_new
    intro = ("本报告根据《中华人民共和国政府信息公开条例》（国务院令第711号）要求编制。"
             f"本年度报告中所列数据的统计期限为{s.year}年1月1日至{s.year}年12月31日。")
    overview = intro + "\n" + "\n".join(t.format(unit=s.unit, year=s.year, new_n=new_n, active_n=r.randint(20, 900))
                                        for t in OVERVIEW_SENTENCES)
    active_text = f"{s.year}年，办理行政许可{_num(licensing, r)}件。" if licensing else ""
    req_text = f"{s.year}年共收到政府信息公开申请{new_n}件。"
    flat = s.layout == "flat"
    sep = "" if flat else "\n"
    tl = s.layout
    bodies = [
        overview,
        active_text + sep + render_table(active_rows(s, r), tl, r),
        req_text + sep + render_table(requests_rows(s, r), tl, r),
        render_table(appeals_rows(s, r), tl, r),
        PROBLEMS_TEXT,
        r.choice(OTHER_TEXT),
    ]
    if flat:  # page text: sections 二 to 四 and the tables run together on one line (pingtan-2024)
        bodies[1] = render_table(active_rows(s, r), tl, r)
        bodies[2] = render_table(requests_rows(s, r), tl, r)
    parts = []
    for no, (head, body) in enumerate(zip(SECTION_TITLES, bodies, strict=True), start=1):
        if s.missing_section == no:
            continue
        glue = flat and no in (2, 3, 4)
        parts.append(("" if glue or not parts else "\n") + head + ("" if glue else "\n") + body)
    body = "".join(parts)
    tail = "\n\n扫一扫在手机上查看当前页面\n" if r.random() < 0.2 else "\n"
    return _debris_head(s, r, title) + body + tail


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16":
        return text.encode("utf-16")  # with BOM, as Windows tools write it
    return text.encode(encoding)


def write_corpus(n: int, outdir: str | Path, seed: int = 0, manifest: str | Path | None = None) -> list[Synthetic]:
    """Write ``n`` report files into ``outdir`` (created); return what was generated."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(n):
        s = make(i, seed)
        (out / f"{s.name}.txt").write_bytes(encode(render(s), s.encoding))
        made.append(s)
    if manifest:
        with open(manifest, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["file", "unit", "year", "edition", "layout", "encoding", "defect"])
            for s in made:
                w.writerow([f"{s.name}.txt", s.unit, s.year, s.edition, s.layout, s.encoding, s.defect or ""])
    return made


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of report files")
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--manifest", help="also write a CSV of what each file holds (unit, year, defect, ...)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    write_corpus(args.n, args.outdir, args.seed, args.manifest)
    dt = time.perf_counter() - t0
    print(f"wrote {args.n} reports to {args.outdir} in {dt:.2f} s ({args.n / max(dt, 1e-9):.0f}/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
