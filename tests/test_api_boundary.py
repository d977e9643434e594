"""Packs reach the core only through ``audit.api``, and never through each other.

What a built-in pack can do, an outside pack can do the same way: the built-in packs
(``rules/*.py``) and the example outside pack (``plugins/audit-pack-henan``) may import from
``audit`` only ``audit.api``, and a pack never imports another pack (no relative imports, no
``audit.rules``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import audit.api

ROOT = Path(__file__).resolve().parents[1]
BUILTIN = sorted((ROOT / "rules").glob("*.py"))
HENAN = sorted((ROOT / "plugins" / "audit-pack-henan").glob("[st]*/**/*.py"))


def _packs() -> set[str]:
    """The built-in packs' module names (entry points of the core distribution)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return set(re.findall(r'= "audit\.rules\.(\w+)"', text))


def forbidden_imports(source: str, own_package: str | None = None, packs: set[str] = frozenset()) -> list[str]:
    """The imports of a pack module that break the boundary, as printed in the source. A relative
    import is allowed only of a module of the pack's own that is no pack (``packs``) itself."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                target = node.module or ""
                if node.level > 1 or not target or target in packs or target.startswith("_"):
                    out.append(f"from {'.' * node.level}{target} import …")
                continue
            mod = node.module or ""
            names = [f"{mod}.{a.name}" for a in node.names] if mod == "audit" else [mod]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top == "audit" and name != "audit.api":
                out.append(name)
            elif own_package and top not in ("audit", own_package) and top.startswith("audit"):
                out.append(name)  # another pack (audit_pack_*)
    return out


def test_the_checker_catches_private_names_and_other_packs():
    bad = ("from . import _common\nfrom .sections import parse_failed\nfrom audit.packs.rule import found\n"
           "import audit\nfrom audit import catalogue\nfrom audit.rules import zeros\nimport audit_pack_other\n")
    assert forbidden_imports(bad, "audit_pack_henan", {"sections", "zeros"}) == [
        "from . import …", "from .sections import …", "audit.packs.rule", "audit", "audit.catalogue",
        "audit.rules", "audit_pack_other"]
    assert forbidden_imports("from audit.api import found\nfrom audit import api\nimport audit.api\n") == []


@pytest.mark.parametrize("path", BUILTIN, ids=lambda p: p.name)
def test_builtin_packs_import_only_audit_api(path):
    assert forbidden_imports(path.read_text(encoding="utf-8"), packs=_packs()) == []


def test_a_helper_module_of_a_pack_serves_that_pack_only():
    """A module of ``rules/`` that is no pack (``duplicates`` of cross_report) is imported by one pack."""
    users: dict[str, set[str]] = {}
    for path in BUILTIN:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                users.setdefault(node.module, set()).add(path.stem)
    assert {m: u for m, u in users.items() if len(u) > 1 or m in _packs()} == {}
    assert "sections" not in users  # parse_failed and section_keys come from audit.api


@pytest.mark.parametrize("path", HENAN, ids=lambda p: p.name)
def test_the_outside_pack_imports_only_audit_api(path):
    assert forbidden_imports(path.read_text(encoding="utf-8"), "audit_pack_henan") == []


def test_no_private_helper_modules_in_rules():
    assert not [p.name for p in BUILTIN if p.name.startswith("_") and p.name != "__init__.py"]


def test_every_exported_name_exists():
    missing = [n for n in audit.api.__all__ if not hasattr(audit.api, n)]
    assert missing == []


def _authoring_example() -> str:
    doc = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    part = doc[doc.index("## 2. A Python rule"):doc.index("Load it with `--rules my_rules.py`")]
    lines = [ln[4:] for ln in part.splitlines() if ln.startswith("    ") or not ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.startswith("from audit.api import"))
    return "\n".join(lines[start:])


def test_the_authoring_example_imports_only_audit_api_and_works():
    source = _authoring_example()
    assert forbidden_imports(source) == []
    namespace: dict = {}
    exec(compile(source, "docs/authoring.md", "exec"), namespace)  # noqa: S102 - our own documentation
    pack = namespace["audit_pack"]()
    assert [r.id for r in pack.rules] == ["MY-UNIT-MISSING", "MY-NEW-TOTAL-ZERO"]
    for r in pack.rules:
        audit.api.check_examples(r)
