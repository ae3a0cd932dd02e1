"""Concurrency changes the speed, nothing else (#15): `sync --concurrency 1` and the default
send the same requests (as a multiset) and leave every ticket in the same state, on fake Jira
Cloud, Data Center and Linear; the order of one ticket's writes is kept."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from aligner.sync.run import run_sync
from tests.reliability.faults import options
from tests.reliability.trackers import HARNESSES, add_item
from tests.reliability.wire import Wire
from tests.sync.harness import AS_OF, Harness

EXTRA = 45  # with the harness's own items: several write windows and Linear batches


def synced(flavour: str, tmp: Path, concurrency: int) -> tuple[Harness, Wire, list[str]]:
    tmp.mkdir()
    harness = HARNESSES[flavour](tmp)
    keys = [add_item(harness, f"extra work {n}") for n in range(EXTRA)]
    wire = Wire.around(harness)
    with wire.installed():
        outcome = run_sync(harness.config, as_of=AS_OF, env=harness.env(),
                           options=options(harness), state_path=tmp / "state.db",
                           concurrency=concurrency)
        assert outcome.complete, outcome.failed
    return harness, wire, keys


def tickets(harness: Harness, keys: list[str]) -> dict[str, Any]:
    return {key: (sorted(harness.labels(key)), harness.aligner_comments(key))
            for key in keys}


def requests_of(wire: Wire) -> Counter[tuple[str, str, int | str]]:
    return Counter(wire.seen)


@pytest.mark.parametrize("flavour", sorted(HARNESSES))
def test_concurrency_changes_neither_the_requests_nor_the_tickets(
        flavour: str, tmp_path: Path) -> None:
    one, one_wire, keys = synced(flavour, tmp_path / "one", 1)
    many, many_wire, same_keys = synced(flavour, tmp_path / "many", 8)
    assert keys == same_keys
    assert requests_of(one_wire) == requests_of(many_wire)
    assert tickets(one, keys) == tickets(many, keys)
    assert one_wire.writes() >= 4  # several tickets (Jira) or batches (Linear) to write


@pytest.mark.parametrize("flavour", ["jira-cloud", "jira-dc"])
def test_one_tickets_writes_keep_their_order(flavour: str, tmp_path: Path) -> None:
    """Per ticket, the writes arrive in the order a sequential run sends them."""
    def per_ticket(wire: Wire) -> dict[str, list[tuple[str, str]]]:
        found: dict[str, list[tuple[str, str]]] = {}
        for method, path, what in wire.seen:
            if what == "write" and "/issue/" in path:
                key = path.split("/issue/")[1].split("/")[0].split("?")[0]
                kind = "comment" if "/comment" in path else "edit"
                found.setdefault(key, []).append((method, kind))
        return found

    _, one, _ = synced(flavour, tmp_path / "one", 1)
    _, many, _ = synced(flavour, tmp_path / "many", 8)
    assert per_ticket(one) == per_ticket(many)
