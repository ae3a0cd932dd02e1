"""Turn what a person pastes into `aligner explain` (a key or a ticket URL) into an item key."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

KEY = re.compile(r"^([A-Za-z][A-Za-z0-9_]*-\d+)(?:-|$)")


def item_key(text: str) -> str:
    """`CHK-12` as given; from a URL the first path segment or query value that starts with
    an issue key (`…/browse/CHK-12`, `…/issue/ENG-42/some-title`, `?selectedIssue=CHK-12`)."""
    text = text.strip()
    if "://" not in text:
        return text
    parts = urlsplit(text)
    candidates = [*parts.path.split("/"), *(v for _, v in parse_qsl(parts.query))]
    for segment in candidates:
        match = KEY.match(segment)
        if match:
            return match.group(1)
    return text
