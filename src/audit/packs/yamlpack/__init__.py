"""Declarative YAML rule packs and discovery of local packs given with ``--rules PATH``.

Modules: ``loading`` (files → packs), ``kinds`` (one YAML rule → a vectorised ``Rule``), ``expr``
(equation expressions), ``limits`` (what keeps a hostile pack from hanging a run: no YAML aliases,
RE2 patterns, bounded numbers). Every public name stays importable from ``audit.packs.yamlpack``.

A local author writes a rule in a few lines of YAML instead of Python (see ``docs/authoring.md``
and ``rules/examples/``). Each YAML rule has exactly one kind:

- ``equation``: ``lhs`` ``op`` ``rhs`` over sums of canonical cells (``table/row/col``), or an
  ``expr`` string evaluated by ``pandas.DataFrame.eval`` on a wide frame of the cells it names.
  The expression may only contain cell keys, numbers, arithmetic, comparisons, ``and``/``or``/
  ``not`` and ``abs``: every other name is refused when the pack loads (no Python eval/exec).
- ``section``: a section that must be present (canonical name or title regex), optionally with
  text that must appear in it;
- ``pattern``: a regex that must (or must not) appear in the report text or one section;
- ``threshold``: one cell compared with a constant.

Any rule may carry ``when`` (unit-name regex, edition, year range) to restrict the reports it
applies to. Every kind compiles into an ordinary ``audit.packs.rule.Rule`` whose check is one pandas pass
over the whole corpus.

Cell semantics: a report that does not have a cell at all (other edition, table missing) is not
checked by a rule that needs it (the structure pack reports missing tables); a cell printed blank
counts as 0 in equations (``blank: skip`` skips the report instead) and is skipped by thresholds
(``blank: zero`` counts it as 0). A cell whose state is ``text`` or ``unplaced``, or that lies in a
row the reader flagged ``missing_cells`` / ``ambiguous_split``, is never read as 0: the report is
skipped (``kinds.cell_checkable``), as the built-in packs do.
"""


from audit.packs.yamlpack.common import (
                                         CASE_FILE_PREFIX,
                                         PLACEHOLDERS,
                                         YAML_SUFFIXES,
                                         LoadError,
                                         PackLoadError,
)
from audit.packs.yamlpack.kinds import cell_values, compile_rule, render
from audit.packs.yamlpack.limits import compile_regex, load_yaml
from audit.packs.yamlpack.loading import (
                                         PackPlugin,
                                         load_python_pack,
                                         load_rule_paths,
                                         load_yaml_pack,
                                         local_plugins,
                                         pack_from_dict,
                                         schema,
                                         validate_pack,
                                         with_pack_names,
)

__all__ = ["CASE_FILE_PREFIX", "PLACEHOLDERS", "YAML_SUFFIXES", "LoadError", "PackLoadError", "PackPlugin",
           "cell_values", "compile_regex", "compile_rule", "load_python_pack", "load_rule_paths", "load_yaml",
           "load_yaml_pack", "local_plugins", "pack_from_dict", "render", "schema", "validate_pack",
           "with_pack_names"]
