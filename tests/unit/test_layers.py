"""Dependencies point one way (DESIGN.md, Layout): read from the source, not run.

events/ is the write model and imports no other layer; projections/ reads
events/; api/, realtime/ and web/ call events/ and read projections/, and none of
them imports another; core/ is the composition root: it imports everything, and
nothing imports it. Every import counts, also those inside a function or under
TYPE_CHECKING, and no module reaches itself again through its imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "events", "projections", "realtime", "api", "web", "bench")

# What each layer may import besides itself and third-party code.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "events": frozenset(),
    "projections": frozenset({"events"}),
    "realtime": frozenset({"events", "projections"}),
    "api": frozenset({"events", "projections"}),
    "web": frozenset({"events", "projections"}),
    "bench": frozenset({"events", "projections", "realtime"}),
    "core": frozenset(PACKAGES),
}

# Known exceptions, each with the issue that removes it.
EXCEPTIONS: dict[tuple[str, str], str] = {
    # Invitations are events (events.invitations); the join page shares api/'s account
    # creation (Django users, the e-mail) until issue 15 item 5 gives it a home of its own.
    ("web.views.account", "api.invitations"): "issue 15",
    ("web.views.invitations", "api.invitations"): "issue 15",
    # Page views and read markers live in api/models.py until issue 15 item 5 moves them.
    ("web.views.home", "api.models"): "issue 15",
    ("web.views.public", "api.models"): "issue 15",
    ("web.views.updates", "api.models"): "issue 15",
    ("web.views.dashboard", "api.models"): "issue 15",
    ("web.reading", "api.models"): "issue 15",
}


def module_files() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = module_files()


def imported(name: str, path: Path) -> Iterator[str]:
    """Every first-party module that ``name`` imports, anywhere in its file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            # `from package import module` imports the module; otherwise the package.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


GRAPH = {name: sorted(set(imported(name, path))) for name, path in MODULES.items()}


def test_the_layers_import_only_what_they_may() -> None:
    wrong = []
    for name, targets in GRAPH.items():
        layer = name.split(".")[0]
        for target in targets:
            other = target.split(".")[0]
            if other != layer and other not in MAY_IMPORT[layer] and (name, target) not in EXCEPTIONS:
                allowed = ", ".join(sorted(MAY_IMPORT[layer])) or "no other layer"
                where = MODULES[name].relative_to(ROOT)
                wrong.append(f"{where} imports {target}: {layer}/ may import {allowed}")
    assert not wrong, "\n".join(wrong)


def test_nothing_imports_the_composition_root() -> None:
    assert not [
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        for target in targets
        if target.split(".")[0] == "core" and not name.startswith("core")
    ]


@pytest.mark.parametrize("exception", sorted(EXCEPTIONS))
def test_each_exception_is_still_needed(exception: tuple[str, str]) -> None:
    importer, target = exception
    assert target in GRAPH[importer], f"{importer} no longer imports {target}: drop it from EXCEPTIONS"


def cycles() -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in GRAPH[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in GRAPH:
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_through_others() -> None:
    assert cycles() == []


def test_the_reading_of_imports_sees_every_kind_of_import(tmp_path: Path) -> None:
    # The checks above are only as good as this reading.
    source = tmp_path / "example.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from . import roles\n"
        "from .errors import NotFound\n"
        "import events.store.ledger\n"
        "if TYPE_CHECKING:\n"
        "    from projections.queries import actor_for\n"
        "def later():\n"
        "    from core.cli import audit\n"
    )
    assert sorted(set(imported("events.example", source))) == [
        "core.cli.audit",
        "events.errors",
        "events.roles",
        "events.store.ledger",
        "projections.queries",
    ]
