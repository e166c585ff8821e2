"""The package's layers follow the data (docs/architecture.md): no module imports a higher layer.

sources → store → query / release → checks → project → build, importer → remote, diagnose → serve → cli. A
module may import its own layer and the ones below; none imports solkg.cli or the package root.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {  # top-level module or package under solkg → its layer
    "errors": 0, "namespaces": 0, "terms": 0, "xsd": 0, "files": 0, "findings": 0, "limits": 0,
    "sources": 1,
    "store": 2,
    "query": 3, "release": 3,
    "checks": 4,
    "project": 5,
    "build": 6, "importer": 6,
    "remote": 7, "diagnose": 7,
    "serve": 8,
    "cli": 9,
}


def _imports(path: Path) -> set[str]:
    """The solkg modules a file imports, as top-level names under solkg ("" for the package root)."""
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
    package = parts if rel.name == "__init__" else parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = base + (node.module.split(".") if node.module else [])
            else:
                target = (node.module or "").split(".")
            if target[:1] == ["solkg"]:
                if len(target) == 1:  # from solkg import x / from . import x
                    found.update(alias.name for alias in node.names)
                else:
                    found.add(target[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("solkg."))
    return found


def test_every_module_has_a_layer():
    tops = {p.stem if p.is_file() else p.name for p in (ROOT / "solkg").iterdir()
            if (p.suffix == ".py" and p.stem not in ("__init__", "__main__")) or (p / "__init__.py").is_file()}
    assert tops == set(LAYERS), tops ^ set(LAYERS)


def test_no_module_imports_a_higher_layer():
    wrong = []
    for path in sorted((ROOT / "solkg").rglob("*.py")):
        rel = path.relative_to(ROOT / "solkg")
        if rel.parts[0] in ("__init__.py", "__main__.py"):
            continue
        own = LAYERS[rel.parts[0].removesuffix(".py")]
        for target in _imports(path):
            if target in ("__version__",):
                continue
            layer = LAYERS.get(target)
            if layer is None or layer > own:
                wrong.append(f"{rel} imports solkg.{target}")
    assert not wrong, "\n".join(wrong)
