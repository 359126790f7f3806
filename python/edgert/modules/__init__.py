"""Multi-file workers: module rules, import resolution (``node_modules`` included) and the
module graph handed to the core. See :func:`load_graph`."""

from edgert.modules.graph import Module, ModuleGraph, load_graph
from edgert.modules.rules import DEFAULT_RULES, ModuleRule, parse_rules

__all__ = ["DEFAULT_RULES", "Module", "ModuleGraph", "ModuleRule", "load_graph", "parse_rules"]
