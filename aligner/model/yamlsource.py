"""Load YAML while remembering the line of every value, so errors can name it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from aligner.errors import ConfigError

Path_ = tuple[str | int, ...]


@dataclass
class YamlDocument:
    """The parsed data and a map from each path (`("objectives", 2, "team")`) to its line."""

    file: Path
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    nodes: int = 0  # nodes built so far, aliases counted each time they expand

    def line_of(self, path: Path_) -> int:
        """The line of the deepest known node on `path` (1-based)."""
        for depth in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:depth]))
            if line is not None:
                return line
        return 1

    def error(self, path: Path_, message: str, line: int | None = None) -> ConfigError:
        where = format_path(path)
        prefix = f"{self.file.name}:{line or self.line_of(path)}: "
        return ConfigError(prefix + (f"{where}: {message}" if where else message))


def format_path(path: Path_) -> str:
    out = ""
    for part in path:
        name = str(part)
        if not name.isprintable() or name.strip() != name or not name:
            name = repr(name)  # one line, and a blank or padded key stays visible
        out += f"[{part}]" if isinstance(part, int) else (f".{name}" if out else name)
    return out


MAX_DEPTH = 40  # a model file is a handful of levels deep
MAX_NODES = 200_000  # far above any real model; an alias bomb ("billion laughs") stops here


def _build(node: yaml.Node, path: Path_, doc: YamlDocument,
           active: frozenset[int] = frozenset()) -> Any:
    doc.lines[path] = node.start_mark.line + 1
    doc.nodes += 1
    if id(node) in active:
        raise doc.error(path, "an alias refers to a node that contains it (a recursive anchor)")
    if len(path) > MAX_DEPTH or doc.nodes > MAX_NODES:
        raise doc.error(path, "the document is nested too deeply or expands too far "
                        "(check anchors and aliases)")
    inner = active | {id(node)}
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, path, doc)
            if key in result:
                doc.lines[(*path, str(key))] = key_node.start_mark.line + 1
                raise doc.error((*path, str(key)), "duplicate key")
            doc.lines[(*path, str(key))] = key_node.start_mark.line + 1
            result[key] = _build(value_node, (*path, str(key)), doc, inner)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(child, (*path, i), doc, inner) for i, child in enumerate(node.value)]
    return _scalar(node, path, doc)


_LOADER = yaml.SafeLoader("")


def _scalar(node: yaml.Node, path: Path_, doc: YamlDocument) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        return f"<{node.tag.rsplit(':', 1)[-1]}>"  # a mapping used as a key: reported as unknown
    try:
        return _LOADER.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
        # a bad date (2026-13-45), `!!int abc`, an unknown `!tag` or a `<<` merge key
        reason = getattr(error, "problem", None) or str(error) or type(error).__name__
        if node.tag == "tag:yaml.org,2002:merge":
            reason = "YAML merge keys are not supported; write the keys out"
        raise doc.error(path, f"cannot read {node.value[:80]!r}: {reason}",
                        node.start_mark.line + 1) from None


def load_yaml(file: Path) -> YamlDocument:
    """Parse `file`; a syntax error or duplicate key is a ConfigError naming file and line."""
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{file}: no such file (create one with `aligner init`)") from None
    except OSError as error:
        raise ConfigError(f"{file}: cannot read: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise ConfigError(f"{file.name}:{line}: not UTF-8 text (byte "
                          f"0x{raw[error.start]:02x}); save the file as UTF-8") from None
    return parse_yaml(text, file)


def parse_yaml(text: str, file: Path) -> YamlDocument:
    """Parse YAML text; errors are located in `file` (which need not exist)."""
    doc = YamlDocument(file=file, data=None)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise ConfigError(f"{file.name}:1: invalid YAML: nested too deeply") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ConfigError(f"{file.name}:{line}: invalid YAML: {problem}") from None
    if root is None:
        raise ConfigError(f"{file.name}:1: the file is empty (expected `version: 1` and a model)")
    doc.data = _build(root, (), doc)
    return doc
