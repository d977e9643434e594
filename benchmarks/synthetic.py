"""What a synthetic annual report says, before it is printed: the unit, year, edition, the numbers
of its three tables and which defect it carries (``make``); ``generate.py`` prints it in a layout.

Numbers are consistent as real units keep them: every 勾稽关系 holds, a unit's 上年结转 is its
结转下年度 of the year before, 现行有效件数 (edition 2021) and 上一年项目数量 (edition 2019) run on
from year to year. File ``i`` depends only on ``(seed, i)``.
"""

from __future__ import annotations

import functools
import hashlib
import random
from dataclasses import dataclass, field

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


def rng(*parts: object) -> random.Random:
    return random.Random(hashlib.blake2b(repr(parts).encode(), digest_size=8).digest())


VILLAGES = ["东村村民委员会", "西村村民委员会", "南街社区居民委员会", "北街社区居民委员会", "新华社区居民委员会",
            "建设社区居民委员会", "人民路社区居民委员会", "和平社区居民委员会", "幸福社区居民委员会", "光明社区居民委员会"]


@functools.cache
def _unit_names(seed: int) -> tuple[str, ...]:
    """Every unit name, each once, in a seeded order: towns and departments first (as in a real
    province), then village and community committees. Real units have distinct names, and
    cross-report rules pair reports by name, so a generated corpus must not repeat one."""
    r = rng(seed, "units")
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
    r = rng(seed, "carry", unit_no, year)
    return [r.choice((0, 0, 0, 0, 1, 2)) if c in ("natural", "commercial") else 0 for c in APPLICANT_COLS]


def _documents(seed: int, unit_no: int, year: int) -> dict[str, dict[str, int]]:
    """规章 / 行政规范性文件 issued, repealed and in force at the end of ``year``: in force is a
    running stock (last year's + issued - repealed), as XR-IN-FORCE expects of real units."""
    r = rng(seed, "documents", unit_no, year)
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
    r = rng(seed, "items", unit_no, year)
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
    r = rng(seed, "report", index)
    unit_no, year_no = divmod(index, YEARS_PER_UNIT)
    year = FIRST_YEAR + (rng(seed, "start", unit_no).randint(0, 3)) + year_no
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


