"""The package's layers, checked: a module may import its own layer and the layers below,
never one above (docs/architecture.md draws them). Lazy imports inside functions count."""

from __future__ import annotations

import ast
from pathlib import Path

import stream

ROOT = Path(stream.__file__).parent

# Bottom to top. A module's layer is the first prefix that names it.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("contracts", ("stream", "stream.models", "stream.errors", "stream.config", "stream.codecs",
                   "stream.schemas", "stream.changes", "stream.budget",
                   "stream.trends.settings", "stream.trends.models")),
    ("enrich", ("stream.enrich",)),
    ("ops", ("stream.ops",)),
    ("stores", ("stream.stores",)),
    ("processing", ("stream.processing", "stream.outputs", "stream.committer")),
    ("runtime", ("stream.runtime",)),
    ("trends", ("stream.trends",)),
    ("cli", ("stream.cli",)),
]  # fmt: skip


def layer_of(module: str) -> int:
    best: tuple[int, int] | None = None  # (prefix length, layer index)
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if prefix == "stream" and module != "stream":
                    continue  # the root package itself only (its __init__)
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), index)
    if best is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS and the docs")
    return best[1]


def modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in names if name == "stream" or name.startswith("stream.")}


def test_every_module_is_in_a_layer() -> None:
    for name in modules():
        layer_of(name)


def upward_imports(name: str, path: Path, known: dict[str, Path]) -> list[str]:
    own = layer_of(name)
    targets = {
        imported if imported in known else imported.rsplit(".", 1)[0]
        for imported in imports_of(path)
    }
    return [
        f"{name} ({LAYERS[own][0]}) imports {target}"
        for target in sorted(targets)
        if target in known and layer_of(target) > own
    ]


def test_no_module_imports_a_layer_above_its_own() -> None:
    known = modules()
    assert [
        line for name, path in known.items() for line in upward_imports(name, path, known)
    ] == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The rule can fail: an enricher importing the runtime, even lazily, is reported."""
    module = tmp_path / "fake.py"
    module.write_text("def f():\n    from stream.runtime.worker import Worker\n")
    assert upward_imports("stream.enrich.fake", module, modules()) == [
        "stream.enrich.fake (enrich) imports stream.runtime.worker"
    ]
