"""Fixtures: a fake Linear on `responses`, and adapters pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import responses

from aligner.plugins.adapter import AdapterContext
from aligner.retry import RetryPolicy
from aligner_adapters.linear import LinearAdapter, LinearSettings
from tests.fakes.linear import FakeLinear


class Sleeper:
    """The injected sleep: records each wait and moves the fake's clock on."""

    def __init__(self, fake: FakeLinear) -> None:
        self.fake = fake
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.fake.sleep(seconds)


@pytest.fixture
def fake() -> FakeLinear:
    return FakeLinear()


@pytest.fixture
def http(fake: FakeLinear) -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake.install(rsps)
        yield rsps


@pytest.fixture
def sleeper(fake: FakeLinear) -> Sleeper:
    return Sleeper(fake)


AdapterFactory = Callable[..., LinearAdapter]


@pytest.fixture
def make_adapter(fake: FakeLinear, http: Any, sleeper: Sleeper) -> AdapterFactory:
    def make(teams: tuple[str, ...] = ("CHK", "PAY"), **settings: Any) -> LinearAdapter:
        config = LinearSettings(api_key_env="LINEAR_API_KEY", teams=list(teams), url=fake.url,
                                **settings)
        policy = RetryPolicy(sleep=sleeper, jitter=lambda: 1.0)
        context = AdapterContext(base_dir=Path("."), env={"LINEAR_API_KEY": fake.api_key},
                                 options={"sleep": sleeper, "clock": fake.clock,
                                          "retry_policy": policy})
        return LinearAdapter(config, context)

    return make
