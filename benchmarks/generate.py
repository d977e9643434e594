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
import random
import sys
import time
from pathlib import Path

from synthetic import (
    OTHER_TEXT,
    OVERVIEW_SENTENCES,
    PROBLEMS_TEXT,
    REQ_OTHER_2019,
    REQ_OTHER_2021,
    REQ_RESULT_ROWS,
    REQ_ROWS_HEAD,
    REQ_TAIL,
    SECTION_TITLES,
    Synthetic,
    make,
    rng,
)

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
    r = rng(s.index, "render", s.layout)
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
