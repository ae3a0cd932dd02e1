"""The core knows no tracker and no concrete rule (DESIGN §8, issue #11).

Docstrings and comments may name trackers as examples; code may not: no identifier, string
or import under aligner/ says "jira" or "linear", and nothing there imports an adapter or rule.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[1] / "aligner"
TRACKERS = re.compile(r"jira|linear", re.IGNORECASE)


def code_tokens(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every token that is code: comments and docstrings left out."""
    source = path.read_text(encoding="utf-8")
    docstrings = {node.body[0].value.lineno
                  for node in ast.walk(ast.parse(source))
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                                | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)
                  and isinstance(node.body[0].value.value, str)}
    out = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            continue
        if token.type == tokenize.STRING and token.start[0] in docstrings:
            continue
        out.append((token.start[0], token.string))
    return out


MODULES = sorted(CORE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CORE)))
def test_no_tracker_in_core_code(path: Path) -> None:
    found = [f"{path.name}:{line}: {text}" for line, text in code_tokens(path)
             if TRACKERS.search(text)]
    assert not found, "the core names a tracker:\n" + "\n".join(found)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CORE)))
def test_core_imports_no_adapter_or_rule(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [a.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for a in node.names]
    assert not [m for m in imported if m.startswith(("aligner_adapters", "aligner_rules"))]


def test_the_scan_sees_code_strings() -> None:
    tokens = [t for _, t in code_tokens(Path(__file__))]
    assert any("jira|linear" in t for t in tokens)  # this file's own pattern is code
