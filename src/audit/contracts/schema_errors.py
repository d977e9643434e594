"""A JSON Schema violation of a file the user gave us, said in Chinese.

Config, waivers, policy, rubric and YAML-pack files are validated with jsonschema; its messages
are English ("'reason' is a required property"). A supervisor reads the message, so every loader
names the file and the field itself and takes the reason from ``explain``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jsonschema

_TYPES = {"string": "文字", "integer": "整数", "number": "数字", "boolean": "true 或 false", "array": "列表",
          "object": "表（键值对）", "null": "空值"}


_BOUNDS = {"minimum": "不小于", "exclusiveMinimum": "大于", "maximum": "不大于", "exclusiveMaximum": "小于"}


def _type_name(t: Any) -> str:
    names = t if isinstance(t, list) else [t]
    return "或".join(_TYPES.get(str(n), str(n)) for n in names)


def explain(e: jsonschema.ValidationError) -> str:
    """Why the value breaks the schema (the caller names the file and the field)."""
    v, want, got = e.validator, e.validator_value, e.instance
    if v == "required":
        missing = [m for m in want if not isinstance(got, dict) or m not in got]
        return "缺少必填项 " + "、".join(missing)
    if v == "additionalProperties":
        extra = sorted(set(got) - set(e.schema.get("properties", {}))) if isinstance(got, dict) else []
        return "有未知的项 " + "、".join(map(str, extra))
    if v == "type":
        return f"应为{_type_name(want)}，实际为 {got!r}"
    if v == "enum":
        return f"取值 {got!r} 不在允许的范围内（{'、'.join(map(str, want))}）"
    if v == "const":
        return f"应为 {want!r}，实际为 {got!r}"
    if v in _BOUNDS:
        return f"应{_BOUNDS[v]} {want}，实际为 {got!r}"
    if v in ("minItems", "minLength", "minProperties"):
        return "不能为空" if want == 1 else f"至少应有 {want} 项"
    if v in ("maxItems", "maxLength"):
        return f"最多 {want} 项"
    if v == "pattern":
        return f"{got!r} 的写法不符合要求（应匹配 {want}）"
    if v == "format":
        return f"{got!r} 不是有效的 {want} 格式"
    if v in ("oneOf", "anyOf"):
        return "不符合任何一种允许的写法"
    if v == "uniqueItems":
        return "列表中有重复项"
    return f"不符合要求（{v}）"


def field_path(e: jsonschema.ValidationError, prefix: Sequence[Any] = ()) -> str:
    """The offending field as a dotted path; for a missing required item, that item."""
    path = [*prefix, *e.absolute_path]
    if e.validator == "required" and isinstance(e.instance, dict):
        missing = [m for m in e.validator_value if m not in e.instance]
        path += missing[:1]
    return ".".join(map(str, path)) or "（顶层）"
