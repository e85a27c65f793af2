"""Review states are defined once (`ReviewState`) and their stored values never change."""

from __future__ import annotations

import ast
from pathlib import Path

from eventops.identity.matching import MatchReason
from eventops.identity.states import ReviewState
from eventops.storage.models import OnlineSession

PACKAGE = Path(__file__).resolve().parent.parent.parent / "eventops"


def test_stored_values_are_the_ones_in_the_database() -> None:
    assert [s.value for s in ReviewState] == ["pending", "matched", "resolved", "dismissed"]
    assert OnlineSession().review_state == ReviewState.PENDING


def test_a_review_state_is_never_a_match_reason_but_matched() -> None:
    # The matcher's `matched` verdict and the stored `matched` state share a spelling, nothing else.
    assert {s.value for s in ReviewState} & {r.value for r in MatchReason} == {"matched"}


def _literal_states() -> list[str]:
    """`file:line value` of every string constant written to or compared with a review_state."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            values: list[ast.expr] = []
            if isinstance(node, ast.keyword) and node.arg == "review_state":
                values = [node.value]
            elif isinstance(node, ast.Dict):
                values = [v for k, v in zip(node.keys, node.values, strict=True) if _names_state(k)]
            elif isinstance(node, ast.Compare) and any(
                _names_state(e) for e in (node.left, *node.comparators)
            ):
                values = [node.left, *node.comparators]
            found.extend(
                f"{path.relative_to(PACKAGE.parent)}:{v.lineno} {v.value!r}"
                for v in values
                if isinstance(v, ast.Constant) and isinstance(v.value, str) and v.value != "review_state"
            )
    return found


def _names_state(node: ast.expr | None) -> bool:
    return (
        (isinstance(node, ast.Constant) and node.value == "review_state")
        or (isinstance(node, ast.Attribute) and node.attr == "review_state")
        or (isinstance(node, ast.Subscript) and _names_state(node.slice))
    )


def test_no_review_state_is_a_string_literal() -> None:
    assert _literal_states() == []
