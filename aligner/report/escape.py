"""Escaping, one function per output syntax: Markdown, XML and CSV cells.

Every renderer that puts ticket or model text into one of these syntaxes calls the function
here, so a fix to one syntax's escaping reaches every report and the ticket comment at once.
HTML contexts (the Markdown report's `<summary>`) use `html.escape` from the standard library.
"""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|<>~@&=$])")
_LINE_START = re.compile(r"^(\s*)([-+]|\d+(?=[.)]))")
_AUTOLINK = re.compile(r"(?<=[A-Za-z]):(?=//)|(?<=\w)\.(?=\w)")  # http://, evil.com
# characters XML 1.0 cannot carry at all, even escaped (ticket text may hold them)
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FORMULA_START = ("=", "+", "-", "@")


def escape_markdown(text: str) -> str:
    """Backslash-escape everything Markdown (and Linear's mentions) could interpret.

    Whitespace runs (newlines included) collapse to one space, so no text can start a new
    block or break a table row; list and heading markers are escaped where they could open
    one; `|` is escaped, so the text is safe in a table cell too.
    """
    flat = re.sub(r"\s+", " ", text)
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", flat)
    escaped = _AUTOLINK.sub(lambda m: "\\" + m.group(0), escaped)  # no bare-URL autolinks
    return _LINE_START.sub(_escape_marker, escaped)


def _escape_marker(match: re.Match[str]) -> str:
    lead, marker = match.group(1), match.group(2)
    return f"{lead}\\{marker}" if marker in "-+" else f"{lead}{marker}\\"


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 forbids (ElementTree escapes the rest)."""
    return _NOT_XML.sub("\ufffd", text)


def csv_cell(value: object) -> str:
    """A CSV cell: empty for None; a leading = + - @ neutralised (CSV formula injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in _FORMULA_START else text


_MERMAID_SAFE = re.compile(r"[^\w .,:/+%'-]")


def escape_mermaid(text: str) -> str:
    """Text for a quoted Mermaid label (`n1["…"]`): every character that Mermaid or the
    surrounding Markdown could read as syntax (quotes, `#`, `<`, backticks, brackets, `;`,
    newlines…) becomes a numeric entity code (`#34;`), which Mermaid shows as the character."""
    flat = re.sub(r"\s+", " ", text).strip()
    return _MERMAID_SAFE.sub(lambda m: f"#{ord(m.group(0))};", flat)
