"""Fixtures for the Jira tests: a fake site per deployment, installed on `responses`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses

from tests.fakes.jira import CLOUD, DATACENTER, FakeJira


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the contract test last, so it sees every request the suite made to the fakes."""
    last = [i for i in items if i.path.name == "test_contract.py" and i.path.parent.name == "jira"]
    items[:] = [i for i in items if i not in last] + last


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture(params=[CLOUD, DATACENTER])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def fake(mode: str, rsps: responses.RequestsMock) -> FakeJira:
    return FakeJira(mode).install(rsps)


@pytest.fixture
def waits() -> list[float]:
    """The sleeps the retry layer asked for (recorded, never slept)."""
    return []
