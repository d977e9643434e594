"""Edition detection from label fingerprints only (never from the year), with its evidence."""

from __future__ import annotations

import re
from functools import cache

from audit.contracts import catalogue
from audit.contracts.edition_evidence import ONE_ROW as ONE_ROW_EVIDENCE
from audit.contracts.edition_evidence import SUB_ROWS as SUB_ROWS_EVIDENCE
from audit.contracts.edition_evidence import in_chinese as _zh
from audit.contracts.report import problem
from audit.ingest.tables import TableRead


@cache
def _fingerprint_regex(fingerprint: str) -> re.Pattern[str]:
    pattern = catalogue.text_pattern(fingerprint)
    if fingerprint == "处理决定数量":
        pattern = r"(?<!本年)" + pattern
    return re.compile(pattern)


def _found(fingerprint: str, text: str) -> bool:
    return _fingerprint_regex(fingerprint).search(text) is not None


def detect(table_text: str, reads: dict[str, TableRead], full_text: str) -> tuple[str | None, list[str], list[dict]]:
    """(edition, evidence, problems) for a report whose tables' text is ``table_text``."""
    cat = catalogue.load()
    evidence: dict[str, list[str]] = {ed: [fp for fp in cat.fingerprints(ed) if _found(fp, table_text)]
                                      for ed in catalogue.EDITIONS}
    req = reads.get("requests")
    if req is not None and "other" in req.rows and not req.other_is_group:
        evidence["2019"].append(ONE_ROW_EVIDENCE)
    if req is not None and (req.other_is_group or "other_misc" in req.rows):
        if SUB_ROWS_EVIDENCE not in evidence["2021"]:
            evidence["2021"].append(SUB_ROWS_EVIDENCE)
    n19, n21 = len(evidence["2019"]), len(evidence["2021"])
    problems: list[dict] = []
    if n19 == 0 and n21 == 0:
        legacy = [fp for fp in cat.legacy_fingerprints if _found(fp, full_text)]
        if legacy:
            problems.append(problem("legacy_format", "报告使用 2019 年以前的旧版统计表（"
                                    + "、".join(legacy) + "），不是国办公开办函〔2019〕60号或〔2021〕30号规定的格式"))
            return None, legacy, problems
        problems.append(problem("unknown_format", "未识别出任一官方年报格式（2019 版或 2021 版）的表格特征"))
        return None, [], problems
    edition = "2021" if n21 >= n19 else "2019"
    if n19 and n21:
        other = "2019" if edition == "2021" else "2021"
        problems.append(problem("mixed_edition", f"表格同时含有 2021 版特征（{_zh(evidence['2021'])}）"
                                f"和 2019 版特征（{_zh(evidence['2019'])}），按 {edition} 版读取"))
        return edition, evidence[edition] + [f"{other}: {e}" for e in evidence[other]], problems
    return edition, evidence[edition], problems
