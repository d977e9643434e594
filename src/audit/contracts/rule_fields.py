"""The values a finding's ``severity`` and ``category`` take (DESIGN.md, findings contract).

They belong to the findings contract, so they live here: the rule API (``audit.packs.rule``), the
findings frame and scoring all read them from this one place.
"""

SEVERITIES = ("error", "warning", "info")
CATEGORIES = ("parse", "structure", "arithmetic", "sections", "template", "zeros", "narrative", "metadata",
              "cross_report")
