"""Build normalised reports from small patches: the fixture language of rule tests and examples.

``build_report(patch)`` starts from a clean, internally consistent edition-2021 (or 2019) report
that no built-in rule should flag, and applies the patch. Patch keys:

- ``report_id``, ``unit``, ``year``, ``published``, ``edition``, ``edition_evidence``: replace the field;
- ``cells``: ``{"table/row/col": value}``; a number sets value and raw (state ``value``), ``None``
  makes the cell a printed blank (raw "", state ``blank``), ``"raw:TEXT"`` a cell printed TEXT with
  value null (state ``text``, or ``blank`` for a blank mark such as "-" or "--", as the reader reads it);
- ``drop_cells``: list of ``"table/row/col"`` (or ``"table"`` / ``"table/row"``) keys to remove;
- ``sections``: ``{canonical: text}`` replaces a section's text, ``None`` removes the section;
- ``section_titles``: ``{canonical: title}`` prints another heading;
- ``section_order``: list of canonical names, the order the sections are printed in (others follow);
- ``extra_text``: appended to the overview section's text;
- ``problems``: reader problems to add (dicts with kind/detail/table/row/col, and readings on an
  ``ambiguous_split`` row).
"""

from __future__ import annotations

import copy
from typing import Any

from audit.contracts import catalogue
from audit.contracts.report import new_report, problem
from audit.ingest.values import state_of

_BASE_VALUES_2021: dict[str, float] = {
    "active/normative_documents/issued": 2, "active/normative_documents/in_force": 10,
    "active/licensing/decisions": 120, "active/penalty/decisions": 15,
    "requests/new/natural": 3, "requests/new/total": 3,
    "requests/granted/natural": 2, "requests/granted/total": 2,
    "requests/unable_not_held/natural": 1, "requests/unable_not_held/total": 1,
    "requests/handled_total/natural": 3, "requests/handled_total/total": 3,
    "appeals/review/upheld": 1, "appeals/review/total": 1,
}
_BASE_VALUES_2019: dict[str, float] = {
    "active/normative_documents/new_made": 2, "active/normative_documents/new_published": 2,
    "active/normative_documents/total_published": 10,
    "active/licensing/prev_items": 30, "active/licensing/decisions": 120,
    "active/penalty/prev_items": 12, "active/penalty/decisions": 15,
    "requests/new/natural": 3, "requests/new/total": 3,
    "requests/granted/natural": 2, "requests/granted/total": 2,
    "requests/unable_not_held/natural": 1, "requests/unable_not_held/total": 1,
    "requests/handled_total/natural": 3, "requests/handled_total/total": 3,
    "appeals/review/upheld": 1, "appeals/review/total": 1,
}

_SECTION_TEXT = {
    "overview": "本报告根据《中华人民共和国政府信息公开条例》（国务院令第711号）要求编制。"
                "本年度报告中所列数据的统计期限为{year}年1月1日至{year}年12月31日。"
                "{year}年，本单位认真贯彻落实政府信息公开工作要求，持续推进决策、执行、管理、服务、结果公开。",
    "active": "本单位通过门户网站主动公开政府信息，及时发布政策文件和工作动态。",
    "requests": "本单位依法办理政府信息公开申请，均在法定期限内答复。",
    "appeals": "本年度因政府信息公开引发的行政复议案件已审结，结果维持。",
    "problems": "存在的问题：公开内容的深度有待加强。改进情况：加强培训，完善制度。",
    "other": "本年度未收取信息处理费。无其他需要报告的事项。",
}


def clean_report(edition: str = "2021", *, report_id: str = "r1", unit: str = "示例市示例区人民政府办公室",
                 year: int = 2024) -> dict[str, Any]:
    """A consistent report that no built-in rule should flag."""
    cat = catalogue.load()
    rep = new_report(report_id, f"{report_id}.txt", fmt="txt", encoding="utf-8", layout="tab")
    rep["unit"] = unit
    rep["year"] = year
    rep["published"] = f"{year + 1}-01-20"
    rep["edition"] = edition
    rep["edition_evidence"] = cat.fingerprints(edition)[:3]
    base = _BASE_VALUES_2021 if edition == "2021" else _BASE_VALUES_2019
    rep["cells"] = [
        {"table": t, "row": r, "col": c, "value": float(base.get(f"{t}/{r}/{c}", 0)),
         "raw": _raw(base.get(f"{t}/{r}/{c}", 0)), "state": "value"}
        for t, r, c in cat.edition_cells(edition)
    ]
    rep["sections"] = [
        {"number": s["number"], "title": s["title"], "canonical": s["canonical"],
         "text": _SECTION_TEXT[s["canonical"]].format(year=year)}
        for s in cat.sections
    ]
    return rep


def _raw(v: float) -> str:
    f = float(v)
    return str(int(f)) if f.is_integer() else str(f)


def build_report(patch: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    """A clean report of the patch's edition with the patch (and keyword overrides) applied."""
    p = dict(copy.deepcopy(patch or {}))
    p.update(overrides)
    edition = p.get("edition") or "2021"
    rep = clean_report(edition, report_id=p.get("report_id", "r1"), year=p.get("year") or 2024)
    for key in ("unit", "year", "published", "edition", "edition_evidence"):
        if key in p:
            rep[key] = p[key]
    if "year" in p and p["year"] is None:
        rep["year"] = None
    drops = p.get("drop_cells") or []
    if drops:
        def dropped(c: dict[str, Any]) -> bool:
            k = f"{c['table']}/{c['row']}/{c['col']}"
            return any(k == d or k.startswith(d + "/") for d in drops)
        rep["cells"] = [c for c in rep["cells"] if not dropped(c)]
    index = {f"{c['table']}/{c['row']}/{c['col']}": c for c in rep["cells"]}
    for key, value in (p.get("cells") or {}).items():
        table, row, col = key.split("/")
        cell = index.get(key)
        if cell is None:
            cell = {"table": table, "row": row, "col": col, "value": None, "raw": None, "state": "unplaced"}
            rep["cells"].append(cell)
            index[key] = cell
        if value is None:
            cell["value"], cell["raw"], cell["state"] = None, "", "blank"
        elif isinstance(value, str) and value.startswith("raw:"):
            cell["value"], cell["raw"] = None, value[4:]
            cell["state"] = state_of(None, cell["raw"])  # as the reader reads that text ("-" is blank)
        else:
            cell["value"], cell["raw"], cell["state"] = float(value), _raw(value), "value"
    for canonical, text in (p.get("sections") or {}).items():
        if text is None:
            rep["sections"] = [s for s in rep["sections"] if s["canonical"] != canonical]
        else:
            for s in rep["sections"]:
                if s["canonical"] == canonical:
                    s["text"] = text
    for canonical, title in (p.get("section_titles") or {}).items():
        for s in rep["sections"]:
            if s["canonical"] == canonical:
                s["title"] = title
    if p.get("section_order"):
        rank = {c: i for i, c in enumerate(p["section_order"])}
        rep["sections"].sort(key=lambda s: rank.get(s["canonical"], len(rank)))
    if p.get("extra_text"):
        rep["sections"][0]["text"] += p["extra_text"]
    for pr in p.get("problems") or []:
        rep["problems"].append(problem(pr["kind"], pr.get("detail", ""), pr.get("table"), pr.get("row"),
                                       pr.get("col"), readings=pr.get("readings")))
    return rep


def build_corpus(*patches: dict[str, Any] | None, validate: bool = True):
    """Load patched reports (report ids r1, r2, … unless a patch names one) into a Corpus."""
    from audit.corpus.loader import load

    reports = []
    for i, p in enumerate(patches or ({},), start=1):
        q = dict(p or {})
        q.setdefault("report_id", f"r{i}")
        reports.append(build_report(q))
    return load(reports, validate=validate)
