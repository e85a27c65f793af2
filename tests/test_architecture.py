"""The architecture, read from the imports: capabilities import each other without cycles and in the
allowed directions only (imports under `TYPE_CHECKING` aside; imports inside functions count)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("eventops", "integrations")
# The capabilities that are services: they know nothing of HTTP handlers.
SERVICES = ("accounts", "catalog", "roster", "door", "zoom", "stream", "identity", "attendance", "live")
MAX_ROOT_MODULES = 12


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    """Every module an import names (for `from a import b`, `a.b` when that is a module, else `a`)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from (name for child in node.orelse for name in _imports(child, module, is_package))
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)
        else:
            yield from _imports(node, module, is_package)


@cache
def _files() -> dict[str, Path]:
    """Every module of the project (migration scripts aside) and its file."""
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "versions" not in path.parts
    }


def _named(module: str, path: Path) -> set[str]:
    """Every name a module's imports give (see `_imports`)."""
    return set(_imports(ast.parse(path.read_text(encoding="utf-8")), module, path.name == "__init__.py"))


@cache
def graph() -> dict[str, set[str]]:
    """Module → the project modules it imports."""
    files = _files()
    return {name: {t for t in _named(name, path) if t in files and t != name} for name, path in files.items()}


def capability(module: str) -> str:
    """`eventops.door.scans` → `eventops.door`; a root module is its own node; integrations by client."""
    parts = module.split(".")
    if parts[0] == "eventops" and len(parts) >= 2 and (ROOT / "eventops" / parts[1]).is_dir():
        return ".".join(parts[:2])
    if parts[0] == "integrations" and len(parts) >= 2:
        return ".".join(parts[:2])
    return module


def capability_graph() -> dict[str, set[str]]:
    """Capability → the capabilities it imports."""
    out: dict[str, set[str]] = {}
    for module, targets in graph().items():
        node = capability(module)
        out.setdefault(node, set()).update(capability(t) for t in targets if capability(t) != node)
    return out


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `edges` as a path that returns to its start, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_find_cycle_finds_one_and_accepts_a_tree() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_type_checking_imports_are_left_out_and_function_imports_count() -> None:
    source = (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from eventops import a\n"
        "def f():\n    from eventops import b\n"
    )
    assert set(_imports(ast.parse(source), "eventops.x", False)) >= {"eventops", "eventops.b"}
    assert "eventops.a" not in set(_imports(ast.parse(source), "eventops.x", False))


def test_the_root_holds_only_the_wiring() -> None:
    modules = sorted(p.name for p in (ROOT / "eventops").glob("*.py"))
    assert len(modules) <= MAX_ROOT_MODULES, modules


def test_capabilities_import_each_other_without_cycles() -> None:
    assert find_cycle(capability_graph()) is None


def test_modules_import_each_other_without_cycles() -> None:
    assert find_cycle(graph()) is None


def test_integrations_never_import_eventops() -> None:
    wrong = {
        m: t
        for m, ts in graph().items()
        if m.startswith("integrations")
        for t in ts
        if t.startswith("eventops")
    }
    assert wrong == {}


def test_storage_imports_no_service() -> None:
    assert may_import("storage") & {f"eventops.{service}" for service in SERVICES} == set()
    assert capability_graph()["eventops.storage"] <= may_import("storage")


def may_import(service: str) -> set[str]:
    """What a capability's `__init__` docstring says it may import (the quoted names after "May import:")."""
    doc = ast.get_docstring(
        ast.parse((ROOT / "eventops" / service / "__init__.py").read_text(encoding="utf-8"))
    )
    assert doc is not None and "May import:" in doc, f"eventops.{service} does not say what it may import"
    named = re.findall(r"`([\w.]+)`", doc.split("May import:", 1)[1])
    return {name if name.startswith("integrations.") else f"eventops.{name}" for name in named}


@pytest.mark.parametrize("service", [*SERVICES, "storage"])
def test_capabilities_import_only_what_their_docstring_allows(service: str) -> None:
    imported = capability_graph().get(f"eventops.{service}", set())
    assert imported - may_import(service) == set()


@pytest.mark.parametrize("service", SERVICES)
def test_services_never_import_web(service: str) -> None:
    assert "eventops.web" not in capability_graph().get(f"eventops.{service}", set())


def test_services_speak_no_http_but_for_their_app_resources() -> None:
    speaking = {
        m
        for m, path in _files().items()
        if capability(m).removeprefix("eventops.") in SERVICES
        and any(t.startswith("aiohttp.web") or t == "aiohttp" for t in _named(m, path))
    }
    # The Zoom worker and the stream supervisor are cleanup_ctx generators of the app (and the Zoom client
    # session is aiohttp's): they take the app, never a request.
    assert speaking == {"eventops.zoom.worker", "eventops.stream.supervisor"}
