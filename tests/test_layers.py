"""The package's layers: a module imports only from its own layer or lower ones, not
even by string (a lazy import, a registry entry). Data flows one way: spaces -> strategies
-> runner -> study, with the resolver and the command line on top."""

import ast
import re
from pathlib import Path

import weaknas

SOURCE = Path(weaknas.__file__).parent
# Lowest first. The package root's small modules (errors, names, lazy attributes, named
# callables, Pareto dominance) are the floor; ``weaknas/__init__.py`` is the public face,
# above everything.
LAYERS = [
    {"errors", "names", "_lazy", "callables", "pareto"},
    {"spaces"},
    {"benchmarks", "predictors"},
    {"strategies"},
    {"runner"},
    {"training"},
    {"evaluators", "integrations"},
    {"study", "export"},
    {"testing"},
    {"resolve"},
    {"cli"},
    {"__init__"},
]
LEVEL = {name: level for level, names in enumerate(LAYERS) for name in names}
REFERENCE = re.compile(r"\bweaknas\.([a-z_]+)")


def _part(path: Path) -> str:
    """Which layer entry a source file belongs to: its subpackage, or its module name."""
    relative = path.relative_to(SOURCE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def references(path: Path) -> set[str]:
    """The weaknas parts a module imports (anywhere in it) or names in a string
    (docstrings aside)."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module]
            if node.module == "weaknas":  # from weaknas import spaces
                modules += [f"weaknas.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings:  # prose about other layers, not a reference
                continue
            modules = [f"weaknas.{m}" for m in REFERENCE.findall(node.value)]
        else:
            continue
        found.update(m.split(".")[1] for m in modules if m.startswith("weaknas."))
    return found


def test_every_part_of_the_package_has_a_layer():
    parts = {_part(path) for path in SOURCE.rglob("*.py")}
    assert parts <= set(LEVEL), f"give these a layer: {sorted(parts - set(LEVEL))}"


def test_no_module_imports_a_higher_layer_not_even_by_string():
    breaches = []
    for path in sorted(SOURCE.rglob("*.py")):
        own = _part(path)
        for part in references(path) - {own}:
            if part in LEVEL and LEVEL[part] > LEVEL[own]:
                breaches.append(f"{path.relative_to(SOURCE)} -> weaknas.{part}")
    assert not breaches, "\n".join(breaches)


def test_the_rule_catches_a_breach(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "def f():\n    from weaknas.integrations import ray\n"
        "REGISTRY = {'ray': 'weaknas.integrations.ray:RayExecutor'}\n"
    )
    assert references(module) == {"integrations"}
