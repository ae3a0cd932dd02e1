"""Load YAML while remembering the line of every value, so errors can name it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError

Path_ = tuple[str | int, ...]


@dataclass
class YamlDocument:
    """The parsed data and a map from each path (`("objectives", 2, "team")`) to its line."""

    file: Path
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int:
        """The line of the deepest known node on `path` (1-based)."""
        for depth in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:depth]))
            if line is not None:
                return line
        return 1

    def error(self, path: Path_, message: str) -> ConfigError:
        where = format_path(path)
        prefix = f"{self.file.name}:{self.line_of(path)}: "
        return ConfigError(prefix + (f"{where}: {message}" if where else message))


def format_path(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _build(node: yaml.Node, path: Path_, doc: YamlDocument) -> Any:
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            if key in result:
                doc.lines[(*path, str(key))] = key_node.start_mark.line + 1
                raise doc.error((*path, str(key)), "duplicate key")
            doc.lines[(*path, str(key))] = key_node.start_mark.line + 1
            result[key] = _build(value_node, (*path, str(key)), doc)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(child, (*path, i), doc) for i, child in enumerate(node.value)]
    return _scalar(node)


_LOADER = yaml.SafeLoader("")


def _scalar(node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return _LOADER.construct_object(node, deep=True)
    return f"<{node.tag.rsplit(':', 1)[-1]}>"  # a mapping used as a key: reported as unknown


def load_yaml(file: Path) -> YamlDocument:
    """Parse `file`; a syntax error or duplicate key is a ConfigError naming file and line."""
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{file}: no such file (create one with `aligner init`)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{file}: cannot read: {error}") from None
    doc = YamlDocument(file=file, data=None)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ConfigError(f"{file.name}:{line}: invalid YAML: {problem}") from None
    if root is None:
        raise ConfigError(f"{file.name}:1: the file is empty (expected `version: 1` and a model)")
    doc.data = _build(root, (), doc)
    return doc
