"""The units file (``audit run --units FILE``): which units must report, with region, level, parent, kind.

A supervisor keeps this list in Excel: one row per unit that must publish a report (应报尽报),
with Chinese headers 单位名称 / 地区 / 层级 / 上级单位 / 类型 (CSV in UTF-8 or GB18030, or XLSX).
``load_units`` returns it with English column names ``unit, region, level, parent, kind`` (the
contract rules read from ``corpus.options["units"]``). Only 单位名称 is required; a file that
cannot be read, lacks that column, repeats a unit or names an unknown kind raises ``UnitsError``
with a Chinese message naming the file and the field, before any report is read.

Reports are matched to units by name after removing white space and unifying brackets
(``unit_key``): a wrong match would put a unit's score under another, so nothing fuzzier.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

COLUMNS = ("unit", "region", "level", "parent", "kind")
HEADERS = {"unit": "单位名称", "region": "地区", "level": "层级", "parent": "上级单位", "kind": "类型"}
KINDS = ("人民政府", "部门", "乡镇", "街道")
# Headers accepted for each column: the Chinese ones of the contract, a few common variants, the keys.
_ALIASES = {
    "unit": ("单位名称", "单位", "名称", "unit"),
    "region": ("地区", "所属地区", "区县", "region"),
    "level": ("层级", "级别", "level"),
    "parent": ("上级单位", "上级", "parent"),
    "kind": ("类型", "单位类型", "kind"),
}


class UnitsError(ValueError):
    """A units file that cannot be used; the message (Chinese) names the file and the field."""


def unit_key(name: object) -> str:
    """The form a unit name is matched by: no white space, ASCII brackets, nothing else changed."""
    if name is None or (isinstance(name, float) and name != name) or name is pd.NA:
        return ""
    s = re.sub(r"\s+", "", str(name))
    return s.replace("（", "(").replace("）", ")")


def _read_table(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            return pd.read_excel(path, dtype=str, engine="openpyxl")
        except Exception as exc:  # a corrupt or non-XLSX file: say so, never a traceback
            raise UnitsError(f"单位名单 {path}：无法读取该 Excel 文件（{exc}）") from exc
    if suffix not in (".csv", ".txt"):
        raise UnitsError(f"单位名单 {path}：只支持 CSV 或 XLSX 文件（扩展名 .csv / .xlsx）")
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        try:
            import io

            return pd.read_csv(io.StringIO(text), dtype=str, skip_blank_lines=True)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise UnitsError(f"单位名单 {path}：不是有效的 CSV 文件（{exc}）") from exc
    raise UnitsError(f"单位名单 {path}：文件编码无法识别（请另存为 UTF-8 或 GB18030 编码的 CSV）")


def _columns(frame: pd.DataFrame, path: Path) -> dict[str, str]:
    """Which header of ``frame`` holds each contract column."""
    headers = {re.sub(r"\s+", "", str(h)): h for h in frame.columns}
    found: dict[str, str] = {}
    for key, names in _ALIASES.items():
        for name in names:
            if name in headers:
                found[key] = headers[name]
                break
    if "unit" not in found:
        raise UnitsError(f"单位名单 {path}：缺少“单位名称”列（表头应为 单位名称、地区、层级、上级单位、类型）")
    return found


def load_units(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The units file as a frame with columns ``unit, region, level, parent, kind`` (None where empty)."""
    p = Path(path)
    if not p.is_file():
        raise UnitsError(f"单位名单 {p}：文件不存在或不是文件")
    try:
        frame = _read_table(p)
    except OSError as exc:
        raise UnitsError(f"单位名单 {p}：无法读取（{exc.strerror or exc}）") from exc
    found = _columns(frame, p)
    out = pd.DataFrame({key: frame[found[key]] if key in found else None for key in COLUMNS}, dtype=object)
    out = out.apply(lambda s: s.map(lambda v: v.strip() if isinstance(v, str) else v))
    out = out.where(out.notna() & (out != ""), None)
    out = out.dropna(how="all").reset_index(drop=True)
    rows = out.index + 2  # the spreadsheet's row number (header is row 1)
    blank = out["unit"].isna()
    if blank.any():
        raise UnitsError(f"单位名单 {p}：第 {int(rows[blank][0])} 行“单位名称”为空")
    keys = out["unit"].map(unit_key)
    dup = keys.duplicated(keep="first")
    if dup.any():
        name = out.loc[dup, "unit"].iloc[0]
        raise UnitsError(f"单位名单 {p}：第 {int(rows[dup.to_numpy()][0])} 行“单位名称”重复（{name}）")
    bad_kind = out["kind"].notna() & ~out["kind"].isin(KINDS)
    if bad_kind.any():
        i = int(bad_kind.to_numpy().argmax())
        raise UnitsError(f"单位名单 {p}：第 {int(rows[i])} 行“类型”为“{out['kind'].iloc[i]}”，"
                         f"应为 {'、'.join(KINDS)} 之一")
    if out.empty:
        raise UnitsError(f"单位名单 {p}：没有任何单位（“单位名称”列为空）")
    return out


def match(report_units: pd.Series, units: pd.DataFrame) -> pd.Series:
    """For each report's unit name, the position of its row in ``units`` (-1 when not listed)."""
    index = pd.Index(units["unit"].map(unit_key))
    return pd.Series(index.get_indexer(report_units.map(unit_key)), index=report_units.index)


def missing(report_units: pd.Series, units: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``units`` that no report matches: the units that sent no report (未提交)."""
    hit = set(match(report_units, units).tolist())
    keep = [i not in hit for i in range(len(units))]
    return units.loc[keep].reset_index(drop=True)
