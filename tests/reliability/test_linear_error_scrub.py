"""Linear's API key never leaks from an error payload, whatever its shape (issue #13, item 6):
a `message` that is a list or an object, the key in `extensions.code`, in
`extensions.userPresentableMessage`, in a key of the payload — on reads and on writes, as a
400, a 401 or a 200 with `errors`. stdout, stderr, raw log records, exception texts, the report
and every file the run left are searched."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

import aligner.cli
from aligner.sync.run import run_sync
from tests.sync.linear_harness import LinearHarness

from .support import invoke
from .test_secrets import TOKEN, RawRecords, exception_texts, raw_logs
from .trackers import AS_OF
from .wire import Fault, Wire

__all__ = ["raw_logs"]

PAYLOADS = {
    "message_list": {"message": ["bad key", f"key {TOKEN} refused"]},
    "message_object": {"message": {"detail": f"key {TOKEN}", "nested": [{"k": TOKEN}]}},
    "extensions_code": {"message": "refused", "extensions": {"code": TOKEN}},
    "user_presentable": {"message": "refused",
                         "extensions": {"code": "INVALID_INPUT",
                                        "userPresentableMessage": f"Your key {TOKEN} is bad"}},
    "key_as_a_field_name": {"message": "refused", "extensions": {TOKEN: "echoed"}},
}


def _body(error: dict[str, Any]) -> str:
    return json.dumps({"data": None, "errors": [error]})


@pytest.mark.parametrize("status", [400, 401, 200])
@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_the_key_appears_nowhere(payload: str, status: int, tmp_path: Path,
                                 raw_logs: RawRecords, monkeypatch: pytest.MonkeyPatch) -> None:
    harness = LinearHarness(tmp_path)
    harness.fake.api_key = TOKEN
    env = {"LINEAR_API_KEY": TOKEN}
    options = {"sleep": lambda s: None, "clock": harness.fake.clock}
    monkeypatch.setattr(aligner.cli, "run_sync", functools.partial(run_sync, options=options))
    wire = Wire.around(harness)
    match = wire.is_write if status == 200 else None  # a 200 with errors: a refused mutation
    fault = Fault("status", status=status, times=10_000, body=_body(PAYLOADS[payload]),
                  **({"match": match} if match else {}))
    produced: list[str] = []
    with wire.add(fault).installed():
        result = invoke("-vv", "sync", "--format", "json", "--output", str(tmp_path / "r.json"),
                        "--state", str(tmp_path / "state.db"), "-c", str(harness.config),
                        "--as-of", AS_OF.isoformat(), env=env)
        assert result.exit_code == 3, result.output  # it did fail
        produced += [result.stdout, result.stderr, *exception_texts(result.exception)]
        try:
            run_sync(harness.config, as_of=AS_OF, env=env, options=options,
                     state_path=tmp_path / "lib.db")
        except BaseException as error:  # every failure's text is searched
            produced += exception_texts(error)
    produced += raw_logs.lines
    for text in produced:
        assert TOKEN not in text, text
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path
