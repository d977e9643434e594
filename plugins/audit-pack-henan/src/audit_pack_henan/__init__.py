"""河南省 local rules: one Python rule and one YAML rule, exposed through the ``audit`` entry point."""

from __future__ import annotations

from importlib import resources

from audit.api import Pack, hookimpl, pack_from_dict, with_pack_names
from audit_pack_henan.rules import fee_stated

PACK_NAME = "henan"
__version__ = "0.1.0"


def _yaml_rules():
    import yaml

    text = resources.files(__name__).joinpath("henan.yaml").read_text(encoding="utf-8")
    return pack_from_dict(yaml.safe_load(text), source="audit_pack_henan/henan.yaml").rules


@hookimpl
def audit_pack() -> Pack:
    pack = Pack(name=PACK_NAME, version=__version__, rules=(fee_stated, *_yaml_rules()),
                description="河南省政务公开办地方审核规则（示例外部规则包）")
    return with_pack_names(pack)
