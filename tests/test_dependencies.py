"""Every third-party module the code imports comes from a distribution pyproject.toml declares, so that no
import works only because another package happens to pull it in."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"eventops", "integrations", "tests", "bench"}


def _name(requirement: str) -> str:
    """A requirement's distribution name, normalised (PEP 503)."""
    found = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert found is not None, requirement
    return re.sub(r"[-_.]+", "-", found.group()).lower()


def _declared(*extras: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [
        *project["dependencies"],
        *(r for e in extras for r in project["optional-dependencies"][e]),
    ]
    return {_name(r) for r in requirements}


def _imported(*folders: str) -> dict[str, str]:
    """Top-level third-party module → one file that imports it."""
    found: dict[str, str] = {}
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in OURS:
                        found.setdefault(top, str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize(
    ("folders", "extras"), [(("eventops", "integrations"), ()), (("tests", "bench"), ("test",))]
)
def test_every_imported_module_is_declared(folders: tuple[str, ...], extras: tuple[str, ...]) -> None:
    declared = _declared(*extras)
    providers = packages_distributions()
    undeclared = {
        module: where
        for module, where in _imported(*folders).items()
        if not {_name(d) for d in providers.get(module, [module])} & declared
    }
    assert undeclared == {}
